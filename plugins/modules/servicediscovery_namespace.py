#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: servicediscovery_namespace
short_description: Manage an AWS Cloud Map private DNS namespace
version_added: 0.1.0
description:
  - Creates, updates and deletes an AWS Cloud Map (service discovery) private DNS namespace.
  - A namespace is identified by its O(name) and its VPC (O(vpc_id)); AWS allows namespaces of the
    same name in different VPCs. The VPC of a namespace is that of its Route 53 private hosted zone.
  - Creating, updating and deleting a namespace are asynchronous Cloud Map operations; with O(wait=true)
    the module polls the operation until it succeeds, fails or O(wait_timeout) passes.
  - The VPC of a namespace cannot be changed. When O(name) exists only in other VPCs, O(on_other_vpc) decides
    whether the module fails (default), replaces that namespace, or creates a separate one.
  - A namespace that still has services is never deleted (nor replaced); the module fails and names them.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - The name of the namespace, a DNS domain such as V(mlflow.internal).
    type: str
    required: true
  vpc_id:
    description:
      - The VPC the namespace resolves in. Required with O(state=present).
      - With O(state=absent) it chooses among namespaces of the same name; without it the one namespace of
        that name is deleted (the module fails if there are several).
      - If the hosted zone of a namespace reports no VPC (AWS always reports one; emulators may not), that
        namespace is taken to be in O(vpc_id).
    type: str
  description:
    description:
      - A description of the namespace. Left as it is when not set.
    type: str
  on_other_vpc:
    description:
      - What to do when no namespace O(name) exists in O(vpc_id) but one exists in another VPC.
      - V(fail) stops with a message naming that namespace and its VPC.
      - V(replace) deletes that namespace (only when it has no services; the module fails otherwise) and
        creates O(name) in O(vpc_id). The namespace gets a new ID, ARN and hosted zone.
      - V(ignore) leaves it alone and creates another namespace of the same name in O(vpc_id).
    type: str
    choices: [fail, replace, ignore]
    default: fail
  state:
    description:
      - Whether the namespace should exist.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    default: 300
notes:
  - Check mode makes no change; a namespace that would be created is returned as an empty RV(namespace).
  - Besides C(servicediscovery:*) permissions the module needs C(route53:GetHostedZone) to find the VPC of
    a namespace.
extends_documentation_fragment:
  - mlops.mlflow_aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mlops.mlflow_aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Private DNS namespace for the MLflow service
  mlops.mlflow_aws.servicediscovery_namespace:
    name: mlflow.internal
    vpc_id: "{{ vpc.vpc.id }}"
    description: Service discovery for the MLflow stack
    tags:
      mlflow:stack: mlflow
  register: namespace

- name: Move the namespace to a new VPC (only possible while it has no services)
  mlops.mlflow_aws.servicediscovery_namespace:
    name: mlflow.internal
    vpc_id: "{{ new_vpc.vpc.id }}"
    on_other_vpc: replace

- name: Delete the namespace (fails while it still has services)
  mlops.mlflow_aws.servicediscovery_namespace:
    name: mlflow.internal
    vpc_id: "{{ vpc.vpc.id }}"
    state: absent
"""

RETURN = r"""
namespace:
  description:
    - The namespace, as GetNamespace returns it in snake_case, with its tags and the VPCs of its hosted zone.
    - Empty after deletion, in check mode when it would be created, and with O(wait=false) on creation.
  returned: always
  type: dict
  contains:
    id:
      description: The namespace ID.
      type: str
      sample: ns-abcdefgh12345678
    arn:
      description: The namespace ARN.
      type: str
      sample: arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abcdefgh12345678
    name:
      description: The namespace name.
      type: str
      sample: mlflow.internal
    type:
      description: The namespace type.
      type: str
      sample: DNS_PRIVATE
    description:
      description: The description, when one is set.
      type: str
    properties:
      description: DNS and HTTP properties.
      type: dict
      contains:
        dns_properties:
          description: The Route 53 hosted zone (C(hosted_zone_id)) and SOA settings.
          type: dict
        http_properties:
          description: The name used for API discovery (C(http_name)).
          type: dict
    vpc_ids:
      description: The VPCs associated with the namespace's private hosted zone (empty if it reports none).
      type: list
      elements: str
      sample: [vpc-0123456789abcdef0]
    tags:
      description: The namespace's tags.
      type: dict
      sample: {"mlflow:stack": "mlflow"}
    create_date:
      description: When the namespace was created.
      type: str
    creator_request_id:
      description: The idempotency token of the creation request.
      type: str
operation_id:
  description: The ID of the last Cloud Map operation started (create, update or delete).
  returned: when an operation was started
  type: str
replaced:
  description: Whether a namespace of the same name in another VPC was deleted and created again in O(vpc_id).
  returned: when O(on_other_vpc=replace) replaced a namespace
  type: bool
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery import validate_wait_timeout
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery_namespace import NamespaceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options, wait_options


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        vpc_id=dict(type="str"),
        description=dict(type="str"),
        on_other_vpc=dict(type="str", choices=["fail", "replace", "ignore"], default="fail"),
        **state_option(),
        **tag_options(),
        **wait_options(300),
    )
    run_resource_module(
        NamespaceManager,
        argument_spec,
        validate=validate_wait_timeout,
        required_if=[("state", "present", ["vpc_id"])],
    )


if __name__ == "__main__":
    main()
