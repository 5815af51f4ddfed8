"""The emulator's SageMaker notebook instances, through boto3: AWS's states, durations and refusals."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from botocore.exceptions import ClientError

from emulator import launcher

ROLE = "arn:aws:iam::123456789012:role/notebook"


def _code(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"]) + ": " + str(raised.value.response["Error"]["Message"])


def _status(sm: Any, name: str) -> str:
    return str(sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"])


def _after(emulator: launcher.Emulator, sm: Any, name: str, seconds: float) -> str:
    emulator.advance(seconds)
    return _status(sm, name)


def test_notebook_instance_lives_on_aws_time_and_refuses_wrong_states(emulator: launcher.Emulator) -> None:
    sm = emulator.client("sagemaker")
    name, config = f"nb-{uuid4().hex[:8]}", f"lc-{uuid4().hex[:8]}"
    script = base64.b64encode(b"#!/bin/bash\necho start\n").decode()
    assert "does not exist" in _code(
        lambda: sm.create_notebook_instance(
            NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE, LifecycleConfigName=config
        )
    )
    sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=config, OnStart=[{"Content": script}], Tags=[{"Key": "k", "Value": "v"}]
    )
    described = sm.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=config)
    assert described["OnStart"] == [{"Content": script}]
    assert sm.list_tags(ResourceArn=described["NotebookInstanceLifecycleConfigArn"])["Tags"] == [
        {"Key": "k", "Value": "v"}
    ]
    assert "SubnetId" in _code(
        lambda: sm.create_notebook_instance(
            NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE, DirectInternetAccess="Disabled"
        )
    )
    arn = sm.create_notebook_instance(
        NotebookInstanceName=name,
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        LifecycleConfigName=config,
        VolumeSizeInGB=10,
        Tags=[{"Key": "mlflow:stack", "Value": "s"}],
    )["NotebookInstanceArn"]
    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "mlflow:stack", "Value": "s"}]
    assert _status(sm, name) == "Pending"
    assert "Status (Pending) not in ([InService])" in _code(
        lambda: sm.stop_notebook_instance(NotebookInstanceName=name)
    )
    assert _after(emulator, sm, name, 60) == "Pending", "3 minutes at least"
    assert _after(emulator, sm, name, 900) == "InService"
    notebook = sm.describe_notebook_instance(NotebookInstanceName=name)
    assert (notebook["NotebookInstanceLifecycleConfigName"], notebook["VolumeSizeInGB"]) == (config, 10)
    assert "Stopped, Failed" in _code(lambda: sm.delete_notebook_instance(NotebookInstanceName=name))

    sm.stop_notebook_instance(NotebookInstanceName=name)
    assert _status(sm, name) == "Stopping"
    assert _after(emulator, sm, name, 600) == "Stopped"
    sm.update_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.large")
    sm.delete_notebook_instance(NotebookInstanceName=name)
    assert _status(sm, name) == "Deleting"
    assert [
        n["NotebookInstanceStatus"] for n in sm.list_notebook_instances(NameContains=name)["NotebookInstances"]
    ] == ["Deleting"]
    emulator.advance(900)
    assert (
        _code(lambda: sm.describe_notebook_instance(NotebookInstanceName=name)) == "ValidationException: RecordNotFound"
    )
    sm.delete_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=config)
    assert "does not exist" in _code(
        lambda: sm.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=config)
    )
