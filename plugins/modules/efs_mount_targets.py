#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: efs_mount_targets
short_description: Remove the mount targets of an EFS file system, keeping the file system
version_added: 0.2.0
description:
  - Deletes every mount target of an Amazon EFS file system and waits until they are gone; the file system
    and its data stay.
  - For a SageMaker Studio domain deleted with its home file system retained, whose mount targets (and their
    network interfaces) would otherwise keep the domain's subnets, and so its VPC, from being deleted.
    M(community.aws.efs) finds file systems by creation token and deletes them whole.
  - A missing file system, or one without mount targets, is no change.
  - Supports check mode and diff mode (the mount targets before and after).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  file_system_id:
    description:
      - ID of the file system, for example C(fs-0123456789abcdef0).
      - One of O(file_system_id) and O(sagemaker_domain_id) is required.
    type: str
  sagemaker_domain_id:
    description:
      - The file system is the home file system of this SageMaker Studio domain, which may already be deleted
        (SageMaker tags it C(ManagedByAmazonSageMakerResource) with the domain's ARN).
      - No file system found is no change.
    type: str
  state:
    description:
      - V(absent) is the only state; the option says what the module does.
    type: str
    choices: [absent]
    default: absent
  wait_timeout:
    default: 600
extends_documentation_fragment:
  - mlops.mlflow_aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Unmount a file system
  mlops.mlflow_aws.efs_mount_targets:
    file_system_id: fs-0123456789abcdef0
    state: absent

- name: Unmount the retained home file system of a deleted Studio domain from its subnets
  mlops.mlflow_aws.efs_mount_targets:
    sagemaker_domain_id: d-abcdefghijkl
"""

RETURN = r"""
mount_targets:
  description: The file system's mount targets after the run (none).
  returned: always
  type: dict
  contains:
    file_system_id:
      description: The file system; null when none was found for O(sagemaker_domain_id).
      type: str
      sample: fs-0123456789abcdef0
    mount_targets:
      description: Its mount targets, each with C(mount_target_id) and C(subnet_id).
      type: list
      elements: dict
      sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import reported_errors
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.efs import MountTargetsManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import wait_options


def main() -> None:
    argument_spec = dict(
        file_system_id=dict(type="str"),
        sagemaker_domain_id=dict(type="str"),
        state=dict(type="str", choices=["absent"], default="absent"),
        **wait_options(600),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["file_system_id", "sagemaker_domain_id"]],
        required_one_of=[["file_system_id", "sagemaker_domain_id"]],
    )
    with reported_errors(module):
        manager = MountTargetsManager(module)
        result = manager.ensure()
        result["mount_targets"] = result["mount_targets"] or manager.view(None)
        module.exit_json(**result)


if __name__ == "__main__":
    main()
