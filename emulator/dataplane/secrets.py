"""ECS ``secrets``: ``valueFrom`` resolved from the emulator's Secrets Manager or SSM, as the ECS agent does.

A Secrets Manager ``valueFrom`` is ``<secret ARN>:<json-key>:<version-stage>:<version-id>`` with empty
fields meaning the whole string and AWSCURRENT. Any failure stops the task before a container starts,
with the agent's ResourceInitializationError reason (values never appear in it).
"""

from __future__ import annotations

import json
from typing import Any

SECRET_ARN_FIELDS = 7
_PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed:"


class SecretError(RuntimeError):
    pass


def resolve(secrets: list[dict[str, str]], account: str, region: str) -> dict[str, str]:
    return {item["name"]: _value(item["valueFrom"], account, region) for item in secrets}


def _value(value_from: str, account: str, region: str) -> str:
    if value_from.startswith("arn:") and ":secretsmanager:" in value_from:
        return _secretsmanager(value_from, account, region)
    return _ssm(value_from, account, region)


def _secretsmanager(value_from: str, account: str, region: str) -> str:
    from moto.backends import get_backend

    parts = value_from.split(":")
    arn = ":".join(parts[:SECRET_ARN_FIELDS])
    key, stage, version = [*parts[SECRET_ARN_FIELDS:], "", "", ""][:3]
    backend = get_backend("secretsmanager")[account][parts[3] or region]
    try:
        secret: Any = backend.get_secret_value(secret_id=arn, version_id=version or None, version_stage=stage or None)
    except Exception as error:
        code = getattr(error, "code", type(error).__name__)
        raise SecretError(
            f"{_PREFIX} unable to retrieve secret from asm: service call has been retried 1 time(s): "
            f"failed to fetch secret {arn} from secrets manager: {code}"
        ) from None
    string = secret.get("SecretString") if isinstance(secret, dict) else None
    if not key:
        return string or ""
    try:
        value = json.loads(string or "")[key]
    except (ValueError, KeyError, TypeError):
        raise SecretError(
            f"{_PREFIX} unable to retrieve secrets from ssm/asm: retrieved secret from Secrets Manager "
            f"did not contain json key {key}"
        ) from None
    return value if isinstance(value, str) else json.dumps(value)


def _ssm(value_from: str, account: str, region: str) -> str:
    from moto.backends import get_backend

    name = value_from.split(":parameter", 1)[-1] if value_from.startswith("arn:") else value_from
    try:
        parameter = get_backend("ssm")[account][region].get_parameter(name)
    except Exception:
        parameter = None
    if parameter is None:
        raise SecretError(f"{_PREFIX} unable to retrieve secrets from ssm: invalid parameters: {name}")
    return str(parameter.value)
