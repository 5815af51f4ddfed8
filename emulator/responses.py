"""AWS-shaped responses for extensions: JSON-protocol errors and results, query-protocol errors."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from werkzeug.wrappers import Response


def json_result(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(
        json.dumps(payload, default=str),
        status=status,
        content_type="application/x-amz-json-1.1",
        headers={"x-amzn-RequestId": str(uuid4())},
    )


def json_error(code: str, message: str, status: int = 400) -> Response:
    """The error shape of JSON protocols (SageMaker, ECS, Cloud Map, ...)."""
    return Response(
        json.dumps({"__type": code, "message": message, "Message": message}),
        status=status,
        content_type="application/x-amz-json-1.1",
        headers={"x-amzn-RequestId": str(uuid4()), "x-amzn-ErrorType": code},
    )


def rest_json_error(code: str, message: str, status: int = 400) -> Response:
    """The error shape of REST-JSON protocols (API Gateway v2, ...)."""
    return Response(
        json.dumps({"message": message}),
        status=status,
        content_type="application/json",
        headers={"x-amzn-RequestId": str(uuid4()), "x-amzn-ErrorType": code},
    )


def query_error(code: str, message: str, status: int = 400, ec2: bool = False) -> Response:
    """The XML error shape of query protocols; EC2 uses its own envelope."""
    request_id = str(uuid4())
    if ec2:
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
    else:
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    return Response(body, status=status, content_type="text/xml")
