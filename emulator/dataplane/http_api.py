"""HTTP APIs served on loopback: stage, routes and HTTP_PROXY integrations over a VPC link to an ALB
listener, with API Gateway's limits.

Each API listens on its own loopback address (port 80), shown as its ``ApiEndpoint``. Requests pass
only through a deployed ``$default`` stage, a matching route and its integration; the stage's default
route throttling answers 429, a request over 10 MB 413, an integration slower than its timeout (at most
30 s) 504, and every request writes one access-log line in the stage's format to its log group.
The most specific route wins; an ``AWS_IAM`` route answers 403 unless a SigV4 signature of one of the
emulator's IAM keys checks out (``sigv4``), and the integration's parameter mapping (``mapping``)
shapes what reaches the listener.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulator.dataplane import iam_policy, mapping, proxy, sigv4
from emulator.dataplane.addresses import AddressPool
from emulator.dataplane.alb import AlbDataPlane

PAYLOAD_LIMIT = 10 * 1024 * 1024
MAX_TIMEOUT_S = 30.0
DRAIN_LIMIT = 64 * 1024 * 1024
_CONTEXT = re.compile(r"\$context\.([A-Za-z0-9_.]+)")


@dataclass
class TokenBucket:
    rate: float
    burst: float
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class HttpApiDataPlane:
    def __init__(self, pool: AddressPool, albs: AlbDataPlane) -> None:
        self.pool = pool
        self.albs = albs
        self.servers: dict[tuple[str, str, str], proxy.ProxyServer] = {}
        self.buckets: dict[tuple[str, str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def endpoint(self, api_id: str) -> str:
        return f"http://{self.pool.address('api', api_id)}"

    def reconcile(self, account: str, region: str, backend: Any) -> None:
        live = set()
        for api in list(backend.apis.values()):
            key = (account, region, api.api_id)
            live.add(key)
            if key not in self.servers and getattr(api, "protocol_type", "HTTP") == "HTTP":
                self.servers[key] = self._serve(key, backend)
        for key in [k for k in self.servers if k[:2] == (account, region) and k not in live]:
            proxy.close(self.servers.pop(key))

    def stop_all(self) -> None:
        for server in self.servers.values():
            proxy.close(server)

    def served(self) -> list[dict[str, str]]:
        return [{"apiId": key[2], "region": key[1], "url": self.endpoint(key[2])} for key in self.servers]

    def _serve(self, key: tuple[str, str, str], backend: Any) -> proxy.ProxyServer:
        plane = self

        class Handler(proxy.QuietHandler):
            def handle_any(self) -> None:
                plane.handle(self, key, backend)

        return proxy.serve((self.pool.address("api", key[2]), 80), Handler, None)

    # -- one request -----------------------------------------------------------------------------
    def handle(self, handler: proxy.QuietHandler, key: tuple[str, str, str], backend: Any) -> None:
        started = time.monotonic()
        context: dict[str, Any] = {
            "requestId": uuid.uuid4().hex[:16],
            "requestTime": datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(time.time() * 1000),
            "httpMethod": handler.command,
            "path": handler.path.split("?", 1)[0],
            "protocol": handler.request_version,
            "identity.sourceIp": handler.client_address[0],
            "identity.userAgent": handler.headers.get("User-Agent", "-"),
            "stage": "$default",
        }
        api = backend.apis.get(key[2])
        stage = api.stages.get("$default") if api is not None else None
        try:
            self._dispatch(handler, key, api, stage, context)
        finally:
            context["responseLatency"] = int((time.monotonic() - started) * 1000)
            if stage is not None:
                self._access_log(key, stage, context)

    def _dispatch(
        self, handler: proxy.QuietHandler, key: tuple[str, str, str], api: Any, stage: Any, context: dict[str, Any]
    ) -> None:
        matched = _match(api, handler.command, context["path"]) if stage is not None else None
        if matched is None:
            return self._error(handler, context, 404, "Not Found")
        route, path_parameters = matched
        context["routeKey"] = route.route_key
        if not self._admit(key, stage):
            return self._error(handler, context, 429, "Too Many Requests")
        body = proxy.read_body(handler, PAYLOAD_LIMIT)
        if body is None:
            # Clients that send the whole body before reading get the 413 too; beyond that, the connection closes.
            handler.close_connection = not proxy.discard_body(handler, DRAIN_LIMIT)
            return self._error(handler, context, 413, "Request Entity Too Large")
        if getattr(route, "authorization_type", None) == "AWS_IAM" and not _authorized(
            handler, key, str(context["stage"]), body, context
        ):
            return self._error(handler, context, 403, str(context["error.message"]))
        integration = api.integrations.get(str(route.target or "").removeprefix("integrations/"))
        target = self._integration_target(integration)
        if target is None:
            return self._error(handler, context, 500, "Internal Server Error")
        mapped = mapping.apply(
            getattr(integration, "request_parameters", None),
            handler.path,
            dict(handler.headers.items()),
            path_parameters,
            context,
        )
        timeout = min(MAX_TIMEOUT_S, (integration.timeout_in_millis or 30000) / 1000)
        client = context["identity.sourceIp"]
        extra = {
            "X-Forwarded-For": client,
            "X-Forwarded-Proto": "http",
            "X-Forwarded-Port": "80",
            "X-Amzn-Trace-Id": f"Root=1-{uuid.uuid4().hex[:24]}",
        }
        began = time.monotonic()
        try:
            status, length = proxy.forward(
                handler, target, body, timeout, extra, PAYLOAD_LIMIT, (mapped.path, mapped.headers)
            )
        except TimeoutError:
            context["integrationErrorMessage"] = "Integration timeout"
            return self._error(handler, context, 504, "Gateway Timeout")
        except ValueError:
            context["integrationErrorMessage"] = "Response payload too large"
            return self._error(handler, context, 500, "Internal Server Error")
        except OSError as error:
            context["integrationErrorMessage"] = str(error)
            return self._error(handler, context, 503, "Service Unavailable")
        context.update(
            status=status,
            integrationStatus=status,
            responseLength=length,
            integrationLatency=int((time.monotonic() - began) * 1000),
        )
        return None

    def _integration_target(self, integration: Any) -> tuple[str, int] | None:
        if integration is None or integration.integration_type != "HTTP_PROXY":
            return None
        if integration.connection_type == "VPC_LINK":
            return self.albs.listener_address(str(integration.integration_uri))
        return None  # public HTTP integrations would leave the machine: never

    def _admit(self, key: tuple[str, str, str], stage: Any) -> bool:
        settings = stage.default_route_settings or {}
        rate, burst = settings.get("throttlingRateLimit"), settings.get("throttlingBurstLimit")
        if rate is None or burst is None:
            return True
        with self._lock:
            bucket = self.buckets.get(key)
            if bucket is None or (bucket.rate, bucket.burst) != (float(rate), float(burst)):
                bucket = self.buckets[key] = TokenBucket(rate=float(rate), burst=float(burst), tokens=float(burst))
            return bucket.take()

    def _error(self, handler: proxy.QuietHandler, context: dict[str, Any], status: int, message: str) -> None:
        body = json.dumps({"message": message}).encode()
        context.update(status=status, responseLength=len(body), **{"error.message": message})
        proxy.reply(handler, status, body, headers={"apigw-requestid": context["requestId"]})

    def _access_log(self, key: tuple[str, str, str], stage: Any, context: dict[str, Any]) -> None:
        settings = stage.access_log_settings or {}
        arn, fmt = settings.get("destinationArn"), settings.get("format")
        if not arn or not fmt:
            return
        line = _CONTEXT.sub(lambda m: str(context.get(m.group(1), "-")), fmt)
        # A missing log group loses the line, as in AWS.
        with contextlib.suppress(Exception):
            _put_log_line(key[0], key[1], arn, line)


def _authorized(
    handler: proxy.QuietHandler, key: tuple[str, str, str], stage_name: str, body: bytes, context: dict[str, Any]
) -> bool:
    """The SigV4 signature, then the caller's ``execute-api:Invoke`` on the route; the verified caller fills
    ``$context.identity.*`` as API Gateway does."""
    path = handler.path.split("?", 1)[0]
    url = f"http://{handler.headers.get('Host', '')}{handler.path}"
    try:
        caller = sigv4.verify(handler.command, url, dict(handler.headers.items()), body, key[1])
    except sigv4.SignatureError as error:
        context["error.message"] = str(error)
        return False
    partition = caller.arn.split(":")[1]
    resource = (
        f"arn:{partition}:execute-api:{key[1]}:{key[0]}:{key[2]}/{stage_name}/{handler.command}/{path.lstrip('/')}"
    )
    if not iam_policy.allows(caller.account, caller.arn, "execute-api:Invoke", resource):
        context["error.message"] = (
            f"User: {caller.arn} is not authorized to perform: execute-api:Invoke on resource: {resource}"
        )
        return False
    context.update(
        {
            "identity.userArn": caller.arn,
            "identity.caller": caller.caller,
            "identity.accountId": caller.account,
            "identity.accessKey": caller.access_key,
            "authorizer.iam.userArn": caller.arn,
            "authorizer.iam.accountId": caller.account,
        }
    )
    return True


def _match(api: Any, method: str, path: str) -> tuple[Any, dict[str, str]] | None:
    """The most specific route for the request, with its path parameters; ``$default`` when none matches.

    As in API Gateway: a route without a greedy variable beats one with, then the longer route key wins.
    """
    candidates = []
    default = None
    for route in list(api.routes.values()):
        if route.route_key == "$default":
            default = route
            continue
        route_method, _space, pattern = route.route_key.partition(" ")
        parameters = _path_parameters(pattern, path) if route_method in ("ANY", method) else None
        if parameters is not None:
            rank = ("+}" not in pattern, len(pattern.split("{", 1)[0]), route_method != "ANY")
            candidates.append((rank, route, parameters))
    if candidates:
        _rank, route, parameters = max(candidates, key=lambda item: item[0])
        return route, parameters
    return (default, {}) if default is not None else None


def _path_parameters(pattern: str, path: str) -> dict[str, str] | None:
    """The route pattern's variables in ``path`` (``{proxy+}`` takes the rest), or None when it does not match."""
    regex = ""
    for literal, name, greedy in re.findall(r"([^{]*)(?:\{([A-Za-z0-9_]+)(\+?)\})?", pattern):
        regex += re.escape(literal)
        if name:
            regex += f"(?P<{name}>.+)" if greedy else f"(?P<{name}>[^/]+)"
    match = re.fullmatch(regex, path)
    return dict(match.groupdict()) if match is not None else None


def _put_log_line(account: str, region: str, arn: str, line: str) -> None:
    from moto.backends import get_backend

    group = arn.split(":log-group:", 1)[1].removesuffix(":*")
    log_group = get_backend("logs")[account][region].groups[group]
    stream = "api-gateway-access"
    if stream not in log_group.streams:
        log_group.create_log_stream(stream)
    log_group.streams[stream].put_log_events([{"timestamp": int(time.time() * 1000), "message": line}])
