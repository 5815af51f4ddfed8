"""An ECS service's targets in its load balancer's target group, as AWS reports them without a data plane.

moto registers no targets for ECS services. Here each running task of an ACTIVE service that names the
target group is a target, ``initial`` (Elb.RegistrationInProgress) until its deployment has passed the
health check (``target_health``, emulator.lifecycle) and a client has seen it initial, then ``healthy``.
With the data plane on, the real health checks answer instead (emulator/dataplane/alb.py).
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4
from xml.sax.saxutils import escape

from werkzeug.wrappers import Response

from emulator import dataplane, moto_state
from emulator.lifecycle import ENGINE, PENDING
from emulator.request import AwsRequest

NAME = "target_health"
KIND = "target_health"
_XMLNS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
_INITIAL = "<State>initial</State><Reason>Elb.RegistrationInProgress</Reason>"
_HEALTHY = "<State>healthy</State>"


def _services_of(request: AwsRequest, group_arn: str) -> list[Any]:
    return [
        service
        for service in list(moto_state.backend("ecs", request).services.values())
        if service.status == "ACTIVE"
        and any(balancer.get("targetGroupArn") == group_arn for balancer in service.load_balancers)
    ]


def _members(service: Any, group_arn: str, port: int) -> list[str]:
    if not service.running_count:  # no task launched yet: the health checks have not started
        return []
    deployment = service.deployments[0]["id"] if service.deployments else service.arn
    state = _HEALTHY if ENGINE.observe(KIND, f"{group_arn}:{deployment}") != PENDING else _INITIAL
    return [
        f"<member><HealthCheckPort>{port}</HealthCheckPort><TargetHealth>{state}</TargetHealth>"
        f"<Target><Id>10.0.2.{10 + index}</Id><Port>{port}</Port></Target></member>"
        for index in range(int(service.running_count or 0))
    ]


def describe_target_health(request: AwsRequest) -> Response | None:
    group_arn = request.form().get("TargetGroupArn", "")
    group = moto_state.backend("elbv2", request).target_groups.get(group_arn)
    services = _services_of(request, group_arn) if group is not None else []
    if not services or group.targets:
        return None
    members = [member for service in services for member in _members(service, group_arn, int(group.port or 80))]
    body = (
        f'<DescribeTargetHealthResponse xmlns="{_XMLNS}"><DescribeTargetHealthResult><TargetHealthDescriptions>'
        f"{''.join(members)}</TargetHealthDescriptions></DescribeTargetHealthResult>"
        f"<ResponseMetadata><RequestId>{escape(str(uuid4()))}</RequestId></ResponseMetadata>"
        "</DescribeTargetHealthResponse>"
    )
    return Response(body, status=200, content_type="text/xml")


class TargetHealth:
    name = NAME

    def __init__(self) -> None:
        self.real_targets = dataplane.enabled()

    def handle(self, request: AwsRequest) -> Response | None:
        if self.real_targets:
            return None
        if request.service == "elasticloadbalancing" and request.action == "DescribeTargetHealth":
            return describe_target_health(request)
        return None


def build() -> TargetHealth:
    return TargetHealth()
