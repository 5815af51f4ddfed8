"""application_autoscaling_scheduled_action against the emulator."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import application_autoscaling_scheduled_action

from tests.support.modules import run_module

pytestmark = pytest.mark.usefixtures("fake_aws", "scalable_target")

TARGET = {
    "service_namespace": "ecs",
    "resource_id": "service/alpha/alpha-mlflow",
    "scalable_dimension": "ecs:service:DesiredCount",
}
IDENTITY = {
    "ServiceNamespace": "ecs",
    "ResourceId": TARGET["resource_id"],
    "ScalableDimension": TARGET["scalable_dimension"],
}
STOP = {
    "name": "stop",
    "schedule": "cron(0 20 ? * MON-FRI *)",
    "timezone": "Europe/Paris",
    "min_capacity": 0,
    "max_capacity": 0,
}


def _scaling() -> Any:
    return boto3.client("application-autoscaling", region_name="us-east-1")


@pytest.fixture
def scalable_target(ecs_service: str) -> None:
    """The registered target the actions belong to (AWS refuses an action without one)."""
    _scaling().register_scalable_target(MinCapacity=2, MaxCapacity=6, **IDENTITY)


def actions() -> list[dict[str, Any]]:
    return _scaling().describe_scheduled_actions(**IDENTITY)["ScheduledActions"]


def action(capsys: pytest.CaptureFixture[str], check_mode: bool = False, **args: Any) -> dict[str, Any]:
    return run_module(application_autoscaling_scheduled_action.main, {**TARGET, **args}, capsys, check_mode=check_mode)


def test_create_then_no_change(capsys: pytest.CaptureFixture[str]) -> None:
    first = action(capsys, **STOP)
    assert first["changed"] is True
    assert first["diff"]["before"] == {}
    assert first["scheduled_action"]["timezone"] == "Europe/Paris"
    assert first["scheduled_action"]["arn"].endswith(":scheduledActionName/stop")
    [stored] = actions()
    assert (stored["Schedule"], stored["Timezone"]) == ("cron(0 20 ? * MON-FRI *)", "Europe/Paris")
    assert stored["ScalableTargetAction"] == {"MinCapacity": 0, "MaxCapacity": 0}
    again = action(capsys, **STOP)
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]


def test_update_shows_the_diff_and_keeps_a_capacity_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    action(capsys, **STOP)
    later = {**STOP, "schedule": "cron(0 22 ? * MON-FRI *)", "max_capacity": None}
    result = action(capsys, **later)
    assert result["changed"] is True
    assert result["diff"]["before"]["schedule"] == "cron(0 20 ? * MON-FRI *)"
    assert result["diff"]["after"]["schedule"] == "cron(0 22 ? * MON-FRI *)"
    [stored] = actions()
    assert stored["Schedule"] == "cron(0 22 ? * MON-FRI *)"
    assert stored["ScalableTargetAction"]["MaxCapacity"] == 0
    assert action(capsys, **later)["changed"] is False
    assert action(capsys, **{**later, "timezone": "UTC"})["changed"] is True


def test_delete_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    action(capsys, **STOP)
    removed = action(capsys, name="stop", state="absent")
    assert removed["changed"] is True
    assert removed["diff"]["after"] == {}
    assert actions() == []
    assert action(capsys, name="stop", state="absent")["changed"] is False


def test_check_mode_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    planned = action(capsys, check_mode=True, **STOP)
    assert planned["changed"] is True
    assert planned["diff"]["after"]["min_capacity"] == 0
    assert actions() == []
    action(capsys, **STOP)
    assert action(capsys, check_mode=True, **{**STOP, "min_capacity": 1, "max_capacity": 1})["changed"] is True
    assert action(capsys, check_mode=True, name="stop", state="absent")["changed"] is True
    assert actions()[0]["ScalableTargetAction"] == {"MinCapacity": 0, "MaxCapacity": 0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({**STOP, "schedule": "0 20 * * *"}, "schedule must be"),
        ({**STOP, "min_capacity": None, "max_capacity": None}, "sets min_capacity, max_capacity or both"),
        ({**STOP, "min_capacity": 3, "max_capacity": 1}, "min_capacity (3) and max_capacity (1)"),
    ],
)
def test_bad_input_fails_before_any_call(capsys: pytest.CaptureFixture[str], args: dict, message: str) -> None:
    result = action(capsys, **args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert actions() == []
