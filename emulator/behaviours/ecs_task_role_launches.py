"""A service cannot launch tasks whose roles IAM has not propagated yet (``iam_role_propagation``).

CreateService and UpdateService accept a task definition naming a role created seconds ago; it is the
service scheduler that then fails to launch its tasks. No task is created, so the deployment circuit breaker
counts nothing: the deployment stays IN_PROGRESS, the service's events say
"service <name> failed to launch a task with (error ECS was unable to assume the role '<role>' ...)", and
the scheduler launches the tasks once the role can be assumed. RunTask refuses such a role outright
(iam_role_propagation).

Without the data plane (which checks the same before it starts a task, emulator/dataplane/ecs.py), the new
PRIMARY deployment is held at no running task, with the previous deployment still ACTIVE, until a
DescribeServices finds the roles propagated; then it is COMPLETED.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Response

from emulator import dataplane, moto_state
from emulator.behaviours.iam_role_propagation import ECS_MESSAGE, unassumable_task_role
from emulator.request import AwsRequest

NAME = "ecs_task_role_launches"
LAUNCH_FAILED = "service {service} failed to launch a task with (error {error})."
_HELD = "_mlflow_unlaunched_role"


def launch_failed_event(service_name: str, role: str) -> str:
    return LAUNCH_FAILED.format(service=service_name, error=ECS_MESSAGE.format(role=role))


def add_event(service: Any, message: str) -> None:
    service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": datetime.now(UTC), "message": message})


def _unassumable(backend: Any, service: Any) -> str | None:
    try:
        definition = backend.describe_task_definition(str(service.task_definition))
    except Exception:  # a deregistered definition: nothing to launch
        return None
    return unassumable_task_role(backend.account_id, definition)


def _hold(backend: Any, service: Any, previous: list[dict[str, Any]]) -> None:
    """The new PRIMARY deployment launches nothing while its roles propagate; the previous one keeps serving."""
    if dataplane.enabled() or not service.deployments or int(service.desired_count or 0) == 0:
        return
    role = _unassumable(backend, service)
    if role is None:
        return
    primary = service.deployments[0]
    primary.update(
        runningCount=0,
        pendingCount=0,
        failedTasks=0,
        rolloutState="IN_PROGRESS",
        rolloutStateReason=f"ECS deployment {primary['id']} in progress.",
    )
    serving = [{**d, "status": "ACTIVE"} for d in previous if d["id"] != primary["id"] and d.get("runningCount")]
    service.deployments = [primary, *serving]
    service.running_count = sum(int(d.get("runningCount") or 0) for d in serving)
    service.pending_count = 0
    setattr(service, _HELD, role)
    add_event(service, launch_failed_event(service.name, role))


def _launch(backend: Any, service: Any) -> None:
    """DescribeServices: a held deployment whose roles can now be assumed has launched its tasks."""
    if _unassumable(backend, service) is not None:
        return
    primary = service.deployments[0]
    primary.update(
        runningCount=service.desired_count,
        rolloutState="COMPLETED",
        rolloutStateReason=f"ECS deployment {primary['id']} completed.",
    )
    service.deployments = [primary]
    service.running_count = service.desired_count
    delattr(service, _HELD)


def _wrap_backend() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    if getattr(EC2ContainerServiceBackend, "_mlflow_role_launches", False):
        return
    create = EC2ContainerServiceBackend.create_service

    def create_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        service = create(self, *args, **kwargs)
        _hold(self, service, [])
        return service

    update = EC2ContainerServiceBackend.update_service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        before = self._get_service(service_properties.get("cluster", "default"), service_properties["service"])
        previous = [dict(deployment) for deployment in before.deployments]
        service = update(self, service_properties)
        if service.deployments and previous and service.deployments[0]["id"] != previous[0]["id"]:
            _hold(self, service, previous)
        elif getattr(service, _HELD, None):  # moto counts a new desired count as running at once
            service.running_count = sum(int(d.get("runningCount") or 0) for d in service.deployments[1:])
        return service

    EC2ContainerServiceBackend.create_service = create_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend._mlflow_role_launches = True  # type: ignore[attr-defined]


class EcsTaskRoleLaunches:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service == "ecs" and request.action == "DescribeServices":
            backend = moto_state.backend("ecs", request)
            for service in list(backend.services.values()):
                if getattr(service, _HELD, None):
                    _launch(backend, service)
        return None


def build() -> EcsTaskRoleLaunches:
    _wrap_backend()
    return EcsTaskRoleLaunches()
