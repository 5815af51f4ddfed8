#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigatewayv2_api_info
short_description: List API Gateway v2 HTTP APIs
version_added: 0.1.0
description:
  - Lists the API Gateway v2 APIs of protocol V(HTTP) in the region, optionally only those with a given
    ID, name or tags.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  api_id:
    description: Only the API with this ID (an empty list when it does not exist).
    type: str
  name:
    description: Only APIs with this name.
    type: str
  tags:
    description: Only APIs carrying all of these tags with these values, for example the stack tag.
    type: dict
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The HTTP APIs of one stack
  mlops.mlflow_aws.apigatewayv2_api_info:
    tags:
      "mlflow:stack": mlflow
  register: stack_apis
"""

RETURN = r"""
apis:
  description: The matching APIs.
  returned: always
  type: list
  elements: dict
  contains:
    api_id:
      description: ID of the API.
      type: str
    api_endpoint:
      description: Default endpoint of the API.
      type: str
    name:
      description: Name of the API.
      type: str
    protocol_type:
      description: C(HTTP).
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
    created_date:
      description: When the API was created.
      type: str
    tags:
      description: Tags of the API.
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2_api import describe_http_apis
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import reported_errors


def main() -> None:
    argument_spec = dict(
        api_id=dict(type="str"),
        name=dict(type="str"),
        tags=dict(type="dict"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    with reported_errors(module):
        module.exit_json(**describe_http_apis(module))


if __name__ == "__main__":
    main()
