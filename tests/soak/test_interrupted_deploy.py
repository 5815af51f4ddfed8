"""A deploy killed at a random point, then run again (make soak, not make test): nothing is made twice.

A controller that dies mid-run (a closed laptop, a CI job cancelled) leaves whatever its last request
created. The re-run must find each of those by name or tag and carry on, never create a second one: AWS
lets several VPCs, subnets, NAT gateways, Elastic IPs, HTTP APIs or VPC links share a name or tag, so a
lookup that misses means a duplicate that costs money and confuses the next teardown.

One emulator holds a reference stack deployed in one go and, per seed, a stack whose first deploy is
killed (the whole process group, as SIGKILL leaves it) after a seeded fraction of the reference's wall
time. After the re-run, every kind of resource counts as many as in the reference.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator

import pytest

from emulator import launcher
from emulator.launcher import Emulator
from tests.support.playbooks import ROOT, PlaybookRun, client, playbook_command, run_playbook

pytestmark = pytest.mark.soak

SEEDS = [int(seed) for seed in os.environ.get("SOAK_SEEDS", "1 2 3").split()]
TIERS = os.environ.get("SOAK_TIERS", "vpc,aurora,ecs_service,http_api")
STACK_TAG = "mlflow:stack"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    state_dir = tmp_path_factory.mktemp("interrupted")
    yield launcher.start(state_dir)
    launcher.stop(state_dir)


@pytest.fixture(scope="module")
def reference(emulator: Emulator) -> tuple[PlaybookRun, Counter[str]]:
    run = run_playbook(emulator, "site.yml", "--tags", TIERS, extra_vars={"mlflow_stack_name": "reference"})
    assert not run.failed, run.output[-4000:]
    counts = inventory(emulator, "reference")
    assert counts["vpc"] == 1 and counts["subnet"] == 6, counts  # the inventory sees the stack at all
    return run, counts


@pytest.mark.parametrize("seed", SEEDS)
def test_a_killed_deploy_run_again_creates_nothing_twice(
    emulator: Emulator, reference: tuple[PlaybookRun, Counter[str]], seed: int
) -> None:
    reference_run, expected = reference
    stack = {"mlflow_stack_name": f"killed{seed}"}
    after = random.Random(seed).uniform(0.05, 0.95) * reference_run.seconds  # noqa: S311 - a kill point
    killed = _run_and_kill(emulator, stack, after)

    again = run_playbook(emulator, "site.yml", "--tags", TIERS, extra_vars=stack)

    assert not again.failed, f"killed after {after:.0f} s:\n{killed[-1500:]}\nre-run:\n{again.output[-4000:]}"
    assert inventory(emulator, stack["mlflow_stack_name"]) == expected, f"killed after {after:.0f} s"


def _run_and_kill(emulator: Emulator, stack: dict[str, str], after: float) -> str:
    command, env = playbook_command(emulator, "site.yml", "--tags", TIERS, extra_vars=stack)
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        output = process.communicate(timeout=after)[0]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output = process.communicate()[0]
    return output


def inventory(emulator: Emulator, stack: str) -> Counter[str]:
    """How many of each kind the stack has: what names or tags alone do not keep unique on AWS, and all tagged."""
    counts: Counter[str] = Counter()
    ec2 = client(emulator, "ec2")
    owned = [{"Name": f"tag:{STACK_TAG}", "Values": [stack]}]
    counts["vpc"] = len(ec2.describe_vpcs(Filters=owned)["Vpcs"])
    counts["subnet"] = len(ec2.describe_subnets(Filters=owned)["Subnets"])
    counts["internet_gateway"] = len(ec2.describe_internet_gateways(Filters=owned)["InternetGateways"])
    counts["route_table"] = len(ec2.describe_route_tables(Filters=owned)["RouteTables"])
    counts["security_group"] = len(ec2.describe_security_groups(Filters=owned)["SecurityGroups"])
    counts["elastic_ip"] = len(ec2.describe_addresses(Filters=owned)["Addresses"])
    nats = ec2.describe_nat_gateways(Filters=owned)["NatGateways"]
    counts["nat_gateway"] = sum(1 for nat in nats if nat["State"] not in ("deleting", "deleted", "failed"))
    apis = client(emulator, "apigatewayv2")
    counts["http_api"] = sum(1 for api in apis.get_apis()["Items"] if api.get("Tags", {}).get(STACK_TAG) == stack)
    links = apis.get_vpc_links()["Items"]
    counts["vpc_link"] = sum(1 for link in links if link.get("Tags", {}).get(STACK_TAG) == stack)
    counts.update(_tagged_kinds(emulator, stack))
    return counts


def _tagged_kinds(emulator: Emulator, stack: str) -> Counter[str]:
    """Every resource the tagging API finds with the stack's tag, by service and type (task definitions are
    revisions, which a re-run may add by design, so they are left out)."""
    tagging = client(emulator, "resourcegroupstaggingapi")
    kinds: Counter[str] = Counter()
    for page in tagging.get_paginator("get_resources").paginate(TagFilters=[{"Key": STACK_TAG, "Values": [stack]}]):
        for resource in page["ResourceTagMappingList"]:
            kind = _kind(resource["ResourceARN"])
            if kind != "ecs:task-definition":
                kinds[kind] += 1
    return kinds


def _kind(arn: str) -> str:
    service, resource = arn.split(":")[2], arn.split(":", 5)[5]
    if service == "s3":  # arn:aws:s3:::<bucket>: the name is all there is
        return "s3:bucket"
    return f"{service}:{resource.split('/')[0].split(':')[0]}"
