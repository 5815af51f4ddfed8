#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: servicediscovery_service
short_description: Manage an AWS Cloud Map service
version_added: 0.1.0
description:
  - Creates, updates, replaces and deletes an AWS Cloud Map (service discovery) service in a namespace, such
    as the service an ECS service registers its tasks in (ECS C(serviceRegistries) takes RV(service.arn)).
  - A service is identified by its O(name) and O(namespace_id).
  - "UpdateService changes only the description and the TTLs of the existing DNS records. Other changes
    (O(dns_config.routing_policy), the set of O(dns_config.dns_records) types, adding or removing O(dns_config) or
    O(health_check_custom_config)) need a new service: the module deletes and re-creates it, which gives it a new
    ID and ARN (reported with RV(replaced) and RV(replaced_because); whatever refers to the old ARN, such as an ECS
    service, must be updated)."
  - A service with registered instances is neither deleted nor replaced unless O(deregister_instances=true).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  name:
    description:
      - The name of the service; with a DNS namespace, the first label of its DNS names.
    type: str
    required: true
  namespace_id:
    description:
      - The ID (not the ARN) of the namespace the service belongs to.
    type: str
    required: true
  description:
    description:
      - A description of the service. Left as it is when not set.
    type: str
  dns_config:
    description:
      - The Route 53 records Cloud Map creates for each registered instance.
      - Left as it is on an existing service when not set.
    type: dict
    suboptions:
      routing_policy:
        description:
          - How Route 53 answers when several instances are registered. Cannot be changed in place.
        type: str
        choices: [MULTIVALUE, WEIGHTED]
        default: MULTIVALUE
      dns_records:
        description:
          - One entry per record type. The set of types cannot be changed in place; TTLs can.
        type: list
        elements: dict
        required: true
        suboptions:
          type:
            description:
              - The record type. ECS tasks in C(awsvpc) mode register V(A) records (or V(SRV) with a port).
            type: str
            choices: [A, AAAA, SRV, CNAME]
            required: true
          ttl:
            description:
              - The time to live of the record, in seconds.
            type: int
            required: true
  health_check_custom_config:
    description:
      - Enables a custom health check, whose status the registrant (such as ECS) reports. Cannot be added or
        removed in place. Left as it is on an existing service when not set.
    type: dict
    suboptions:
      failure_threshold:
        description:
          - Sent to AWS when set. AWS no longer supports it and always stores 1, so it is not compared.
        type: int
  deregister_instances:
    description:
      - Deregister every instance (and wait for it) before deleting or replacing the service.
      - Without it, deleting or replacing a service with registered instances fails.
    type: bool
    default: false
  state:
    description:
      - Whether the service should exist.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    default: 300
notes:
  - Check mode makes no change; a service that would be created or replaced is returned as an empty RV(service).
extends_documentation_fragment:
  - mlops.mlflow_aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mlops.mlflow_aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Cloud Map service the MLflow ECS service registers its tasks in
  mlops.mlflow_aws.servicediscovery_service:
    name: mlflow
    namespace_id: "{{ namespace.namespace.id }}"
    dns_config:
      routing_policy: MULTIVALUE
      dns_records:
        - type: A
          ttl: 10
    health_check_custom_config:
      failure_threshold: 1
    tags:
      mlflow:stack: mlflow
  register: discovery

- name: Use it in the ECS service
  community.aws.ecs_service:
    name: mlflow
    service_registries:
      - arn: "{{ discovery.service.arn }}"
    # ...

- name: Delete the service once the ECS service is gone
  mlops.mlflow_aws.servicediscovery_service:
    name: mlflow
    namespace_id: "{{ namespace.namespace.id }}"
    state: absent
"""

RETURN = r"""
service:
  description:
    - The service, as GetService returns it in snake_case, with its tags and the number of registered instances.
    - Empty after deletion and in check mode when it would be created or replaced.
  returned: always
  type: dict
  contains:
    id:
      description: The service ID.
      type: str
      sample: srv-abcdefgh12345678
    arn:
      description: The service ARN (what ECS C(serviceRegistries) takes).
      type: str
      sample: arn:aws:servicediscovery:us-east-1:123456789012:service/srv-abcdefgh12345678
    name:
      description: The service name.
      type: str
      sample: mlflow
    namespace_id:
      description: The ID of the namespace.
      type: str
      sample: ns-abcdefgh12345678
    description:
      description: The description, when one is set.
      type: str
    dns_config:
      description: The routing policy and DNS records.
      type: dict
      sample: {"routing_policy": "MULTIVALUE", "dns_records": [{"type": "A", "ttl": 10}]}
    health_check_custom_config:
      description: The custom health check settings, when enabled.
      type: dict
      sample: {"failure_threshold": 1}
    type:
      description: The service type (V(DNS_HTTP), V(HTTP) or V(DNS)).
      type: str
    instance_count:
      description: How many instances are registered.
      type: int
      sample: 2
    tags:
      description: The service's tags.
      type: dict
      sample: {"mlflow:stack": "mlflow"}
replaced:
  description: Whether the service was deleted and created again to change an immutable setting.
  returned: when the service was (or in check mode would be) replaced
  type: bool
replaced_because:
  description: The immutable settings that differed.
  returned: when the service was (or in check mode would be) replaced
  type: list
  elements: str
  sample: ["dns_config.routing_policy (MULTIVALUE -> WEIGHTED)"]
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import state_option, tag_options, wait_options
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery_service import (
    ServiceManager,
    validate_service_params,
)


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        namespace_id=dict(type="str", required=True),
        description=dict(type="str"),
        dns_config=dict(
            type="dict",
            options=dict(
                routing_policy=dict(type="str", choices=["MULTIVALUE", "WEIGHTED"], default="MULTIVALUE"),
                dns_records=dict(
                    type="list",
                    elements="dict",
                    required=True,
                    options=dict(
                        type=dict(type="str", choices=["A", "AAAA", "SRV", "CNAME"], required=True),
                        ttl=dict(type="int", required=True),
                    ),
                ),
            ),
        ),
        health_check_custom_config=dict(type="dict", options=dict(failure_threshold=dict(type="int"))),
        deregister_instances=dict(type="bool", default=False),
        **state_option(),
        **tag_options(),
        **wait_options(300),
    )
    run_resource_module(ServiceManager, argument_spec, validate=validate_service_params)


if __name__ == "__main__":
    main()
