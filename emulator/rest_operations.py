"""Name the operation of a REST-JSON request from its method and path, as AWS's front end routes it.

JSON and query protocols name their action in the request (X-Amz-Target, ``Action``); REST protocols do
not, so the request log would only show a method and a path. The operation is read from botocore's own
service model (``http.method`` and ``http.requestUri``), so it is the name the SDK called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from botocore.loaders import Loader

# The REST-JSON services the stack calls, by the service name their requests are signed for.
MODELS_BY_SIGNING_NAME: dict[str, tuple[str, ...]] = {"apigateway": ("apigateway", "apigatewayv2")}

_LABEL = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class _Route:
    operation: str
    method: str
    pattern: re.Pattern[str]
    literal_segments: int


def operation_name(signing_name: str | None, method: str, path: str) -> str | None:
    """The operation a request calls, or None when no route, or more than one equally specific, matches."""
    if signing_name is None:
        return None
    matches = [route for route in _routes(signing_name) if route.method == method and route.pattern.match(path)]
    if not matches:
        return None
    best = max(route.literal_segments for route in matches)
    names = {route.operation for route in matches if route.literal_segments == best}
    return names.pop() if len(names) == 1 else None


@cache
def _routes(signing_name: str) -> tuple[_Route, ...]:
    loader = Loader()
    return tuple(
        _route(operation, spec["http"]["method"], spec["http"]["requestUri"])
        for model_name in MODELS_BY_SIGNING_NAME.get(signing_name, ())
        for operation, spec in loader.load_service_model(model_name, "service-2")["operations"].items()
    )


def _route(operation: str, method: str, request_uri: str) -> _Route:
    path = request_uri.split("?", 1)[0]
    segments = [segment for segment in path.split("/") if segment]
    # A {label+} spans the rest of the path (ARNs hold slashes); a {label} is one segment.
    regex = "".join(
        "/.+" if segment.endswith("+}") else "/[^/]+" if _LABEL.fullmatch(segment) else "/" + re.escape(segment)
        for segment in segments
    )
    literal = sum(1 for segment in segments if not _LABEL.fullmatch(segment))
    return _Route(operation, method, re.compile(f"^{regex}/?$"), literal)
