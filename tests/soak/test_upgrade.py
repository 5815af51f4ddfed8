"""An MLflow upgrade on the data plane (issue 16, item 1; docs/upgrades.md): a stack on MLflow 3.16.1 with a run
logged, a migration that fails (the old version keeps serving, the play names the snapshot), then the upgrade
to the pinned version (the run, its metric and its artifact readable; /version says so through the endpoint).

Slow (two MLflow versions, three deployments, a venv of 3.16.1 built once from PyPI): `make upgrade-test`,
part of `make soak`, never `make test`.
"""

from __future__ import annotations

import base64
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from emulator import launcher
from tests.dataplane.conftest import Stack, database, deploy, start_dataplane_emulator
from tests.support.names import names
from tests.support.playbooks import run_playbook

pytestmark = [pytest.mark.soak, pytest.mark.dataplane]

STACK = "dpup"
OLD = "3.16.1"
NEW = yaml.safe_load((Path(__file__).resolve().parents[2] / "roles/ecs_service/defaults/main.yml").read_text())[
    "ecs_service_mlflow_version"
]
SNAPSHOT = f"{STACK}-db-upgrade-{OLD}-to-{NEW}".replace(".", "-")
ORPHAN_TRACE = "tr-orphan-of-the-upgrade-test"


@pytest.fixture(scope="module")
def old_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    state_dir = tmp_path_factory.mktemp("upgrade-emulator")
    emulator = start_dataplane_emulator(state_dir)
    try:
        yield deploy(emulator, STACK, ecs_service_mlflow_version=OLD)
    finally:
        launcher.stop(state_dir)


def _version(stack: Stack) -> str:
    token = base64.b64encode(f"{stack.username}:{stack.password}".encode()).decode()
    request = urllib.request.Request(f"{stack.url}/version", headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode().strip()


def _orphan_span(stack: Stack, experiment_id: str, present: bool) -> None:
    """A span whose trace is gone: 3.17's first migration refuses to backfill it, before any DDL."""
    connection = database(stack)
    try:
        with connection.cursor() as cursor:
            if present:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
                cursor.execute(
                    "INSERT INTO spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, content)"
                    " VALUES (%s, %s, 'span-1', 'OK', 0, '{}')",
                    (ORPHAN_TRACE, int(experiment_id)),
                )
            else:
                cursor.execute("DELETE FROM spans WHERE trace_id = %s", (ORPHAN_TRACE,))
            assert cursor.rowcount == 1
    finally:
        connection.close()


def _log_a_run(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    from mlflow import MlflowClient

    for key, value in stack.client_environment().items():
        monkeypatch.setenv(key, value)
    client = MlflowClient()
    experiment = client.create_experiment(f"upgrade-{time.time_ns()}")
    run_id = client.create_run(experiment).info.run_id
    client.log_metric(run_id, "loss", 0.25, step=3)
    client.log_text(run_id, "logged on the old version", "notes.txt")
    return experiment, run_id


def _migrate_logs(stack: Stack) -> str:
    logs = (stack.emulator.state_dir / "dataplane" / "tasks").glob("*/migrate.log")
    return "".join(log.read_text(errors="replace") for log in logs)


def test_a_failed_migration_keeps_the_old_version_and_the_upgrade_keeps_the_runs(
    old_stack: Stack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mlflow import MlflowClient

    assert _version(old_stack) == OLD
    experiment, run_id = _log_a_run(old_stack, monkeypatch)
    upgrade = {"mlflow_stack_name": STACK, "ecs_service_mlflow_version": NEW}

    _orphan_span(old_stack, experiment, present=True)
    failed = run_playbook(old_stack.emulator, "site.yml", extra_vars=upgrade)
    assert failed.failed
    assert f"The schema migration to MLflow {NEW} failed" in failed.output, failed.output[-4000:]
    assert f"restore DB cluster snapshot {SNAPSHOT}" in failed.output
    assert "stream migrate/migrate/" in failed.output
    assert "Cannot backfill trace analytics" in _migrate_logs(old_stack)
    assert not [r for r in failed.requests if r["action"] == "UpdateService"]
    assert _version(old_stack) == OLD
    rds = old_stack.emulator.client("rds")
    [snapshot] = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=SNAPSHOT)["DBClusterSnapshots"]
    assert snapshot["DBClusterIdentifier"] == names(STACK)["db_cluster"]

    _orphan_span(old_stack, experiment, present=False)
    upgraded = run_playbook(old_stack.emulator, "site.yml", extra_vars=upgrade)
    assert not upgraded.failed, upgraded.output[-4000:]
    assert f"/version reports MLflow {NEW}" in upgraded.output
    assert _version(old_stack) == NEW
    assert f"entrypoint: schema upgraded for MLflow {NEW}" in _migrate_logs(old_stack)
    actions = [r["action"] for r in upgraded.requests if r["action"] in ("RunTask", "UpdateService")]
    assert actions[:2] == ["RunTask", "UpdateService"]

    client = MlflowClient()
    run = client.get_run(run_id)
    assert run.data.metrics == {"loss": 0.25}
    assert [(m.value, m.step) for m in client.get_metric_history(run_id, "loss")] == [(0.25, 3)]
    notes = client.download_artifacts(run_id, "notes.txt", str(tmp_path))
    assert Path(notes).read_text() == "logged on the old version"
