"""Module tests run against the worker's emulator: the one fake AWS of the project."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils import waiter

from emulator import launcher
from tests.support.emulators import own_emulator

# Settings that could point boto3 at a real account or another endpoint.
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_URL", "EC2_URL", "AWS_CA_BUNDLE")


@pytest.fixture(scope="session")
def module_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launcher.Emulator]:
    """An emulator of the module tests' own: they reset it, which must not wipe other suites' state."""
    with own_emulator(tmp_path_factory, "module-emulator") as running:
        yield running


@pytest.fixture
def fake_aws(module_emulator: launcher.Emulator, monkeypatch: pytest.MonkeyPatch) -> launcher.Emulator:
    """The emulator, emptied, as the only AWS the modules of this test reach; their waiters sleep in modeled time."""
    for name in list(os.environ):
        if name in _CLEARED or name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    emulator = module_emulator
    for name, value in emulator.environment().items():
        monkeypatch.setenv(name, value)
    # A waiter's sleep passes the emulator's modeled time instead (its lifecycles move on with it).
    monkeypatch.setattr(waiter, "sleep", module_emulator.advance)
    emulator.reset()
    # A reset account is fresh: let ECS's service-linked role propagate, as in an account in use.
    emulator.age_account()
    emulator.clear_requests()
    return emulator
