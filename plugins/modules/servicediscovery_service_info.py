#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: servicediscovery_service_info
short_description: Describe AWS Cloud Map services
version_added: 0.1.0
description:
  - Lists AWS Cloud Map (service discovery) services with their details, tags and number of registered instances.
  - Selects by O(id), or by O(namespace_id) and/or O(name), or returns all.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  id:
    description:
      - The ID of one service. Takes precedence over O(namespace_id) and O(name).
    type: str
  namespace_id:
    description:
      - Only services in this namespace.
    type: str
  name:
    description:
      - Only services with this name.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find the MLflow service in the stack's namespace
  mlops.mlflow_aws.servicediscovery_service_info:
    namespace_id: "{{ namespace_id }}"
    name: mlflow
  register: found

- name: Fail early when it is missing
  ansible.builtin.assert:
    that: found.services | length == 1
    fail_msg: Run the ecs_service tier first (--tags ecs_service)
"""

RETURN = r"""
services:
  description:
    - The matching services (empty when none match).
    - Each element has the keys of RV(mlops.mlflow_aws.servicediscovery_service#module:service).
  returned: always
  type: list
  elements: dict
"""


from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_info_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery_service import service_info


def main() -> None:
    argument_spec = dict(
        id=dict(type="str"),
        namespace_id=dict(type="str"),
        name=dict(type="str"),
    )
    run_info_module(lambda module: {"services": service_info(module)}, argument_spec)


if __name__ == "__main__":
    main()
