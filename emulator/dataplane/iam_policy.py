"""Whether an IAM caller's identity policies allow an action on a resource, as API Gateway's IAM check asks.

API Gateway answers 403 to a correctly signed request whose caller has no ``execute-api:Invoke`` on the
route's ARN. This evaluates the caller's inline and attached policies (and its groups', for a user):
an explicit Deny wins, then an Allow, else the implicit deny. It is stricter than IAM where it cannot
decide: an Allow with a ``Condition`` or a ``NotAction``/``NotResource`` does not count, while a Deny
with a condition still applies. Resource-based policies and permission boundaries are not modeled
(HTTP APIs have no resource policies).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_ASSUMED_ROLE = re.compile(r"arn:[^:]+:sts::\d{12}:assumed-role/(?P<role>[^/]+)/")
_USER = re.compile(r"arn:[^:]+:iam::\d{12}:user/(?:.*/)?(?P<user>[^/]+)")


def allows(account: str, caller_arn: str, action: str, resource: str) -> bool:
    """True when the caller's identity policies allow ``action`` on ``resource`` and none denies it."""
    statements = [statement for document in _documents(account, caller_arn) for statement in _statements(document)]
    if any(_applies(statement, action, resource) for statement in statements if statement.get("Effect") == "Deny"):
        return False
    return any(
        _applies(statement, action, resource) and not _undecidable(statement)
        for statement in statements
        if statement.get("Effect") == "Allow"
    )


def _undecidable(statement: dict[str, Any]) -> bool:
    return any(element in statement for element in ("Condition", "NotAction", "NotResource"))


def _documents(account: str, caller_arn: str) -> Iterator[Any]:
    from moto.iam.models import iam_backends

    backend = iam_backends[account]["aws"]
    holders: list[Any] = []
    role = _ASSUMED_ROLE.match(caller_arn)
    user = _USER.fullmatch(caller_arn)
    if role is not None:
        holders = [r for r in list(backend.roles.values()) if r.name == role["role"]]
    elif user is not None and user["user"] in backend.users:
        holders = [backend.users[user["user"]], *backend.get_groups_for_user(user["user"])]
    for holder in holders:
        yield from list(holder.policies.values())
        for policy in list(holder.managed_policies.values()):
            yield from (version.document for version in policy.versions if version.is_default_version)


def _statements(document: Any) -> list[dict[str, Any]]:
    parsed = json.loads(document) if isinstance(document, str) else document
    statements = (parsed or {}).get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def _applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    return _matches(statement, "Action", action.lower(), lower=True) and _matches(statement, "Resource", resource)


def _matches(statement: dict[str, Any], element: str, value: str, lower: bool = False) -> bool:
    """``Action`` matches when a pattern does; ``NotAction`` when none does (the same for resources)."""
    if element in statement:
        patterns, negated = _as_list(statement[element]), False
    elif f"Not{element}" in statement:
        patterns, negated = _as_list(statement[f"Not{element}"]), True
    else:
        return False
    found = any(_wildcard(pattern.lower() if lower else pattern, value) for pattern in patterns)
    return found != negated


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(item) for item in value]


def _wildcard(pattern: str, value: str) -> bool:
    """IAM's ``*`` and ``?``; nothing else is special (unlike fnmatch's ``[...]``)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None if pattern else False
