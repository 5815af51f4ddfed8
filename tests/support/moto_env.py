"""In-process moto for module unit tests: dummy credentials, us-east-1, nothing leaves the process."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto import mock_aws

REGION = "us-east-1"
# Settings that could point boto3 at a real account or another endpoint.
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_URL", "EC2_URL")


@pytest.fixture
def moto_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's mock of every AWS service for one test, with dummy credentials in the environment."""
    for name in list(os.environ):
        if name in _CLEARED or name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        yield
