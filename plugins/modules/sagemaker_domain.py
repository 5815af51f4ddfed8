#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sagemaker_domain
short_description: Manage an Amazon SageMaker Studio domain
version_added: 0.1.0
description:
  - Create, update or delete an Amazon SageMaker Studio domain, identified by O(domain_name) or O(domain_id).
  - The VPC, subnets and authentication mode of a domain cannot be changed. When they differ from the existing
    domain the module fails and changes nothing; it never replaces a domain, because that destroys the users' home
    file system.
  - Updates change the default user settings and the app network access type in place (UpdateDomain).
  - Deleting a domain that still has user profiles fails; delete them first with
    M(mlops.mlflow_aws.sagemaker_user_profile).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  domain_name:
    description:
      - The name of the domain, unique in the account and region.
      - Required to create a domain.
    type: str
  domain_id:
    description:
      - The ID of an existing domain (C(d-...)). Takes precedence over O(domain_name) to find the domain.
    type: str
  state:
    description:
      - Whether the domain should exist.
    type: str
    choices: [present, absent]
    default: present
  auth_mode:
    description:
      - How users authenticate. Cannot be changed after creation.
    type: str
    choices: [IAM, SSO]
    default: IAM
  vpc_id:
    description:
      - The VPC Studio uses for communication. Required to create a domain; cannot be changed.
    type: str
  subnet_ids:
    description:
      - The subnets Studio uses for communication. Required to create a domain; cannot be changed.
    type: list
    elements: str
  default_user_settings:
    description:
      - The default settings of the domain's users, the API's C(UserSettings) with snake_case keys, for example
        C(execution_role), C(security_groups), C(jupyter_server_app_settings).
      - Required to create a domain, with at least C(execution_role).
      - Only the settings given are compared; settings AWS fills in are left alone.
    type: dict
  app_network_access_type:
    description:
      - Whether Studio reaches the internet directly or only through the VPC.
    type: str
    choices: [PublicInternetOnly, VpcOnly]
  retention_policy:
    description:
      - What happens to the domain's home EFS file system when the domain is deleted.
    type: dict
    default: {home_efs_file_system: Retain}
    suboptions:
      home_efs_file_system:
        description:
          - V(Retain) keeps the users' home file system (and its data); V(Delete) deletes it.
        type: str
        choices: [Retain, Delete]
        default: Retain
  wait_timeout:
    default: 1800
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
- name: A Studio domain with IAM authentication in the default VPC
  mlops.mlflow_aws.sagemaker_domain:
    domain_name: mlflow-studio
    vpc_id: "{{ default_vpc_id }}"
    subnet_ids: "{{ default_subnet_ids }}"
    default_user_settings:
      execution_role: "{{ execution_role_arn }}"
    tags:
      mlflow:stack: mlflow

- name: Restrict an existing domain to its VPC
  mlops.mlflow_aws.sagemaker_domain:
    domain_id: d-abcdefghijkl
    app_network_access_type: VpcOnly

- name: Delete the domain and its home file system
  mlops.mlflow_aws.sagemaker_domain:
    domain_name: mlflow-studio
    state: absent
    retention_policy:
      home_efs_file_system: Delete
"""

RETURN = r"""
domain:
  description:
    - The domain as DescribeDomain reports it, in snake_case, with its tags.
    - Empty when the domain does not exist. In check mode, the planned domain.
  returned: always
  type: dict
  contains:
    domain_arn:
      description: The ARN of the domain.
      type: str
      sample: arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl
    domain_id:
      description: The ID of the domain.
      type: str
      sample: d-abcdefghijkl
    domain_name:
      description: The name of the domain.
      type: str
      sample: mlflow-studio
    status:
      description: The status of the domain.
      type: str
      sample: InService
    auth_mode:
      description: How users authenticate.
      type: str
      sample: IAM
    vpc_id:
      description: The VPC of the domain.
      type: str
      sample: vpc-0123456789abcdef0
    subnet_ids:
      description: The subnets of the domain.
      type: list
      elements: str
    default_user_settings:
      description: The default user settings, in snake_case.
      type: dict
      sample: {execution_role: "arn:aws:iam::123456789012:role/studio"}
    app_network_access_type:
      description: How Studio reaches the internet.
      type: str
      sample: PublicInternetOnly
    home_efs_file_system_id:
      description: The home EFS file system of the domain.
      type: str
    url:
      description: The domain's Studio URL.
      type: str
    tags:
      description: The tags of the domain.
      type: dict
      sample: {"mlflow:stack": mlflow}
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker_domain import DomainManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options, wait_options


def main() -> None:
    argument_spec = dict(
        domain_name=dict(type="str"),
        domain_id=dict(type="str"),
        **state_option(),
        auth_mode=dict(type="str", choices=["IAM", "SSO"], default="IAM"),
        vpc_id=dict(type="str"),
        subnet_ids=dict(type="list", elements="str"),
        default_user_settings=dict(type="dict"),
        app_network_access_type=dict(type="str", choices=["PublicInternetOnly", "VpcOnly"]),
        retention_policy=dict(
            type="dict",
            default={"home_efs_file_system": "Retain"},
            options=dict(home_efs_file_system=dict(type="str", choices=["Retain", "Delete"], default="Retain")),
        ),
        **tag_options(),
        **wait_options(1800),
    )
    run_resource_module(DomainManager, argument_spec, required_one_of=[["domain_name", "domain_id"]])


if __name__ == "__main__":
    main()
