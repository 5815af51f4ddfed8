#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: codebuild_project_info
short_description: Describe AWS CodeBuild projects, with their tags
version_added: 0.2.0
description:
  - Returns the named CodeBuild projects that exist, each with its tags as a dictionary (for example to check
    the owner tag before deleting one with M(community.aws.codebuild_project)).
  - Only reads; always reports no change and runs in check mode.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  names:
    description:
      - Names or ARNs of the projects. Names that do not exist are left out of the result.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find the image build project
  mlops.mlflow_aws.codebuild_project_info:
    names: [mlflow-images]
  register: found

- name: Delete it only if it belongs to the stack
  community.aws.codebuild_project:
    name: mlflow-images
    state: absent
  when: found.projects | selectattr('tags.mlflow:stack', 'defined') | selectattr('tags.mlflow:stack', 'equalto', 'mlflow') | list
"""

RETURN = r"""
projects:
  description: The projects found, in snake case, C(tags) as a dictionary.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The project's name.
      type: str
      sample: mlflow-images
    arn:
      description: The project's ARN.
      type: str
    service_role:
      description: The ARN of the role the builds run with.
      type: str
    environment:
      description: The build environment (type, image, compute type, privileged mode, variables).
      type: dict
    source:
      description: The project's source.
      type: dict
    tags:
      description: The project's tags.
      type: dict
      sample: {"mlflow:stack": "mlflow"}
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.codebuild import project_info


def main() -> None:
    argument_spec = dict(names=dict(type="list", elements="str", required=True))
    run_info_module(project_info, argument_spec)


if __name__ == "__main__":
    main()
