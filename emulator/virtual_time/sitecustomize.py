#!/usr/bin/env python
"""Sleeps advance the emulator's modeled clock instead of passing real time (emulator.clock).

On PYTHONPATH of ``ansible-playbook`` and its module processes only through ``python -m emulator env``
(or the tests' and molecule's environment), and active only when MLFLOW_EMULATOR_CLOCK_URL is the
emulator on loopback: a sleep of a second or more becomes ``POST /__emulator/clock``, and this process's
``time.time``/``time.monotonic`` move on by the same amount, so deadlines computed from them agree with
the retries counted. Shorter sleeps (polling loops, jitter) stay real. When the emulator answers that
its clock is real (data plane on) or does not answer, the sleep is real.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.parse
import urllib.request

_URL = os.environ.get("MLFLOW_EMULATOR_CLOCK_URL", "")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_THRESHOLD_S = 1.0
# A little real time per modeled sleep, so a poll loop does not spin the emulator.
_REAL_SHARE_S = 0.05


def _loopback(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme == "http" and parts.hostname in _LOOPBACK


class _Patch:
    def __init__(self, url: str) -> None:
        self.url = url
        self.offset = 0.0
        self.real_sleep = time.sleep
        self.real_time = time.time
        self.real_monotonic = time.monotonic

    def sleep(self, seconds: float) -> None:
        if seconds < _THRESHOLD_S or not self._advance(seconds):
            self.real_sleep(seconds)
            return
        self.offset += seconds
        self.real_sleep(_REAL_SHARE_S)

    def _advance(self, seconds: float) -> bool:
        request = urllib.request.Request(  # noqa: S310 - loopback only, checked above
            self.url, data=json.dumps({"advance": seconds}).encode(), method="POST"
        )
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
                return bool(json.loads(response.read()).get("virtual"))
        except (OSError, ValueError):
            return False

    def time(self) -> float:
        return self.real_time() + self.offset

    def monotonic(self) -> float:
        return self.real_monotonic() + self.offset

    def install(self) -> None:
        time.sleep = self.sleep
        # The controller counts its retries; its threads' timeouts must keep real time.
        if not os.path.basename(sys.argv[0] if sys.argv else "").startswith("ansible"):
            time.time = self.time
            time.monotonic = self.monotonic


if _URL and _loopback(_URL):
    _Patch(_URL).install()
