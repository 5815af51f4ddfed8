"""ECS services run for real: tasks of the service's current task definition, rolled on a new revision.

The service's ``runningCount``/``pendingCount``, its deployments' ``rolloutState`` and the tasks'
``lastStatus``/``stoppedReason`` are written into moto's models from what runs. The circuit breaker
counts tasks that stop before they are healthy; at AWS's threshold (half the desired count, at least 3,
at most 200) the deployment is FAILED and, with rollback, the last completed task definition returns.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import sys
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emulator.dataplane.addresses import AddressPool
from emulator.dataplane.task import STOPPED_ESSENTIAL, Container, LocalTask

DEFAULT_TASK_CAP = 2
TASK_CAP_VARIABLE = "MLFLOW_EMULATOR_MAX_TASKS"
REQUIRE_IMAGES_VARIABLE = "MLFLOW_EMULATOR_REQUIRE_IMAGES"


def task_cap() -> int:
    return max(int(os.environ.get(TASK_CAP_VARIABLE, DEFAULT_TASK_CAP)), 0)


@dataclass
class Deployment:
    id: str
    task_definition: str
    created: datetime
    rollout: str = "IN_PROGRESS"
    reason: str = ""
    failed: int = 0
    tasks: list[RunningTask] = field(default_factory=list)
    # The role ECS could not assume when it last tried to launch a task (announced once in the events).
    unassumable_role: str | None = None


@dataclass
class RunningTask:
    local: LocalTask
    model: Any
    registered: bool = False


@dataclass
class ServiceState:
    key: tuple[str, str, str, str]
    deployments: list[Deployment] = field(default_factory=list)
    completed_definition: str | None = None


class EcsDataPlane:
    def __init__(self, pool: AddressPool, workdir: Path, platform_env: dict[str, str]) -> None:
        self.pool = pool
        self.workdir = workdir
        self.platform_env = platform_env
        self.services: dict[tuple[str, str, str, str], ServiceState] = {}
        # Tasks told to stop that have not yet: moto keeps showing their progress to STOPPED.
        self.stopping: list[RunningTask] = []
        # The reconciler's thread and the request that changes a service both edit its deployments.
        self._lock = threading.RLock()

    # -- the reconciler's entry points -------------------------------------------------------
    def reconcile(self, account: str, region: str, backend: Any) -> None:
        with self._lock:
            self._reconcile_all(account, region, backend)

    def service_changed(self, backend: Any, service: Any, force: bool = False) -> None:
        """As on AWS, CreateService/UpdateService answer with the new PRIMARY deployment already IN_PROGRESS."""
        if service.status != "ACTIVE":
            return
        with self._lock:
            key = (backend.account_id, backend.region_name, service.cluster_name, service.name)
            state = self.services.setdefault(key, ServiceState(key=key))
            self._primary(state, service, backend, force)
            self._publish(state, service)

    def _reconcile_all(self, account: str, region: str, backend: Any) -> None:
        live = set()
        for service in list(backend.services.values()):
            if service.status != "ACTIVE" or service.cluster_name not in backend.clusters:
                continue
            key = (account, region, service.cluster_name, service.name)
            live.add(key)
            state = self.services.setdefault(key, ServiceState(key=key))
            self._reconcile_service(state, service, backend)
        for key in [k for k in self.services if k[:2] == (account, region) and k not in live]:
            self._retire(self.services.pop(key), backend, "Service was deleted")
        for task in list(self.stopping):
            sync_model(task)
            if task.local.status == "STOPPED":
                self.stopping.remove(task)

    def tasks(self) -> list[RunningTask]:
        serving = [task for state in self.services.values() for d in state.deployments for task in d.tasks]
        return serving + [task for task in self.stopping if task not in serving]

    def stop_all(self) -> None:
        # All at once: each task's thread stops its own containers.
        for task in self.tasks():
            task.local.stop("Emulator stopped")
        for task in self.tasks():
            task.local.wait()

    # -- one service ---------------------------------------------------------------------------
    def _primary(self, state: ServiceState, service: Any, backend: Any, force: bool = False) -> Deployment:
        """The deployment of the service's task definition: a new one when that changed or one is forced."""
        # AWS reports the full ARN whatever form the caller gave (moto keeps a "family:revision" as is).
        with contextlib.suppress(Exception):  # a deregistered definition keeps its name
            service.task_definition = backend.describe_task_definition(service.task_definition).arn
        primary = state.deployments[0] if state.deployments else None
        if force or primary is None or primary.task_definition != service.task_definition:
            primary = Deployment(
                id=f"ecs-svc/{uuid.uuid4().int % 10**19}", task_definition=service.task_definition, created=_now()
            )
            state.deployments.insert(0, primary)
        return primary

    def _reconcile_service(self, state: ServiceState, service: Any, backend: Any) -> None:
        primary = self._primary(state, service, backend)
        self._collect_stopped(state, backend, service)
        desired = min(int(service.desired_count), task_cap())
        if primary.rollout == "IN_PROGRESS" and primary.failed >= _threshold(int(service.desired_count)):
            self._fail(state, primary, service)
        if primary.rollout != "FAILED":
            self._scale(state, primary, service, backend, desired)
        healthy = [t for t in primary.tasks if t.local.healthy]
        if primary.rollout != "FAILED" and len(healthy) >= desired:
            primary.rollout = "COMPLETED"
            primary.reason = f"ECS deployment {primary.id} completed."
            state.completed_definition = primary.task_definition
            for old in state.deployments[1:]:
                self._retire_deployment(old, backend, "Scaling activity initiated by (deployment " + primary.id + ")")
            state.deployments = [primary]
        self._publish(state, service)

    def _scale(self, state: ServiceState, deployment: Deployment, service: Any, backend: Any, desired: int) -> None:
        if len(deployment.tasks) < desired and self._launch_refused(state, deployment, backend):
            return
        while len(deployment.tasks) < desired:
            deployment.tasks.append(self._start_task(deployment, service, backend))
        for extra in deployment.tasks[desired:]:
            extra.local.stop("Scaling activity initiated by (deployment " + deployment.id + ")")

    def _launch_refused(self, state: ServiceState, deployment: Deployment, backend: Any) -> bool:
        """ECS cannot launch a task whose roles IAM has not propagated: an event, no task, nothing for the
        circuit breaker to count; the next tick tries again."""
        from emulator.behaviours.ecs_task_role_launches import launch_failed_event
        from emulator.behaviours.iam_role_propagation import unassumable_task_role

        definition = backend.describe_task_definition(deployment.task_definition)
        role = unassumable_task_role(backend.account_id, definition)
        if role is not None and role != deployment.unassumable_role:
            _event(backend, state, launch_failed_event(state.key[3], role))
        deployment.unassumable_role = role
        return role is not None

    def _fail(self, state: ServiceState, deployment: Deployment, service: Any) -> None:
        deployment.rollout = "FAILED"
        deployment.reason = "ECS deployment circuit breaker: tasks failed to start."
        rollback = (getattr(service, "deployment_configuration", None) or {}).get("deploymentCircuitBreaker", {})
        if (
            rollback.get("rollback")
            and state.completed_definition
            and state.completed_definition != deployment.task_definition
        ):
            deployment.reason += f" Rolling back to {state.completed_definition}."
            service.task_definition = state.completed_definition
        for task in deployment.tasks:
            task.local.stop("Deployment failed: circuit breaker")

    def _collect_stopped(self, state: ServiceState, backend: Any, service: Any) -> None:
        from moto.backends import get_backend

        for deployment in state.deployments:
            for task in list(deployment.tasks):
                sync_model(task)
                if task.local.stopped_reason and task.registered:
                    self._set_registration(task, service, get_backend("elbv2")[state.key[0]][state.key[1]], False)
                if task.local.status != "STOPPED":
                    continue
                if not task.local.stopped_reason.startswith(("Scaling activity", "Deployment failed", "Service was")):
                    deployment.failed += 1
                    _event(
                        backend,
                        state,
                        f"(service {state.key[3]}) (task {task.local.task_id}) stopped: {task.local.stopped_reason}",
                    )
                deployment.tasks.remove(task)

    def _retire_deployment(self, deployment: Deployment, backend: Any, reason: str) -> None:
        self.stopping.extend(deployment.tasks)
        for task in deployment.tasks:
            task.local.stop(reason)
            sync_model(task)
            service = backend.services.get(f"{task.model.cluster_name}:{task.model.group.removeprefix('service:')}")
            if task.registered and service is not None:
                from moto.backends import get_backend

                self._set_registration(
                    task, service, get_backend("elbv2")[backend.account_id][backend.region_name], False
                )

    def _retire(self, state: ServiceState, backend: Any, reason: str) -> None:
        for deployment in state.deployments:
            self._retire_deployment(deployment, backend, reason)
        for deployment in state.deployments:
            for task in deployment.tasks:
                task.local.wait()
                sync_model(task)

    def _start_task(self, deployment: Deployment, service: Any, backend: Any) -> RunningTask:
        from moto.ecs.models import Task

        definition = backend.describe_task_definition(deployment.task_definition)
        cluster = backend.clusters[service.cluster_name]
        model = Task(
            cluster,
            definition,
            None,
            None,
            backend,
            group=f"service:{service.name}",
            launch_type="FARGATE",
            started_by=deployment.id,
            networking_configuration=service.network_configuration or None,
            platform_version="1.4.0",
        )
        model._transitions = []  # before DescribeTasks can see it: moto's clock must never move it
        backend.tasks.setdefault(cluster.name, {})[model.task_arn] = model
        return self.start_local(model, definition.container_definitions, backend)

    def start_local(self, model: Any, containers: list[dict[str, Any]], backend: Any) -> RunningTask:
        """Run ``model``'s containers here; from now on the data plane, not moto's clock, moves its status."""
        model._transitions = []
        local = LocalTask(
            task_id=model.id,
            definition={"containerDefinitions": containers},
            address=self.pool.address("task", model.task_arn),
            workdir=self.workdir / model.id,
            account=backend.account_id,
            region=backend.region_name,
            platform_env=self.platform_env,
            # Off until images are built into the emulator's ECR (CodeBuild); then the default.
            require_images=os.environ.get(REQUIRE_IMAGES_VARIABLE, "1") != "0",
        )
        local.start()
        running = RunningTask(local=local, model=model)
        sync_model(running)
        return running

    def _register_targets(self, state: ServiceState, service: Any) -> None:
        """As ECS does: a task joins the service's target groups once RUNNING, leaves them when stopping."""
        from moto.backends import get_backend

        elbv2 = get_backend("elbv2")[state.key[0]][state.key[1]]
        for task in (t for d in state.deployments for t in d.tasks):
            wanted = task.local.status == "RUNNING" and not task.local.stopped_reason
            if wanted != task.registered:
                self._set_registration(task, service, elbv2, wanted)

    def _set_registration(self, task: RunningTask, service: Any, elbv2: Any, register: bool) -> None:
        address = _eni_address(task.model)
        for balancer in service.load_balancers:
            group = elbv2.target_groups.get(balancer.get("targetGroupArn"))
            if group is None or address is None:
                continue
            target = {"Id": address, "Port": int(balancer.get("containerPort") or group.port)}
            if register:
                group.register([target])
            elif address in group.targets:
                group.deregister([target])
        self.pool.alias(address or "", task.local.address if register else None)
        task.registered = register

    def _publish(self, state: ServiceState, service: Any) -> None:
        self._register_targets(state, service)
        running = sum(1 for d in state.deployments for t in d.tasks if t.local.status == "RUNNING")
        pending = sum(1 for d in state.deployments for t in d.tasks if t.local.status in ("PROVISIONING", "PENDING"))
        service.running_count = running
        service.pending_count = pending
        service.deployments = [_deployment_view(d, service, index == 0) for index, d in enumerate(state.deployments)]


