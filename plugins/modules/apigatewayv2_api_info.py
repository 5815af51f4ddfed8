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
  description:
    - The matching APIs.
    - Each element has the keys of RV(mlops.mlflow_aws.apigatewayv2_api#module:api).
  returned: always
  type: list
  elements: dict
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2_api import describe_http_apis
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module


def main() -> None:
    argument_spec = dict(
        api_id=dict(type="str"),
        name=dict(type="str"),
        tags=dict(type="dict"),
    )
    run_info_module(describe_http_apis, argument_spec)


if __name__ == "__main__":
    main()
