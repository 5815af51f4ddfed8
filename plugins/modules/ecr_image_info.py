#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecr_image_info
short_description: Tell which image references exist in Amazon ECR
version_added: 0.2.0
description:
  - For each image reference (C([<account>.dkr.ecr.<region>.amazonaws.com/]<repository>:<tag>)), whether ECR
    has that tag, with the image's digest; and the list of references it does not have (a missing repository
    counts as a missing image).
  - Only reads; always reports no change and runs in check mode.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  images:
    description:
      - Image references, each with a tag. The registry host, when given, selects the registry's account.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Check the images of a task definition
  mlops.mlflow_aws.ecr_image_info:
    images:
      - 123456789012.dkr.ecr.us-east-1.amazonaws.com/mlflow/nginx:0123456789abcdef-arm64
      - mlflow/mlflow:fedcba9876543210-arm64
  register: found

- name: Refuse to deploy images that are not there
  ansible.builtin.assert:
    that: found.missing == []
    fail_msg: "Not in ECR: {{ found.missing | join(', ') }}"
"""

RETURN = r"""
images:
  description: One entry per reference, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    reference:
      description: The reference as given.
      type: str
    registry_id:
      description: The registry's account, when the reference names one.
      type: str
    repository_name:
      description: The repository.
      type: str
      sample: mlflow/nginx
    image_tag:
      description: The tag.
      type: str
    exists:
      description: Whether ECR has an image with that tag.
      type: bool
    image_digest:
      description: The image's digest, when it exists.
      type: str
    image_pushed_at:
      description: When the image was pushed, when it exists.
      type: str
missing:
  description: The references ECR does not have.
  returned: always
  type: list
  elements: str
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.codebuild import image_info


def main() -> None:
    argument_spec = dict(images=dict(type="list", elements="str", required=True))
    run_info_module(image_info, argument_spec)


if __name__ == "__main__":
    main()
