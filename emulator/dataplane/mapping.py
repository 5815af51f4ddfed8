"""HTTP API parameter mapping of a request (an integration's ``RequestParameters``), as API Gateway applies it.

Keys: ``append|overwrite|remove:header.<name>``, ``append|overwrite|remove:querystring.<name>`` and
``overwrite:path``. Values: static text with ``$request.header.<name>``, ``$request.querystring.<name>``,
``$request.path``, ``$request.path.<name>``, ``$context.<name>`` (or ``${...}``) substituted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

_VARIABLE = re.compile(r"\$\{([A-Za-z0-9_.\-]+)\}|\$((?:request|context)\.[A-Za-z0-9_.\-]+)")


@dataclass
class MappedRequest:
    """What reaches the integration: the path with its query string, and the headers (names as sent)."""

    path: str
    headers: dict[str, str]


def apply(
    parameters: Mapping[str, str] | None,
    path: str,
    headers: Mapping[str, str],
    path_parameters: Mapping[str, str],
    context: Mapping[str, object],
) -> MappedRequest:
    """Apply ``parameters`` to a request for ``path`` (with query) and ``headers``."""
    raw_path, _question, query = path.partition("?")
    lookup = _Lookup(raw_path, query, headers, path_parameters, context)
    request_headers = dict(headers)
    queries = parse_qsl(query, keep_blank_values=True)
    for key, template in (parameters or {}).items():
        action, _colon, target = key.partition(":")
        value = _VARIABLE.sub(lookup.value, template)
        if target == "path" and action == "overwrite":
            raw_path = value
        elif target.startswith("header."):
            _header(request_headers, action, target.removeprefix("header."), value)
        elif target.startswith("querystring."):
            queries = _query(queries, action, target.removeprefix("querystring."), value)
    mapped = raw_path + ("?" + urlencode(queries) if queries else "")
    return MappedRequest(path=mapped, headers=request_headers)


def _header(headers: dict[str, str], action: str, name: str, value: str) -> None:
    existing = next((key for key in headers if key.lower() == name.lower()), None)
    if action == "remove":
        headers.pop(existing or name, None)
    elif action == "append" and existing is not None:
        headers[existing] = f"{headers[existing]},{value}"
    else:
        headers.pop(existing or name, None)
        headers[name] = value


def _query(queries: list[tuple[str, str]], action: str, name: str, value: str) -> list[tuple[str, str]]:
    if action == "remove":
        return [(key, item) for key, item in queries if key != name]
    if action == "overwrite":
        return [*[(key, item) for key, item in queries if key != name], (name, value)]
    return [*queries, (name, value)]


@dataclass(frozen=True)
class _Lookup:
    path: str
    query: str
    headers: Mapping[str, str]
    path_parameters: Mapping[str, str]
    context: Mapping[str, object]

    def value(self, match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        scope, _dot, rest = name.partition(".")
        if scope == "context":
            return str(self.context.get(rest, ""))
        if rest == "path":
            return self.path
        kind, _dot, item = rest.partition(".")
        if kind == "header":
            return next((v for k, v in self.headers.items() if k.lower() == item.lower()), "")
        if kind == "querystring":
            return ",".join(v for k, v in parse_qsl(self.query, keep_blank_values=True) if k == item)
        if kind == "path":
            return self.path_parameters.get(item, "")
        return ""
