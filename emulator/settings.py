"""moto settings the stack needs (docs/architecture.md, "The emulator"); set before moto is imported."""

from __future__ import annotations

import os

MOTO_SETTINGS = {
    # AWS-managed policies (AmazonECSTaskExecutionRolePolicy, ...) exist only when loaded.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    # ECS services report this many running tasks, as a stable service with desired 2 would.
    "MOTO_ECS_SERVICE_RUNNING": "2",
}


def apply() -> None:
    from emulator import dataplane

    for key, value in MOTO_SETTINGS.items():
        os.environ.setdefault(key, value)
    if dataplane.enabled():
        # Running counts come from the tasks that really run (emulator.dataplane.ecs).
        os.environ["MOTO_ECS_SERVICE_RUNNING"] = "0"
