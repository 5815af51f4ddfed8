# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filter subnet_plan: the VPC's subnet CIDRs per tier and availability zone."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.mlflow_aws.plugins.plugin_utils.subnet_plan import SubnetPlanError, plan_subnets

DOCUMENTATION = r"""
name: subnet_plan
short_description: Plan the public, private and isolated subnets of a VPC
version_added: 0.1.0
author:
  - mlops.mlflow_aws maintainers (@mlops)
description:
  - Allocates, inside a VPC CIDR, one subnet per availability zone for each tier, in the order public, private,
    isolated, each block aligned on its own size (as the AWS CDK allocates a VPC's subnets).
  - Fails with a clear message when the CIDR is malformed, outside private address space (RFC 1918 and
    C(100.64.0.0/10)), or too small for the plan.
options:
  _input:
    description: The VPC CIDR, for example C(10.0.0.0/16).
    type: string
    required: true
  az_count:
    description: How many availability zones get a subnet of each tier.
    type: integer
    default: 2
  public_prefix:
    description: Prefix length of each public subnet.
    type: integer
    default: 24
  private_prefix:
    description: Prefix length of each private subnet.
    type: integer
    default: 26
  isolated_prefix:
    description: Prefix length of each isolated subnet.
    type: integer
    default: 28
"""

EXAMPLES = r"""
- name: Plan the subnets of 10.0.0.0/16 over two AZs
  ansible.builtin.debug:
    msg: "{{ '10.0.0.0/16' | mlops.mlflow_aws.subnet_plan(az_count=2) }}"
  # public 10.0.0.0/24, 10.0.1.0/24; private 10.0.2.0/26, 10.0.2.64/26; isolated 10.0.2.128/28, 10.0.2.144/28
"""

RETURN = r"""
_value:
  description: One entry per subnet, in allocation order.
  type: list
  elements: dict
  contains:
    tier:
      description: V(public), V(private) or V(isolated).
      type: string
    az_index:
      description: Index of the availability zone, from 0.
      type: integer
    cidr:
      description: The subnet's CIDR.
      type: string
"""


def subnet_plan(
    vpc_cidr: str, az_count: int = 2, public_prefix: int = 24, private_prefix: int = 26, isolated_prefix: int = 28
) -> list[dict[str, Any]]:
    prefixes = {"public": public_prefix, "private": private_prefix, "isolated": isolated_prefix}
    try:
        plan = plan_subnets(vpc_cidr, int(az_count), prefixes)
    except SubnetPlanError as error:
        raise AnsibleFilterError(str(error)) from None
    return [{"tier": subnet.tier, "az_index": subnet.az_index, "cidr": subnet.cidr} for subnet in plan]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"subnet_plan": subnet_plan}
