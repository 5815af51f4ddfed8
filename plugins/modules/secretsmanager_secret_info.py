#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: secretsmanager_secret_info
short_description: Describe a Secrets Manager secret without reading its value
version_added: 0.1.0
description:
  - Returns a secret's ARN, name, tags and deletion state, for example to grant an IAM role exactly that
    secret, or to reference it from an ECS task definition.
  - Never reads or returns the secret's value.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - Name or ARN of the secret.
    type: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find the ARN of the database credentials
  mlops.mlflow_aws.secretsmanager_secret_info:
    name: mlflow/db-credentials
  register: db_secret

- name: Use it
  ansible.builtin.debug:
    msg: "{{ db_secret.secret.arn if db_secret.exists else 'no such secret' }}"
"""

RETURN = r"""
exists:
  description: Whether the secret exists (also while it is scheduled for deletion).
  returned: always
  type: bool
  sample: true
secret:
  description: The secret's metadata; empty when it does not exist.
  returned: always
  type: dict
  contains:
    arn:
      description: The secret's full ARN.
      type: str
      sample: arn:aws:secretsmanager:us-east-1:123456789012:secret:mlflow/db-credentials-AbCdEf
    name:
      description: The secret's name.
      type: str
      sample: mlflow/db-credentials
    description:
      description: The secret's description.
      type: str
      sample: Master credentials of the MLflow Aurora cluster mlflow
    tags:
      description: The secret's tags.
      type: dict
      sample: {"mlflow:stack": "mlflow"}
    scheduled_for_deletion:
      description: Whether the secret is scheduled for deletion (it can still be restored).
      type: bool
      sample: false
    deleted_date:
      description: When the secret will be deleted, if scheduled.
      type: str
      returned: when scheduled for deletion
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.secretsmanager import secret_info


def main() -> None:
    argument_spec = {"name": {"type": "str", "required": True}}
    run_info_module(secret_info, argument_spec)


if __name__ == "__main__":
    main()
