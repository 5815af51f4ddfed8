"""Identify the AWS service and action of a raw WSGI request, as AWS's own front end would."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from emulator.rest_operations import operation_name

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")
# A presigned URL carries its signature in the query (SigV4: X-Amz-Credential, X-Amz-Signature).
_QUERY_SCOPE = re.compile(r"^[^/]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request$")


@dataclass(frozen=True)
class AwsRequest:
    """One request as the emulator sees it; ``body`` is buffered and re-readable by moto."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    service: str | None = None
    region: str | None = None
    action: str | None = None
    # How the request is signed: "header" (Authorization), "query" (a presigned URL) or "none".
    auth: str = "none"
    environ: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> AwsRequest:
        body = _buffer_body(environ)
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        auth, service, region = _signature(headers, query)
        method = environ.get("REQUEST_METHOD", "GET")
        return cls(
            method=method,
            path=environ.get("PATH_INFO", "/"),
            query=query,
            headers=headers,
            body=body,
            service=service,
            region=region,
            action=_action(headers, query, body)
            or operation_name(service, method, _raw_path(environ), query.keys(), headers.keys()),
            auth=auth,
            environ=environ,
        )

    def json(self) -> dict[str, Any]:
        """The body of a JSON-protocol request (an empty dict when there is none)."""
        if not self.body:
            return {}
        loaded = json.loads(self.body)
        return loaded if isinstance(loaded, dict) else {}

    def form(self) -> dict[str, str]:
        """The parameters of a query-protocol request (form body and query string)."""
        params = {key: values[0] for key, values in self.query.items()}
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            params.update(
                {key: values[0] for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items()}
            )
        return params


def _signature(headers: dict[str, str], query: dict[str, list[str]]) -> tuple[str, str | None, str | None]:
    """How the request is signed, and the service and region it is signed for (None when unknown)."""
    if "authorization" in headers:
        scope = _CREDENTIAL_SCOPE.search(headers["authorization"])
        return "header", scope.group("service") if scope else None, scope.group("region") if scope else None
    if "X-Amz-Signature" in query:
        scope = _QUERY_SCOPE.match(query.get("X-Amz-Credential", [""])[0])
        return "query", scope.group("service") if scope else None, scope.group("region") if scope else None
    if "Signature" in query and "AWSAccessKeyId" in query:
        return "query", "s3", None  # SigV2 query authentication exists for S3 only
    return "none", None, None


def _buffer_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _raw_path(environ: dict[str, Any]) -> str:
    """The path as sent: PATH_INFO has %2F decoded, which splits an ARN in a path into segments."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    return raw.split("?", 1)[0] if raw else environ.get("PATH_INFO", "/")


def _action(headers: dict[str, str], query: dict[str, list[str]], body: bytes) -> str | None:
    """JSON protocols name the action in X-Amz-Target, query protocols in an ``Action`` field."""
    target = headers.get("x-amz-target")
    if target:
        return target.rsplit(".", 1)[-1]
    if "Action" in query:
        return query["Action"][0]
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        actions = parse_qs(body.decode(errors="replace")).get("Action")
        if actions:
            return actions[0]
    return None
