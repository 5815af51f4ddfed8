"""modeled_time callback and the virtual-time sitecustomize: loopback only, and a sleep advances the clock."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.callback.modeled_time import clock_url, read_clock

from emulator import launcher


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1:1/__emulator/clock", "http://10.0.0.1:80/__emulator/clock", "http://example.com/clock", ""],
)
def test_a_clock_off_loopback_is_never_read(url: str) -> None:
    assert clock_url({"MLFLOW_EMULATOR_CLOCK_URL": url}) is None


def test_the_emulator_clock_is_read(emulator: launcher.Emulator) -> None:
    url = clock_url({"MLFLOW_EMULATOR_CLOCK_URL": f"{emulator.url}/__emulator/clock"})
    assert url is not None
    assert read_clock(url) == pytest.approx(emulator.modeled_seconds(), abs=5)


def _sleep_in_a_client(environment: dict[str, str]) -> str:
    code = "import time; start = time.monotonic(); time.sleep(600); print(round(time.monotonic() - start))"
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()


def test_a_client_sleep_advances_the_emulator_clock_instead(emulator: launcher.Emulator) -> None:
    before = emulator.modeled_seconds()
    assert _sleep_in_a_client(emulator.environment()) == "600"  # within the 60 s timeout: not slept
    assert emulator.modeled_seconds() - before >= 599.9
