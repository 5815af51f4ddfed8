#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_role_drift_info
short_description: Tell whether an IAM role and one inline policy of it are as planned
version_added: 0.2.0
description:
  - Reads an IAM role (C(GetRole)), its managed policies, optionally its instance profiles, and one inline policy
    (C(GetRolePolicy)), and compares them with the plan given, as M(amazon.aws.iam_role) with
    O(amazon.aws.iam_role#module:purge_policies=true) and M(amazon.aws.iam_policy) would.
  - Meant to run those two modules only when something differs; they make about nine requests per role even
    when nothing does.
  - An option left out is not compared. Policies are compared as AWS policies (order and form of equivalent
    statements aside).
  - Only reads; always reports no change and runs in check mode.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description: The role's name.
    type: str
    required: true
  description:
    description: The role's planned description.
    type: str
  assume_role_policy_document:
    description: The role's planned trust policy.
    type: json
  managed_policies:
    description:
      - The ARNs of the managed policies the role should have, and no other.
    type: list
    elements: str
  tags:
    description: The role's planned tags, and no other.
    type: dict
  instance_profile:
    description:
      - Whether an instance profile of the role's name must hold it (M(amazon.aws.iam_role)'s
        O(amazon.aws.iam_role#module:create_instance_profile), which defaults to true).
    type: bool
    default: false
  policy_name:
    description: The name of the inline policy to compare.
    type: str
  policy_document:
    description: The inline policy's planned document. Required with O(policy_name).
    type: json
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Compare the task role with the plan
  mlops.mlflow_aws.iam_role_drift_info:
    name: mlflow-task
    description: The MLflow server's own rights
    assume_role_policy_document: "{{ lookup('ansible.builtin.file', 'trust.json') | from_json }}"
    managed_policies: []
    tags: {"mlflow:stack": "mlflow"}
    instance_profile: true
    policy_name: mlflow-artifacts
    policy_document: "{{ lookup('ansible.builtin.file', 'policy.json') | from_json }}"
  register: task_role

- name: Create or update the task role only when it is not as planned
  amazon.aws.iam_role:
    name: mlflow-task
    assume_role_policy_document: "{{ lookup('ansible.builtin.file', 'trust.json') | from_json }}"
    managed_policies: []
    purge_policies: true
    tags: {"mlflow:stack": "mlflow"}
  when: not task_role.role_as_planned
"""

RETURN = r"""
exists:
  description: Whether the role exists.
  returned: always
  type: bool
  sample: true
arn:
  description: The role's ARN; null when it does not exist.
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:role/mlflow-task
role_as_planned:
  description: Whether the role exists with the planned description, trust policy, tags, managed policies and instance profile.
  returned: always
  type: bool
  sample: true
policy_as_planned:
  description: Whether the inline policy exists with the planned document (true when no O(policy_name) is given).
  returned: always
  type: bool
  sample: false
differences:
  description: What is not as planned.
  returned: always
  type: list
  elements: str
  sample: ["tags", "inline policy mlflow-artifacts"]
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.iam_role_drift import role_drift


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        assume_role_policy_document=dict(type="json"),
        managed_policies=dict(type="list", elements="str"),
        tags=dict(type="dict"),
        instance_profile=dict(type="bool", default=False),
        policy_name=dict(type="str"),
        policy_document=dict(type="json"),
    )
    run_info_module(role_drift, argument_spec, required_together=[["policy_name", "policy_document"]])


if __name__ == "__main__":
    main()
