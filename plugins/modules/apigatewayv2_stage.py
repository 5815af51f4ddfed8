#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: apigatewayv2_stage
short_description: Manage stages of API Gateway v2 HTTP APIs
version_added: 0.1.0
description:
  - Create, update in place and delete a stage of an HTTP API.
  - Options that are omitted are not compared or changed on an existing stage.
  - Tags are given to CreateStage and read from GetStage; later changes go through the tagging API
    (TagResource, UntagResource) on the stage's ARN.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  api_id:
    description: ID of the HTTP API.
    type: str
    required: true
  stage_name:
    description: Name of the stage. V($default) serves the API at its root path.
    type: str
    default: $default
  auto_deploy:
    description: Whether every change to the API is deployed to the stage automatically.
    type: bool
  description:
    description: Description of the stage.
    type: str
  default_route_settings:
    description:
      - Settings of every route of the stage. Only the sub-options given are compared and changed.
    type: dict
    suboptions:
      throttling_burst_limit:
        description: Burst limit (requests).
        type: int
      throttling_rate_limit:
        description: Steady-state limit (requests per second).
        type: float
      detailed_metrics_enabled:
        description: Whether per-route CloudWatch metrics are collected.
        type: bool
  access_log_settings:
    description:
      - Access logging of the stage. Give both sub-options to log, or neither (V({})) to stop logging.
    type: dict
    suboptions:
      destination_arn:
        description: ARN of the CloudWatch Logs log group (or Firehose stream) that receives the logs.
        type: str
      format:
        description: Format of one log line, with C($context) variables.
        type: str
  state:
    description: Whether the stage should exist.
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
- name: Auto-deployed default stage with throttling and access logs
  mlops.mlflow_aws.apigatewayv2_stage:
    api_id: "{{ api.api.api_id }}"
    stage_name: $default
    auto_deploy: true
    default_route_settings:
      throttling_burst_limit: 100
      throttling_rate_limit: 50
      detailed_metrics_enabled: true
    access_log_settings:
      destination_arn: "{{ log_group_arn }}"
      format: '{"requestId":"$context.requestId","status":"$context.status"}'
    tags:
      "mlflow:stack": mlflow

- name: Remove the stage
  mlops.mlflow_aws.apigatewayv2_stage:
    api_id: "{{ api.api.api_id }}"
    state: absent
"""

RETURN = r"""
stage:
  description: The stage; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    stage_name:
      description: Name of the stage.
      type: str
      sample: $default
    auto_deploy:
      description: Whether changes are deployed automatically.
      type: bool
    description:
      description: Description of the stage.
      type: str
    default_route_settings:
      description: Route settings of the stage.
      type: dict
      contains:
        throttling_burst_limit:
          description: Burst limit.
          type: int
        throttling_rate_limit:
          description: Rate limit.
          type: float
        detailed_metrics_enabled:
          description: Whether detailed metrics are on.
          type: bool
    access_log_settings:
      description: Access logging, when on.
      type: dict
      contains:
        destination_arn:
          description: Where the logs go.
          type: str
        format:
          description: Log line format.
          type: str
    deployment_id:
      description: ID of the deployment the stage serves.
      type: str
    created_date:
      description: When the stage was created.
      type: str
    last_updated_date:
      description: When the stage last changed.
      type: str
    tags:
      description: Tags of the stage.
      type: dict
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2_stage import StageManager, validate_stage
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options


def main() -> None:
    argument_spec = dict(
        api_id=dict(type="str", required=True),
        stage_name=dict(type="str", default="$default"),
        auto_deploy=dict(type="bool"),
        description=dict(type="str"),
        default_route_settings=dict(
            type="dict",
            options=dict(
                throttling_burst_limit=dict(type="int"),
                throttling_rate_limit=dict(type="float"),
                detailed_metrics_enabled=dict(type="bool"),
            ),
        ),
        access_log_settings=dict(
            type="dict",
            options=dict(
                destination_arn=dict(type="str"),
                format=dict(type="str"),
            ),
        ),
        **state_option(),
        **tag_options(),
    )
    run_resource_module(StageManager, argument_spec, validate=validate_stage)


if __name__ == "__main__":
    main()