def _deployment_view(deployment: Deployment, service: Any, primary: bool) -> dict[str, Any]:
    return {
        "id": deployment.id,
        "status": "PRIMARY" if primary else "ACTIVE",
        "taskDefinition": deployment.task_definition,
        "desiredCount": service.desired_count if primary else 0,
        "pendingCount": sum(1 for t in deployment.tasks if t.local.status in ("PROVISIONING", "PENDING")),
        "runningCount": sum(1 for t in deployment.tasks if t.local.status == "RUNNING"),
        "failedTasks": deployment.failed,
        "createdAt": deployment.created,
        "updatedAt": _now(),
        "launchType": "FARGATE",
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "networkConfiguration": service.network_configuration or None,
        "rolloutState": deployment.rollout,
        "rolloutStateReason": deployment.reason or f"ECS deployment {deployment.id} in progress.",
    }


def sync_model(task: RunningTask) -> None:
    model, local = task.model, task.local
    model._status = local.status
    model.desired_status = "STOPPED" if local.stopped_reason else "RUNNING"
    model.stopped_reason = local.stopped_reason
    model.health_status = "HEALTHY" if local.healthy else "UNKNOWN"
    model.containers = [_container_view(model, container) for container in local.containers.values()]
    if local.stopped_reason and not getattr(model, "stop_code", None):
        model.stop_code = _stop_code(local.stopped_reason)
        model.stopping_at = _now()
    if local.status == "STOPPED" and not getattr(model, "stopped_at", None):
        model.stopped_at = model.execution_stopped_at = _now()
    if local.status == "STOPPED" and local.workdir.is_dir():
        # Logs stay beside the emulator's for a post-mortem; the rest of the task's files go.
        for child in local.workdir.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)


