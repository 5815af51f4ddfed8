"""sagemaker_notebook_instance and sagemaker_notebook_lifecycle_config against the emulator (AWS's states)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import sagemaker_notebook_instance as module
from ansible_collections.mlops.mlflow_aws.plugins.modules import sagemaker_notebook_lifecycle_config as config_module

from emulator.launcher import Emulator
from tests.support.modules import run_module

ROLE = "arn:aws:iam::123456789012:role/notebook"
TAGS = {"mlflow:stack": "test"}
SCRIPT = "#!/bin/bash\necho mlflow\n"


def _args(**extra: Any) -> dict[str, Any]:
    return {"name": "nb", "instance_type": "ml.t3.medium", "role_arn": ROLE, "tags": TAGS, **extra}


def _actions(aws: Emulator) -> list[str]:
    return [r["action"] for r in aws.requests() if r["service"] == "sagemaker"]


@pytest.fixture
def failing(fake_aws: Emulator) -> Iterator[None]:
    with fake_aws.faults("fail=notebook_instance"):
        yield


def test_lifecycle_config_is_created_compared_decoded_and_updated(fake_aws: Emulator, capsys) -> None:
    args = {"name": "lc", "on_start": SCRIPT, "tags": TAGS}
    created = run_module(config_module.main, args, capsys)
    assert created["changed"] is True and created["lifecycle_config"]["on_start"] == SCRIPT
    described = fake_aws.client("sagemaker").describe_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName="lc"
    )
    assert base64.b64decode(described["OnStart"][0]["Content"]).decode() == SCRIPT
    assert run_module(config_module.main, args, capsys)["changed"] is False
    updated = run_module(config_module.main, {**args, "on_start": SCRIPT + "echo more\n"}, capsys)
    assert updated["changed"] is True and updated["diff"]["before"]["on_start"] == SCRIPT
    assert run_module(config_module.main, {"name": "lc", "state": "absent"}, capsys)["changed"] is True
    assert run_module(config_module.main, {"name": "lc", "state": "absent"}, capsys)["changed"] is False


def test_create_waits_update_restarts_and_delete_stops_first(fake_aws: Emulator, capsys) -> None:
    run_module(config_module.main, {"name": "lc", "on_start": SCRIPT}, capsys)
    planned = run_module(module.main, _args(lifecycle_config_name="lc"), capsys, check_mode=True)
    assert (
        planned["changed"] is True and fake_aws.client("sagemaker").list_notebook_instances()["NotebookInstances"] == []
    )

    created = run_module(module.main, _args(lifecycle_config_name="lc"), capsys)
    assert created["changed"] is True
    assert created["notebook_instance"]["notebook_instance_status"] == "InService"  # waited through Pending
    assert created["notebook_instance"]["notebook_instance_lifecycle_config_name"] == "lc"
    assert created["notebook_instance"]["tags"] == TAGS
    assert run_module(module.main, _args(lifecycle_config_name="lc"), capsys)["changed"] is False

    # AWS updates only a stopped instance: stopped, updated, started again.
    start = len(_actions(fake_aws))
    updated = run_module(module.main, _args(lifecycle_config_name="lc", volume_size_in_gb=20), capsys)
    assert updated["changed"] is True
    assert updated["notebook_instance"]["volume_size_in_gb"] == 20
    assert updated["notebook_instance"]["notebook_instance_status"] == "InService"
    writes = [a for a in _actions(fake_aws)[start:] if not a.startswith(("Describe", "List"))]
    assert writes == ["StopNotebookInstance", "UpdateNotebookInstance", "StartNotebookInstance"]

    refused = run_module(module.main, _args(subnet_id="subnet-1", security_group_ids=["sg-1"]), capsys)
    assert refused["failed"] is True and "subnet_id" in refused["msg"]

    start = len(_actions(fake_aws))
    deleted = run_module(module.main, {"name": "nb", "state": "absent"}, capsys)
    assert deleted["changed"] is True
    writes = [a for a in _actions(fake_aws)[start:] if not a.startswith(("Describe", "List"))]
    assert writes == ["StopNotebookInstance", "DeleteNotebookInstance"]
    assert fake_aws.client("sagemaker").list_notebook_instances()["NotebookInstances"] == []
    assert run_module(module.main, {"name": "nb", "state": "absent"}, capsys)["changed"] is False


def test_failed_instance_is_an_error_with_aws_reason(fake_aws: Emulator, capsys, failing: None) -> None:
    result = run_module(module.main, _args(name="nbfail"), capsys)
    assert result["failed"] is True
    reason = "Notebook Instance Lifecycle Config script failed: on-start.sh exited with 1"
    assert result["msg"] == f"notebook instance nbfail is Failed: {reason}"
    again = run_module(module.main, _args(name="nbfail"), capsys)
    assert again["failed"] is True and "is Failed" in again["msg"], "a failed instance is never adopted"
    # A failed instance is deleted without a stop (AWS deletes Failed ones).
    assert run_module(module.main, {"name": "nbfail", "state": "absent"}, capsys)["changed"] is True
