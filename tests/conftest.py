"""Shared fixtures: the collection importable as ansible_collections.mlops.mlflow_aws, and the emulator."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator import launcher  # noqa: E402
from tests.support.collections import install_collection_finder  # noqa: E402
from tests.support.emulators import own_emulator  # noqa: E402

install_collection_finder(ROOT)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launcher.Emulator]:
    """One emulator process for the test session, on its own state directory."""
    with own_emulator(tmp_path_factory, "emulator") as running:
        # Tests that want a fresh account's role propagation (D2) use an emulator of their own.
        running.age_account()
        yield running
