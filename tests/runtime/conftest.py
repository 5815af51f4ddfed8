"""One local runtime (emulator, MariaDB, files/mlflow, files/nginx as processes) for the runtime tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import local_runtime
from emulator import launcher


@pytest.fixture(scope="session")
def runtime(emulator: launcher.Emulator) -> Iterator[local_runtime.Runtime]:
    running = local_runtime.start(emulator=emulator, stack="pytest")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def tracking(runtime: local_runtime.Runtime) -> Iterator[dict[str, str]]:
    """The MLflow client pointed at nginx, with the basic-auth credentials, as a user would set it."""
    with pytest.MonkeyPatch.context() as patch:
        environment = runtime.tracking_environment()
        for key, value in environment.items():
            patch.setenv(key, value)
        yield environment


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is marked `runtime`, so `pytest -m "not runtime"` skips the processes."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.runtime)
