# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API Gateway v2 stages: auto-deploy, default route settings (throttling), access logs and tags."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2 import (
    ApiGatewayManager,
    apply_tag_plan,
    changed_fields,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call, call_or_none, strip_none


def _route_settings(option: dict | None) -> dict | None:
    if option is None:
        return None
    return strip_none(
        {
            "ThrottlingBurstLimit": option.get("throttling_burst_limit"),
            "ThrottlingRateLimit": option.get("throttling_rate_limit"),
            "DetailedMetricsEnabled": option.get("detailed_metrics_enabled"),
        }
    )


def _access_logs(option: dict | None) -> dict | None:
    """Boto3 AccessLogSettings; {} when the option is given with nothing set (turn access logging off)."""
    if option is None:
        return None
    return strip_none({"DestinationArn": option.get("destination_arn"), "Format": option.get("format")})


def validate_stage(params: dict) -> None:
    logs = params["access_log_settings"]
    if logs and bool(logs.get("destination_arn")) != bool(logs.get("format")):
        raise AwsError("access_log_settings needs both destination_arn and format (or neither, to disable)")


class StageManager(ApiGatewayManager):
    result_key = "stage"
    fields = ("StageName", "AutoDeploy", "Description", "DefaultRouteSettings", "AccessLogSettings", "Tags")

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.ids = {"ApiId": self.params["api_id"], "StageName": self.params["stage_name"]}
        self.logs = _access_logs(self.params["access_log_settings"])
        self.desired = strip_none(
            {
                "AutoDeploy": self.params["auto_deploy"],
                "Description": self.params["description"],
                "DefaultRouteSettings": _route_settings(self.params["default_route_settings"]),
                "AccessLogSettings": self.logs or None,
            }
        )

    def find(self) -> dict | None:
        return call_or_none(self.client, "get_stage", "NotFoundException", "read stage", **self.ids)

    def plan_create(self) -> dict:
        return dict(self.desired, StageName=self.params["stage_name"], Tags=self.params["tags"] or {})

    def create(self) -> dict:
        return call(self.client, "create_stage", "create stage", ApiId=self.params["api_id"], **self.plan_create())

    def plan_update(self, current: dict) -> dict | None:
        changes = changed_fields(self.desired, current)
        if "DefaultRouteSettings" in changes:
            # UpdateStage replaces the settings object: send the merged one so unmanaged fields survive.
            changes["DefaultRouteSettings"] = {
                **current.get("DefaultRouteSettings", {}),
                **changes["DefaultRouteSettings"],
            }
        return self.planned_update(current, changes, "AccessLogSettings", self.logs == {})

    def update(self, current: dict, planned: dict) -> dict:
        if self.changes:
            call(self.client, "update_stage", "update stage", **self.ids, **self.changes)
        if self.clear:
            call(self.client, "delete_access_log_settings", "turn off access logging", **self.ids)
        apply_tag_plan(self.client, "/apis/{ApiId}/stages/{StageName}".format(**self.ids), self.tags)
        return call(self.client, "get_stage", "read stage", **self.ids)

    def delete(self, current: dict) -> None:
        call(self.client, "delete_stage", "delete stage", **self.ids)
