"""Bucket policies that deny non-TLS access, kept exactly as written but usable on the emulator.

moto evaluates a bucket policy's statements without their conditions, so the standard
``Deny * when aws:SecureTransport = false`` statement denies every write. This extension keeps the policy
a client puts (GetBucketPolicy returns it unchanged, so idempotency checks see what AWS would store) and
gives moto a copy without those statements: the emulator's loopback transport stands in for TLS.
Path-style requests only (what clients use with an IP endpoint).
"""

from __future__ import annotations

import io
import json
import threading
from typing import Any

from werkzeug.wrappers import Response

from emulator.request import AwsRequest

_CHECKSUM_HEADERS = ("HTTP_CONTENT_MD5", "HTTP_X_AMZ_SDK_CHECKSUM_ALGORITHM")


class S3SecureTransport:
    name = "s3_secure_transport"

    def __init__(self) -> None:
        self._policies: dict[str, str] = {}
        self._lock = threading.Lock()

    def handle(self, request: AwsRequest) -> Response | None:
        if request.path == "/moto-api/reset":
            with self._lock:
                self._policies.clear()
            return None
        bucket = _policy_bucket(request)
        if bucket is None:
            return None
        if request.method == "PUT":
            self._put(bucket, request)
        elif request.method == "GET":
            with self._lock:
                stored = self._policies.get(bucket)
            if stored is not None:
                return Response(stored, status=200, content_type="application/json")
        elif request.method == "DELETE":
            with self._lock:
                self._policies.pop(bucket, None)
        return None

    def _put(self, bucket: str, request: AwsRequest) -> None:
        original = request.body.decode()
        try:
            policy = json.loads(original)
        except ValueError:
            return  # moto answers MalformedPolicy
        statements = policy.get("Statement", [])
        kept = [s for s in (statements if isinstance(statements, list) else [statements]) if not _denies_plain_http(s)]
        with self._lock:
            self._policies[bucket] = original
        if len(kept) == len(statements if isinstance(statements, list) else [statements]):
            return
        # moto rejects a policy without statements: an Allow-nothing statement keeps it valid.
        policy["Statement"] = kept or [_NOTHING]
        _replace_body(request.environ, json.dumps(policy).encode())


_NOTHING: dict[str, Any] = {"Sid": "EmulatorPlaceholder", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                            "Resource": "arn:aws:s3:::emulator-placeholder-nothing/*"}  # fmt: skip


def _policy_bucket(request: AwsRequest) -> str | None:
    if request.service != "s3" or "policy" not in request.query:
        return None
    parts = request.path.strip("/").split("/")
    return parts[0] if len(parts) == 1 and parts[0] else None


def _denies_plain_http(statement: dict[str, Any]) -> bool:
    if statement.get("Effect") != "Deny":
        return False
    for operator in ("Bool", "BoolIfExists"):
        value = statement.get("Condition", {}).get(operator, {}).get("aws:SecureTransport")
        if str(value).lower() == "false":
            return True
    return False


def _replace_body(environ: dict[str, Any], body: bytes) -> None:
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    for header in _CHECKSUM_HEADERS:
        environ.pop(header, None)
    for key in [k for k in environ if k.startswith("HTTP_X_AMZ_CHECKSUM_")]:
        environ.pop(key)


def build() -> S3SecureTransport:
    return S3SecureTransport()
