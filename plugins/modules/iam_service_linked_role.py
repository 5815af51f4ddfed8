#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_service_linked_role
short_description: Make sure an AWS service's service-linked role exists
version_added: 0.2.0
description:
  - Creates the service-linked role of an AWS service (for example ECS's C(AWSServiceRoleForECS)) when the
    account does not have it yet; an existing one is no change.
  - A service creates its role itself on first use, but calls made while the new role propagates fail (ECS's
    first C(CreateService) of an account). Creating the role before the resources that need it leaves time
    for that.
  - Never deletes a role, as other stacks and services of the account use the same one.
  - M(amazon.aws.iam_role) cannot create service-linked roles.
  - Supports check mode and diff mode.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  aws_service_name:
    description:
      - The service principal, for example C(ecs.amazonaws.com) or C(ops.apigateway.amazonaws.com).
    type: str
    required: true
  state:
    description:
      - V(present) is the only state; the option says what the module does.
    type: str
    choices: [present]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let ECS's role propagate before the first service
  mlops.mlflow_aws.iam_service_linked_role:
    aws_service_name: ecs.amazonaws.com
"""

RETURN = r"""
role:
  description: The service-linked role; in check mode, when it would be created, only its path is known.
  returned: always
  type: dict
  contains:
    aws_service_name:
      description: The service principal.
      type: str
      sample: ecs.amazonaws.com
    role_name:
      description: The role's name.
      type: str
      sample: AWSServiceRoleForECS
    arn:
      description: The role's ARN.
      type: str
      sample: arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS
    path:
      description: The role's path.
      type: str
      sample: /aws-service-role/ecs.amazonaws.com/
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.iam_service_linked_role import ServiceLinkedRoleManager


def main() -> None:
    argument_spec = dict(
        aws_service_name=dict(type="str", required=True),
        state=dict(type="str", choices=["present"], default="present"),
    )
    run_resource_module(ServiceLinkedRoleManager, argument_spec)


if __name__ == "__main__":
    main()
