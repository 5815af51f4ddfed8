"""The ecs_service tier on AWS's time (issue 14), in a fresh account: deployed on the typical profile,
torn down on the slow one.

D1: the deploy waits for the targets to pass the health check. D2: the account's first CreateService
comes seconds after its first CreateCluster, while ECS's service-linked role propagates. T1: the deleted
service drains for 3-5 minutes, and the cluster refuses deletion (ClusterContainsTasksException)
meanwhile. Each failed with the collection as it was before.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from emulator import launcher
from emulator.launcher import Emulator
from tests.support.playbooks import PlaybookRun, client, run_playbook

pytestmark = pytest.mark.playbook

STACK = "fresh"
UP_TO_ECS_SERVICE = ("--skip-tags", "http_api,sagemaker_studio")


@pytest.fixture(scope="module")
def fresh_account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """Not aged (Emulator.age_account): the account has never had an ECS cluster."""
    state_dir = tmp_path_factory.mktemp("fresh-account-emulator")
    running = launcher.start(state_dir)
    yield running
    launcher.stop(state_dir)


@pytest.fixture(scope="module")
def deployed(fresh_account: Emulator) -> PlaybookRun:
    return run_playbook(fresh_account, "site.yml", *UP_TO_ECS_SERVICE, extra_vars={"mlflow_stack_name": STACK})


def test_d2_first_service_of_a_fresh_account_waits_for_the_service_linked_role(
    fresh_account: Emulator, deployed: PlaybookRun
) -> None:
    assert not deployed.failed, deployed.output[-4000:]
    refused = [
        entry
        for entry in deployed.requests
        if entry["action"] == "CreateService" and entry["answered_by"] == "ecs_lifecycles"
    ]
    assert refused, "the first CreateService was expected to meet the role's propagation"
    services = client(fresh_account, "ecs").list_services(cluster=STACK)["serviceArns"]
    assert len(services) == 1


def test_d1_the_deploy_ends_once_the_targets_pass_their_health_check(
    fresh_account: Emulator, deployed: PlaybookRun
) -> None:
    assert not deployed.failed
    elbv2 = client(fresh_account, "elbv2")
    group = elbv2.describe_target_groups(Names=[f"{STACK}-tg"])["TargetGroups"][0]["TargetGroupArn"]
    states = [
        d["TargetHealth"]["State"]
        for d in elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    ]
    assert states and set(states) == {"healthy"}


def test_t1_teardown_waits_for_the_service_to_drain(fresh_account: Emulator, deployed: PlaybookRun) -> None:
    assert not deployed.failed
    setting = b"profile=slow,seed=14"  # draining takes 3-5 minutes
    urllib.request.urlopen(
        urllib.request.Request(f"{fresh_account.url}/__emulator/faults", data=setting, method="PUT")
    ).close()
    run = run_playbook(fresh_account, "teardown.yml", "--tags", "ecs_service", extra_vars={"mlflow_stack_name": STACK})
    assert not run.failed, run.output[-4000:]
    ecs = client(fresh_account, "ecs")
    clusters = ecs.describe_clusters(clusters=[STACK])["clusters"]
    assert [cluster["status"] for cluster in clusters] in ([], ["INACTIVE"])
    assert [entry["status"] for entry in run.requests if entry["action"] == "DeleteCluster"][-1] == 200
