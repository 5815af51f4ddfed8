"""The emulator's modeled AWS time: what clients' sleeps advanced it by, plus AWS's latency per request.

Modeled time does not depend on how fast this machine runs the playbook: each AWS request costs
``REQUEST_S`` (AWS's typical API latency) and each sleep its length; nothing else passes.

Lifecycles and leftovers (``emulator.lifecycle``) are timed on it, so a NAT gateway that AWS takes five
minutes to make available costs five minutes of modeled time, not of real time: ``ansible-playbook`` and
its module processes, given ``emulator/virtual_time`` on PYTHONPATH (``python -m emulator env``), turn each
sleep into ``POST /__emulator/clock`` instead of sleeping. With the data plane on, real processes must
start within real time, so the clock is real and sleeps sleep (the answer says so).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.wrappers import Response

CLOCK_ENV = "MLFLOW_EMULATOR_CLOCK"
_REAL = "real"
# Sleeps longer than any one wait the collection makes are a client bug: refuse them.
MAX_ADVANCE_S = 3600.0
# A typical AWS control-plane call, as a client sees it.
REQUEST_S = 0.15


class VirtualClock:
    def __init__(self, virtual: bool = True, real: Callable[[], float] = time.monotonic) -> None:
        self.virtual = virtual
        self._real = real
        self._start = real()
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Modeled seconds since the emulator started (real ones with a real clock)."""
        with self._lock:
            return self._offset if self.virtual else self._real() - self._start

    def request(self) -> None:
        """An AWS request was answered: AWS's latency passes."""
        if self.virtual:
            with self._lock:
                self._offset += REQUEST_S

    def advance(self, seconds: float) -> float:
        """Move modeled time on by ``seconds`` (a client's sleep) when virtual; returns the new time."""
        if self.virtual and 0 < seconds <= MAX_ADVANCE_S:
            with self._lock:
                self._offset += seconds
        return self.now()

    def describe(self) -> dict[str, Any]:
        return {"virtual": self.virtual, "modeled_seconds": round(self.now(), 3)}


def virtual_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Virtual unless MLFLOW_EMULATOR_CLOCK=real or the data plane runs (its processes take real time)."""
    from emulator import dataplane

    env = os.environ if environ is None else environ
    return env.get(CLOCK_ENV, "virtual").strip().lower() != _REAL and not dataplane.enabled(env)


CLOCK = VirtualClock(virtual=virtual_enabled())


def now() -> float:
    return CLOCK.now()


def control(environ: dict[str, Any], method: str) -> Response:
    """``GET /__emulator/clock`` reads the clock; ``POST`` with ``{"advance": seconds}`` moves it on."""
    if method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
        CLOCK.advance(float(body.get("advance", 0)))
    return Response(json.dumps(CLOCK.describe()), status=200, content_type="application/json")
