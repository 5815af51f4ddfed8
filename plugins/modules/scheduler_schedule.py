#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: scheduler_schedule
short_description: Manage an Amazon EventBridge Scheduler schedule
version_added: 0.2.0
description:
  - Creates, updates and deletes an EventBridge Scheduler schedule in a schedule group (see
    M(mlops.mlflow_aws.scheduler_schedule_group)), for example one that runs an ECS task on a rate.
  - A schedule is compared on what O(schedule_expression), O(timezone), O(enabled), O(description) and O(target)
    set; what AWS fills in by default (a target's retry policy, an ECS target's task count) is not a difference.
    An update replaces the schedule as a whole, as UpdateSchedule does.
  - The schedule has no flexible time window (it runs at its times).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - The name of the schedule.
    type: str
    required: true
  group:
    description:
      - The schedule group the schedule is in; it must exist.
    type: str
    default: default
  schedule_expression:
    description:
      - When the schedule runs, for example V(rate(1 day)), V(cron(0 3 * * ? *)) or V(at(2030-01-01T00:00:00)).
      - Required with O(state=present).
    type: str
  timezone:
    description:
      - The time zone of V(cron) and V(at) expressions.
    type: str
    default: UTC
  enabled:
    description:
      - Whether the schedule runs (C(ENABLED)) or is kept without running (C(DISABLED)).
    type: bool
    default: true
  description:
    description:
      - A description of the schedule. Left as it is when not set.
    type: str
  target:
    description:
      - The schedule's target as the Scheduler API takes it (C(Arn), C(RoleArn), C(EcsParameters),
        C(RetryPolicy), ...; boto3's spelling). Required with O(state=present).
    type: dict
  state:
    description:
      - Whether the schedule should exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode makes no change; a schedule that would be created is returned as it would be asked for.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Run a one-off ECS task every day
  mlops.mlflow_aws.scheduler_schedule:
    name: mlflow-mlflow-gc
    group: mlflow
    schedule_expression: rate(1 day)
    target:
      Arn: arn:aws:ecs:us-east-1:123456789012:cluster/mlflow
      RoleArn: arn:aws:iam::123456789012:role/mlflow-gc-scheduler
      EcsParameters:
        TaskDefinitionArn: arn:aws:ecs:us-east-1:123456789012:task-definition/mlflow-mlflow-gc
        LaunchType: FARGATE
        TaskCount: 1
        NetworkConfiguration:
          awsvpcConfiguration:
            Subnets: [subnet-0123456789abcdef0]
            SecurityGroups: [sg-0123456789abcdef0]
            AssignPublicIp: DISABLED
"""

RETURN = r"""
schedule:
  description: The schedule as AWS reports it, in snake case; empty when it does not exist (any more).
  returned: always
  type: dict
  contains:
    arn:
      description: The schedule's ARN.
      type: str
    schedule_expression:
      description: When it runs.
      type: str
      sample: rate(1 day)
    state:
      description: C(ENABLED) or C(DISABLED).
      type: str
    target:
      description: The schedule's target.
      type: dict
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.scheduler import ScheduleManager


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        group=dict(type="str", default="default"),
        schedule_expression=dict(type="str"),
        timezone=dict(type="str", default="UTC"),
        enabled=dict(type="bool", default=True),
        description=dict(type="str"),
        target=dict(type="dict"),
        **state_option(),
    )
    run_resource_module(
        ScheduleManager,
        argument_spec,
        required_if=[("state", "present", ["schedule_expression", "target"])],
    )


if __name__ == "__main__":
    main()
