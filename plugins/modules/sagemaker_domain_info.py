#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sagemaker_domain_info
short_description: Describe Amazon SageMaker Studio domains
version_added: 0.1.0
description:
  - Describe one SageMaker Studio domain by O(domain_id) or O(domain_name), or all domains of the region, with
    their tags.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  domain_name:
    description:
      - The name of the domain to describe.
    type: str
  domain_id:
    description:
      - The ID of the domain to describe. Takes precedence over O(domain_name).
    type: str
notes:
  - Without O(domain_id) and O(domain_name), describes every domain.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find the Studio domain of the stack
  mlops.mlflow_aws.sagemaker_domain_info:
    domain_name: mlflow-studio
  register: studio

- name: All domains
  mlops.mlflow_aws.sagemaker_domain_info:
  register: all_domains
"""

RETURN = r"""
domains:
  description:
    - The matching domains as DescribeDomain reports them, in snake_case, each with its C(tags).
    - Empty when none matches.
    - Each element has the keys of RV(mlops.mlflow_aws.sagemaker_domain#module:domain).
  returned: always
  type: list
  elements: dict
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker_domain import domains_info


def main() -> None:
    argument_spec = dict(domain_name=dict(type="str"), domain_id=dict(type="str"))
    run_info_module(lambda module: {"domains": domains_info(module)}, argument_spec)


if __name__ == "__main__":
    main()
