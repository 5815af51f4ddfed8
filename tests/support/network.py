"""A bare network for tests that need subnets but not the vpc tier: one VPC, a subnet in each of two zones."""

from __future__ import annotations

from typing import Any

ZONES = "ab"


def two_zone_network(ec2: Any, prefix: str, region: str = "us-east-1") -> tuple[str, list[str]]:
    """A VPC ``<prefix>.0.0/16`` and its subnets ``<prefix>.<n>.0/24`` in zones a and b: (VPC ID, subnet IDs)."""
    vpc = ec2.create_vpc(CidrBlock=f"{prefix}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.{index}.0/24", AvailabilityZone=f"{region}{zone}")
        for index, zone in enumerate(ZONES)
    ]
    return vpc, [subnet["Subnet"]["SubnetId"] for subnet in subnets]
