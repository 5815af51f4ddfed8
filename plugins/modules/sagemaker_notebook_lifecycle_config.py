#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sagemaker_notebook_lifecycle_config
short_description: Manage an Amazon SageMaker notebook instance lifecycle configuration
version_added: 0.3.0
description:
  - Create, update or delete a notebook instance lifecycle configuration, the shell scripts a SageMaker
    notebook instance runs (as root) when it is created and each time it starts.
  - The scripts are given as text and compared decoded; the module base64-encodes them for the API.
  - AWS runs a script for at most five minutes; one that fails or takes longer leaves the instance C(Failed).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - The name of the configuration (letters, digits and hyphens, at most 63 characters).
    type: str
    required: true
  state:
    description:
      - Whether the configuration should exist.
    type: str
    choices: [present, absent]
    default: present
  on_start:
    description:
      - The script run each time an instance using the configuration starts (and when it is created). Empty for none.
      - At most 16384 characters once base64-encoded. Never put secrets in it; read them at run time.
    type: str
  on_create:
    description:
      - The script run once, when an instance using the configuration is created. Empty for none.
    type: str
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mlops.mlflow_aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Export the MLflow settings into the notebook environment at each start
  mlops.mlflow_aws.sagemaker_notebook_lifecycle_config:
    name: mlflow-notebook-mlflow
    on_start: |
      #!/bin/bash
      set -eu
      echo "export MLFLOW_TRACKING_URI=$(aws ssm get-parameter --name /mlflow/mlflow/tracking-uri --query Parameter.Value --output text)" \
        > /etc/profile.d/mlflow.sh
    tags:
      mlflow:stack: mlflow

- name: Delete it (after the instances that use it)
  mlops.mlflow_aws.sagemaker_notebook_lifecycle_config:
    name: mlflow-notebook-mlflow
    state: absent
"""

RETURN = r"""
lifecycle_config:
  description: The configuration, with its scripts decoded; empty when it does not exist.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the configuration.
      type: str
      sample: mlflow-notebook-mlflow
    arn:
      description: The ARN of the configuration.
      type: str
      sample: arn:aws:sagemaker:us-east-1:123456789012:notebook-instance-lifecycle-config/mlflow-notebook-mlflow
    on_start:
      description: The start script.
      type: str
    on_create:
      description: The create script.
      type: str
    tags:
      description: The tags of the configuration.
      type: dict
      sample: {"mlflow:stack": mlflow}
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker_notebook_lifecycle_config import (
    LifecycleConfigManager,
)


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        **state_option(),
        on_start=dict(type="str"),
        on_create=dict(type="str"),
        **tag_options(),
    )
    run_resource_module(LifecycleConfigManager, argument_spec)


if __name__ == "__main__":
    main()
