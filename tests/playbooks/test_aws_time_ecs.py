"""The ecs_service tier on AWS's time (issue 14), in a fresh account: deployed on the typical profile,
torn down on the slow one.

D1: the deploy waits for the targets to pass the health check. D2: the account's first CreateService
came seconds after its first CreateCluster, while ECS's service-linked role propagated; now the roles are
created first. T1: the deleted
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


def test_d2_the_service_linked_roles_come_first_so_the_first_service_is_not_refused(
    fresh_account: Emulator, deployed: PlaybookRun
) -> None:
    """The tier creates ECS's role before anything else, so it has propagated by the first CreateService
    (the role's retries stay, for an account whose role is brand new from elsewhere)."""
    assert not deployed.failed, deployed.output[-4000:]
    actions = [entry["action"] for entry in deployed.requests]
    created = [entry for entry in deployed.requests if entry["action"] == "CreateServiceLinkedRole"]
    assert len(created) == 4, "rds, ecs, elasticloadbalancing and application-autoscaling"
    assert actions.index("CreateServiceLinkedRole") < actions.index("CreateDBCluster")
    last = max(index for index, action in enumerate(actions) if action == "CreateServiceLinkedRole")
    assert last < actions.index("CreateCluster")
    refused = [
        entry
        for entry in deployed.requests
        if entry["action"] == "CreateService" and entry["answered_by"] == "ecs_lifecycles"
    ]
    assert refused == []
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
