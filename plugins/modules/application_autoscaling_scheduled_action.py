#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: application_autoscaling_scheduled_action
short_description: Create, update or delete an Application Auto Scaling scheduled action
version_added: 0.1.0
description:
  - Sets the capacity range of a registered scalable target (such as the task count of an ECS service) at
    the times of a schedule, in a time zone; for example to scale a service to zero tasks at night.
  - The scalable target must be registered first (M(mlops.mlflow_aws.application_autoscaling_scalable_target)).
    Deregistering it deletes its scheduled actions.
  - M(community.aws.autoscaling_scheduled_action) is for EC2 Auto Scaling groups, not for these targets.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - The name of the scheduled action, unique for its scalable target.
    type: str
    required: true
  schedule:
    description:
      - When the action runs, C(cron(Minutes Hours Day-of-month Month Day-of-week Year)),
        C(rate(value unit)) or C(at(yyyy-mm-ddThh:mm:ss)). Required with O(state=present).
    type: str
  timezone:
    description:
      - The IANA time zone the O(schedule) is read in, such as C(Europe/Paris).
    type: str
    default: UTC
  min_capacity:
    description:
      - The lowest capacity the action sets. When omitted, an existing action keeps its value.
      - With O(state=present), O(min_capacity), O(max_capacity) or both.
    type: int
  max_capacity:
    description:
      - The highest capacity the action sets. When omitted, an existing action keeps its value.
    type: int
  state:
    description:
      - Whether the scheduled action should exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - At the scheduled time AWS sets the target's range; when the current capacity is outside it, Application
    Auto Scaling scales to the nearest bound (a range of 0 to 0 stops an ECS service's tasks).
extends_documentation_fragment:
  - mlops.mlflow_aws.scalable_target
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Stop the MLflow service's tasks at 20:00 on weekdays, Paris time
  mlops.mlflow_aws.application_autoscaling_scheduled_action:
    service_namespace: ecs
    resource_id: service/mlflow/mlflow-mlflow
    scalable_dimension: ecs:service:DesiredCount
    name: mlflow-mlflow-stop
    schedule: cron(0 20 ? * MON-FRI *)
    timezone: Europe/Paris
    min_capacity: 0
    max_capacity: 0

- name: Delete the scheduled action
  mlops.mlflow_aws.application_autoscaling_scheduled_action:
    service_namespace: ecs
    resource_id: service/mlflow/mlflow-mlflow
    scalable_dimension: ecs:service:DesiredCount
    name: mlflow-mlflow-stop
    state: absent
"""

RETURN = r"""
scheduled_action:
  description: The scheduled action; empty when absent, and when check mode would create it.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the action.
      type: str
      sample: mlflow-mlflow-stop
    arn:
      description: The ARN of the action.
      type: str
      sample: arn:aws:autoscaling:us-east-1:123456789012:scheduledAction:...:scheduledActionName/mlflow-mlflow-stop
    schedule:
      description: When the action runs.
      type: str
      sample: cron(0 20 ? * MON-FRI *)
    timezone:
      description: The time zone of the schedule.
      type: str
      sample: Europe/Paris
    min_capacity:
      description: The lowest capacity the action sets, if it sets one.
      type: int
      sample: 0
    max_capacity:
      description: The highest capacity the action sets, if it sets one.
      type: int
      sample: 0
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.application_autoscaling import target_options
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.application_autoscaling_scheduled_action import (
    ScheduledActionManager,
    validate,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option


def main() -> None:
    argument_spec = dict(
        **target_options(),
        name=dict(type="str", required=True),
        schedule=dict(type="str"),
        timezone=dict(type="str", default="UTC"),
        min_capacity=dict(type="int"),
        max_capacity=dict(type="int"),
        **state_option(),
    )
    run_resource_module(
        ScheduledActionManager,
        argument_spec,
        validate=validate,
        required_if=[("state", "present", ("schedule",))],
    )


if __name__ == "__main__":
    main()
