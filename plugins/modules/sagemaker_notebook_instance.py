#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sagemaker_notebook_instance
short_description: Manage an Amazon SageMaker notebook instance
version_added: 0.3.0
description:
  - Create, update or delete a SageMaker notebook instance and wait for it (C(Pending) to C(InService) when
    created, C(Stopping) to C(Stopped), C(Deleting) until it is gone).
  - An instance found C(Failed) is an error with AWS's C(FailureReason) (for example its lifecycle
    configuration's script failing); delete it to create it again.
  - AWS updates an instance only while it is stopped; a running instance whose O(instance_type), O(role_arn),
    O(volume_size_in_gb), O(lifecycle_config_name) or O(root_access) differ is stopped, updated and started
    again. O(subnet_id), O(security_group_ids) and O(direct_internet_access) cannot change on an instance, so a
    difference is an error.
  - A C(Stopped) instance is left stopped (users stop notebook instances to stop paying for them).
  - Deleting a running instance stops it first, as AWS requires.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - The name of the instance (letters, digits and hyphens, at most 63 characters).
    type: str
    required: true
  state:
    description:
      - Whether the instance should exist.
    type: str
    choices: [present, absent]
    default: present
  instance_type:
    description:
      - The ML compute instance type, for example C(ml.t3.medium). Required to create an instance.
    type: str
  role_arn:
    description:
      - The IAM role the instance's notebooks run with. Required to create an instance.
    type: str
  subnet_id:
    description:
      - A subnet to put the instance's network interface in. Omitted, the instance runs in SageMaker's own network.
    type: str
  security_group_ids:
    description:
      - The security groups of the instance's network interface (required with O(subnet_id)).
    type: list
    elements: str
  direct_internet_access:
    description:
      - C(Disabled) sends all traffic through O(subnet_id)'s VPC (its NAT gateway for the internet); needs O(subnet_id).
    type: str
    choices: [Enabled, Disabled]
  volume_size_in_gb:
    description:
      - Size of the instance's ML storage volume (5 to 16384 GB; AWS's default is 5).
    type: int
  lifecycle_config_name:
    description:
      - The lifecycle configuration whose scripts run when the instance is created and starts
        (see M(mlops.mlflow_aws.sagemaker_notebook_lifecycle_config)).
    type: str
  root_access:
    description:
      - Whether notebook users get root access (lifecycle scripts always run as root).
    type: str
    choices: [Enabled, Disabled]
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
- name: A notebook instance in a private subnet that exports the MLflow settings at start
  mlops.mlflow_aws.sagemaker_notebook_instance:
    name: mlflow-notebook
    instance_type: ml.t3.medium
    role_arn: arn:aws:iam::123456789012:role/mlflow-sagemaker-execution
    subnet_id: subnet-0123456789abcdef0
    security_group_ids: [sg-0123456789abcdef0]
    direct_internet_access: Disabled
    volume_size_in_gb: 20
    lifecycle_config_name: mlflow-notebook-mlflow
    tags:
      mlflow:stack: mlflow

- name: Stop and delete it
  mlops.mlflow_aws.sagemaker_notebook_instance:
    name: mlflow-notebook
    state: absent
"""

RETURN = r"""
notebook_instance:
  description:
    - The instance as DescribeNotebookInstance reports it, in snake_case, with its tags.
    - Empty when it does not exist. In check mode, the planned instance.
  returned: always
  type: dict
  contains:
    notebook_instance_arn:
      description: The ARN of the instance.
      type: str
      sample: arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/mlflow-notebook
    notebook_instance_name:
      description: The name of the instance.
      type: str
    notebook_instance_status:
      description: Its status.
      type: str
      sample: InService
    url:
      description: The URL of its Jupyter server (when InService).
      type: str
    instance_type:
      description: The instance type.
      type: str
    subnet_id:
      description: Its subnet, when in a VPC.
      type: str
    notebook_instance_lifecycle_config_name:
      description: Its lifecycle configuration.
      type: str
    failure_reason:
      description: Why it failed, when it did.
      type: str
    tags:
      description: The tags of the instance.
      type: dict
      sample: {"mlflow:stack": mlflow}
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options, wait_options
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker_notebook_instance import (
    NotebookInstanceManager,
)


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        **state_option(),
        instance_type=dict(type="str"),
        role_arn=dict(type="str"),
        subnet_id=dict(type="str"),
        security_group_ids=dict(type="list", elements="str"),
        direct_internet_access=dict(type="str", choices=["Enabled", "Disabled"]),
        volume_size_in_gb=dict(type="int"),
        lifecycle_config_name=dict(type="str"),
        root_access=dict(type="str", choices=["Enabled", "Disabled"]),
        **tag_options(),
        **wait_options(1800),
    )
    run_resource_module(
        NotebookInstanceManager,
        argument_spec,
        required_if=[("state", "present", ("instance_type", "role_arn"))],
        required_by={"subnet_id": ("security_group_ids",)},
    )


if __name__ == "__main__":
    main()
