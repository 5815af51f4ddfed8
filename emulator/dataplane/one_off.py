"""One-off ECS tasks (RunTask) run for real, as the services' tasks do, until their essential container exits.

moto creates the task (its ENI, its ARN) and the data plane runs its containers with the RunTask
``overrides.containerOverrides`` applied (command, environment). The task goes PROVISIONING ->
PENDING -> RUNNING -> STOPPED; DescribeTasks shows each container's exitCode and the task's stopCode
and stoppedReason as ECS reports them. StopTask stops the containers (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import copy
from typing import Any

from emulator.dataplane.ecs import EcsDataPlane, RunningTask, sync_model

USER_STOP_REASON = "Task stopped by user"


class OneOffTasks:
    def __init__(self, ecs: EcsDataPlane) -> None:
        self.ecs = ecs
        self.running: dict[str, RunningTask] = {}

    def start(self, backend: Any, models: list[Any]) -> None:
        for model in models:
            definition = backend.describe_task_definition(model.task_definition_arn)
            containers = with_overrides(definition.container_definitions, model.overrides)
            self.running[model.task_arn] = self.ecs.start_local(model, containers, backend)
            model._status = "PROVISIONING"  # what RunTask answers; the next sync shows where it is now

    def stop(self, task_arn: str, reason: str) -> RunningTask | None:
        task = self.running.get(task_arn)
        if task is not None:
            task.local.stop(reason or USER_STOP_REASON)
            sync_model(task)
        return task

    def reconcile(self) -> None:
        for arn, task in list(self.running.items()):
            sync_model(task)
            if task.local.status == "STOPPED":
                del self.running[arn]  # moto keeps the stopped task's model for DescribeTasks

    def tasks(self) -> list[RunningTask]:
        return list(self.running.values())

    def stop_all(self) -> None:
        for task in self.tasks():
            task.local.stop("Emulator stopped")
        for task in self.tasks():
            task.local.wait()


def with_overrides(containers: list[dict[str, Any]], overrides: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The containers as RunTask runs them: an override's command replaces, its environment adds or replaces."""
    result = copy.deepcopy(containers)
    by_name = {container["name"]: container for container in result}
    for override in (overrides or {}).get("containerOverrides", []):
        container = by_name.get(override.get("name", ""))
        if container is None:
            continue
        if override.get("command"):
            container["command"] = list(override["command"])
        if override.get("environment"):
            environment = {item["name"]: item["value"] for item in container.get("environment", [])}
            environment.update({item["name"]: item["value"] for item in override["environment"]})
            container["environment"] = [{"name": key, "value": value} for key, value in environment.items()]
    return result


def install(tasks: OneOffTasks) -> None:
    """RunTask and StopTask of moto's backend, for this process, reach the data plane."""
    from moto.ecs.models import EC2ContainerServiceBackend

    run_task = getattr(EC2ContainerServiceBackend.run_task, "__wrapped__", EC2ContainerServiceBackend.run_task)
    stop_task = getattr(EC2ContainerServiceBackend.stop_task, "__wrapped__", EC2ContainerServiceBackend.stop_task)

    def run(backend: Any, *args: Any, **kwargs: Any) -> Any:
        models = run_task(backend, *args, **kwargs)
        tasks.start(backend, models)
        return models

    def stop(backend: Any, cluster: str, task: str, reason: str) -> Any:
        model = stop_task(backend, cluster, task, reason)
        # moto says STOPPED at once; ECS (and so the model, once synced) says what the containers do.
        tasks.stop(model.task_arn, reason)
        return model

    run.__wrapped__ = run_task  # type: ignore[attr-defined]
    stop.__wrapped__ = stop_task  # type: ignore[attr-defined]
    EC2ContainerServiceBackend.run_task = run  # type: ignore[method-assign]
    EC2ContainerServiceBackend.stop_task = stop  # type: ignore[method-assign]
