# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack's resource names (docs/naming.md): the one place they are built.

Roles, delete paths, the outputs, the tests and the molecule scenarios all read them from here, so a
teardown can never look for a name the deploy did not use.
"""

from __future__ import annotations

STACK_TAG = "mlflow:stack"
SUBNET_TIER_TAG = "mlflow:subnet-tier"
ROLES = ("execution_role", "task_role", "build_role", "sagemaker_role", "gc_scheduler_role")


def stack_names(stack: str, account: str = "", region: str = "", partition: str = "aws") -> dict[str, str | None]:
    """Every name of docs/naming.md for ``stack``; those that need the account or region are None without them."""
    s = stack
    scoped = bool(account and region)
    names: dict[str, str | None] = {
        "stack": s,
        "vpc": s,
        "igw": f"{s}-igw",
        "route_table_public": f"{s}-public",
        "route_table_private_prefix": f"{s}-private-",
        "nat_prefix": f"{s}-nat-",
        "subnet_prefix": f"{s}-",
        "route_table_isolated": f"{s}-isolated",
        "security_group_vpclink": f"{s}-vpclink",
        "security_group_alb": f"{s}-alb",
        "security_group_service": f"{s}-service",
        "security_group_db": f"{s}-db",
        "security_group_studio": f"{s}-studio",
        "db_subnet_group": f"{s}-db",
        "db_cluster": f"{s}-db",
        "db_instance": f"{s}-db-writer",
        "db_final_snapshot_prefix": f"{s}-db-final-",
        # + "<from>-to-<to>", the versions' dots as hyphens: taken before an MLflow upgrade migrates the schema.
        "db_upgrade_snapshot_prefix": f"{s}-db-upgrade-",
        "db_secret": f"{s}/db-credentials",
        "bucket": f"{s}-artifacts-{account}-{region}" if scoped else None,
        "builds_bucket": f"{s}-builds-{account}-{region}" if scoped else None,
        "build_project": f"{s}-images",
        "build_role": f"{s}-codebuild",
        "build_log_group": f"/aws/codebuild/{s}-images",
        "repository_nginx": f"{s}/nginx",
        "repository_mlflow": f"{s}/mlflow",
        # MLflow's model serving image for SageMaker endpoints (files/mlflow-serving).
        "repository_serving": f"{s}/mlflow-pyfunc",
        "mlflow_secret": f"{s}/mlflow-credentials",
        "mlflow_flask_secret": f"{s}/mlflow-flask-key",
        "mlflow_sagemaker_secret": f"{s}/mlflow-sagemaker-credentials",
        "service_log_group": f"/mlflow/{s}/service",
        "execution_role": f"{s}-task-execution",
        "task_role": f"{s}-task",
        "namespace": f"{s}.mlflow.internal",
        "discovery_service": "mlflow",
        "ecs_cluster": s,
        "task_family": f"{s}-mlflow",
        "gc_task_family": f"{s}-mlflow-gc",
        "migrate_task_family": f"{s}-mlflow-migrate",
        # Schedules cannot be tagged: the stack's schedule group carries the tag.
        "gc_schedule_group": s,
        "gc_schedule": f"{s}-mlflow-gc",
        "gc_scheduler_role": f"{s}-gc-scheduler",
        "ecs_service": f"{s}-mlflow",
        "alb": f"{s}-alb",
        "target_group": f"{s}-tg",
        "scaling_resource": f"service/{s}/{s}-mlflow",
        "scaling_policy": f"{s}-cpu-target",
        "schedule_start": f"{s}-mlflow-start",
        "schedule_stop": f"{s}-mlflow-stop",
        "vpc_link": f"{s}-vpclink",
        "api": f"{s}-api",
        "api_log_group": f"/mlflow/{s}/http-api",
        "sagemaker_role": f"{s}-sagemaker-execution",
        "studio_domain": f"{s}-studio",
        "notebook_instance": f"{s}-notebook",
        "notebook_lifecycle_config": f"{s}-notebook-mlflow",
        "parameter_path": f"/mlflow/{s}",
        "bucket_arn": f"arn:{partition}:s3:::{s}-artifacts-{account}-{region}" if scoped else None,
    }
    for role in ROLES:  # each role's ARN, from its name above
        names[f"{role}_arn"] = f"arn:{partition}:iam::{account}:role/{names[role]}" if account else None
    return names
