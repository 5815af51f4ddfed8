"""An emulator process on a state directory of its own, for a fixture's lifetime."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from emulator import launcher


@contextmanager
def own_emulator(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[launcher.Emulator]:
    state_dir = tmp_path_factory.mktemp(name)
    try:
        yield launcher.start(state_dir)
    finally:
        launcher.stop(state_dir)
