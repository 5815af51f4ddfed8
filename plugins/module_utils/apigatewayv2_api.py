# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API Gateway v2 HTTP APIs: name, description, the execute-api endpoint, CORS and tags."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2 import (
    ApiGatewayManager,
    apply_tag_plan,
    changed_fields,
    described,
    list_all,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import call, call_or_none, only_one, strip_none

_CORS_KEYS = {
    "allow_credentials": "AllowCredentials",
    "allow_headers": "AllowHeaders",
    "allow_methods": "AllowMethods",
    "allow_origins": "AllowOrigins",
    "expose_headers": "ExposeHeaders",
    "max_age": "MaxAge",
}


def find_http_apis(aws: Any, name: str | None = None) -> list[dict]:
    apis = list_all(aws, "get_apis", "APIs")
    return [a for a in apis if a.get("ProtocolType") == "HTTP" and name in (None, a.get("Name"))]


def _cors(option: dict | None) -> dict | None:
    """Boto3 CorsConfiguration of the option; {} when the option is given with nothing set (remove CORS)."""
    if option is None:
        return None
    return {boto: option[key] for key, boto in _CORS_KEYS.items() if option.get(key) is not None}


class HttpApiManager(ApiGatewayManager):
    result_key = "api"
    fields = ("Name", "Description", "DisableExecuteApiEndpoint", "CorsConfiguration", "Tags")

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.cors = _cors(self.params["cors_configuration"])
        self.desired = strip_none(
            {
                "Description": self.params["description"],
                "DisableExecuteApiEndpoint": self.params["disable_execute_api_endpoint"],
                "CorsConfiguration": self.cors or None,
            }
        )

    def find(self) -> dict | None:
        name = self.params["name"]
        return only_one(find_http_apis(self.client, name), "HTTP APIs named " + name, lambda api: api["ApiId"])

    def plan_create(self) -> dict:
        return dict(self.desired, Name=self.params["name"], ProtocolType="HTTP", Tags=self.params["tags"] or {})

    def create(self) -> dict:
        return call(self.client, "create_api", "create API", **self.plan_create())

    def plan_update(self, current: dict) -> dict | None:
        changes = changed_fields(self.desired, current)
        return self.planned_update(current, changes, "CorsConfiguration", self.cors == {})

    def update(self, current: dict, planned: dict) -> dict:
        api_id = current["ApiId"]
        if self.changes:
            call(self.client, "update_api", "update API", ApiId=api_id, **self.changes)
        if self.clear:
            call(self.client, "delete_cors_configuration", "remove CORS", ApiId=api_id)
        apply_tag_plan(self.client, "/apis/" + api_id, self.tags)
        return call(self.client, "get_api", "read API", ApiId=api_id)

    def delete(self, current: dict) -> None:
        call(self.client, "delete_api", "delete API", ApiId=current["ApiId"])


def _get_api(aws: Any, api_id: str) -> dict | None:
    return call_or_none(aws, "get_api", "NotFoundException", "read API", ApiId=api_id)


def describe_http_apis(module: Any) -> dict:
    return {"apis": described(module, "api_id", _get_api, find_http_apis)}
