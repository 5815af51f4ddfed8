"""ECS services keep their health check grace period and deployment configuration, as AWS does.

moto drops ``healthCheckGracePeriodSeconds`` and ``deploymentConfiguration`` (the circuit breaker among it)
from CreateService and UpdateService, so a client that compares them sees a difference on every run and
DescribeServices cannot show them.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.request import AwsRequest

_ACTIONS = {"CreateService": "serviceName", "UpdateService": "service"}


class EcsServices:
    name = "ecs_services"

    def handle(self, request: AwsRequest) -> Response | None:
        return None

    def after(self, request: AwsRequest) -> None:
        if request.service != "ecs" or request.action not in _ACTIONS:
            return
        body = request.json()
        grace = body.get("healthCheckGracePeriodSeconds")
        deployment = body.get("deploymentConfiguration")
        if grace is None and deployment is None:
            return
        ecs = moto_state.backend("ecs", request)
        try:
            services, _failures = ecs.describe_services(
                body.get("cluster", "default"), [body[_ACTIONS[request.action]]]
            )
        except Exception:
            return
        for service in services:
            if grace is not None:
                service.health_check_grace_period_seconds = int(grace)
            if deployment is not None:
                # moto serializes the model's snake_case attributes through the API's shapes.
                service.deployment_configuration = deployment


def build() -> EcsServices:
    return EcsServices()
