#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigatewayv2_vpc_link_info
short_description: List API Gateway v2 VPC links
version_added: 0.1.0
description:
  - Lists the API Gateway v2 VPC links of the region, optionally only those with a given ID, name or tags.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  vpc_link_id:
    description: Only the link with this ID (an empty list when it does not exist).
    type: str
  name:
    description: Only links with this name.
    type: str
  tags:
    description: Only links carrying all of these tags with these values, for example the stack tag.
    type: dict
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The VPC links of one stack
  mlops.mlflow_aws.apigatewayv2_vpc_link_info:
    tags:
      "mlflow:stack": mlflow
  register: stack_links
"""

RETURN = r"""
vpc_links:
  description: The matching VPC links.
  returned: always
  type: list
  elements: dict
  contains:
    vpc_link_id:
      description: ID of the link.
      type: str
    name:
      description: Name of the link.
      type: str
    subnet_ids:
      description: Subnets of the link.
      type: list
      elements: str
    security_group_ids:
      description: Security groups of the link.
      type: list
      elements: str
    vpc_link_status:
      description: C(PENDING), C(AVAILABLE), C(DELETING), C(FAILED) or C(INACTIVE).
      type: str
    vpc_link_version:
      description: C(V2).
      type: str
    created_date:
      description: When the link was created.
      type: str
    tags:
      description: Tags of the link.
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2_vpc_link import describe_vpc_links
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import reported_errors


def main() -> None:
    argument_spec = dict(
        vpc_link_id=dict(type="str"),
        name=dict(type="str"),
        tags=dict(type="dict"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    with reported_errors(module):
        module.exit_json(**describe_vpc_links(module))


if __name__ == "__main__":
    main()
