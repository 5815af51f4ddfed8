# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EventBridge Scheduler schedule groups (tagged) and schedules (not taggable: they take their group's owner).

Neither amazon.aws nor community.aws manages them. A schedule is compared on what the module sets: AWS
fills in defaults (a target's retry policy, an ECS target's task count), which are not differences.
"""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import aws_errors, call, call_or_none
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.role_propagation import SCHEDULER, call_passing_role
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_dict, tag_list

MISSING = "ResourceNotFoundException"
# The schedule's fields the module sets (boto3's spelling), compared with what AWS reports.
_SCHEDULE_FIELDS = ("ScheduleExpression", "ScheduleExpressionTimezone", "State", "Description", "Target")


def contains(current: Any, wanted: Any) -> bool:
    """Whether ``current`` has every value of ``wanted`` (dicts recursively; lists item by item)."""
    if isinstance(wanted, dict):
        return isinstance(current, dict) and all(contains(current.get(key), value) for key, value in wanted.items())
    if isinstance(wanted, list):
        return (
            isinstance(current, list)
            and len(current) == len(wanted)
            and all(contains(current[index], item) for index, item in enumerate(wanted))
        )
    return bool(current == wanted)


class ScheduleGroupManager(ResourceManager):
    result_key = "schedule_group"
    service = "scheduler"

    def ensure(self) -> dict:
        with aws_errors(f"manage the schedule group {self.params['name']}"):
            return super().ensure()

    def find(self) -> dict[str, Any] | None:
        name = self.params["name"]
        group = call_or_none(self.client, "get_schedule_group", MISSING, f"get schedule group {name}", Name=name)
        if group is None or group.get("State") == "DELETING":
            return None
        tags = call(self.client, "list_tags_for_resource", "list its tags", ResourceArn=group["Arn"])
        return {"name": group["Name"], "arn": group["Arn"], "tags": tag_dict(tags.get("Tags"))}

    def view(self, resource: dict[str, Any]) -> dict:
        return {"name": resource["name"], "tags": resource.get("tags", {})}

    def returned(self, resource: dict[str, Any]) -> dict:
        return dict(resource)

    def _tag_plan(self, current: dict[str, str] | None) -> TagPlan:
        return TagPlan.of(current, self.params["tags"], self.params["purge_tags"])

    def plan_create(self) -> dict[str, Any]:
        return {"name": self.params["name"], "arn": None, "tags": self._tag_plan({}).after}

    def plan_update(self, current: dict[str, Any]) -> dict[str, Any] | None:
        plan = self._tag_plan(current["tags"])
        return {**current, "tags": plan.after} if plan.changed else None

    def create(self) -> dict[str, Any]:
        tags = tag_list(self._tag_plan({}).after)
        call(self.client, "create_schedule_group", "create the schedule group", Name=self.params["name"], Tags=tags)
        return self.find() or {}

    def update(self, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any]:
        arn = current["arn"]
        self._tag_plan(current["tags"]).apply(
            lambda keys: call(self.client, "untag_resource", "untag it", ResourceArn=arn, TagKeys=keys),
            lambda tags: call(self.client, "tag_resource", "tag it", ResourceArn=arn, Tags=tag_list(tags)),
        )
        return self.find() or {}

    def delete(self, current: dict[str, Any]) -> None:
        # AWS deletes the group's schedules with it.
        call(self.client, "delete_schedule_group", "delete the schedule group", Name=current["name"])


class ScheduleManager(ResourceManager):
    result_key = "schedule"
    service = "scheduler"

    def ensure(self) -> dict:
        with aws_errors(f"manage the schedule {self.params['group']}/{self.params['name']}"):
            return super().ensure()

    def find(self) -> dict[str, Any] | None:
        return call_or_none(
            self.client,
            "get_schedule",
            MISSING,
            f"get schedule {self.params['name']}",
            Name=self.params["name"],
            GroupName=self.params["group"],
        )

    def _wanted(self) -> dict[str, Any]:
        wanted = {
            "Name": self.params["name"],
            "GroupName": self.params["group"],
            "ScheduleExpression": self.params["schedule_expression"],
            "ScheduleExpressionTimezone": self.params["timezone"],
            "State": "ENABLED" if self.params["enabled"] else "DISABLED",
            "Target": self.params["target"],
            "FlexibleTimeWindow": {"Mode": "OFF"},
        }
        if self.params["description"] is not None:
            wanted["Description"] = self.params["description"]
        return wanted

    def view(self, resource: dict[str, Any]) -> dict:
        return camel_dict_to_snake_dict({key: resource[key] for key in _SCHEDULE_FIELDS if key in resource})

    def returned(self, resource: dict[str, Any]) -> dict:
        shown = {key: value for key, value in resource.items() if key != "ResponseMetadata"}
        return camel_dict_to_snake_dict(shown)

    def plan_create(self) -> dict[str, Any]:
        return self._wanted()

    def plan_update(self, current: dict[str, Any]) -> dict[str, Any] | None:
        wanted = self._wanted()
        same = all(contains(current.get(key), wanted[key]) for key in _SCHEDULE_FIELDS if key in wanted)
        return None if same else wanted

    def create(self) -> dict[str, Any]:
        call_passing_role(self.client, "create_schedule", "create the schedule", SCHEDULER, **self._wanted())
        return self.find() or {}

    def update(self, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any]:
        # UpdateSchedule replaces the whole schedule.
        call_passing_role(self.client, "update_schedule", "update the schedule", SCHEDULER, **planned)
        return self.find() or {}

    def delete(self, current: dict[str, Any]) -> None:
        call(
            self.client,
            "delete_schedule",
            "delete the schedule",
            Name=self.params["name"],
            GroupName=self.params["group"],
        )
