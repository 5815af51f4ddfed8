# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application Auto Scaling scalable targets (community.aws manages policies, and leaves their targets behind)."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# The parameters that identify one scalable target, in boto3's spelling.
_IDENTITY = (
    ("service_namespace", "ServiceNamespace"),
    ("resource_id", "ResourceId"),
    ("scalable_dimension", "ScalableDimension"),
)


def client(module: Any) -> Any:
    return module.client("application-autoscaling", retry_decorator=AWSRetry.jittered_backoff())


def _identity(params: dict[str, Any]) -> dict[str, str]:
    return {boto: params[name] for name, boto in _IDENTITY}


def describe(conn: Any, params: dict[str, Any]) -> dict[str, Any] | None:
    """The scalable target of ``params`` (service namespace, resource id, dimension), or None."""
    targets = conn.describe_scalable_targets(
        ServiceNamespace=params["service_namespace"],
        ResourceIds=[params["resource_id"]],
        ScalableDimension=params["scalable_dimension"],
        aws_retry=True,
    )["ScalableTargets"]
    return targets[0] if targets else None


def _comparable(target: dict[str, Any] | None) -> dict[str, Any]:
    if not target:
        return {}
    return {
        key: target[key]
        for key in ("ServiceNamespace", "ResourceId", "ScalableDimension", "MinCapacity", "MaxCapacity")
    }


def ensure_present(module: Any, conn: Any, current: dict[str, Any] | None) -> dict[str, Any]:
    params = module.params
    wanted = {**_identity(params), "MinCapacity": params["min_capacity"], "MaxCapacity": params["max_capacity"]}
    before = _comparable(current)
    if before == wanted:
        return _result(False, before, before, current)
    if module.check_mode:
        return _result(True, before, wanted, None)
    conn.register_scalable_target(**wanted, aws_retry=True)
    current = describe(conn, params)
    return _result(True, before, _comparable(current), current)


def ensure_absent(module: Any, conn: Any, current: dict[str, Any] | None) -> dict[str, Any]:
    before = _comparable(current)
    if current and not module.check_mode:
        # Deregistering also deletes the target's scaling policies and scheduled actions.
        conn.deregister_scalable_target(**_identity(module.params), aws_retry=True)
    return _result(bool(current), before, {}, None)


def _result(
    changed: bool, before: dict[str, Any], after: dict[str, Any], target: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "changed": changed,
        "diff": {"before": camel_dict_to_snake_dict(before), "after": camel_dict_to_snake_dict(after)},
        "scalable_target": camel_dict_to_snake_dict(target) if target else {},
    }
