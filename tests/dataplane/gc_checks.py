"""Garbage collection on the deployed stack (issue 16, item 2): playbooks/gc.yml runs the stack's gc task
(`mlflow gc`, older than the default 30d) as a one-off ECS task on the data plane.

Collected through tests/dataplane/test_stack.py, which imports this test, so that it runs against the
stack that module already deployed (one deployment, not two).
"""

from __future__ import annotations

import time

import pytest

from tests.dataplane.conftest import Stack, database
from tests.support.playbooks import run_playbook

# Run A was deleted this long ago (its deletion time moved back in MLflow's database): past the 30d cut-off.
BACKDATE_MS = 40 * 24 * 3600 * 1000


def _deleted_long_ago(stack: Stack, run_id: str) -> None:
    connection = database(stack)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE runs SET deleted_time = deleted_time - %s WHERE run_uuid = %s", (BACKDATE_MS, run_id)
            )
            assert cursor.rowcount == 1
    finally:
        connection.close()


def _artifact_keys(stack: Stack, experiment_id: str, run_id: str) -> list[str]:
    s3 = stack.emulator.client("s3")
    listed = s3.list_objects_v2(Bucket=stack.outputs["artifact_bucket"], Prefix=f"{experiment_id}/{run_id}/")
    return [item["Key"] for item in listed.get("Contents", [])]


def test_gc_on_demand_removes_the_artifacts_of_runs_deleted_before_the_cut_off(mlflow_user: Stack) -> None:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient()
    experiment = client.create_experiment(f"gc-{time.time_ns()}")
    old, recent, live = (client.create_run(experiment).info.run_id for _run in range(3))
    for run_id in (old, recent, live):
        client.log_text(run_id, f"notes of {run_id}", "notes.txt")
        assert _artifact_keys(mlflow_user, experiment, run_id) == [f"{experiment}/{run_id}/artifacts/notes.txt"]
    client.delete_run(old)
    client.delete_run(recent)
    _deleted_long_ago(mlflow_user, old)

    run = run_playbook(mlflow_user.emulator, "gc.yml", extra_vars={"mlflow_stack_name": mlflow_user.name})

    assert not run.failed, run.output[-4000:]
    assert "exited 0" in run.output
    assert _artifact_keys(mlflow_user, experiment, old) == []
    assert _artifact_keys(mlflow_user, experiment, recent) == [f"{experiment}/{recent}/artifacts/notes.txt"]
    assert _artifact_keys(mlflow_user, experiment, live) == [f"{experiment}/{live}/artifacts/notes.txt"]
    with pytest.raises(MlflowException) as gone:
        client.get_run(old)
    assert gone.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert client.get_run(recent).info.lifecycle_stage == "deleted"
