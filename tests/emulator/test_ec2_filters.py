"""DescribeNatGateways answers tag filters as AWS does (moto alone returns every NAT gateway)."""

from __future__ import annotations

import pytest

from emulator import launcher
from tests.emulator.strict_support import Network, unique
from tests.support.names import names


@pytest.fixture
def nats(emulator: launcher.Emulator) -> tuple[Network, str, str, str]:
    net = Network(emulator)
    stack = unique("stack")
    ours = _nat(
        net, [{"Key": "mlflow:stack", "Value": stack}, {"Key": "Name", "Value": f"{names(stack)['nat_prefix']}1"}]
    )
    other = _nat(net, [{"Key": "mlflow:stack", "Value": "someone-else"}])
    untagged = _nat(net, [])
    return net, stack, ours, other + " " + untagged


def _nat(net: Network, tags: list[dict[str, str]]) -> str:
    allocation = net.ec2.allocate_address(Domain="vpc")["AllocationId"]
    specs = [{"ResourceType": "natgateway", "Tags": tags}] if tags else []
    created = net.ec2.create_nat_gateway(SubnetId=net.subnet_id, AllocationId=allocation, TagSpecifications=specs)
    return created["NatGateway"]["NatGatewayId"]


def _ids(net: Network, **kwargs: object) -> set[str]:
    return {nat["NatGatewayId"] for nat in net.ec2.describe_nat_gateways(**kwargs)["NatGateways"]}


def test_a_tag_filter_returns_only_the_tagged_gateway(nats: tuple[Network, str, str, str]) -> None:
    net, stack, ours, _others = nats
    assert _ids(net, Filters=[{"Name": "tag:mlflow:stack", "Values": [stack]}]) == {ours}


def test_tag_filters_combine_with_the_filters_moto_knows(nats: tuple[Network, str, str, str]) -> None:
    net, stack, ours, _others = nats
    both = [{"Name": "tag:mlflow:stack", "Values": [stack]}, {"Name": "vpc-id", "Values": [net.vpc_id]}]
    assert _ids(net, Filters=both) == {ours}
    wrong_state = [{"Name": "tag:mlflow:stack", "Values": [stack]}, {"Name": "state", "Values": ["deleted"]}]
    assert _ids(net, Filters=wrong_state) == set()


def test_tag_key_and_no_match(nats: tuple[Network, str, str, str]) -> None:
    net, _stack, ours, others = nats
    keyed = _ids(net, Filters=[{"Name": "tag-key", "Values": ["mlflow:stack"]}])
    assert ours in keyed and others.split()[0] in keyed and others.split()[1] not in keyed
    assert _ids(net, Filters=[{"Name": "tag:mlflow:stack", "Values": ["nobody"]}]) == set()


def test_a_tag_filter_narrows_the_ids_asked_for(nats: tuple[Network, str, str, str]) -> None:
    net, stack, ours, others = nats
    filters = [{"Name": "tag:mlflow:stack", "Values": [stack]}]
    assert _ids(net, NatGatewayIds=[others.split()[0]], Filters=filters) == set()
    assert _ids(net, NatGatewayIds=[ours], Filters=filters) == {ours}
