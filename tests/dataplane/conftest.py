"""One stack deployed into an emulator with its data plane, shared by the tests of a module."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from emulator import launcher
from emulator.dataplane import ENABLE_VARIABLE
from tests.support.names import names
from tests.support.playbooks import OUTPUTS, run_playbook

STACK = "dptest"


@dataclass(frozen=True)
class Stack:
    name: str
    emulator: launcher.Emulator
    outputs: dict[str, Any]
    username: str
    password: str

    @property
    def url(self) -> str:
        return str(self.outputs["tracking_uri"])

    def client_environment(self) -> dict[str, str]:
        """What a user sets: the three MLFLOW_TRACKING_* variables and the published client settings."""
        return {
            "MLFLOW_TRACKING_URI": self.url,
            "MLFLOW_TRACKING_USERNAME": self.username,
            "MLFLOW_TRACKING_PASSWORD": self.password,
            "MLFLOW_DISABLE_TELEMETRY": "true",
            **self.outputs["mlflow_client_environment"],
        }

    def dataplane(self) -> dict[str, Any]:
        import urllib.request

        with urllib.request.urlopen(f"{self.emulator.url}/__emulator/dataplane", timeout=5) as response:
            return dict(json.load(response))


def database(stack: Stack) -> Any:
    """A connection to the stack's tracking database, where the data plane serves it (autocommit)."""
    import pymysql

    cluster_id = names(stack.name)["db_cluster"]
    cluster = stack.emulator.client("rds").describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]
    served = next(db for db in stack.dataplane()["dbClusters"] if db["id"] == cluster_id)
    secret = stack.emulator.client("secretsmanager").get_secret_value(SecretId=names(stack.name)["db_secret"])
    credentials = json.loads(secret["SecretString"])
    return pymysql.connect(
        host=served["address"],
        port=int(served["port"]),
        user=credentials["username"],
        password=credentials["password"],
        database=cluster["DatabaseName"],
        autocommit=True,
    )


def start_dataplane_emulator(state_dir: Path) -> launcher.Emulator:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENABLE_VARIABLE, "1")
        return launcher.start(state_dir)


def deploy(emulator: launcher.Emulator, name: str, *args: str, **extra_vars: Any) -> Stack:
    """site.yml for stack ``name``; the Stack as its outputs and credentials secret describe it."""
    run = run_playbook(emulator, "site.yml", *args, extra_vars={"mlflow_stack_name": name, **extra_vars})
    assert not run.failed, run.output[-4000:]
    outputs = json.loads((OUTPUTS / f"{name}.json").read_text())
    secret = emulator.client("secretsmanager").get_secret_value(SecretId=outputs["credentials_secret_name"])
    credentials = json.loads(secret["SecretString"])
    return Stack(name, emulator, outputs, credentials["username"], credentials["password"])


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    state_dir = tmp_path_factory.mktemp("dataplane-emulator")
    emulator = start_dataplane_emulator(state_dir)
    try:
        yield deploy(emulator, STACK)
    finally:
        launcher.stop(state_dir)


@pytest.fixture
def mlflow_user(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Stack:
    """The MLflow client configured as a user would: no AWS credentials, no emulator address."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "MLFLOW_")):
            monkeypatch.delenv(key)
    for key, value in stack.client_environment().items():
        monkeypatch.setenv(key, value)
    return stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is marked `dataplane` (and `playbook`: it runs site.yml)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.dataplane)
            item.add_marker(pytest.mark.playbook)
