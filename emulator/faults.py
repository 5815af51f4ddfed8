"""Faults on request: ``MLFLOW_EMULATOR_FAULTS`` names what the emulator should make fail.

The setting is a list of ``key=value`` items separated by ``;`` or white space. Only ``fail=<operation>``
is understood so far (several ``fail=`` items, or ``fail=a,b``, name several operations); other keys are
kept but mean nothing yet, so the grammar can grow without breaking older settings.

    MLFLOW_EMULATOR_FAULTS="fail=codebuild_build"                  # every CodeBuild build fails
    MLFLOW_EMULATOR_FAULTS="fail=codebuild_build:mlflow-images"    # only the builds of that project

The emulator reads the environment it was started with; ``PUT /__emulator/faults`` (body: the same text)
replaces the setting while it runs, ``DELETE`` goes back to the environment's, ``GET`` shows it.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

FAULTS_ENV = "MLFLOW_EMULATOR_FAULTS"
_SEPARATORS = re.compile(r"[;,\s]+")
_KINDS = re.compile(r"[+,]")


@dataclass(frozen=True)
class Faults:
    """What the emulator makes fail: operations (``codebuild_build``) or one target of them (``op:target``)."""

    failures: frozenset[str] = frozenset()
    other: tuple[tuple[str, str], ...] = field(default=())

    def fails(self, operation: str, target: str | None = None) -> bool:
        if operation in self.failures:
            return True
        return target is not None and f"{operation}:{target}" in self.failures

    def option(self, key: str, default: str) -> str:
        """The last value given for ``key`` (``profile=slow``, ``seed=7``), else ``default``."""
        values = [value for name, value in self.other if name == key]
        return values[-1] if values else default

    def describe(self) -> dict[str, object]:
        return {"fail": sorted(self.failures), "other": [f"{key}={value}" for key, value in self.other]}


def parse(text: str | None) -> Faults:
    """The faults a setting names; an empty or missing setting names none.

    Items are separated by ``,``, ``;`` or white space; ``fail=`` names kinds separated by ``+`` (a bare
    name right after a ``fail=`` item, as in ``fail=a,b``, is one more kind).
    """
    failures: set[str] = set()
    other: list[tuple[str, str]] = []
    after_fail = False
    for item in _SEPARATORS.split(text or ""):
        key, sep, value = item.partition("=")
        if not sep:
            if after_fail and key:
                failures.add(key)
            continue
        after_fail = key == "fail"
        if after_fail:
            failures.update(name for name in _KINDS.split(value) if name)
        elif key:
            other.append((key, value))
    return Faults(frozenset(failures), tuple(other))


class _Setting:
    """The current faults: an override set at run time, else the environment's."""

    def __init__(self) -> None:
        self._override: str | None = None
        self._lock = threading.Lock()
        self.generation = 0  # bumped by every set: a seeded sequence starts over

    def set(self, text: str | None) -> None:
        with self._lock:
            self._override = text
            self.generation += 1

    def current(self, environ: Mapping[str, str] | None = None) -> Faults:
        with self._lock:
            override = self._override
        if override is not None:
            return parse(override)
        return parse((os.environ if environ is None else environ).get(FAULTS_ENV))


SETTING = _Setting()


def current() -> Faults:
    return SETTING.current()
