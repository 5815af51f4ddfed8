"""The subnet plan: CDK-compatible allocation and clear refusals."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.plugin_utils.subnet_plan import SubnetPlanError, plan_subnets

DEFAULT_PREFIXES = {"public": 24, "private": 26, "isolated": 28}


def _cidrs(vpc_cidr: str, az_count: int = 2, prefixes: dict[str, int] | None = None) -> dict[str, list[str]]:
    plan = plan_subnets(vpc_cidr, az_count, prefixes or DEFAULT_PREFIXES)
    return {tier: [s.cidr for s in plan if s.tier == tier] for tier in ("public", "private", "isolated")}


def test_default_plan_matches_the_cdk_layout() -> None:
    assert _cidrs("10.0.0.0/16") == {
        "public": ["10.0.0.0/24", "10.0.1.0/24"],
        "private": ["10.0.2.0/26", "10.0.2.64/26"],
        "isolated": ["10.0.2.128/28", "10.0.2.144/28"],
    }


def test_blocks_are_aligned_on_their_size() -> None:
    plan = _cidrs("172.16.0.0/20", prefixes={"public": 26, "private": 24, "isolated": 28})
    assert plan["public"] == ["172.16.0.0/26", "172.16.0.64/26"]
    assert plan["private"] == ["172.16.1.0/24", "172.16.2.0/24"]
    assert plan["isolated"] == ["172.16.3.0/28", "172.16.3.16/28"]


def test_smallest_vpc_that_fits() -> None:
    assert _cidrs("10.1.0.0/22")["isolated"] == ["10.1.2.128/28", "10.1.2.144/28"]


@pytest.mark.parametrize(
    ("cidr", "message"),
    [
        ("10.0.0.0/23", "too small for the subnet plan: 2 AZs .* need 672 addresses, a /22 or larger"),
        ("10.0.0.300/16", "not a valid IPv4 network"),
        ("10.0.0.1/16", "not a valid IPv4 network"),
        ("banana", "not a valid IPv4 network"),
        ("10.0.0.0/8", "from /16 to /28"),
    ],
)
def test_bad_vpc_cidr_is_refused_clearly(cidr: str, message: str) -> None:
    with pytest.raises(SubnetPlanError, match=message):
        plan_subnets(cidr, 2, DEFAULT_PREFIXES)


def test_bad_prefix_is_refused() -> None:
    with pytest.raises(SubnetPlanError, match="private subnet prefix"):
        plan_subnets("10.0.0.0/16", 2, {"public": 24, "private": 30, "isolated": 28})


def test_filter_raises_ansible_error() -> None:
    from ansible.errors import AnsibleFilterError
    from ansible_collections.mlops.mlflow_aws.plugins.filter.subnet_plan import subnet_plan

    assert subnet_plan("10.0.0.0/16", 1)[0] == {"tier": "public", "az_index": 0, "cidr": "10.0.0.0/24"}
    with pytest.raises(AnsibleFilterError, match="too small"):
        subnet_plan("10.0.0.0/24")
