"""API Gateway v2 stage calls that moto 5.2.5's server lacks, answered on moto's own stage objects.

- UpdateStage (``PATCH /v2/apis/{apiId}/stages/{stageName}``): moto has no handler (HTTP 500). Each field
  given replaces the stage's, as in AWS; the answer is the stage.
- DeleteAccessLogSettings (``DELETE .../stages/{stageName}/accesslogsettings``): moto routes no such URL.
- TagResource, UntagResource and GetTags on a stage ARN (``/v2/tags/arn:...::/apis/{apiId}/stages/{name}``):
  the server decodes the ``%2F`` of the ARN before routing, so moto matches the path against none of its
  tag URLs. AWS keeps one tag set per stage, shown by GetStage and GetTags alike; here that set is moto's
  ``Stage.tags`` (what CreateStage stored), so GetStage shows what TagResource changed.

Tags of APIs and VPC links route fine in moto and are left to it.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime
from typing import Any
from urllib.parse import unquote
from uuid import uuid4

from werkzeug.wrappers import Response

from emulator.moto_state import backend
from emulator.request import AwsRequest
from emulator.responses import rest_json_error

# API Gateway v2 signs its requests for the "apigateway" service.
SERVICE = "apigateway"
_STAGE = re.compile(r"^/v2/apis/(?P<api_id>[^/]+)/stages/(?P<stage>[^/]+)$")
_ACCESS_LOG_SETTINGS = re.compile(r"^/v2/apis/(?P<api_id>[^/]+)/stages/(?P<stage>[^/]+)/accesslogsettings$")
_STAGE_TAGS = re.compile(
    r"^/v2/tags/(?P<arn>arn:[^:/]+:apigateway:(?P<region>[^:/]+)::/apis/(?P<api_id>[^/]+)/stages/(?P<stage>[^/]+))$"
)
# UpdateStage request fields and the moto Stage attributes they replace.
_UPDATABLE = {
    "accessLogSettings": "access_log_settings",
    "autoDeploy": "auto_deploy",
    "clientCertificateId": "client_certificate_id",
    "defaultRouteSettings": "default_route_settings",
    "description": "description",
    "routeSettings": "route_settings",
    "stageVariables": "stage_variables",
}


class StageError(Exception):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class ApiGatewayV2Stages:
    name = "apigatewayv2_stages"

    def __init__(self) -> None:
        # moto's server is threaded; stage objects are shared between requests.
        self._lock = threading.Lock()

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != SERVICE or not request.path.startswith("/v2/"):
            return None
        path = unquote(request.path)
        route = self._route(request.method, path)
        if route is None:
            return None
        handler, match = route
        try:
            with self._lock:
                return handler(_moto_stage(request, match), request)
        except StageError as error:
            return rest_json_error(error.code, error.message, error.status)

    def _route(self, method: str, path: str) -> tuple[Any, re.Match[str]] | None:
        handlers = {
            ("PATCH", _STAGE): self._update_stage,
            ("DELETE", _ACCESS_LOG_SETTINGS): self._delete_access_log_settings,
            ("GET", _STAGE_TAGS): self._get_tags,
            ("POST", _STAGE_TAGS): self._tag_resource,
            ("DELETE", _STAGE_TAGS): self._untag_resource,
        }
        for (wanted, pattern), handler in handlers.items():
            match = pattern.match(path)
            if method == wanted and match:
                return handler, match
        return None

    @staticmethod
    def _update_stage(stage: Any, request: AwsRequest) -> Response:
        body = _json_body(request)
        for field, attribute in _UPDATABLE.items():
            if field in body:
                setattr(stage, attribute, body[field])
        stage.updated = datetime.now()
        return _rest_json(stage.to_json())

    @staticmethod
    def _delete_access_log_settings(stage: Any, _request: AwsRequest) -> Response:
        stage.access_log_settings = None
        stage.updated = datetime.now()
        return _rest_json(None, status=204)

    @staticmethod
    def _get_tags(stage: Any, _request: AwsRequest) -> Response:
        return _rest_json({"tags": dict(stage.tags or {})})

    @staticmethod
    def _tag_resource(stage: Any, request: AwsRequest) -> Response:
        tags = _json_body(request).get("tags")
        if not isinstance(tags, dict) or not tags:
            raise StageError("BadRequestException", "tags must be a non-empty map of strings", 400)
        stage.tags = {**(stage.tags or {}), **{str(k): str(v) for k, v in tags.items()}}
        return _rest_json({}, status=201)

    @staticmethod
    def _untag_resource(stage: Any, request: AwsRequest) -> Response:
        keys = request.query.get("tagKeys") or []
        if not keys:
            raise StageError("BadRequestException", "tagKeys is required", 400)
        stage.tags = {k: v for k, v in (stage.tags or {}).items() if k not in keys}
        return _rest_json(None, status=204)


def _moto_stage(request: AwsRequest, match: re.Match[str]) -> Any:
    """moto's Stage object for the request, or the NotFoundException AWS answers."""
    groups = match.groupdict()
    apigatewayv2 = backend("apigatewayv2", request)
    if groups.get("region", apigatewayv2.region_name) != apigatewayv2.region_name:
        raise StageError("NotFoundException", "Invalid stage identifier specified", 404)
    api = apigatewayv2.apis.get(groups["api_id"])
    if api is None:
        account = apigatewayv2.account_id
        raise StageError("NotFoundException", f"Invalid API identifier specified {account}:{groups['api_id']}", 404)
    stage = api.stages.get(groups["stage"])
    if stage is None:
        raise StageError("NotFoundException", "Invalid stage identifier specified", 404)
    return stage


def _json_body(request: AwsRequest) -> dict[str, Any]:
    try:
        return request.json()
    except ValueError as error:
        raise StageError("BadRequestException", f"Invalid JSON body: {error}", 400) from error


def _rest_json(payload: dict[str, Any] | None, status: int = 200) -> Response:
    return Response(
        "" if payload is None else json.dumps(payload),
        status=status,
        content_type="application/json",
        headers={"x-amzn-RequestId": str(uuid4())},
    )


def build() -> ApiGatewayV2Stages:
    return ApiGatewayV2Stages()
