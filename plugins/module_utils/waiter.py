# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One poller for every asynchronous AWS resource: describe, done and failed predicates, a deadline.

A resource in a failed state is an error that names it and carries AWS's reason; it is never taken as
ready. ``clock`` and ``sleep`` are injectable so tests need no real waiting; the module-level ``sleep``
is what the waiters use by default, so a test can make every module poll at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError

POLL_SECONDS = 5.0


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def _sleep_now(seconds: float) -> None:
    sleep(seconds)  # looked up when called, so that replacing ``sleep`` reaches every waiter


def _status(resource: Any) -> str:
    if resource is None:
        return "gone"
    return str(resource.get("Status", "unknown"))


def _never_failed(_resource: Any) -> str | None:
    return None


def _no_details(_resource: Any) -> dict:
    return {}


@dataclass
class Waiter:
    """Polls ``describe`` until ``done``; ``failure`` returns why a resource is failed (None while it is not)."""

    what: str  # "domain d-123": the start of every message
    goal: str  # "become InService": what the wait is for, in the timeout message
    describe: Callable[[], Any]  # the resource, or None when it does not exist
    done: Callable[[Any], bool]
    timeout: float
    failure: Callable[[Any], str | None] = _never_failed  # "is Failed: <AWS's reason>"
    status: Callable[[Any], str] = _status
    interval: float | tuple[float, ...] = POLL_SECONDS  # a tuple: the first polls' delays, the last one repeated
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = _sleep_now
    details: Callable[[Any], dict] = _no_details  # result keys added to a failure or timeout error

    def wait(self) -> Any:
        deadline = self.clock() + self.timeout
        polls = 0
        while True:
            resource = self.describe()
            if self.done(resource):
                return resource
            reason = self.failure(resource)
            if reason is not None:
                raise AwsError(f"{self.what} {reason}", **self.details(resource))
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise AwsError(
                    f"Timed out waiting for {self.what} to {self.goal}: still {self.status(resource)} after "
                    f"{self.timeout:g} s; raise wait_timeout to wait longer",
                    **self.details(resource),
                )
            self.sleep(min(self.delay(polls), remaining))
            polls += 1

    def delay(self, polls: int) -> float:
        """Seconds to sleep after ``polls`` earlier sleeps."""
        if isinstance(self.interval, tuple):
            return self.interval[min(polls, len(self.interval) - 1)]
        return self.interval


def gone(resource: Any) -> bool:
    return resource is None


def status_is(*statuses: str) -> Callable[[Any], bool]:
    """A ``done`` predicate: the resource exists and its ``Status`` is one of ``statuses``."""

    def done(resource: Any) -> bool:
        return resource is not None and resource.get("Status") in statuses

    return done
