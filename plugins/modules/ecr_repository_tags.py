#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecr_repository_tags
short_description: Manage the tags of an ECR repository
version_added: 0.1.0
description:
  - Sets the tags of an existing Amazon ECR repository, which M(community.aws.ecs_ecr) creates but cannot tag.
  - Only tags that differ are written; a second run with the same tags reports no change.
  - Supports check mode and diff mode (the tags before and after).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - Name of the repository, for example C(mlflow/nginx).
      - The repository must exist, except in check mode, where a missing one is reported as a change
        (an earlier task of the same run would have created it).
    type: str
    required: true
    aliases: [repository_name]
  tags:
    description:
      - The tags the repository carries.
    type: dict
    required: true
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the repository's tags that are not in O(tags).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create the repository
  community.aws.ecs_ecr:
    name: mlflow/nginx

- name: Tag it with its stack
  mlops.mlflow_aws.ecr_repository_tags:
    name: mlflow/nginx
    tags:
      "mlflow:stack": mlflow

- name: Add a cost-centre tag, keeping the others
  mlops.mlflow_aws.ecr_repository_tags:
    name: mlflow/nginx
    tags:
      cost-centre: ml-platform
    purge_tags: false
"""

RETURN = r"""
repository:
  description: The repository and its tags after the change; empty in check mode when it does not exist yet.
  returned: always
  type: dict
  contains:
    repository_name:
      description: The repository's name.
      type: str
      sample: mlflow/nginx
    repository_arn:
      description: The repository's ARN.
      type: str
      sample: arn:aws:ecr:us-east-1:123456789012:repository/mlflow/nginx
    repository_uri:
      description: The URI to push images to.
      type: str
      sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com/mlflow/nginx
    registry_id:
      description: The account ID of the registry.
      type: str
      sample: "123456789012"
    tags:
      description: The repository's tags.
      type: dict
      sample: {"mlflow:stack": "mlflow"}
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.ecr import RepositoryTagsManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import tag_options


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["repository_name"]),
        **tag_options(required=True),
    )
    run_resource_module(RepositoryTagsManager, argument_spec)


if __name__ == "__main__":
    main()
