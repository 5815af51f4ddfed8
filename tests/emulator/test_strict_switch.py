"""Strictness is on by default and MLFLOW_EMULATOR_STRICT=0 turns the strict extensions off."""

from __future__ import annotations

import json
import urllib.request

import pytest
from werkzeug.test import Client

from emulator import behaviours, launcher
from emulator.server import build_app
from emulator.settings import MOTO_SETTINGS
from emulator.strict import STRICT_ENV, strict_enabled


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("1", True), ("true", True), ("0", False), ("False", False), (" off ", False), ("no", False)],
)
def test_strict_enabled_reads_the_environment(value: str | None, expected: bool) -> None:
    environ = {} if value is None else {STRICT_ENV: value}
    assert strict_enabled(environ) is expected


def test_every_strict_extension_is_enabled_and_loads() -> None:
    assert set(behaviours.STRICT) <= set(behaviours.ENABLED)
    assert [extension.name for extension in behaviours.load(behaviours.STRICT)] == list(behaviours.STRICT)


def test_selection_drops_only_strict_extensions() -> None:
    assert behaviours.selected({}) == behaviours.ENABLED
    assert behaviours.selected({STRICT_ENV: "0"}) == tuple(n for n in behaviours.ENABLED if n not in behaviours.STRICT)


def _health_extensions(app: object) -> list[str]:
    response = Client(app).get("/__emulator/health")
    return json.loads(response.get_data())["extensions"]


@pytest.fixture
def moto_settings_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """build_app sets moto's settings in this process's environment: undo that after the test."""
    for key in MOTO_SETTINGS:
        monkeypatch.delenv(key, raising=False)
        monkeypatch.setenv(key, MOTO_SETTINGS[key])


@pytest.mark.usefixtures("moto_settings_restored")
def test_app_is_strict_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STRICT_ENV, raising=False)
    assert set(behaviours.STRICT) <= set(_health_extensions(build_app()))


@pytest.mark.usefixtures("moto_settings_restored")
def test_app_is_lax_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STRICT_ENV, "0")
    assert not set(behaviours.STRICT) & set(_health_extensions(build_app()))


def test_session_emulator_is_strict(emulator: launcher.Emulator) -> None:
    with urllib.request.urlopen(f"{emulator.url}/__emulator/health") as response:
        assert set(behaviours.STRICT) <= set(json.load(response)["extensions"])
