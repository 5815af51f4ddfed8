"""A one-off ECS task (RunTask) runs for real on the data plane and stops with its container's exit code."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from emulator import launcher
from emulator.dataplane import ENABLE_VARIABLE
from tests.emulator.strict_support import Network, fargate_task_definition, unique

STOP_WAIT_S = 60
MANIFEST = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "layers": []}


@pytest.fixture(scope="module")
def dataplane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launcher.Emulator]:
    state_dir = tmp_path_factory.mktemp("run-task-emulator")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENABLE_VARIABLE, "1")
        running = launcher.start(state_dir)
    try:
        yield running
    finally:
        launcher.stop(state_dir)


def _network(emulator: launcher.Emulator) -> dict[str, Any]:
    net = Network(emulator)
    net.ec2.modify_vpc_attribute(VpcId=net.vpc_id, EnableDnsHostnames={"Value": True})  # as the vpc tier's
    subnets, groups = [net.subnet_id], [net.security_group("job")]
    return {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": groups, "assignPublicIp": "DISABLED"}}


def _image(emulator: launcher.Emulator) -> str:
    """An image of files/nginx in the emulator's ECR: the data plane pulls only what ECR holds."""
    ecr = emulator.client("ecr")
    repository = ecr.create_repository(repositoryName=f"{unique('job')}/nginx")["repository"]
    ecr.put_image(repositoryName=repository["repositoryName"], imageManifest=json.dumps(MANIFEST), imageTag="v1")
    return f"{repository['repositoryUri']}:v1"


def _awslogs(group: str) -> dict[str, Any]:
    options = {"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "migrate"}
    return {"logDriver": "awslogs", "options": options}


def _stopped(ecs: Any, cluster: str, arn: str) -> dict[str, Any]:
    deadline = time.monotonic() + STOP_WAIT_S
    while time.monotonic() < deadline:
        task = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]
        if task["lastStatus"] == "STOPPED":
            return dict(task)
        time.sleep(0.5)
    raise AssertionError(f"task {arn} not STOPPED within {STOP_WAIT_S} s: {task}")


def test_a_one_off_task_runs_its_overridden_command_and_reports_the_exit_code(
    dataplane: launcher.Emulator,
) -> None:
    ecs = dataplane.client("ecs")
    cluster = unique("jobs")
    ecs.create_cluster(clusterName=cluster)
    group = unique("/ecs/jobs")
    dataplane.client("logs").create_log_group(logGroupName=group)
    family = fargate_task_definition(
        ecs,
        container="job",
        image=_image(dataplane),
        command=["/bin/sh", "-c", "exit 0"],
        logConfiguration=_awslogs(group),
    )
    started = ecs.run_task(
        cluster=cluster,
        taskDefinition=family,
        launchType="FARGATE",
        networkConfiguration=_network(dataplane),
        overrides={
            "containerOverrides": [
                {
                    "name": "job",
                    "command": ["/bin/sh", "-c", 'echo "exiting with $CODE" >&2; exit "$CODE"'],
                    "environment": [{"name": "CODE", "value": "3"}],
                }
            ]
        },
    )["tasks"][0]
    assert started["lastStatus"] == "PROVISIONING"

    task = _stopped(ecs, cluster, started["taskArn"])

    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    assert [(c["name"], c["lastStatus"], c["exitCode"]) for c in task["containers"]] == [("job", "STOPPED", 3)]
    # The awslogs driver's stream: <prefix>/<container>/<task id>, as on ECS.
    stream = f"migrate/job/{task['taskArn'].rsplit('/', 1)[1]}"
    events = dataplane.client("logs").get_log_events(logGroupName=group, logStreamName=stream)["events"]
    assert [event["message"] for event in events] == ["exiting with 3"]


def test_a_task_whose_log_group_is_missing_fails_to_start_with_the_agents_reason(dataplane: launcher.Emulator) -> None:
    ecs = dataplane.client("ecs")
    cluster = unique("jobs")
    ecs.create_cluster(clusterName=cluster)
    group = unique("/ecs/missing")
    family = fargate_task_definition(
        ecs, container="job", image=_image(dataplane), command=["sleep", "300"], logConfiguration=_awslogs(group)
    )
    arn = ecs.run_task(
        cluster=cluster, taskDefinition=family, launchType="FARGATE", networkConfiguration=_network(dataplane)
    )["tasks"][0]["taskArn"]

    task = _stopped(ecs, cluster, arn)

    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("ResourceInitializationError: failed to validate logger args: ")
    assert "ResourceNotFoundException: The specified log group does not exist." in task["stoppedReason"]
    assert "exitCode" not in task["containers"][0]  # nothing ran
    assert dataplane.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []


def test_stop_task_stops_the_containers_and_reports_the_signal_and_the_user(dataplane: launcher.Emulator) -> None:
    ecs = dataplane.client("ecs")
    cluster = unique("jobs")
    ecs.create_cluster(clusterName=cluster)
    family = fargate_task_definition(ecs, container="job", image=_image(dataplane), command=["sleep", "300"])
    arn = ecs.run_task(
        cluster=cluster, taskDefinition=family, launchType="FARGATE", networkConfiguration=_network(dataplane)
    )["tasks"][0]["taskArn"]
    deadline = time.monotonic() + STOP_WAIT_S
    while ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]["lastStatus"] != "RUNNING":
        assert time.monotonic() < deadline, "the task never ran"
        time.sleep(0.5)

    stopping = ecs.stop_task(cluster=cluster, task=arn, reason="no longer needed")["task"]
    assert stopping["desiredStatus"] == "STOPPED"
    task = _stopped(ecs, cluster, arn)

    assert (task["stopCode"], task["stoppedReason"]) == ("UserInitiated", "no longer needed")
    assert [c["exitCode"] for c in task["containers"]] == [143]  # SIGTERM, as docker reports it
