# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback modeled_time: the modeled AWS time a run took, when it ran against the emulator."""

from __future__ import annotations

DOCUMENTATION = r"""
name: modeled_time
type: aggregate
short_description: Prints the modeled AWS time of a run against the project's emulator
version_added: 0.3.0
author:
  - mlops.mlflow_aws maintainers (@mlops)
description:
  - >-
    Against the project's AWS emulator on loopback, AWS's durations (a NAT gateway becoming available, a
    service draining) pass on a modeled clock, and the waits of the run advance it instead of sleeping.
    At the end of the run this prints C(Modeled AWS time: <minutes> min), the modeled time between the
    start and the end of the playbook.
  - Silent unless E(MLFLOW_EMULATOR_CLOCK_URL) is an C(http) address on loopback, so it never reaches AWS
    or any other host.
  - With E(MLFLOW_MODELED_TIME_TASKS) set to a number N, it also lists the N tasks that took the most modeled
    time (where a run waits on AWS; C(tools/deploy-bench) uses it).
requirements:
  - enable in the C(callbacks_enabled) setting of C(ansible.cfg)
"""

import http.client
import json
import os
import urllib.parse
from typing import Any

from ansible.plugins.callback import CallbackBase

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def clock_url(environ: Any) -> str | None:
    """The emulator's clock endpoint when it is on loopback, else None."""
    url = environ.get("MLFLOW_EMULATOR_CLOCK_URL", "")
    parts = urllib.parse.urlsplit(url)
    return url if parts.scheme == "http" and parts.hostname in _LOOPBACK else None


def read_clock(url: str) -> float | None:
    """Modeled seconds, or None when the emulator does not answer."""
    # A plain connection: ansible's open_url builds its TLS and proxy handlers on every call (about 30 ms), and
    # with MLFLOW_MODELED_TIME_TASKS this runs at every task. clock_url keeps it on loopback.
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=5)
    try:
        connection.request("GET", parts.path or "/")
        response = connection.getresponse()
        return float(json.loads(response.read())["modeled_seconds"]) if response.status == 200 else None
    except (OSError, ValueError, KeyError):
        return None
    finally:
        connection.close()


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "mlops.mlflow_aws.modeled_time"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._url = clock_url(os.environ)
        self._started: float | None = None
        self._top = int(os.environ.get("MLFLOW_MODELED_TIME_TASKS", "0") or 0)
        self._task: tuple[str, float] | None = None
        self._task_seconds: dict[str, float] = {}

    def v2_playbook_on_start(self, playbook: Any) -> None:
        if self._url:
            self._started = read_clock(self._url)

    def v2_playbook_on_task_start(self, task: Any, is_conditional: bool) -> None:
        if self._top > 0 and self._started is not None:
            now = read_clock(self._url)
            self._end_task(now)
            self._task = (task.get_name(), now) if now is not None else None

    def _end_task(self, now: float | None) -> None:
        if self._task is not None and now is not None:
            name, started = self._task
            self._task_seconds[name] = self._task_seconds.get(name, 0.0) + now - started
        self._task = None

    def v2_playbook_on_stats(self, stats: Any) -> None:
        if self._started is None:
            return
        ended = read_clock(self._url) if self._url else None
        if ended is None:
            return
        self._end_task(ended)
        ranked = sorted(self._task_seconds.items(), key=lambda item: item[1], reverse=True)[: self._top]
        for name, seconds in ranked:
            self._display.display(f"Modeled {seconds / 60:5.1f} min  {name}")
        self._display.display(f"Modeled AWS time: {(ended - self._started) / 60:.1f} min")
