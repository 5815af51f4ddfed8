"""Fargate tasks whose containers leave memory to the task run, as on AWS.

On Fargate the task-level ``memory`` is enough and container ``memory`` is optional; moto's RunTask sums
the containers' memory for EC2 placement and fails with a 500 on a container without it. Placement
needs no sum on Fargate: a container without memory counts as none.
"""

from __future__ import annotations

from typing import Any

from emulator.model_patches import ModelPatches

NAME = "ecs_fargate_tasks"


def _wrap_models() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    if getattr(EC2ContainerServiceBackend, "_mlflow_fargate_memory", False):
        return
    calculate = EC2ContainerServiceBackend._calculate_task_resource_requirements

    def requirements(task_definition: Any) -> dict[str, Any]:
        if all(_has_memory(container) for container in task_definition.container_definitions):
            return dict(calculate(task_definition))
        return {"CPU": 0, "MEMORY": 0, "PORTS": [], "PORTS_UDP": []}

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(requirements)  # type: ignore[method-assign,assignment]
    EC2ContainerServiceBackend._mlflow_fargate_memory = True  # type: ignore[attr-defined]


def _has_memory(container: dict[str, Any]) -> bool:
    return any(container.get(key) is not None for key in ("memory", "memoryReservation", "Memory", "MemoryReservation"))


def build() -> ModelPatches:
    _wrap_models()
    return ModelPatches(NAME)
