#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: application_autoscaling_scalable_target
short_description: Register or deregister an Application Auto Scaling scalable target
version_added: 0.1.0
description:
  - Registers a scalable target (such as the desired count of an ECS service) with its capacity range,
    or deregisters it.
  - M(community.aws.application_autoscaling_policy) registers the target of a policy it creates, but
    with O(state=absent) removes only the policy and leaves the target behind; this module removes it.
  - Deregistering a target also deletes its remaining scaling policies and scheduled actions.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  min_capacity:
    description:
      - The lowest capacity scaling may set. Required with O(state=present).
    type: int
  max_capacity:
    description:
      - The highest capacity scaling may set. Required with O(state=present).
    type: int
  state:
    description:
      - Whether the scalable target should be registered.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - mlops.mlflow_aws.scalable_target
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Scale the MLflow service between 2 and 6 tasks
  mlops.mlflow_aws.application_autoscaling_scalable_target:
    service_namespace: ecs
    resource_id: service/mlflow/mlflow-mlflow
    scalable_dimension: ecs:service:DesiredCount
    min_capacity: 2
    max_capacity: 6

- name: Remove the scalable target once its policy is gone
  mlops.mlflow_aws.application_autoscaling_scalable_target:
    service_namespace: ecs
    resource_id: service/mlflow/mlflow-mlflow
    scalable_dimension: ecs:service:DesiredCount
    state: absent
"""

RETURN = r"""
scalable_target:
  description: The registered scalable target; empty when absent, and in check mode.
  returned: always
  type: dict
  contains:
    service_namespace:
      description: The AWS service.
      type: str
      sample: ecs
    resource_id:
      description: The resource.
      type: str
      sample: service/mlflow/mlflow-mlflow
    scalable_dimension:
      description: The scalable dimension.
      type: str
      sample: ecs:service:DesiredCount
    min_capacity:
      description: The lowest capacity.
      type: int
      sample: 2
    max_capacity:
      description: The highest capacity.
      type: int
      sample: 6
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.application_autoscaling import (
    ScalableTargetManager,
    target_options,
    validate,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option


def main() -> None:
    argument_spec = dict(
        **target_options(),
        min_capacity=dict(type="int"),
        max_capacity=dict(type="int"),
        **state_option(),
    )
    run_resource_module(
        ScalableTargetManager,
        argument_spec,
        validate=validate,
        required_if=[("state", "present", ("min_capacity", "max_capacity"))],
    )


if __name__ == "__main__":
    main()
