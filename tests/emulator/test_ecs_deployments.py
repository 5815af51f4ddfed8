"""A service's deployments as ECS answers them: the new PRIMARY is there when UpdateService returns.

The data plane's reconciler starts tasks on its own tick; what the caller sees of the deployment must not
wait for that tick, or a wait that polls at once reads the previous, COMPLETED deployment as the new one.
No task is started here: the reconciler does not run. Without the data plane, the emulator still moves the
service to a new deployment on a new revision.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.backends import get_backend
from moto.ecs.models import EC2ContainerServiceBackend

from emulator import clock, dataplane, launcher, lifecycle
from emulator.behaviours import iam_role_propagation
from emulator.behaviours.iam_role_propagation import ECS_MESSAGE
from emulator.dataplane import runner
from emulator.dataplane.addresses import AddressPool
from emulator.dataplane.ecs import EcsDataPlane

REGION = "us-east-1"


@pytest.fixture
def ecs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # The hooks patch moto's class: restored after the test, for the tests that share this process.
    for name in ("create_service", "update_service"):
        monkeypatch.setattr(EC2ContainerServiceBackend, name, getattr(EC2ContainerServiceBackend, name))
    monkeypatch.setattr(EC2ContainerServiceBackend, "_mlflow_dataplane", False, raising=False)
    # The data plane is on: behaviours another test of this process installed in moto leave deployments to it.
    monkeypatch.setenv(dataplane.ENABLE_VARIABLE, "1")
    pool = AddressPool()
    runner._hook_services(EcsDataPlane(pool, tmp_path, {}))
    with mock_aws():
        client = boto3.client("ecs", region_name=REGION)
        client.create_cluster(clusterName="c")
        yield client
    pool.close()


def _register(client: Any, image: str) -> str:
    definition = client.register_task_definition(
        family="svc",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image}],
    )
    return str(definition["taskDefinition"]["taskDefinitionArn"])


def _deployments(client: Any) -> list[dict[str, Any]]:
    return list(client.describe_services(cluster="c", services=["svc"])["services"][0]["deployments"])


def test_create_service_answers_with_an_in_progress_primary_of_the_full_arn(ecs: Any) -> None:
    arn = _register(ecs, "app:1")
    created = ecs.create_service(cluster="c", serviceName="svc", taskDefinition="svc:1", desiredCount=2)

    deployments = created["service"]["deployments"]
    assert [(d["status"], d["rolloutState"], d["taskDefinition"]) for d in deployments] == [
        ("PRIMARY", "IN_PROGRESS", arn)
    ]
    assert created["service"]["runningCount"] == 0


def test_update_service_puts_the_new_revision_first_before_any_tick(ecs: Any) -> None:
    first = _register(ecs, "app:1")
    ecs.create_service(cluster="c", serviceName="svc", taskDefinition="svc:1", desiredCount=2)
    second = _register(ecs, "app:2")

    ecs.update_service(cluster="c", service="svc", taskDefinition="svc:2")

    deployments = _deployments(ecs)
    assert [(d["status"], d["taskDefinition"]) for d in deployments] == [("PRIMARY", second), ("ACTIVE", first)]
    assert deployments[0]["rolloutState"] == "IN_PROGRESS"
    # moto alone reports the new desired count as running at once; nothing runs yet.
    assert ecs.describe_services(cluster="c", services=["svc"])["services"][0]["runningCount"] == 0


def test_an_unchanged_definition_keeps_its_deployment_and_a_forced_one_starts_another(ecs: Any) -> None:
    _register(ecs, "app:1")
    ecs.create_service(cluster="c", serviceName="svc", taskDefinition="svc:1", desiredCount=2)
    first_id = _deployments(ecs)[0]["id"]

    ecs.update_service(cluster="c", service="svc", desiredCount=3)
    assert [d["id"] for d in _deployments(ecs)] == [first_id]

    ecs.update_service(cluster="c", service="svc", forceNewDeployment=True)
    ids = [d["id"] for d in _deployments(ecs)]
    assert len(ids) == 2 and ids[1] == first_id and ids[0] != first_id


def test_without_the_data_plane_an_update_is_a_new_completed_deployment_of_the_new_revision(
    emulator: launcher.Emulator,
) -> None:
    """moto alone keeps the first deployment, of the first revision, whatever the updates."""
    client = emulator.client("ecs")
    cluster = f"c-{uuid.uuid4().hex[:8]}"
    client.create_cluster(clusterName=cluster)
    emulator.advance(3600)  # past the service-linked role's propagation
    _register(client, "app:1")
    client.create_service(cluster=cluster, serviceName="svc", taskDefinition="svc:1", desiredCount=2)
    first_id = client.describe_services(cluster=cluster, services=["svc"])["services"][0]["deployments"][0]["id"]
    second = _register(client, "app:2")

    client.update_service(cluster=cluster, service="svc", taskDefinition="svc:2")

    service = client.describe_services(cluster=cluster, services=["svc"])["services"][0]
    assert service["taskDefinition"] == second
    (deployment,) = service["deployments"]
    assert (deployment["taskDefinition"], deployment["rolloutState"]) == (second, "COMPLETED")
    assert deployment["id"] != first_id


def test_a_task_role_not_yet_propagated_launches_nothing_and_trips_no_circuit_breaker(
    ecs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data plane's scheduler, as ECS's: an event per refused role, no task, no failure counted."""
    monkeypatch.setattr(clock, "CLOCK", clock.VirtualClock(virtual=True))
    role = "arn:aws:iam::123456789012:role/fresh-task"
    key = f"123456789012:{role.rsplit('/', 1)[-1]}"
    lifecycle.ENGINE.restart(iam_role_propagation.KIND, key)
    try:
        ecs.register_task_definition(
            family="svc",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            taskRoleArn=role,
            containerDefinitions=[{"name": "app", "image": "app:1"}],
        )
        breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
        ecs.create_service(
            cluster="c", serviceName="svc", taskDefinition="svc:1", desiredCount=2, deploymentConfiguration=breaker
        )
        plane: EcsDataPlane = runner._HOOKED["ecs"]
        backend = get_backend("ecs")["123456789012"][REGION]
        for _tick in range(5):
            plane.reconcile("123456789012", REGION, backend)

        service = ecs.describe_services(cluster="c", services=["svc"])["services"][0]
        assert (service["runningCount"], service["pendingCount"]) == (0, 0)
        assert [(d["rolloutState"], d["failedTasks"]) for d in service["deployments"]] == [("IN_PROGRESS", 0)]
        launches = [e["message"] for e in service["events"] if "failed to launch a task" in e["message"]]
        assert launches == [f"service svc failed to launch a task with (error {ECS_MESSAGE.format(role=role)})."]

        clock.CLOCK.advance(60)
        (state,) = plane.services.values()
        assert not plane._launch_refused(state, state.deployments[0], backend)
    finally:
        lifecycle.ENGINE.forget(iam_role_propagation.KIND, key)


def test_without_the_data_plane_a_one_off_task_has_run_and_exited_0(emulator: launcher.Emulator) -> None:
    """moto alone leaves a RunTask task RUNNING forever: a play waiting for the migration would never go on."""
    client = emulator.client("ecs")
    cluster = f"c-{uuid.uuid4().hex[:8]}"
    client.create_cluster(clusterName=cluster)
    _register(client, "app:1")

    ec2 = emulator.client("ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}}
    [task] = client.run_task(
        cluster=cluster, taskDefinition="svc:1", launchType="FARGATE", networkConfiguration=network
    )["tasks"]

    [described] = client.describe_tasks(cluster=cluster, tasks=[task["taskArn"]])["tasks"]
    assert (described["lastStatus"], described["stopCode"]) == ("STOPPED", "EssentialContainerExited")
    assert [(c["name"], c["exitCode"]) for c in described["containers"]] == [("app", 0)]
