"""The vpc tier on AWS's time (issue 14): slow and failed NAT gateways, what a delete leaves behind.

An emulator of its own, so faults and the clock profile set here reach no other test. Each test names
the item of issue 14 it covers; each fails with the collection as it was before the fix.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator import launcher
from emulator.launcher import Emulator
from tests.support.names import names
from tests.support.playbooks import PlaybookRun, client, run_playbook

pytestmark = pytest.mark.playbook

SLOW_STACK = "slow"
FAILED_STACK = "nonat"


@pytest.fixture(scope="module")
def aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    state_dir: Path = tmp_path_factory.mktemp("aws-time-emulator")
    running = launcher.start(state_dir)
    yield running
    launcher.stop(state_dir)


def _faults(emulator: Emulator, setting: str) -> None:
    request = urllib.request.Request(f"{emulator.url}/__emulator/faults", data=setting.encode(), method="PUT")
    urllib.request.urlopen(request).close()


def _vpc(emulator: Emulator, stack: str, *args: str) -> PlaybookRun:
    playbook = "teardown.yml" if "teardown" in args else "site.yml"
    return run_playbook(emulator, playbook, "--tags", "vpc", extra_vars={"mlflow_stack_name": stack})


def _stack_filter(stack: str) -> list[dict[str, Any]]:
    return [{"Name": "tag:mlflow:stack", "Values": [stack]}]


@pytest.fixture(scope="module")
def slow_deploy(aws: Emulator) -> PlaybookRun:
    """AWS's slow profile: the NAT gateway takes 5.5-10 minutes."""
    _faults(aws, "profile=slow,seed=14")
    return _vpc(aws, SLOW_STACK)


def test_d4_a_nat_gateway_in_aws_slow_tail_is_waited_for(aws: Emulator, slow_deploy: PlaybookRun) -> None:
    assert not slow_deploy.failed, slow_deploy.output[-4000:]
    ec2 = client(aws, "ec2")
    vpc_id = ec2.describe_vpcs(Filters=_stack_filter(SLOW_STACK))["Vpcs"][0]["VpcId"]
    nats = ec2.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    assert [nat["State"] for nat in nats] == ["available"]
    assert slow_deploy.modeled_minutes >= 5.5


LEFTOVER_STACK = "leftovers"


@pytest.fixture(scope="module")
def typical_deploy(aws: Emulator) -> PlaybookRun:
    """Deployed on the typical profile (within any NAT wait), torn down on the slow one."""
    _faults(aws, "")
    run = _vpc(aws, LEFTOVER_STACK)
    _faults(aws, "profile=slow,seed=14")
    return run


def test_t2_t3_t5_teardown_outlasts_mapped_eips_and_lingering_interfaces(
    aws: Emulator, typical_deploy: PlaybookRun
) -> None:
    """T2: the NAT's EIP stays mapped after the NAT is deleted; T3: a deleted load balancer's interfaces
    hold the groups and subnets for 5-15 minutes; T5: its public ones keep the internet gateway attached."""
    assert not typical_deploy.failed, typical_deploy.output[-4000:]
    ec2 = client(aws, "ec2")
    subnets = ec2.describe_subnets(
        Filters=[*_stack_filter(LEFTOVER_STACK), {"Name": "tag:mlflow:subnet-tier", "Values": ["public"]}]
    )["Subnets"]
    groups = ec2.describe_security_groups(Filters=_stack_filter(LEFTOVER_STACK))["SecurityGroups"]
    alb_group_name = names(LEFTOVER_STACK)["security_group_alb"]
    alb_group = next(group["GroupId"] for group in groups if group["GroupName"] == alb_group_name)
    elbv2 = client(aws, "elbv2")
    arn = elbv2.create_load_balancer(
        Name="leftovers",
        Subnets=[subnet["SubnetId"] for subnet in subnets],
        SecurityGroups=[alb_group],
        Scheme="internet-facing",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.delete_load_balancer(LoadBalancerArn=arn)

    run = _vpc(aws, LEFTOVER_STACK, "teardown")

    assert not run.failed, run.output[-4000:]
    assert ec2.describe_vpcs(Filters=_stack_filter(LEFTOVER_STACK))["Vpcs"] == []
    assert ec2.describe_addresses(Filters=_stack_filter(LEFTOVER_STACK))["Addresses"] == []


def test_d4_a_failed_nat_gateway_fails_the_deploy_with_aws_reason(aws: Emulator) -> None:
    _faults(aws, "fail=nat_gateway")
    run = _vpc(aws, FAILED_STACK)
    _faults(aws, "")
    assert run.failed
    assert re.search(r"NAT gateway nat-\w+ in subnet subnet-\w+ failed: InsufficientFreeAddressesInSubnet", run.output)
    # What the failed deploy left is torn down.
    teardown = _vpc(aws, FAILED_STACK, "teardown")
    assert not teardown.failed, teardown.output[-4000:]
    assert client(aws, "ec2").describe_vpcs(Filters=_stack_filter(FAILED_STACK))["Vpcs"] == []


def test_a_failed_studio_domain_fails_the_tier_with_aws_reason(aws: Emulator) -> None:
    _faults(aws, "fail=studio_domain")
    run = run_playbook(aws, "site.yml", "--tags", "sagemaker_studio", extra_vars={"mlflow_stack_name": "nostudio"})
    _faults(aws, "")
    assert run.failed
    assert "the subnets have insufficient free IP addresses" in run.output
    assert not [r for r in run.requests if r["action"] == "CreateUserProfile"]
