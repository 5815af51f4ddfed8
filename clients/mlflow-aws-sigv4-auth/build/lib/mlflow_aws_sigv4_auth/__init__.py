"""Sign MLflow's tracking requests with AWS SigV4 for API Gateway's ``AWS_IAM`` routes.

Enabled by ``MLFLOW_TRACKING_AUTH=aws-sigv4`` (entry point ``mlflow.request_auth_provider``).
"""

from __future__ import annotations

import os
import re
from typing import Any

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from mlflow.tracking.request_auth.abstract_request_auth_provider import RequestAuthProvider
from requests import PreparedRequest
from requests.auth import AuthBase

NAME = "aws-sigv4"
SERVICE = "execute-api"
_EXECUTE_API_HOST = re.compile(r"^[a-z0-9]+\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?$")
# Only these are signed: proxies on the way may rewrite others (Connection, Accept-Encoding).
_SIGNED_HEADERS = ("Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256")


class SigningError(RuntimeError):
    """The request cannot be signed (no credentials, no region, a body that cannot be read twice)."""


class AwsSigV4Auth(AuthBase):
    """A ``requests`` auth that signs each request with the current credentials of a boto3 session."""

    def __init__(self, session: boto3.Session | None = None, region: str | None = None) -> None:
        self._session = session or boto3.Session()
        self._region = region

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        credentials = self._session.get_credentials()
        if credentials is None:
            raise SigningError("no AWS credentials found to sign the MLflow request (boto3's credential chain)")
        url = str(request.url)
        signed = AWSRequest(method=str(request.method), url=url, data=_body_bytes(request))
        SigV4Auth(credentials.get_frozen_credentials(), SERVICE, self._region_for(url)).add_auth(signed)
        for name in _SIGNED_HEADERS:
            if name in signed.headers:
                request.headers[name] = signed.headers[name]
        return request

    def _region_for(self, url: str) -> str:
        host = re.sub(r"^[a-z]+://", "", url).split("/", 1)[0].split(":", 1)[0]
        match = _EXECUTE_API_HOST.match(host)
        # botocore reads AWS_DEFAULT_REGION only; SageMaker and most SDKs set AWS_REGION.
        region = match["region"] if match else self._region or self._session.region_name or os.environ.get("AWS_REGION")
        if not region:
            raise SigningError(f"cannot tell the AWS region of {host}: set AWS_REGION or AWS_DEFAULT_REGION")
        return region


def _body_bytes(request: PreparedRequest) -> bytes:
    """The body as bytes, for its hash; a file body is read and rewound so requests still sends it."""
    body: Any = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if hasattr(body, "read") and hasattr(body, "seek"):
        start = body.tell()
        data = body.read()
        body.seek(start)
        return data.encode() if isinstance(data, str) else bytes(data)
    raise SigningError("a streamed request body cannot be signed: its hash needs the whole body first")


class AwsSigV4RequestAuthProvider(RequestAuthProvider):
    """MLflow's plugin entry point: ``MLFLOW_TRACKING_AUTH=aws-sigv4``."""

    def get_name(self) -> str:
        return NAME

    def get_auth(self) -> AwsSigV4Auth:
        return AwsSigV4Auth()
