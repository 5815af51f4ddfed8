#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: servicediscovery_namespace_info
short_description: Describe AWS Cloud Map namespaces
version_added: 0.1.0
description:
  - Lists AWS Cloud Map (service discovery) namespaces with their details, tags and, for private DNS
    namespaces, the VPCs of their Route 53 hosted zone.
  - Selects by O(id), or by O(name) (several namespaces of one name may exist in different VPCs), or returns all.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  id:
    description:
      - The ID of one namespace. Takes precedence over O(name) and O(type).
    type: str
  name:
    description:
      - Only namespaces with this name.
    type: str
  type:
    description:
      - Only namespaces of this type.
    type: str
    choices: [DNS_PRIVATE, DNS_PUBLIC, HTTP]
  vpc_id:
    description:
      - Only private DNS namespaces in this VPC (a namespace whose hosted zone reports no VPC counts as in it).
    type: str
notes:
  - Needs C(route53:GetHostedZone) besides C(servicediscovery:List*)/C(Get*) permissions.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find the stack's namespace
  mlops.mlflow_aws.servicediscovery_namespace_info:
    name: mlflow.internal
    vpc_id: "{{ vpc_id }}"
  register: found

- name: All private DNS namespaces
  mlops.mlflow_aws.servicediscovery_namespace_info:
    type: DNS_PRIVATE
"""

RETURN = r"""
namespaces:
  description:
    - The matching namespaces (empty when none match).
    - Each element has the keys of RV(mlops.mlflow_aws.servicediscovery_namespace#module:namespace).
  returned: always
  type: list
  elements: dict
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery_namespace import namespace_info


def main() -> None:
    argument_spec = dict(
        id=dict(type="str"),
        name=dict(type="str"),
        type=dict(type="str", choices=["DNS_PRIVATE", "DNS_PUBLIC", "HTTP"]),
        vpc_id=dict(type="str"),
    )
    run_info_module(lambda module: {"namespaces": namespace_info(module)}, argument_spec)


if __name__ == "__main__":
    main()
