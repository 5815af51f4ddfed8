"""Application Auto Scaling: a target's scaling policies and scheduled actions exist only with the target.

AWS: DeregisterScalableTarget deletes the target's scaling policies and scheduled actions, and
PutScalingPolicy or PutScheduledAction for a target that is not registered fails with
ObjectNotFoundException. moto keeps them after the deregistration (a later RegisterScalableTarget
brings them back) and accepts them without a target.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.request import AwsRequest
from emulator.responses import json_error

NAME = "scalable_targets"
_NEED_A_TARGET = ("PutScalingPolicy", "PutScheduledAction")


def _identity(body: dict[str, Any]) -> tuple[str, str, str]:
    return body.get("ServiceNamespace", ""), body.get("ResourceId", ""), body.get("ScalableDimension", "")


def _registered(backend: Any, identity: tuple[str, str, str]) -> bool:
    _namespace, resource_id, dimension = identity
    return resource_id in backend.targets.get(dimension, {})


def _of(item: Any, identity: tuple[str, str, str]) -> bool:
    return (item.service_namespace, item.resource_id, item.scalable_dimension) == identity


def _delete_dependents(backend: Any, identity: tuple[str, str, str]) -> None:
    for key, policy in list(backend.policies.items()):
        if _of(policy, identity):
            policy.delete_alarms(backend.account_id, backend.region_name)
            del backend.policies[key]
    backend.scheduled_actions = [a for a in backend.scheduled_actions if not _of(a, identity)]


class ScalableTargets:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != "application-autoscaling":
            return None
        if request.action not in ("DeregisterScalableTarget", *_NEED_A_TARGET):
            return None
        backend = moto_state.backend("applicationautoscaling", request)
        identity = _identity(request.json())
        if not _registered(backend, identity):
            if request.action in _NEED_A_TARGET:
                namespace, resource_id, dimension = identity
                return json_error(
                    "ObjectNotFoundException",
                    f"No scalable target registered for service namespace: {namespace}, resource ID: "
                    f"{resource_id}, scalable dimension: {dimension}",
                )
            return None  # moto answers AWS's ValidationException
        if request.action == "DeregisterScalableTarget":
            _delete_dependents(backend, identity)
        return None


def build() -> ScalableTargets:
    return ScalableTargets()
