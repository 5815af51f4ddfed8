"""API Gateway v2 deletes AWS refuses while dependents exist: a VPC link used by an integration, an
integration targeted by a route.

API Gateway v2 is a REST-JSON service signed as ``apigateway``: the action is the method and path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from werkzeug.wrappers import Response

from emulator.moto_state import backend
from emulator.request import AwsRequest
from emulator.responses import rest_json_error

NAME = "strict_apigatewayv2"
_VPC_LINK = re.compile(r"^/v2/vpclinks/(?P<vpc_link_id>[^/]+)$")
_INTEGRATION = re.compile(r"^/v2/apis/(?P<api_id>[^/]+)/integrations/(?P<integration_id>[^/]+)$")


def delete_vpc_link(request: AwsRequest, vpc_link_id: str) -> Response | None:
    references = [
        f"{integration.integration_method or 'ANY'}:{integration.id}"
        for api in list(backend("apigatewayv2", request).apis.values())
        for integration in list(api.integrations.values())
        if integration.connection_type == "VPC_LINK" and integration.connection_id == vpc_link_id
    ]
    if not references:
        return None
    # AWS answers 400 BadRequestException here (not a ConflictException), naming the references.
    return rest_json_error(
        "BadRequestException",
        f"Cannot delete vpc link. Vpc link '{vpc_link_id}', is referenced in [{', '.join(references)}] "
        "in format of [Method:Resource].",
        status=400,
    )


def delete_integration(request: AwsRequest, api_id: str, integration_id: str) -> Response | None:
    api = backend("apigatewayv2", request).apis.get(api_id)
    if api is None:
        return None
    routes = [route.route_id for route in list(api.routes.values()) if route.target == f"integrations/{integration_id}"]
    if not routes:
        return None
    return rest_json_error(
        "ConflictException",
        f"Cannot delete Integration because it is referenced by the following Routes with Ids: [{', '.join(routes)}]",
        status=409,
    )


@dataclass(frozen=True)
class StrictApiGatewayV2:
    name: str = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != "apigateway" or request.method != "DELETE":
            return None
        match = _VPC_LINK.match(request.path)
        if match:
            return delete_vpc_link(request, match["vpc_link_id"])
        match = _INTEGRATION.match(request.path)
        if match:
            return delete_integration(request, match["api_id"], match["integration_id"])
        return None


def build() -> StrictApiGatewayV2:
    return StrictApiGatewayV2()
