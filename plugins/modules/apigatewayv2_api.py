#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigatewayv2_api
short_description: Manage API Gateway v2 HTTP APIs
version_added: 0.1.0
description:
  - Create, update and delete an API Gateway v2 API of protocol V(HTTP), identified by O(name).
  - The module fails when several HTTP APIs share the name.
  - Integrations, routes and stages are managed by their own modules.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description: Name of the API.
    type: str
    required: true
  description:
    description: Description of the API. Not changed when omitted.
    type: str
  disable_execute_api_endpoint:
    description:
      - Whether clients can reach the API through its default C(execute-api) endpoint. Not changed when omitted.
    type: bool
  cors_configuration:
    description:
      - CORS settings of the API. Not changed when omitted.
      - Give it with no sub-option set (V({})) to remove the API's CORS configuration.
    type: dict
    suboptions:
      allow_credentials:
        description: Whether credentials are included in the CORS request.
        type: bool
      allow_headers:
        description: Allowed headers.
        type: list
        elements: str
      allow_methods:
        description: Allowed methods.
        type: list
        elements: str
      allow_origins:
        description: Allowed origins.
        type: list
        elements: str
      expose_headers:
        description: Exposed headers.
        type: list
        elements: str
      max_age:
        description: Seconds a browser caches preflight results.
        type: int
  state:
    description: Whether the API should exist. Deleting an API deletes its integrations, routes and stages.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mlops.mlflow_aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: HTTP API of the stack
  mlops.mlflow_aws.apigatewayv2_api:
    name: mlflow-api
    description: MLflow tracking server
    tags:
      "mlflow:stack": mlflow
  register: api

- name: Its endpoint
  ansible.builtin.debug:
    msg: "{{ api.api.api_endpoint }}"

- name: Remove the API
  mlops.mlflow_aws.apigatewayv2_api:
    name: mlflow-api
    state: absent
"""

RETURN = r"""
api:
  description: The API; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    api_id:
      description: ID of the API.
      type: str
      sample: a1b2c3d4e5
    api_endpoint:
      description: Default endpoint of the API.
      type: str
      sample: https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com
    name:
      description: Name of the API.
      type: str
    protocol_type:
      description: V(HTTP).
      type: str
    description:
      description: Description of the API.
      type: str
    disable_execute_api_endpoint:
      description: Whether the default endpoint is disabled.
      type: bool
    cors_configuration:
      description: CORS settings, snake_cased, when set.
      type: dict
    route_selection_expression:
      description: Route selection expression.
      type: str
    api_key_selection_expression:
      description: API key selection expression.
      type: str
    created_date:
      description: When the API was created.
      type: str
    tags:
      description: Tags of the API.
      type: dict
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2_api import HttpApiManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options


def main() -> None:
    cors_options = dict(
        allow_credentials=dict(type="bool"),
        allow_headers=dict(type="list", elements="str"),
        allow_methods=dict(type="list", elements="str"),
        allow_origins=dict(type="list", elements="str"),
        expose_headers=dict(type="list", elements="str"),
        max_age=dict(type="int"),
    )
    argument_spec = dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        disable_execute_api_endpoint=dict(type="bool"),
        cors_configuration=dict(type="dict", options=cors_options),
        **state_option(),
        **tag_options(),
    )
    run_resource_module(HttpApiManager, argument_spec)


if __name__ == "__main__":
    main()
