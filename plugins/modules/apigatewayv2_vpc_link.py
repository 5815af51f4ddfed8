#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigatewayv2_vpc_link
short_description: Manage API Gateway v2 VPC links (for HTTP APIs)
version_added: 0.1.0
description:
  - Create, tag, replace and delete an API Gateway v2 VPC link, the private connection an HTTP API
    integration uses to reach a load balancer or Cloud Map service in a VPC.
  - The link is identified by O(name). The module fails when several VPC links share that name.
  - AWS cannot change the subnets or security groups of a VPC link. When O(subnet_ids) or
    O(security_group_ids) differ from the existing link, the module B(replaces) it - creates a new link
    with the same name, waits until it is V(AVAILABLE), moves every integration that used the old link
    onto the new one (see O(migrate_integrations)), then deletes the old link - and returns
    RV(replaced=true), the old link ID and the moved integrations. The diff shows both configurations.
  - If a replacement fails half-way, two links share the name; the error names both IDs, and the next
    run fails until the stale one is removed.
  - A new link is V(PENDING) for a few minutes in AWS before it becomes V(AVAILABLE); see O(wait).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description: Name of the VPC link, unique among the VPC links of the region.
    type: str
    required: true
  subnet_ids:
    description:
      - Subnets the link places its network interfaces in. Required to create the link.
      - Changing them replaces the link.
    type: list
    elements: str
  security_group_ids:
    description:
      - Security groups of the link's network interfaces.
      - When omitted, the groups of an existing link are not compared; a new link gets none.
      - Changing them replaces the link.
    type: list
    elements: str
  state:
    description: Whether the link should exist.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    default: 900
  migrate_integrations:
    description:
      - On replacement, point every integration (in any HTTP API of the region) that uses the old link at
        the new one before deleting the old link.
      - With V(false), a replacement of a link in use fails before changing anything.
    type: bool
    default: true
extends_documentation_fragment:
  - mlops.mlflow_aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mlops.mlflow_aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: VPC link in the private subnets
  mlops.mlflow_aws.apigatewayv2_vpc_link:
    name: mlflow-link
    subnet_ids: "{{ private_subnet_ids }}"
    security_group_ids: ["{{ vpc_link_sg_id }}"]
    tags:
      "mlflow:stack": mlflow
  register: link

- name: Remove the VPC link
  mlops.mlflow_aws.apigatewayv2_vpc_link:
    name: mlflow-link
    state: absent
"""

RETURN = r"""
vpc_link:
  description: The VPC link; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    vpc_link_id:
      description: ID of the link, used as an integration's O(mlops.mlflow_aws.apigatewayv2_integration#module:connection_id).
      type: str
      sample: abc123
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
      description: V(PENDING), V(AVAILABLE), V(DELETING), V(FAILED) or V(INACTIVE).
      type: str
      sample: AVAILABLE
    vpc_link_status_message:
      description: Why the link is in its status, when AWS says.
      type: str
    vpc_link_version:
      description: V(V2).
      type: str
    created_date:
      description: When the link was created.
      type: str
    tags:
      description: Tags of the link.
      type: dict
replaced:
  description: Whether the link was (or, in check mode, would be) replaced because subnets or groups changed.
  returned: when the link was replaced
  type: bool
  sample: true
replaced_vpc_link_id:
  description: ID of the link that the replacement deleted.
  returned: when the link was replaced
  type: str
migrated_integrations:
  description: Integrations moved from the old link to the new one.
  returned: when the link was replaced
  type: list
  elements: dict
  contains:
    api_id:
      description: The API of the integration.
      type: str
    integration_id:
      description: The integration.
      type: str
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2_vpc_link import VpcLinkManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options, wait_options


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        subnet_ids=dict(type="list", elements="str"),
        security_group_ids=dict(type="list", elements="str"),
        **state_option(),
        **wait_options(900),
        migrate_integrations=dict(type="bool", default=True),
        **tag_options(),
    )
    run_resource_module(VpcLinkManager, argument_spec, required_if=[("state", "present", ["subnet_ids"])])


if __name__ == "__main__":
    main()
