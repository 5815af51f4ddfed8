"""Name the operation of a REST request from its method, path, query and headers, as AWS's front end routes it.

JSON and query protocols name their action in the request (X-Amz-Target, ``Action``); REST protocols do
not, so the request log would only show a method and a path. The operation is read from botocore's own
service model (``http.method``, ``http.requestUri`` and the required query and header members), so it is
the name the SDK called: S3's UploadPart and PutObject share a method and path, and only the
``partNumber``/``uploadId`` query keys tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.loaders import Loader

# The REST services (JSON and XML) the stack and MLflow call, by the service name their requests are signed for.
MODELS_BY_SIGNING_NAME: dict[str, tuple[str, ...]] = {"apigateway": ("apigateway", "apigatewayv2"), "s3": ("s3",)}
# Query keys an SDK adds for its own bookkeeping: a presigned URL or another client may leave them out.
_OPTIONAL_QUERY = frozenset({"x-id"})

_LABEL = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class _Route:
    operation: str
    method: str
    pattern: re.Pattern[str]
    literal_segments: int
    query: frozenset[str] = frozenset()
    headers: frozenset[str] = frozenset()

    def matches(self, method: str, path: str, query: Iterable[str], headers: Iterable[str]) -> bool:
        return (
            self.method == method
            and self.query <= set(query)
            and self.headers <= {name.lower() for name in headers}
            and self.pattern.match(path) is not None
        )

    @property
    def specificity(self) -> tuple[int, int]:
        return len(self.query) + len(self.headers), self.literal_segments


def operation_name(
    signing_name: str | None,
    method: str,
    path: str,
    query: Iterable[str] = (),
    headers: Iterable[str] = (),
) -> str | None:
    """The operation a request calls, or None when no route, or more than one equally specific, matches."""
    if signing_name is None:
        return None
    query, headers = list(query), list(headers)
    matches = [route for route in _routes(signing_name) if route.matches(method, path, query, headers)]
    if not matches:
        return None
    best = max(route.specificity for route in matches)
    names = {route.operation for route in matches if route.specificity == best}
    return names.pop() if len(names) == 1 else None


@cache
def _routes(signing_name: str) -> tuple[_Route, ...]:
    loader = Loader()
    routes = []
    for model_name in MODELS_BY_SIGNING_NAME.get(signing_name, ()):
        model = loader.load_service_model(model_name, "service-2")
        for operation, spec in model["operations"].items():
            shape = model["shapes"].get(spec.get("input", {}).get("shape", ""), {})
            routes.append(_route(operation, spec["http"]["method"], spec["http"]["requestUri"], shape))
    return tuple(routes)


def _required(shape: dict[str, Any], location: str) -> set[str]:
    """The wire names of the input's required members sent in ``location`` (querystring or header)."""
    required = set(shape.get("required", []))
    members = shape.get("members", {}).items()
    return {m["locationName"] for name, m in members if name in required and m.get("location") == location}


def _route(operation: str, method: str, request_uri: str, shape: dict[str, Any] | None = None) -> _Route:
    path, _sep, literal_query = request_uri.partition("?")
    query = {part.split("=", 1)[0] for part in literal_query.split("&") if part} - _OPTIONAL_QUERY
    segments = [segment for segment in path.split("/") if segment]
    # A {label+} spans the rest of the path (ARNs hold slashes); a {label} is one segment.
    regex = "".join(
        "/.+" if segment.endswith("+}") else "/[^/]+" if _LABEL.fullmatch(segment) else "/" + re.escape(segment)
        for segment in segments
    )
    literal = sum(1 for segment in segments if not _LABEL.fullmatch(segment))
    query |= _required(shape or {}, "querystring")
    headers = {name.lower() for name in _required(shape or {}, "header")}
    return _Route(operation, method, re.compile(f"^{regex}/?$"), literal, frozenset(query), frozenset(headers))
