"""Module tests run against the worker's emulator: the one fake AWS of the project."""

from __future__ import annotations

import os

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils import waiter

from emulator import launcher

# Settings that could point boto3 at a real account or another endpoint.
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_URL", "EC2_URL", "AWS_CA_BUNDLE")


@pytest.fixture
def fake_aws(emulator: launcher.Emulator, monkeypatch: pytest.MonkeyPatch) -> launcher.Emulator:
    """The emulator, emptied, as the only AWS the modules of this test reach; their waiters do not sleep."""
    for name in list(os.environ):
        if name in _CLEARED or name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for name, value in emulator.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(waiter, "sleep", lambda _seconds: None)
    emulator.reset()
    emulator.clear_requests()
    return emulator
