#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: scheduler_schedule_group
short_description: Manage an Amazon EventBridge Scheduler schedule group and its tags
version_added: 0.2.0
description:
  - Creates, tags and deletes an EventBridge Scheduler schedule group. Schedules cannot carry tags; the group
    they are in can, so a group names their owner.
  - Deleting a group deletes its schedules (AWS does so asynchronously; the group is C(DELETING) meanwhile and
    counts as absent here).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - The name of the schedule group.
    type: str
    required: true
  state:
    description:
      - Whether the group should exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode makes no change; a group that would be created is returned with RV(schedule_group.arn) null.
extends_documentation_fragment:
  - mlops.mlflow_aws.tags
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A schedule group owned by the stack
  mlops.mlflow_aws.scheduler_schedule_group:
    name: mlflow
    tags:
      "mlflow:stack": mlflow
"""

RETURN = r"""
schedule_group:
  description: The group; empty when it does not exist (any more).
  returned: always
  type: dict
  contains:
    name:
      description: The group's name.
      type: str
      sample: mlflow
    arn:
      description: The group's ARN.
      type: str
      sample: arn:aws:scheduler:us-east-1:123456789012:schedule-group/mlflow
    tags:
      description: The group's tags.
      type: dict
      sample: {"mlflow:stack": "mlflow"}
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.scheduler import ScheduleGroupManager


def main() -> None:
    argument_spec = dict(name=dict(type="str", required=True), **state_option(), **tag_options())
    run_resource_module(ScheduleGroupManager, argument_spec)


if __name__ == "__main__":
    main()
