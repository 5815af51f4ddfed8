#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sagemaker_user_profile_info
short_description: Describe user profiles of Amazon SageMaker Studio domains, with their apps
version_added: 0.1.0
description:
  - Describe one user profile, the profiles of one domain, or all profiles of the region, each with its tags and
    its apps.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  domain_id:
    description:
      - The domain whose profiles to describe. Required with O(user_profile_name).
    type: str
  user_profile_name:
    description:
      - The profile to describe.
    type: str
    aliases: [name]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The MLflow user and its apps
  mlops.mlflow_aws.sagemaker_user_profile_info:
    domain_id: "{{ domain.domain_id }}"
    user_profile_name: mlflow-user
  register: profile

- name: Every profile of a domain
  mlops.mlflow_aws.sagemaker_user_profile_info:
    domain_id: "{{ domain.domain_id }}"
"""

RETURN = r"""
user_profiles:
  description:
    - The matching profiles as DescribeUserProfile reports them, in snake_case, each with its C(tags) and C(apps).
    - Empty when none matches.
    - Each element has the keys of RV(mlops.mlflow_aws.sagemaker_user_profile#module:user_profile).
  returned: always
  type: list
  elements: dict
  contains:
    apps:
      description: The profile's apps as ListApps reports them (including V(Deleted) ones AWS still lists).
      type: list
      elements: dict
      sample: [{app_name: default, app_type: JupyterServer, status: InService}]
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker_user_profile import user_profiles_info


def main() -> None:
    argument_spec = dict(domain_id=dict(type="str"), user_profile_name=dict(type="str", aliases=["name"]))
    run_info_module(
        lambda module: {"user_profiles": user_profiles_info(module)},
        argument_spec,
        required_by={"user_profile_name": ["domain_id"]},
    )


if __name__ == "__main__":
    main()
