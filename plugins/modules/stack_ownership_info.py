#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: stack_ownership_info
short_description: Tell which resources of the stack's names really belong to the stack
version_added: 0.2.0
description:
  - Looks up resources by kind and name and reads each one's own tags, to tell whether it carries
    C(mlflow:stack) with the stack's name.
  - The teardown deletes only what this module reports as owned, so that a resource of another team that
    happens to carry one of the stack's names (a typo in the stack name, a generic name such as C(prod)) is
    left alone.
  - A missing resource is not an error; it is simply not in the result.
  - Read only; never changes anything.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  stack:
    description:
      - The stack name the C(mlflow:stack) tag must carry.
    type: str
    required: true
  resources:
    description:
      - The resources to look up.
    type: list
    elements: dict
    required: true
    suboptions:
      kind:
        description:
          - What the name names.
          - V(ecs_service) takes C(<cluster>/<service>); V(ecs_task_definition) a family, and finds every active
            revision; V(rds_db_cluster_snapshots) a cluster identifier, and finds its manual snapshots;
            V(ssm_parameters) a path, and finds every parameter below it; V(sagemaker_endpoints),
            V(sagemaker_endpoint_configs) and V(sagemaker_models) a part of a name, and find every one whose name
            contains it (an empty string matches every one in the region).
        type: str
        required: true
        choices:
          - codebuild_project
          - ecs_cluster
          - ecs_service
          - ecs_task_definition
          - elbv2_load_balancer
          - elbv2_target_group
          - logs_log_group
          - iam_role
          - ecr_repository
          - secretsmanager_secret
          - s3_bucket
          - scheduler_schedule_group
          - rds_db_subnet_group
          - rds_db_cluster
          - rds_db_cluster_snapshots
          - ssm_parameters
          - sagemaker_notebook_instance
          - sagemaker_notebook_lifecycle_config
          - sagemaker_endpoints
          - sagemaker_endpoint_configs
          - sagemaker_models
      name:
        description: The name, family, cluster identifier, path or part of a name to look up.
        type: str
        required: true
  warn:
    description:
      - Emit a warning for every resource found that is not the stack's, naming it and why.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find which of the stack's names are the stack's
  mlops.mlflow_aws.stack_ownership_info:
    stack: mlflow
    resources:
      - {kind: elbv2_load_balancer, name: mlflow-alb}
      - {kind: ecr_repository, name: mlflow/nginx}
  register: ownership

- name: Delete the load balancer only when it is the stack's
  amazon.aws.elb_application_lb:
    name: mlflow-alb
    state: absent
  when: "'mlflow-alb' in ownership.owned.elbv2_load_balancer"
"""

RETURN = r"""
resources:
  description: Every resource found, owned or not.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: The kind looked up.
      type: str
      sample: ecr_repository
    query:
      description: The name it was looked up by.
      type: str
      sample: mlflow/nginx
    name:
      description: The resource's own name (a task definition C(family:revision), a snapshot or parameter name).
      type: str
      sample: mlflow/nginx
    arn:
      description: The resource's ARN.
      type: str
      sample: arn:aws:ecr:us-east-1:123456789012:repository/mlflow/nginx
    tags:
      description:
        - The resource's tags.
        - For a parameter of the stack (V(ssm_parameters)), only C(mlflow:stack), because SSM names the stack's own
          in one tag-filtered request; the tags of the others are read one by one.
      type: dict
      sample: {"mlflow:stack": "mlflow"}
    owned:
      description: Whether it carries C(mlflow:stack) with the stack's name.
      type: bool
      sample: true
    reason:
      description: Why it is not the stack's; empty when it is.
      type: str
      sample: it has no mlflow:stack tag
owned:
  description: The names of the owned resources, per kind (every kind is present, possibly with an empty list).
  returned: always
  type: dict
  sample: {"ecr_repository": ["mlflow/nginx"], "iam_role": []}
skipped:
  description: The resources found that are not the stack's, each with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{"kind": "iam_role", "name": "mlflow-task", "reason": "it has no mlflow:stack tag, so it is not stack mlflow's"}]
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.ownership import KINDS, ownership_info


def main() -> None:
    argument_spec = dict(
        stack=dict(type="str", required=True),
        resources=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                kind=dict(type="str", required=True, choices=KINDS),
                name=dict(type="str", required=True),
            ),
        ),
        warn=dict(type="bool", default=True),
    )
    run_info_module(ownership_info, argument_spec)


if __name__ == "__main__":
    main()
