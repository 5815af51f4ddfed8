#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigatewayv2_integration
short_description: Manage integrations of API Gateway v2 HTTP APIs
version_added: 0.1.0
description:
  - Create, update in place and delete an integration of an HTTP API.
  - The integration is the one with O(integration_id) when given, otherwise the one of O(api_id) whose
    URI is O(integration_uri) and whose connection is O(connection_id) (none, when O(connection_id) is
    omitted) and, when O(description) is given, whose description is O(description), so that several
    integrations can reach one backend. The module fails when several integrations match.
  - Options that are omitted are not compared or changed on an existing integration.
  - O(request_parameters) are compared key by key; a mapping present in AWS but absent from the option is
    left in place (remove the integration to drop mappings).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  api_id:
    description: ID of the HTTP API.
    type: str
    required: true
  integration_id:
    description: ID of an existing integration to manage, instead of finding it by URI and connection.
    type: str
  integration_type:
    description: Type of the integration. Required to create one.
    type: str
    choices: [HTTP_PROXY, AWS_PROXY]
  integration_uri:
    description:
      - For V(HTTP_PROXY) with O(connection_type=VPC_LINK), the ARN of the load balancer listener or
        Cloud Map service; otherwise the URL or Lambda ARN of the backend.
    type: str
  integration_method:
    description: HTTP method used towards the backend, for example C(ANY).
    type: str
  connection_type:
    description: V(VPC_LINK) for a private backend reached through a VPC link, else V(INTERNET).
    type: str
    choices: [INTERNET, VPC_LINK]
  connection_id:
    description: ID of the VPC link. Required when O(connection_type=VPC_LINK), refused otherwise.
    type: str
  payload_format_version:
    description: Payload format sent to the backend. V(HTTP_PROXY) integrations support only V(1.0).
    type: str
    choices: ['1.0', '2.0']
  timeout_in_millis:
    description: Integration timeout in milliseconds, from 50 to 30000 (the HTTP API limit).
    type: int
  request_parameters:
    description:
      - 'Parameter mappings, for example V({"overwrite:path": "$request.path"}).'
    type: dict
  description:
    description: Description of the integration.
    type: str
  state:
    description: Whether the integration should exist. O(state=absent) needs O(integration_id) or O(integration_uri).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Private ALB behind the HTTP API, through the VPC link
  mlops.mlflow_aws.apigatewayv2_integration:
    api_id: "{{ api.api.api_id }}"
    integration_type: HTTP_PROXY
    integration_uri: "{{ alb_listener_arn }}"
    integration_method: ANY
    connection_type: VPC_LINK
    connection_id: "{{ link.vpc_link.vpc_link_id }}"
    payload_format_version: "1.0"
    timeout_in_millis: 30000
  register: integration

- name: Remove it
  mlops.mlflow_aws.apigatewayv2_integration:
    api_id: "{{ api.api.api_id }}"
    integration_id: "{{ integration.integration.integration_id }}"
    state: absent
"""

RETURN = r"""
integration:
  description: The integration; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    integration_id:
      description: ID of the integration; routes target C(integrations/<integration_id>).
      type: str
    integration_type:
      description: Type of the integration.
      type: str
      sample: HTTP_PROXY
    integration_uri:
      description: URI or ARN of the backend.
      type: str
    integration_method:
      description: Method used towards the backend.
      type: str
      sample: ANY
    connection_type:
      description: V(INTERNET) or V(VPC_LINK).
      type: str
    connection_id:
      description: ID of the VPC link.
      type: str
    payload_format_version:
      description: Payload format version.
      type: str
      sample: "1.0"
    timeout_in_millis:
      description: Integration timeout.
      type: int
      sample: 30000
    request_parameters:
      description: Parameter mappings, keys unchanged.
      type: dict
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2_routing import (
    IntegrationManager,
    validate_integration,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option


def main() -> None:
    argument_spec = dict(
        api_id=dict(type="str", required=True),
        integration_id=dict(type="str"),
        integration_type=dict(type="str", choices=["HTTP_PROXY", "AWS_PROXY"]),
        integration_uri=dict(type="str"),
        integration_method=dict(type="str"),
        connection_type=dict(type="str", choices=["INTERNET", "VPC_LINK"]),
        connection_id=dict(type="str"),
        payload_format_version=dict(type="str", choices=["1.0", "2.0"]),
        timeout_in_millis=dict(type="int"),
        request_parameters=dict(type="dict"),
        description=dict(type="str"),
        **state_option(),
    )
    run_resource_module(
        IntegrationManager,
        argument_spec,
        validate=validate_integration,
        required_if=[("state", "present", ["integration_type"])],
    )


if __name__ == "__main__":
    main()
