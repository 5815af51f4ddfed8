# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VPC's subnet plan: which CIDR each tier gets in each availability zone."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

# Address space a VPC should use: RFC 1918, and RFC 6598's shared space that AWS also accepts. A public range
# would shadow real addresses for everything in the VPC that goes out through the NAT gateway.
PRIVATE_SPACE = tuple(
    ipaddress.IPv4Network(cidr) for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)

# Allocation order, as the CDK sample's VPC does it: every public subnet, then private, then isolated.
TIERS = ("public", "private", "isolated")


class SubnetPlanError(ValueError):
    pass


@dataclass(frozen=True)
class PlannedSubnet:
    tier: str
    az_index: int
    cidr: str


def plan_subnets(vpc_cidr: str, az_count: int, prefixes: dict[str, int]) -> list[PlannedSubnet]:
    """Allocate each tier's subnets in order, every block aligned on its own size, inside ``vpc_cidr``."""
    network = _parse_network(vpc_cidr)
    _check_prefixes(network, prefixes)
    if az_count < 1:
        raise SubnetPlanError(f"the subnet plan needs at least one availability zone, got {az_count}")
    cursor = int(network.network_address)
    plan = []
    for tier in TIERS:
        size = 2 ** (32 - prefixes[tier])
        for az_index in range(az_count):
            cursor = -(-cursor // size) * size
            if cursor + size > int(network.broadcast_address) + 1:
                raise SubnetPlanError(_too_small(vpc_cidr, az_count, prefixes))
            plan.append(PlannedSubnet(tier, az_index, f"{ipaddress.IPv4Address(cursor)}/{prefixes[tier]}"))
            cursor += size
    return plan


def _parse_network(vpc_cidr: str) -> ipaddress.IPv4Network:
    try:
        network = ipaddress.IPv4Network(str(vpc_cidr), strict=True)
    except ValueError as error:
        raise SubnetPlanError(f"vpc_cidr {vpc_cidr!r} is not a valid IPv4 network in CIDR notation: {error}") from None
    if not 16 <= network.prefixlen <= 28:
        raise SubnetPlanError(f"vpc_cidr {vpc_cidr!r}: AWS accepts VPC prefixes from /16 to /28")
    if not any(network.subnet_of(space) for space in PRIVATE_SPACE):
        ranges = ", ".join(str(space) for space in PRIVATE_SPACE)
        raise SubnetPlanError(f"vpc_cidr {vpc_cidr!r} is not in private address space: use a range within {ranges}")
    return network


def _check_prefixes(network: ipaddress.IPv4Network, prefixes: dict[str, int]) -> None:
    for tier in TIERS:
        prefix = prefixes.get(tier)
        if not isinstance(prefix, int) or not network.prefixlen <= prefix <= 28:
            raise SubnetPlanError(
                f"the {tier} subnet prefix must be a whole number from /{network.prefixlen} (the VPC's) to /28,"
                f" got {prefix!r}"
            )


def _too_small(vpc_cidr: str, az_count: int, prefixes: dict[str, int]) -> str:
    needed = sum(az_count * 2 ** (32 - prefixes[tier]) for tier in TIERS)
    smallest = 32 - (needed - 1).bit_length()
    return (
        f"vpc_cidr {vpc_cidr} is too small for the subnet plan: {az_count} AZs of "
        + ", ".join(f"{tier} /{prefixes[tier]}" for tier in TIERS)
        + f" need {needed} addresses, a /{smallest} or larger"
    )
