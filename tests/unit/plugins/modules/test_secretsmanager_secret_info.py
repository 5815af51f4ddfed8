"""secretsmanager_secret_info: metadata of an existing, scheduled or absent secret, never the value."""

from __future__ import annotations

import json

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import secretsmanager_secret_info

from tests.support.modules import run_module

REGION = "us-east-1"  # the emulator's region


@pytest.fixture
def _aws(fake_aws):
    return fake_aws.client("secretsmanager")


def test_existing_secret(_aws, capsys: pytest.CaptureFixture[str]) -> None:
    created = _aws.create_secret(
        Name="s/db",
        Description="the database's",
        SecretString=json.dumps({"password": "p4ss-w0rd-value"}),
        Tags=[{"Key": "mlflow:stack", "Value": "s"}],
    )
    result = run_module(secretsmanager_secret_info.main, {"name": "s/db", "region": REGION}, capsys)
    assert result["changed"] is False
    assert result["exists"] is True
    assert result["secret"]["arn"] == created["ARN"]
    assert result["secret"]["tags"] == {"mlflow:stack": "s"}
    assert result["secret"]["description"] == "the database's"
    assert result["secret"]["scheduled_for_deletion"] is False
    assert "p4ss-w0rd-value" not in json.dumps(result)


def test_scheduled_secret(_aws, capsys: pytest.CaptureFixture[str]) -> None:
    _aws.create_secret(Name="s/old", SecretString="x")
    _aws.delete_secret(SecretId="s/old", RecoveryWindowInDays=7)
    result = run_module(secretsmanager_secret_info.main, {"name": "s/old", "region": REGION}, capsys)
    assert result["exists"] is True
    assert result["secret"]["scheduled_for_deletion"] is True


def test_absent_secret(_aws, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_module(secretsmanager_secret_info.main, {"name": "s/none", "region": REGION}, capsys)
    assert (result["exists"], result["secret"], result.get("failed", False)) == (False, {}, False)
