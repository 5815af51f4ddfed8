"""API Gateway's ``AWS_IAM`` authorization: a SigV4 signature for ``execute-api`` checked against the
emulator's own IAM access keys (users' keys and STS sessions), as API Gateway checks them against IAM.

The expected signature is computed with botocore's signer over exactly the headers the client signed;
the messages are API Gateway's. IAM policies are not evaluated (see docs/dataplane.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SERVICE = "execute-api"
ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=5)
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)
FORBIDDEN = "Forbidden"
MISSING = "Missing Authentication Token"
UNKNOWN_KEY = "The security token included in the request is invalid."
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)


class SignatureError(Exception):
    """The request is refused with 403 and this message."""


@dataclass(frozen=True)
class Caller:
    """The verified identity: what API Gateway puts in ``$context.identity.*``."""

    arn: str
    account: str
    access_key: str
    caller: str


@dataclass(frozen=True)
class _Key:
    secret: str
    session_token: str | None
    caller: Caller


def verify(
    method: str, url: str, headers: Mapping[str, str], body: bytes, region: str, now: datetime | None = None
) -> Caller:
    """The caller whose key signed this request for ``execute-api`` in ``region``; SignatureError otherwise."""
    lower = {name.lower(): value for name, value in headers.items()}
    match = _AUTHORIZATION.match(lower.get("authorization", "").strip())
    if match is None:
        raise SignatureError(MISSING if "authorization" not in lower else FORBIDDEN)
    key_id, date, key_region, service, terminal = (match["credential"].split("/") + [""] * 5)[:5]
    amz_date = lower.get("x-amz-date", "")
    signed = match["signed"].split(";")
    if (service, terminal, key_region) != (SERVICE, "aws4_request", region) or not amz_date.startswith(date):
        raise SignatureError(FORBIDDEN)
    if "host" not in signed or any(name not in lower for name in signed):
        raise SignatureError(FORBIDDEN)
    _check_time(amz_date, now or datetime.now(UTC))
    key = _find_key(key_id)
    if key is None or (key.session_token is not None and lower.get("x-amz-security-token") != key.session_token):
        raise SignatureError(UNKNOWN_KEY)
    expected = _signature(method, url, {name: lower[name] for name in signed}, body, key, key_id, region, amz_date)
    if expected != match["signature"]:
        raise SignatureError(MISMATCH)
    return key.caller


def _check_time(amz_date: str, now: datetime) -> None:
    try:
        stamp = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError(FORBIDDEN) from None
    if abs(now - stamp) > MAX_SKEW:
        raise SignatureError(f"Signature expired: {amz_date} is now earlier or later than the allowed 5 minutes.")


def _signature(
    method: str, url: str, headers: dict[str, str], body: bytes, key: _Key, key_id: str, region: str, amz_date: str
) -> str:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(key_id, key.secret, key.session_token), SERVICE, region)
    canonical = signer.canonical_request(request)
    return str(signer.signature(signer.string_to_sign(request, canonical), request))


def _find_key(key_id: str) -> _Key | None:
    return _user_key(key_id) or _session_key(key_id)


def _user_key(key_id: str) -> _Key | None:
    from moto.iam.models import iam_backends

    for account, partitions in list(iam_backends.items()):
        backend = partitions["aws"]
        for user in list(backend.users.values()):
            for key in user.access_keys:
                if key.access_key_id == key_id and key.status == "Active":
                    caller = Caller(arn=user.arn, account=account, access_key=key_id, caller=user.id)
                    return _Key(secret=key.secret_access_key, session_token=None, caller=caller)
    return None


def _session_key(key_id: str) -> _Key | None:
    from moto.sts.models import sts_backends

    for account, partitions in list(sts_backends.items()):
        for role in list(partitions["global"].assumed_roles):
            if role.access_key_id == key_id:
                caller = Caller(arn=role.arn, account=account, access_key=key_id, caller=role.user_id)
                return _Key(secret=role.secret_access_key, session_token=role.session_token, caller=caller)
    return None
