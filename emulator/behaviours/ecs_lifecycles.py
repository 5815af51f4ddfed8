"""ECS on AWS's time: the service-linked role propagates, services drain, tasks take a while to stop.

- The first CreateCluster of an account creates the ECS service-linked role; until it has propagated
  (``ecs_slr_propagation``), CreateService fails with AWS's InvalidParameterException.
- DeleteService leaves the service ``DRAINING`` for its draining time (``ecs_service_drain``) before it is
  ``INACTIVE`` (moto makes it INACTIVE at once).
- While a deleted service drains its tasks are still active: DeleteCluster fails with
  ClusterContainsTasksException until the service is INACTIVE.
- UpdateService with a new task definition (or forceNewDeployment) starts a new PRIMARY deployment of the
  definition's full ARN (moto keeps showing the first); without the data plane it completes at once.
- A task of RunTask (a one-off task: the schema migration, gc), without the data plane, has run at once: every
  container exited 0 and the task is STOPPED (moto leaves it RUNNING forever). The data plane runs them.
"""

from __future__ import annotations

import uuid
from typing import Any

from werkzeug.wrappers import Response

from emulator import dataplane, moto_state
from emulator.lifecycle import ENGINE, PENDING
from emulator.request import AwsRequest
from emulator.responses import json_error

NAME = "ecs_lifecycles"
SLR = "ecs_slr_propagation"
DRAIN = "ecs_service_drain"


def _wrap_backend() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    if getattr(EC2ContainerServiceBackend, "_mlflow_lifecycle", False):
        return
    delete = EC2ContainerServiceBackend.delete_service

    def delete_service(self: Any, cluster_name: str, service_name: str, force: bool) -> Any:
        service = delete(self, cluster_name, service_name, force)
        service.status = "DRAINING"
        ENGINE.track(DRAIN, service.arn)
        return service

    EC2ContainerServiceBackend.delete_service = delete_service  # type: ignore[method-assign]
    update = EC2ContainerServiceBackend.update_service

    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        force = bool(service_properties.get("force_new_deployment"))
        before = self._get_service(service_properties.get("cluster", "default"), service_properties["service"])
        previous = str(before.task_definition)
        service = update(self, service_properties)
        _new_deployment(self, service, previous, force)
        return service

    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]
    run = EC2ContainerServiceBackend.run_task

    def run_task(self: Any, *args: Any, **kwargs: Any) -> Any:
        tasks = run(self, *args, **kwargs)
        if not dataplane.enabled():
            for task in tasks:
                _ran_to_completion(self, task)
        return tasks

    EC2ContainerServiceBackend.run_task = run_task  # type: ignore[method-assign]
    EC2ContainerServiceBackend._mlflow_lifecycle = True  # type: ignore[attr-defined]


def _ran_to_completion(backend: Any, task: Any) -> None:
    """Nothing runs without the data plane: as with services, the task is done at once, and succeeded."""
    from moto.core.utils import utcnow

    definition = backend.describe_task_definition(task.task_definition_arn)
    task._transitions = []
    task._status = "STOPPED"
    task.desired_status = "STOPPED"
    task.stopped_reason = "Essential container in task exited"
    task.stop_code = "EssentialContainerExited"
    task.stopping_at = task.stopped_at = task.execution_stopped_at = utcnow()
    task.containers = [
        {
            "containerArn": f"arn:aws:ecs:{task.region_name}:{task._account_id}:container/"
            f"{task.cluster_name}/{task.id}/{container['name']}",
            "taskArn": task.task_arn,
            "name": container["name"],
            "image": container.get("image"),
            "lastStatus": "STOPPED",
            "exitCode": 0,
        }
        for container in definition.container_definitions
    ]


def _new_deployment(backend: Any, service: Any, previous: str, force: bool) -> None:
    """A new task definition (or forceNewDeployment) is a new PRIMARY deployment of its full ARN, as on ECS;
    moto keeps showing the first one. Without the data plane nothing runs, so, as moto models the service's
    counts, it is complete at once. The data plane, when on, makes its own deployments."""
    from moto.core.utils import utcnow

    service.task_definition = _arn(backend, str(service.task_definition))
    if dataplane.enabled() or not service.deployments:
        return
    if service.task_definition == _arn(backend, previous) and not force:
        return
    deployment_id = f"ecs-svc/{uuid.uuid4().int % 10**19}"
    service.deployments = [
        {
            **service.deployments[0],
            "id": deployment_id,
            "taskDefinition": service.task_definition,
            "desiredCount": service.desired_count,
            "runningCount": service.desired_count,
            "pendingCount": 0,
            "createdAt": utcnow(),
            "updatedAt": utcnow(),
            "rolloutState": "COMPLETED",
            "rolloutStateReason": f"ECS deployment {deployment_id} completed.",
        }
    ]


def _arn(backend: Any, task_definition: str) -> str:
    try:
        return str(backend.describe_task_definition(task_definition).arn)
    except Exception:  # a deregistered or unknown definition keeps the name it was given
        return task_definition


def _account(request: AwsRequest) -> str:
    return moto_state.account_id(request)


def _creates_role(request: AwsRequest) -> bool:
    """The first CreateCluster, or CreateServiceLinkedRole for ECS, starts the role's propagation."""
    if request.service == "iam" and request.action == "CreateServiceLinkedRole":
        return request.form().get("AWSServiceName") == "ecs.amazonaws.com"
    return request.service == "ecs" and request.action == "CreateCluster"


def create_service(request: AwsRequest) -> Response | None:
    if ENGINE.known(SLR, _account(request)) and ENGINE.lingering(SLR, _account(request)):
        return json_error(
            "InvalidParameterException",
            "Unable to assume the service linked role. Please verify that the ECS service linked role exists.",
        )
    return None


def describe_services(request: AwsRequest) -> None:
    """Draining services the clock has passed (and a client saw DRAINING) become INACTIVE."""
    for service in list(moto_state.backend("ecs", request).services.values()):
        if service.status == "DRAINING" and ENGINE.observe(DRAIN, service.arn) != PENDING:
            service.status = "INACTIVE"


def delete_cluster(request: AwsRequest) -> Response | None:
    cluster = str(request.json().get("cluster", "default")).rsplit("/", 1)[-1]
    draining = [
        service
        for service in list(moto_state.backend("ecs", request).services.values())
        if service.cluster_name == cluster and service.status == "DRAINING"
    ]
    for service in draining:
        if not ENGINE.lingering(DRAIN, service.arn):
            service.status = "INACTIVE"
    if any(service.status == "DRAINING" for service in draining):
        return json_error("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
    return None


class EcsLifecycles:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if _creates_role(request) and not ENGINE.known(SLR, _account(request)):
            ENGINE.track(SLR, _account(request))
        if request.service != "ecs":
            return None
        if request.action == "CreateService":
            return create_service(request)
        if request.action == "DeleteCluster":
            return delete_cluster(request)
        if request.action == "DescribeServices":
            describe_services(request)
        return None


def build() -> EcsLifecycles:
    _wrap_backend()
    return EcsLifecycles()
