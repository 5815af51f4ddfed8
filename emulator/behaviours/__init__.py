"""Extensions the launcher puts in front of moto, in the order they see a request.

Each module exposes ``build() -> Extension``. Add a module and list it in ``ENABLED``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from emulator import lifecycle
from emulator.middleware import Extension
from emulator.strict import strict_enabled

# AWS's time (emulator.lifecycle): off with MLFLOW_EMULATOR_LIFECYCLES=0. First, so expired leftovers are
# gone before a strict rule looks.
LIFECYCLES: tuple[str, ...] = (
    "leftovers",
    "nat_gateways",
    "ecs_lifecycles",
    "target_health",
    "rds_lifecycles",
    "alb_lifecycles",
    "vpc_link_lifecycles",
    "cloudmap_operations",
    "iam_role_propagation",
    "ecs_task_role_launches",
)

# AWS's dependency rules on deletes (emulator.strict), and the capacity settings it refuses; off with
# MLFLOW_EMULATOR_STRICT=0.
STRICT: tuple[str, ...] = (
    "strict_ec2",
    "strict_rds",
    "strict_rds_capacity",
    "strict_ecs",
    "strict_servicediscovery",
    "strict_apigatewayv2",
)

ENABLED: tuple[str, ...] = (
    # Throttling and 5xx on request (MLFLOW_EMULATOR_FAULTS); answers nothing unless asked to.
    "injected_faults",
    *LIFECYCLES,
    "sagemaker_studio",
    "sagemaker_training",
    "sagemaker_endpoints",
    "sagemaker_notebooks",
    "s3_secure_transport",
    "ecs_tags",
    "ecs_services",
    "ecs_fargate_tasks",
    "apigatewayv2_stages",
    "ec2_filters",
    "servicediscovery_aws",
    "codebuild_projects",
    "codebuild_builds",
    "iam_service_linked_roles",
    "scalable_targets",
    *STRICT,
)


def selected(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The enabled extensions, less the strict ones and the lifecycles when the environment turns them off."""
    off = (() if strict_enabled(environ) else STRICT) + (() if lifecycle.enabled(environ) else LIFECYCLES)
    return tuple(name for name in ENABLED if name not in off)


def load(names: tuple[str, ...] = ENABLED) -> list[Extension]:
    return [importlib.import_module(f"emulator.behaviours.{name}").build() for name in names]
