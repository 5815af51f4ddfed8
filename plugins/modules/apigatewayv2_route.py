#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigatewayv2_route
short_description: Manage routes of API Gateway v2 HTTP APIs
version_added: 0.1.0
description:
  - Create, update in place and delete the route of an HTTP API with a given O(route_key).
  - Options that are omitted are not compared or changed on an existing route.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  api_id:
    description: ID of the HTTP API.
    type: str
    required: true
  route_key:
    description: Method and path of the route, for example C(ANY /{proxy+}), or V($default).
    type: str
    required: true
  target:
    description: Target of the route, C(integrations/<integration ID>). Mutually exclusive with O(integration_id).
    type: str
  integration_id:
    description: ID of the integration to target; a shorthand for O(target=integrations/<integration_id>).
    type: str
  authorization_type:
    description: Authorization of the route.
    type: str
    choices: [NONE, AWS_IAM, CUSTOM, JWT]
    default: NONE
  authorizer_id:
    description: ID of the authorizer, for O(authorization_type=CUSTOM) or O(authorization_type=JWT).
    type: str
  state:
    description: Whether the route should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Every path to the integration
  mlops.mlflow_aws.apigatewayv2_route:
    api_id: "{{ api.api.api_id }}"
    route_key: "ANY /{proxy+}"
    integration_id: "{{ integration.integration.integration_id }}"

- name: Catch-all route
  mlops.mlflow_aws.apigatewayv2_route:
    api_id: "{{ api.api.api_id }}"
    route_key: $default
    target: "integrations/{{ integration.integration.integration_id }}"

- name: Remove a route
  mlops.mlflow_aws.apigatewayv2_route:
    api_id: "{{ api.api.api_id }}"
    route_key: "GET /old"
    state: absent
"""

RETURN = r"""
route:
  description: The route; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    route_id:
      description: ID of the route.
      type: str
    route_key:
      description: Method and path of the route.
      type: str
      sample: ANY /{proxy+}
    target:
      description: Target of the route.
      type: str
      sample: integrations/abc123
    authorization_type:
      description: Authorization of the route.
      type: str
      sample: NONE
    authorizer_id:
      description: ID of the authorizer.
      type: str
    api_key_required:
      description: Whether an API key is required.
      type: bool
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2_routing import RouteManager, validate_route
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option


def main() -> None:
    argument_spec = dict(
        api_id=dict(type="str", required=True),
        route_key=dict(type="str", required=True, no_log=False),
        target=dict(type="str"),
        integration_id=dict(type="str"),
        authorization_type=dict(type="str", choices=["NONE", "AWS_IAM", "CUSTOM", "JWT"], default="NONE"),
        authorizer_id=dict(type="str"),
        **state_option(),
    )
    run_resource_module(
        RouteManager,
        argument_spec,
        validate=validate_route,
        mutually_exclusive=[("target", "integration_id")],
    )


if __name__ == "__main__":
    main()
