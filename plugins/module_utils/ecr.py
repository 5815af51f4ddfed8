# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECR registry credentials from GetAuthorizationToken, decoded for docker login."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


class TokenFormatError(Exception):
    """An authorization token that is not base64 of ``user:password``."""


def decode_token(token: str) -> tuple[str, str]:
    """Split a base64 ``user:password`` token; the message never includes the token."""
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TokenFormatError("ECR returned an authorization token that is not valid base64 text") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username or not password:
        raise TokenFormatError("ECR returned an authorization token that is not of the form user:password")
    return username, password


def registry_host(proxy_endpoint: str) -> str:
    """``https://123.dkr.ecr.us-east-1.amazonaws.com`` -> ``123.dkr.ecr.us-east-1.amazonaws.com``."""
    host = proxy_endpoint.split("://", 1)[-1]
    return host.rstrip("/")


def _expiry(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value) if value is not None else None


def authorization_data(client: Any, registry_ids: list[str] | None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {}
    if registry_ids:
        params["registryIds"] = registry_ids
    response = client.get_authorization_token(aws_retry=True, **params)
    entries = []
    for item in response.get("authorizationData", []):
        username, password = decode_token(item["authorizationToken"])
        endpoint = item.get("proxyEndpoint", "")
        host = registry_host(endpoint)
        entries.append(
            {
                "registry_id": host.split(".", 1)[0],
                "proxy_endpoint": endpoint,
                "registry": host,
                "username": username,
                "password": password,
                "expires_at": _expiry(item.get("expiresAt")),
            }
        )
    return entries


def token_info(module: Any) -> dict[str, Any]:
    """The module result: every registry's credentials, and the first one's at the top level."""
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    try:
        entries = authorization_data(client, module.params["registry_ids"])
    except TokenFormatError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to get an ECR authorization token")
    if not entries:
        module.fail_json(msg="ECR returned no authorization data")
    first = entries[0]
    return {
        "changed": False,
        "authorization_data": entries,
        "registry": first["registry"],
        "proxy_endpoint": first["proxy_endpoint"],
        "username": first["username"],
        "password": first["password"],
        "expires_at": first["expires_at"],
    }
