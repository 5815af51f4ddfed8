#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_task_info
short_description: Describe ECS tasks, with their containers' exit codes
version_added: 0.2.0
description:
  - Returns the named tasks of a cluster as DescribeTasks shows them, for example to wait until a one-off task
    started with M(community.aws.ecs_task) has stopped and to read its containers' exit codes, its C(stop_code)
    and its C(stopped_reason).
  - Only reads; always reports no change and runs in check mode.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  cluster:
    description:
      - Name or ARN of the cluster the tasks run in.
    type: str
    required: true
  tasks:
    description:
      - ARNs or IDs of the tasks. Tasks ECS does not know (any more) are left out of the result.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Wait until the task has stopped
  mlops.mlflow_aws.ecs_task_info:
    cluster: mlflow
    tasks: ["{{ started.task[0].taskArn }}"]
  register: found
  until: found.tasks[0].last_status == 'STOPPED'
  retries: 60
  delay: 10
"""

RETURN = r"""
tasks:
  description: The tasks found, in snake case.
  returned: always
  type: list
  elements: dict
  contains:
    task_arn:
      description: The task's ARN.
      type: str
    last_status:
      description: Where the task is, from C(PROVISIONING) to C(STOPPED).
      type: str
      sample: STOPPED
    stop_code:
      description: Why the task stopped, for example C(EssentialContainerExited) or C(TaskFailedToStart).
      type: str
      sample: EssentialContainerExited
    stopped_reason:
      description: ECS's words for why the task stopped.
      type: str
      sample: Essential container in task exited
    containers:
      description: The task's containers; C(exit_code) once a container has exited.
      type: list
      elements: dict
      sample: [{"name": "gc", "last_status": "STOPPED", "exit_code": 0}]
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.ecs import task_info


def main() -> None:
    argument_spec = dict(
        cluster=dict(type="str", required=True),
        tasks=dict(type="list", elements="str", required=True),
    )
    run_info_module(task_info, argument_spec)


if __name__ == "__main__":
    main()
