"""ECS on AWS's time: the service-linked role propagates, services drain, tasks take a while to stop.

- The first CreateCluster of an account creates the ECS service-linked role; until it has propagated
  (``ecs_slr_propagation``), CreateService fails with AWS's InvalidParameterException.
- DeleteService leaves the service ``DRAINING`` for its draining time (``ecs_service_drain``) before it is
  ``INACTIVE`` (moto makes it INACTIVE at once).
- While a deleted service drains its tasks are still active: DeleteCluster fails with
  ClusterContainsTasksException until the service is INACTIVE.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.lifecycle import ENGINE, PENDING
from emulator.request import AwsRequest
from emulator.responses import json_error

NAME = "ecs_lifecycles"
SLR = "ecs_slr_propagation"
DRAIN = "ecs_service_drain"


def _wrap_backend() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    if getattr(EC2ContainerServiceBackend, "_mlflow_lifecycle", False):
        return
    delete = EC2ContainerServiceBackend.delete_service

    def delete_service(self: Any, cluster_name: str, service_name: str, force: bool) -> Any:
        service = delete(self, cluster_name, service_name, force)
        service.status = "DRAINING"
        ENGINE.track(DRAIN, service.arn)
        return service

    EC2ContainerServiceBackend.delete_service = delete_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend._mlflow_lifecycle = True  # type: ignore[attr-defined]


def _account(request: AwsRequest) -> str:
    return moto_state.account_id(request)


def _creates_role(request: AwsRequest) -> bool:
    """The first CreateCluster, or CreateServiceLinkedRole for ECS, starts the role's propagation."""
    if request.service == "iam" and request.action == "CreateServiceLinkedRole":
        return request.form().get("AWSServiceName") == "ecs.amazonaws.com"
    return request.service == "ecs" and request.action == "CreateCluster"


def create_service(request: AwsRequest) -> Response | None:
    if ENGINE.known(SLR, _account(request)) and ENGINE.lingering(SLR, _account(request)):
        return json_error(
            "InvalidParameterException",
            "Unable to assume the service linked role. Please verify that the ECS service linked role exists.",
        )
    return None


def describe_services(request: AwsRequest) -> None:
    """Draining services the clock has passed (and a client saw DRAINING) become INACTIVE."""
    for service in list(moto_state.backend("ecs", request).services.values()):
        if service.status == "DRAINING" and ENGINE.observe(DRAIN, service.arn) != PENDING:
            service.status = "INACTIVE"


def delete_cluster(request: AwsRequest) -> Response | None:
    cluster = str(request.json().get("cluster", "default")).rsplit("/", 1)[-1]
    draining = [
        service
        for service in list(moto_state.backend("ecs", request).services.values())
        if service.cluster_name == cluster and service.status == "DRAINING"
    ]
    for service in draining:
        if not ENGINE.lingering(DRAIN, service.arn):
            service.status = "INACTIVE"
    if any(service.status == "DRAINING" for service in draining):
        return json_error("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
    return None


class EcsLifecycles:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if _creates_role(request) and not ENGINE.known(SLR, _account(request)):
            ENGINE.track(SLR, _account(request))
        if request.service != "ecs":
            return None
        if request.action == "CreateService":
            return create_service(request)
        if request.action == "DeleteCluster":
            return delete_cluster(request)
        if request.action == "DescribeServices":
            describe_services(request)
        return None


def build() -> EcsLifecycles:
    _wrap_backend()
    return EcsLifecycles()