def _container_view(model: Any, container: Container) -> dict[str, Any]:
    """A task's container as DescribeTasks shows it: exitCode only once the container has exited."""
    view: dict[str, Any] = {
        "containerArn": f"arn:aws:ecs:{model.region_name}:{model._account_id}:container/"
        f"{model.cluster_name}/{model.id}/{container.name}",
        "taskArn": model.task_arn,
        "name": container.name,
        "image": container.definition.get("image"),
        "lastStatus": container.status,
        "healthStatus": container.health if container.definition.get("healthCheck") else "UNKNOWN",
    }
    if container.exit_code is not None:
        view["exitCode"] = container.exit_code
    return view


def _stop_code(reason: str) -> str:
    # ECS's stopCode for each way a task of the data plane stops.
    if reason == STOPPED_ESSENTIAL:
        return "EssentialContainerExited"
    if reason.startswith(("CannotPull", "ResourceInitializationError", "CannotStart", "InternalError")):
        return "TaskFailedToStart"
    if reason.startswith(("Scaling activity", "Deployment failed", "Service was", "Task failed container health")):
        return "ServiceSchedulerInitiated"
    return "UserInitiated"


def _event(backend: Any, state: ServiceState, message: str) -> None:
    service = backend.services.get(f"{state.key[2]}:{state.key[3]}")
    if service is not None:
        service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _now(), "message": message})


def _eni_address(model: Any) -> str | None:
    for attachment in model.attachments:
        for detail in attachment.get("details", []):
            if detail.get("name") == "privateIPv4Address":
                return str(detail["value"])
    return None


def _threshold(desired: int) -> int:
    return min(200, max(3, math.ceil(desired * 0.5)))


def _now() -> datetime:
    return datetime.now(UTC)


def platform_environment(emulator_url: str, region: str = "us-east-1") -> dict[str, str]:
    """What the Fargate platform gives every container: the region, and AWS (here: the emulator)."""
    return {
        "PATH": os.pathsep.join(
            [
                str(Path(sys.executable).parent),
                "/usr/local/sbin",
                "/usr/local/bin",
                "/usr/sbin",
                "/usr/bin",
                "/sbin",
                "/bin",
            ]
        ),
        "HOME": str(Path.home()),
        "LANG": "C.UTF-8",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ENDPOINT_URL": emulator_url,
        # The task role's credentials: the emulator accepts any.
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }
