"""The strict emulator refuses deleting an ECS cluster with active services, as AWS does, and allows it after."""

from __future__ import annotations

from emulator import launcher
from tests.emulator.strict_support import client, refused, service_drained, unique


def test_cluster_with_active_service(emulator: launcher.Emulator) -> None:
    ecs = client(emulator, "ecs")
    cluster = unique("cluster")
    cluster_arn = ecs.create_cluster(clusterName=cluster)["cluster"]["clusterArn"]
    family = unique("task")
    ecs.register_task_definition(family=family, containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])
    ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition=family, desiredCount=1)
    for name in (cluster, cluster_arn):
        error = refused(ecs.delete_cluster, "ClusterContainsServicesException", cluster=name)
        assert error.response["Error"]["Message"] == "The Cluster cannot be deleted while Services are active."
    ecs.update_service(cluster=cluster, service="svc", desiredCount=0)
    ecs.delete_service(cluster=cluster, service="svc")
    service_drained(emulator, cluster, "svc")
    assert ecs.delete_cluster(cluster=cluster)["cluster"]["status"] == "INACTIVE"


def test_services_of_another_cluster_do_not_count(emulator: launcher.Emulator) -> None:
    ecs = client(emulator, "ecs")
    busy, idle = unique("busy"), unique("idle")
    ecs.create_cluster(clusterName=busy)
    ecs.create_cluster(clusterName=idle)
    family = unique("task")
    ecs.register_task_definition(family=family, containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])
    ecs.create_service(cluster=busy, serviceName="svc", taskDefinition=family, desiredCount=1)
    ecs.delete_cluster(cluster=idle)
    refused(ecs.delete_cluster, "ClusterContainsServicesException", cluster=busy)


def test_run_task_of_an_unknown_or_deregistered_definition(emulator: launcher.Emulator) -> None:
    ecs = client(emulator, "ecs")
    cluster = unique("cluster")
    ecs.create_cluster(clusterName=cluster)
    error = refused(ecs.run_task, "ClientException", cluster=cluster, taskDefinition=unique("none"))
    assert error.response["Error"]["Message"] == "TaskDefinition not found."
    family = unique("task")
    arn = ecs.register_task_definition(
        family=family, containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.deregister_task_definition(taskDefinition=arn)
    error = refused(ecs.run_task, "InvalidParameterException", cluster=cluster, taskDefinition=arn)
    assert error.response["Error"]["Message"] == "TaskDefinition is inactive"
