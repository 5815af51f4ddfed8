#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sagemaker_user_profile
short_description: Manage a user profile of an Amazon SageMaker Studio domain
version_added: 0.1.0
description:
  - Create, update or delete a user profile of a SageMaker Studio domain.
  - Updates change the user settings in place (UpdateUserProfile).
  - Deleting a profile first deletes all of its apps that are not yet V(Deleted) and waits for them, because AWS
    refuses to delete a profile that has apps; then it deletes the profile and waits until it is gone.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  domain_id:
    description:
      - The ID of the domain the profile belongs to.
    type: str
    required: true
  user_profile_name:
    description:
      - The name of the user profile, unique in its domain.
    type: str
    required: true
    aliases: [name]
  state:
    description:
      - Whether the profile should exist.
    type: str
    choices: [present, absent]
    default: present
  execution_role:
    description:
      - The ARN of the IAM role the user's apps and jobs run with (C(UserSettings.ExecutionRole)).
      - When omitted, the profile uses the domain's default execution role.
    type: str
  user_settings:
    description:
      - Further user settings, the API's C(UserSettings) with snake_case keys, for example C(security_groups).
      - O(execution_role) takes precedence over an C(execution_role) key here.
      - Only the settings given are compared; settings AWS fills in are left alone.
    type: dict
  wait_timeout:
    default: 1200
notes:
  - Supports check mode and diff mode.
extends_documentation_fragment:
  - mlops.mlflow_aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mlops.mlflow_aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The MLflow user of a Studio domain
  mlops.mlflow_aws.sagemaker_user_profile:
    domain_id: "{{ domain.domain_id }}"
    user_profile_name: mlflow-user
    execution_role: "{{ execution_role_arn }}"
    tags:
      mlflow:stack: mlflow

- name: Delete the profile, after its apps
  mlops.mlflow_aws.sagemaker_user_profile:
    domain_id: "{{ domain.domain_id }}"
    user_profile_name: mlflow-user
    state: absent
"""

RETURN = r"""
user_profile:
  description:
    - The profile as DescribeUserProfile reports it, in snake_case, with its tags.
    - Empty when the profile does not exist. In check mode, the planned profile.
  returned: always
  type: dict
  contains:
    user_profile_arn:
      description: The ARN of the profile.
      type: str
      sample: arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abcdefghijkl/mlflow-user
    user_profile_name:
      description: The name of the profile.
      type: str
      sample: mlflow-user
    domain_id:
      description: The domain of the profile.
      type: str
      sample: d-abcdefghijkl
    status:
      description: The status of the profile.
      type: str
      sample: InService
    user_settings:
      description: The user settings, in snake_case.
      type: dict
      sample: {execution_role: "arn:aws:iam::123456789012:role/studio"}
    home_efs_file_system_uid:
      description: The user's ID in the domain's home file system.
      type: str
      sample: "200001"
    tags:
      description: The tags of the profile.
      type: dict
      sample: {"mlflow:stack": mlflow}
deleted_apps:
  description: The apps deleted (or, in check mode, to be deleted) before the profile, in snake_case.
  returned: when O(state=absent)
  type: list
  elements: dict
  sample: [{app_name: default, app_type: JupyterServer, status: InService}]
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker_user_profile import UserProfileManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options, wait_options


def main() -> None:
    argument_spec = dict(
        domain_id=dict(type="str", required=True),
        user_profile_name=dict(type="str", required=True, aliases=["name"]),
        **state_option(),
        execution_role=dict(type="str"),
        user_settings=dict(type="dict"),
        **tag_options(),
        **wait_options(1200),
    )
    run_resource_module(UserProfileManager, argument_spec)


if __name__ == "__main__":
    main()
