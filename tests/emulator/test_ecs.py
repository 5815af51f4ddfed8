"""ECS gaps of moto the emulator fills: tag lists, and services keeping their grace period."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from emulator.launcher import Emulator
from tests.support.playbooks import client


def test_untagged_cluster_lists_no_tags_then_its_tags(emulator: Emulator) -> None:
    ecs = client(emulator, "ecs")
    arn = ecs.create_cluster(clusterName=f"c-{uuid.uuid4().hex[:8]}")["cluster"]["clusterArn"]
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "mlflow:stack", "value": "s"}])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "mlflow:stack", "value": "s"}]


def test_unknown_resource_is_an_error(emulator: Emulator) -> None:
    ecs = client(emulator, "ecs")
    with pytest.raises(ClientError):
        ecs.list_tags_for_resource(resourceArn="arn:aws:ecs:us-east-1:123456789012:cluster/none-such")


def test_service_keeps_its_health_check_grace_period(emulator: Emulator) -> None:
    ecs = client(emulator, "ecs")
    cluster = f"g-{uuid.uuid4().hex[:8]}"
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family=cluster, containerDefinitions=[{"name": "c", "image": "i", "memory": 64}])
    ecs.create_service(
        cluster=cluster, serviceName="s", taskDefinition=cluster, desiredCount=0, healthCheckGracePeriodSeconds=60
    )
    described = ecs.describe_services(cluster=cluster, services=["s"])["services"][0]
    assert described["healthCheckGracePeriodSeconds"] == 60
    ecs.update_service(cluster=cluster, service="s", healthCheckGracePeriodSeconds=90)
    assert ecs.describe_services(cluster=cluster, services=["s"])["services"][0]["healthCheckGracePeriodSeconds"] == 90
