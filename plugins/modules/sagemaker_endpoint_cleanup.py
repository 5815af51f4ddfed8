#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sagemaker_endpoint_cleanup
short_description: Delete Amazon SageMaker endpoints, endpoint configurations and models
version_added: 0.3.0
description:
  - Deletes the given SageMaker real-time endpoints and waits until each is gone, then the given endpoint
    configurations, then the given models (the order that frees what each one uses).
  - Names that do not exist are skipped, so a second run changes nothing. Which names to give is the caller's
    decision; the teardown gives those tagged with the stack (M(mlops.mlflow_aws.stack_ownership_info)).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  endpoints:
    description: Names of the endpoints to delete.
    type: list
    elements: str
    default: []
  endpoint_configs:
    description: Names of the endpoint configurations to delete.
    type: list
    elements: str
    default: []
  models:
    description: Names of the models to delete.
    type: list
    elements: str
    default: []
  wait_timeout:
    description:
      - Seconds to wait for each endpoint to be deleted (AWS takes a few minutes).
    type: int
    default: 1200
notes:
  - Supports check mode (the result names what would be deleted).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find the SageMaker inference resources of the stack
  mlops.mlflow_aws.stack_ownership_info:
    stack: mlflow
    resources:
      - {kind: sagemaker_endpoints, name: ""}
      - {kind: sagemaker_endpoint_configs, name: ""}
      - {kind: sagemaker_models, name: ""}
    warn: false
  register: inference

- name: Delete them
  mlops.mlflow_aws.sagemaker_endpoint_cleanup:
    endpoints: "{{ inference.owned.sagemaker_endpoints }}"
    endpoint_configs: "{{ inference.owned.sagemaker_endpoint_configs }}"
    models: "{{ inference.owned.sagemaker_models }}"
"""

RETURN = r"""
deleted:
  description: The names deleted (in check mode, to be deleted), per kind.
  returned: always
  type: dict
  contains:
    endpoints:
      description: The endpoints.
      type: list
      elements: str
      sample: [mlflow-example]
    endpoint_configs:
      description: The endpoint configurations.
      type: list
      elements: str
    models:
      description: The models.
      type: list
      elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import reported_errors
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker_endpoint_cleanup import cleanup


def main() -> None:
    argument_spec = dict(
        endpoints=dict(type="list", elements="str", default=[]),
        endpoint_configs=dict(type="list", elements="str", default=[]),
        models=dict(type="list", elements="str", default=[]),
        wait_timeout=dict(type="int", default=1200),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    with reported_errors(module):
        module.exit_json(**cleanup(module))


if __name__ == "__main__":
    main()
