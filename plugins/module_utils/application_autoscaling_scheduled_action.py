# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application Auto Scaling scheduled actions: a capacity range set on a scalable target at given times.

Neither amazon.aws nor community.aws manages them (community.aws's autoscaling_scheduled_action is EC2 Auto
Scaling's). PutScheduledAction creates or updates; an action exists only while its target is registered.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.application_autoscaling import IDENTITY
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, aws_errors, call, strip_none
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager

# AWS's three forms; what is inside the parentheses AWS checks itself.
_SCHEDULE = re.compile(r"^(at|rate|cron)\(.+\)$")
_DEFAULT_TIMEZONE = "UTC"


def validate(params: dict[str, Any]) -> None:
    if params["state"] != "present":
        return
    if not _SCHEDULE.match(params["schedule"] or ""):
        raise AwsError(
            f"schedule must be at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields); got {params['schedule']!r}."
        )
    low, high = params["min_capacity"], params["max_capacity"]
    if low is None and high is None:
        raise AwsError("A scheduled action sets min_capacity, max_capacity or both.")
    if any(value is not None and value < 0 for value in (low, high)) or (
        low is not None and high is not None and low > high
    ):
        raise AwsError(f"min_capacity ({low}) and max_capacity ({high}) must be 0 or more, min at most max.")


class ScheduledActionManager(ResourceManager):
    """An action is identified by its name and its target's namespace, resource id and dimension."""

    result_key = "scheduled_action"
    service = "application-autoscaling"

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.identity = {boto: self.params[name] for name, boto in IDENTITY}

    def ensure(self) -> dict:
        with aws_errors(f"manage the scheduled action {self.params['name']} of {self.params['resource_id']}"):
            return super().ensure()

    def find(self) -> dict[str, Any] | None:
        actions = call(
            self.client,
            "describe_scheduled_actions",
            "describe scheduled actions",
            ScheduledActionNames=[self.params["name"]],
            **self.identity,
        )["ScheduledActions"]
        return next((a for a in actions if a["ScheduledActionName"] == self.params["name"]), None)

    def view(self, resource: dict[str, Any] | None) -> dict:
        if not resource:
            return {}
        action = resource.get("ScalableTargetAction") or {}
        return {
            "name": resource["ScheduledActionName"],
            "schedule": resource.get("Schedule"),
            "timezone": resource.get("Timezone") or _DEFAULT_TIMEZONE,
            "min_capacity": action.get("MinCapacity"),
            "max_capacity": action.get("MaxCapacity"),
        }

    def returned(self, resource: dict[str, Any] | None) -> dict:
        # An action check mode would create has no ARN yet, and nothing is returned for it.
        arn = (resource or {}).get("ScheduledActionARN")
        return {**self.view(resource), "arn": arn} if arn else {}

    def _wanted(self, current: dict[str, Any] | None = None) -> dict[str, Any]:
        # A capacity left out keeps its value: sent as it is, whether or not AWS would keep it on its own.
        kept = (current or {}).get("ScalableTargetAction") or {}
        target_action = {
            **kept,
            **strip_none({"MinCapacity": self.params["min_capacity"], "MaxCapacity": self.params["max_capacity"]}),
        }
        return {
            **self.identity,
            "ScheduledActionName": self.params["name"],
            "Schedule": self.params["schedule"],
            "Timezone": self.params["timezone"],
            "ScalableTargetAction": target_action,
        }

    def plan_create(self) -> dict[str, Any]:
        return self._wanted()

    def plan_update(self, current: dict[str, Any]) -> dict[str, Any] | None:
        planned = {**current, **self._wanted(current)}
        return None if self.view(planned) == self.view(current) else planned

    def _put(self, action: dict[str, Any]) -> dict[str, Any] | None:
        fields = ("ScheduledActionName", "Schedule", "Timezone", "ScalableTargetAction")
        request = {**self.identity, **{key: action[key] for key in fields}}
        call(self.client, "put_scheduled_action", "put the scheduled action", **request)
        return self.find()

    def create(self) -> dict[str, Any] | None:
        return self._put(self._wanted())

    def update(self, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any] | None:
        return self._put(planned)

    def delete(self, current: dict[str, Any]) -> None:
        call(
            self.client,
            "delete_scheduled_action",
            "delete the scheduled action",
            ScheduledActionName=self.params["name"],
            **self.identity,
        )
