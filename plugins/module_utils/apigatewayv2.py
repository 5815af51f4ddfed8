# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API Gateway v2 (HTTP APIs): what the per-resource files (apigatewayv2_*.py) share.

Each module in plugins/modules/apigatewayv2_*.py declares its argument spec and runs one manager (or
info function) from the matching module_utils file; errors come back as ``AwsError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import (
    call,
    client,
    paginate,
    to_snake,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, matches

# Maps whose keys are data (tag names, parameter mappings), not AWS field names: never snake_cased.
_DATA_KEYS = ["Tags", "RequestParameters", "ResponseParameters", "StageVariables", "RouteSettings"]


def apigw_client(module: Any) -> Any:
    return client(module, "apigatewayv2")


def list_all(aws: Any, operation: str, what: str, **kwargs: Any) -> list[dict]:
    """Every item of a Get* listing (not all of them have boto3 paginators)."""
    return paginate(aws, operation, "Items", f"list {what}", **kwargs)


def _differs(want: Any, have: Any) -> bool:
    if isinstance(want, dict):
        have = have or {}
        return any(_differs(v, have.get(k)) for k, v in want.items())
    if isinstance(want, list):
        return sorted(want) != sorted(have or [])
    if isinstance(want, float) or isinstance(have, float):
        return have is None or float(want) != float(have)
    return want != have


def changed_fields(want: dict, have: dict) -> dict:
    """The fields of ``want`` (already stripped of None) whose value differs from ``have``."""
    return {k: v for k, v in want.items() if _differs(v, have.get(k))}


def merged(have: dict, changes: dict) -> dict:
    """``have`` with ``changes`` applied, nested dicts merged: the predicted state after an update."""
    result = dict(have)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(have.get(key), dict):
            result[key] = {**have[key], **value}
        else:
            result[key] = value
    return result


def snake(resource: dict | None) -> dict:
    return to_snake(resource, _DATA_KEYS)


def resource_arn(aws: Any, path: str) -> str:
    return f"arn:{aws.meta.partition}:apigateway:{aws.meta.region_name}::{path}"


def described(
    module: Any, id_option: str, get_one: Callable[[Any, str], dict | None], find_all: Callable[[Any], list[dict]]
) -> list[dict]:
    """What an *_info module returns: the resource ``id_option`` names (if given) or all of them, kept when
    they match the ``name`` and ``tags`` options, snake_cased."""
    params = module.params
    aws = apigw_client(module)
    if params[id_option]:
        one = get_one(aws, params[id_option])
        found = [one] if one else []
    else:
        found = find_all(aws)
    return [
        snake(r) for r in found if params["name"] in (None, r.get("Name")) and matches(r.get("Tags"), params["tags"])
    ]


def apply_tag_plan(aws: Any, path: str, plan: TagPlan) -> None:
    """Apply ``plan`` to the resource at ``path`` (``/apis/<id>``, ``/vpclinks/<id>``, ...)."""
    arn = resource_arn(aws, path)
    plan.apply(
        lambda keys: call(aws, "untag_resource", "remove tags", ResourceArn=arn, TagKeys=keys),
        lambda tags: call(aws, "tag_resource", "set tags", ResourceArn=arn, Tags=tags),
    )


class ApiGatewayManager(ResourceManager):
    """A manager whose diff is a fixed list of the resource's fields, snake_cased."""

    fields: tuple[str, ...] = ()

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.client = apigw_client(module)

    def view(self, resource: Any) -> dict:
        if not resource:
            return {}
        return snake({k: resource.get(k) for k in self.fields if resource.get(k) is not None})

    def returned(self, resource: Any) -> dict:
        return snake(resource)

    def planned_update(self, current: dict, changes: dict, clearable: str, clear: bool) -> dict | None:
        """``current`` after ``changes``, the tag plan and removing the setting ``clearable`` when ``clear``
        (the user gave it as ``{}``); None when nothing changes. Sets ``changes``, ``clear`` and ``tags``."""
        self.changes = changes
        self.clear = clear and bool(current.get(clearable))
        self.tags = TagPlan.of(current.get("Tags"), self.params["tags"], self.params["purge_tags"])
        if not (self.changes or self.clear or self.tags.changed):
            return None
        planned = merged(current, self.changes)
        planned["Tags"] = self.tags.after
        if self.clear:
            planned.pop(clearable, None)
        return planned
