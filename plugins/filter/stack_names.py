# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filter stack_names: every resource name of a stack (docs/naming.md)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.mlflow_aws.plugins.plugin_utils.stack_names import stack_names

DOCUMENTATION = r"""
name: stack_names
short_description: The names and ARNs of a stack's resources
version_added: 0.2.0
author:
  - mlops.mlflow_aws maintainers (@mlops)
description:
  - Returns the table of C(docs/naming.md) for a stack as a dictionary, the one place the collection builds
    its resource names.
  - Names that need the account and region (the artifact bucket, the role ARNs) are V(none) without them.
options:
  _input:
    description: The stack name (C(mlflow_stack_name)).
    type: string
    required: true
  account:
    description: The AWS account ID.
    type: string
    default: ""
  region:
    description: The AWS region.
    type: string
    default: ""
  partition:
    description: The AWS partition (V(aws), V(aws-cn), V(aws-us-gov)), for ARNs.
    type: string
    default: aws
"""

EXAMPLES = r"""
- name: Name the tier's resources
  ansible.builtin.set_fact:
    names: "{{ mlflow_stack_name | mlops.mlflow_aws.stack_names(account=caller.account, region='eu-west-1') }}"
# names.alb == 'mlflow-alb', names.bucket == 'mlflow-artifacts-123456789012-eu-west-1'
"""

RETURN = r"""
_value:
  description: Resource names by role, for example C(alb), C(target_group), C(bucket), C(db_secret).
  type: dict
"""


def _stack_names(stack: Any, account: Any = "", region: Any = "", partition: Any = "aws") -> dict[str, str | None]:
    if not isinstance(stack, str) or not stack:
        raise AnsibleFilterError(f"stack_names needs a stack name, got {stack!r}")
    return stack_names(stack, str(account or ""), str(region or ""), str(partition or "aws"))


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"stack_names": _stack_names}
