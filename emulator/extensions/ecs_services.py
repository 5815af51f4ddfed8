"""ECS services keep their health check grace period, as AWS does.

moto drops ``healthCheckGracePeriodSeconds`` from CreateService and UpdateService, so a client that compares
it (community.aws.ecs_service) sees a difference on every run.
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
        if grace is None:
            return
        ecs = moto_state.backend("ecs", request)
        try:
            services, _failures = ecs.describe_services(
                body.get("cluster", "default"), [body[_ACTIONS[request.action]]]
            )
        except Exception:
            return
        for service in services:
            service.health_check_grace_period_seconds = int(grace)


def build() -> EcsServices:
    return EcsServices()
