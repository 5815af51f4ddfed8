"""application_autoscaling_scalable_target against the emulator."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import application_autoscaling_scalable_target

from tests.support.modules import run_module

pytestmark = pytest.mark.usefixtures("fake_aws", "ecs_service")

TARGET = {
    "service_namespace": "ecs",
    "resource_id": "service/alpha/alpha-mlflow",
    "scalable_dimension": "ecs:service:DesiredCount",
}


def targets() -> list[dict[str, Any]]:
    client = boto3.client("application-autoscaling", region_name="us-east-1")
    return client.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]


def target(capsys: pytest.CaptureFixture[str], check_mode: bool = False, **args: Any) -> dict[str, Any]:
    return run_module(application_autoscaling_scalable_target.main, {**TARGET, **args}, capsys, check_mode=check_mode)


def test_register_then_no_change(capsys: pytest.CaptureFixture[str]) -> None:
    first = target(capsys, min_capacity=2, max_capacity=6)
    assert first["changed"] is True
    assert first["scalable_target"]["min_capacity"] == 2
    assert first["scalable_target"]["max_capacity"] == 6
    assert first["diff"]["before"] == {}
    assert target(capsys, min_capacity=2, max_capacity=6)["changed"] is False
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets()] == [(2, 6)]


def test_capacity_change(capsys: pytest.CaptureFixture[str]) -> None:
    target(capsys, min_capacity=2, max_capacity=6)
    result = target(capsys, min_capacity=2, max_capacity=4)
    assert result["changed"] is True
    assert result["diff"]["before"]["max_capacity"] == 6
    assert result["diff"]["after"]["max_capacity"] == 4
    assert targets()[0]["MaxCapacity"] == 4


def test_deregister_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    target(capsys, min_capacity=2, max_capacity=6)
    assert target(capsys, state="absent")["changed"] is True
    assert targets() == []
    assert target(capsys, state="absent")["changed"] is False


def test_check_mode_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert target(capsys, check_mode=True, min_capacity=2, max_capacity=6)["changed"] is True
    assert targets() == []
    target(capsys, min_capacity=2, max_capacity=6)
    assert target(capsys, check_mode=True, state="absent")["changed"] is True
    assert len(targets()) == 1


def test_bad_range_fails_before_any_call(capsys: pytest.CaptureFixture[str]) -> None:
    result = target(capsys, min_capacity=5, max_capacity=2)
    assert result["failed"] is True
    assert "min_capacity (5)" in result["msg"]
