"""ECS calls AWS refuses: deleting a cluster with active or draining services; running an unknown or
deregistered task definition (moto answers with DescribeTaskDefinition's error, or runs the inactive one)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from emulator.moto_state import backend
from emulator.request import AwsRequest
from emulator.responses import json_error
from emulator.strict import DeleteRules

NAME = "strict_ecs"
_LIVE_SERVICE_STATES = ("ACTIVE", "DRAINING")


def delete_cluster(request: AwsRequest) -> Response | None:
    cluster = str(request.json().get("cluster", "default"))
    # The cluster may be named by its name or its ARN (…:cluster/<name>).
    name = cluster.rsplit("/", 1)[-1] if cluster.startswith("arn:") else cluster
    services = [
        service
        for service in list(backend("ecs", request).services.values())
        if service.cluster_name == name and service.status in _LIVE_SERVICE_STATES
    ]
    if services:
        return json_error(
            "ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active."
        )
    return None


def run_task(request: AwsRequest) -> Response | None:
    name = str(request.json().get("taskDefinition", ""))
    try:
        definition = backend("ecs", request).describe_task_definition(name)
    except Exception:  # moto's TaskDefinitionNotFoundException, or a malformed revision
        return json_error("ClientException", "TaskDefinition not found.")
    if definition.status == "INACTIVE":
        return json_error("InvalidParameterException", "TaskDefinition is inactive")
    return None


def build() -> DeleteRules:
    return DeleteRules(name=NAME, service="ecs", rules={"DeleteCluster": delete_cluster, "RunTask": run_task})
