# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API Gateway v2 integrations (where a request goes) and routes (which requests go there)."""

from __future__ import annotations

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2 import (
    ApiGatewayManager,
    changed_fields,
    list_all,
    merged,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import (
    AwsError,
    call,
    call_or_none,
    only_one,
    strip_none,
)

MAX_INTEGRATION_TIMEOUT_MS = 30000
MIN_INTEGRATION_TIMEOUT_MS = 50


class _InPlaceManager(ApiGatewayManager):
    """Integrations and routes: UpdateX takes the changed fields and answers with the whole resource."""

    id_key = ""
    noun = ""

    def desired(self) -> dict:
        raise NotImplementedError

    def plan_create(self) -> dict:
        return self.desired()

    def plan_update(self, current: dict) -> dict | None:
        self.changes = changed_fields(self.desired(), current)
        return merged(current, self.changes) if self.changes else None

    def create(self) -> dict:
        return call(
            self.client, f"create_{self.noun}", f"create {self.noun}", ApiId=self.params["api_id"], **self.plan_create()
        )

    def update(self, current: dict, planned: dict) -> dict:
        ids = {"ApiId": self.params["api_id"], self.id_key: current[self.id_key]}
        return call(self.client, f"update_{self.noun}", f"update {self.noun}", **ids, **self.changes)

    def delete(self, current: dict) -> None:
        ids = {"ApiId": self.params["api_id"], self.id_key: current[self.id_key]}
        call(self.client, f"delete_{self.noun}", f"delete {self.noun}", **ids)


def validate_integration(params: dict) -> None:
    """Reject inconsistent input before any AWS call."""
    timeout = params["timeout_in_millis"]
    if timeout is not None and not MIN_INTEGRATION_TIMEOUT_MS <= timeout <= MAX_INTEGRATION_TIMEOUT_MS:
        raise AwsError(
            f"timeout_in_millis must be between {MIN_INTEGRATION_TIMEOUT_MS} and {MAX_INTEGRATION_TIMEOUT_MS} "
            f"(the HTTP API limit), got {timeout}"
        )
    if params["state"] == "absent":
        if not params["integration_id"] and not params["integration_uri"]:
            raise AwsError("state=absent needs integration_id or integration_uri")
        return
    if params["connection_type"] == "VPC_LINK" and not params["connection_id"]:
        raise AwsError("connection_type=VPC_LINK requires connection_id (the VPC link ID)")
    if params["connection_id"] and params["connection_type"] != "VPC_LINK":
        raise AwsError("connection_id is only valid with connection_type=VPC_LINK")
    if params["integration_type"] == "HTTP_PROXY" and not params["integration_uri"] and not params["integration_id"]:
        raise AwsError("integration_type=HTTP_PROXY requires integration_uri")


class IntegrationManager(_InPlaceManager):
    result_key = "integration"
    id_key = "IntegrationId"
    noun = "integration"
    fields = (
        "IntegrationType",
        "IntegrationUri",
        "IntegrationMethod",
        "ConnectionType",
        "ConnectionId",
        "PayloadFormatVersion",
        "TimeoutInMillis",
        "RequestParameters",
        "Description",
    )

    def find(self) -> dict | None:
        params = self.params
        api_id = params["api_id"]
        if params["integration_id"]:
            found = call_or_none(
                self.client,
                "get_integration",
                "NotFoundException",
                "read integration",
                ApiId=api_id,
                IntegrationId=params["integration_id"],
            )
            if found is None and params["state"] == "present":
                raise AwsError("Integration {} not found in API {}".format(params["integration_id"], api_id))
            return found
        matches = [
            i
            for i in list_all(self.client, "get_integrations", "integrations", ApiId=api_id)
            if i.get("IntegrationUri") == params["integration_uri"]
            and i.get("ConnectionId") == params["connection_id"]
            and params["description"] in (None, i.get("Description"))
        ]
        return only_one(matches, "integrations with this URI, connection and description", lambda i: i["IntegrationId"])

    def desired(self) -> dict:
        params = self.params
        return strip_none(
            {
                "IntegrationType": params["integration_type"],
                "IntegrationUri": params["integration_uri"],
                "IntegrationMethod": params["integration_method"],
                "ConnectionType": params["connection_type"],
                "ConnectionId": params["connection_id"],
                "PayloadFormatVersion": params["payload_format_version"],
                "TimeoutInMillis": params["timeout_in_millis"],
                "RequestParameters": params["request_parameters"],
                "Description": params["description"],
            }
        )


def validate_route(params: dict) -> None:
    target = params["target"]
    if target and not target.startswith("integrations/"):
        raise AwsError(f"target must be integrations/<integration ID>, got {target!r}")
    authorization = params["authorization_type"]
    if params["state"] == "present" and authorization in ("CUSTOM", "JWT") and not params["authorizer_id"]:
        raise AwsError(f"authorization_type {authorization} requires authorizer_id")


class RouteManager(_InPlaceManager):
    result_key = "route"
    id_key = "RouteId"
    noun = "route"
    fields = ("RouteKey", "Target", "AuthorizationType", "AuthorizerId")

    def find(self) -> dict | None:
        key = self.params["route_key"]
        routes = list_all(self.client, "get_routes", "routes", ApiId=self.params["api_id"])
        return only_one([r for r in routes if r.get("RouteKey") == key], "routes " + key, lambda r: r["RouteId"])

    def _target(self) -> str | None:
        if self.params["integration_id"]:
            return "integrations/" + self.params["integration_id"]
        return self.params["target"]

    def desired(self) -> dict:
        return strip_none(
            {
                "Target": self._target(),
                "AuthorizationType": self.params["authorization_type"],
                "AuthorizerId": self.params["authorizer_id"],
            }
        )

    def plan_create(self) -> dict:
        return dict(self.desired(), RouteKey=self.params["route_key"])
