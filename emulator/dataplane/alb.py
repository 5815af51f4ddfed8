"""Application load balancers: real health checks on registered targets, a listener that forwards to
healthy targets only.

Targets are registered by their VPC address (the task's ENI address, as ECS does); the address pool
knows which loopback address stands for it. Checks follow the target group's path, port, interval,
timeout, matcher and thresholds; a new target is ``initial`` until it passes ``HealthyThresholdCount``
checks in a row. Each listener is served at the load balancer's loopback address and the listener port.
"""

from __future__ import annotations

import itertools
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from emulator.dataplane import proxy
from emulator.dataplane.addresses import AddressPool

IDLE_TIMEOUT_S = 60.0


@dataclass
class TargetHealth:
    state: str = "initial"
    reason: str | None = "Elb.RegistrationInProgress"
    description: str | None = "Target registration is in progress"
    passes: int = 0
    fails: int = 0
    next_check: float = 0.0


class AlbDataPlane:
    def __init__(self, pool: AddressPool) -> None:
        self.pool = pool
        self.health: dict[tuple[str, str], TargetHealth] = {}
        self.listeners: dict[str, proxy.ProxyServer] = {}
        self._rotation = itertools.count()
        self._lock = threading.Lock()

    # -- what other parts ask ---------------------------------------------------------------------
    def health_of(self, group_arn: str, target_id: str) -> TargetHealth | None:
        return self.health.get((group_arn, target_id))

    def listener_address(self, listener_arn: str) -> tuple[str, int] | None:
        server = self.listeners.get(listener_arn)
        return server.server_address[:2] if server is not None else None  # type: ignore[return-value]

    def healthy_targets(self, group: Any) -> list[tuple[str, int]]:
        found = []
        for target in list(group.targets.values()):
            health = self.health.get((group.arn, target["Id"]))
            local = self.pool.resolve(target["Id"])
            if health is not None and health.state == "healthy" and local is not None:
                found.append((local, int(target.get("Port") or group.port)))
        return found

    # -- reconciler ------------------------------------------------------------------------------
    def reconcile(self, account: str, region: str, backend: Any) -> None:
        for group in list(backend.target_groups.values()):
            self._check_group(group)
        for balancer in list(backend.load_balancers.values()):
            for listener in list(balancer.listeners.values()):
                if listener.arn not in self.listeners:
                    self._serve(balancer, listener, backend)
        live = {listener.arn for b in backend.load_balancers.values() for listener in b.listeners.values()}
        for arn in [a for a in self.listeners if a.split(":")[3:5] == [region, account] and a not in live]:
            proxy.close(self.listeners.pop(arn))

    def stop_all(self) -> None:
        for server in self.listeners.values():
            proxy.close(server)

    def _check_group(self, group: Any) -> None:
        registered = {(group.arn, target["Id"]): target for target in list(group.targets.values())}
        for key in [k for k in self.health if k[0] == group.arn and k not in registered]:
            del self.health[key]
        now = time.monotonic()
        for key, target in registered.items():
            health = self.health.setdefault(key, TargetHealth())
            if now >= health.next_check:
                health.next_check = now + float(group.health_check_interval_seconds)
                threading.Thread(target=self._check, args=(group, target, health), daemon=True).start()

    def _check(self, group: Any, target: dict[str, Any], health: TargetHealth) -> None:
        local = self.pool.resolve(target["Id"])
        port = group.health_check_port
        port = int(target.get("Port") or group.port) if port in (None, "traffic-port") else int(port)
        ok = local is not None and _probe(f"http://{local}:{port}{group.health_check_path or '/'}", group)
        if ok:
            health.passes, health.fails = health.passes + 1, 0
            if health.passes >= int(group.healthy_threshold_count):
                health.state, health.reason, health.description = "healthy", None, None
        else:
            health.fails, health.passes = health.fails + 1, 0
            if health.fails >= int(group.unhealthy_threshold_count):
                health.state = "unhealthy"
                health.reason = "Target.FailedHealthChecks"
                health.description = "Health checks failed"

    def _serve(self, balancer: Any, listener: Any, backend: Any) -> None:
        address = self.pool.address("alb", balancer.arn)
        plane = self

        class Handler(proxy.QuietHandler):
            def handle_any(self) -> None:
                plane.handle(self, listener, backend)

        self.listeners[listener.arn] = proxy.serve((address, int(listener.port)), Handler, None)

    def handle(self, handler: proxy.QuietHandler, listener: Any, backend: Any) -> None:
        body = proxy.read_body(handler) or b""
        group = _forward_group(listener, backend)
        targets = self.healthy_targets(group) if group is not None else []
        if not targets:
            proxy.reply(
                handler, 503, b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "text/html"
            )
            return
        target = targets[next(self._rotation) % len(targets)]
        client = handler.client_address[0]
        forwarded = handler.headers.get("X-Forwarded-For")
        extra = {
            "X-Forwarded-For": f"{forwarded}, {client}" if forwarded else client,
            "X-Forwarded-Proto": handler.headers.get("X-Forwarded-Proto", "http"),
            "X-Forwarded-Port": str(listener.port),
        }
        try:
            proxy.forward(handler, target, body, IDLE_TIMEOUT_S, extra)
        except (OSError, TimeoutError):
            proxy.reply(handler, 502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")


def _forward_group(listener: Any, backend: Any) -> Any:
    for action in listener.default_actions:
        data = getattr(action, "data", action)
        arn = data.get("TargetGroupArn") or next(iter(data.get("ForwardConfig", {}).get("TargetGroups", [])), {}).get(
            "TargetGroupArn"
        )
        if arn and arn in backend.target_groups:
            return backend.target_groups[arn]
    return None


def _probe(url: str, group: Any) -> bool:
    codes = str((group.matcher or {}).get("HttpCode", "200"))
    try:
        with urllib.request.urlopen(url, timeout=float(group.health_check_timeout_seconds)) as response:  # noqa: S310 - loopback
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        return False
    return _matches(status, codes)


def _matches(status: int, codes: str) -> bool:
    for part in codes.split(","):
        low, _dash, high = part.partition("-")
        if int(low) <= status <= int(high or low):
            return True
    return False
