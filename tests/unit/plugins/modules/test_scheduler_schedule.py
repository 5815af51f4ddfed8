"""scheduler_schedule_group and scheduler_schedule against the emulator."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import scheduler_schedule, scheduler_schedule_group

from tests.support.modules import run_module

pytestmark = pytest.mark.usefixtures("fake_aws")

REGION = "us-east-1"
ACCOUNT = "123456789012"
TARGET = {
    "Arn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/alpha",
    "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/alpha-gc-scheduler",
    "EcsParameters": {
        "TaskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/alpha-mlflow-gc",
        "LaunchType": "FARGATE",
        "NetworkConfiguration": {
            "awsvpcConfiguration": {"Subnets": ["subnet-1"], "SecurityGroups": ["sg-1"], "AssignPublicIp": "DISABLED"}
        },
    },
}


def group(capsys: pytest.CaptureFixture[str], check_mode: bool = False, **args: Any) -> dict[str, Any]:
    return run_module(scheduler_schedule_group.main, {"name": "alpha", **args}, capsys, check_mode=check_mode)


def schedule(capsys: pytest.CaptureFixture[str], check_mode: bool = False, **args: Any) -> dict[str, Any]:
    base = {"name": "alpha-gc", "group": "alpha", "schedule_expression": "rate(1 day)", "target": TARGET}
    return run_module(scheduler_schedule.main, {**base, **args}, capsys, check_mode=check_mode)


def scheduler() -> Any:
    return boto3.client("scheduler", region_name=REGION)


def test_a_group_is_created_tagged_then_left_alone_retagged_and_deleted(capsys: pytest.CaptureFixture[str]) -> None:
    assert group(capsys, check_mode=True, tags={"mlflow:stack": "alpha"})["changed"] is True
    assert [g["Name"] for g in scheduler().list_schedule_groups()["ScheduleGroups"]] == ["default"]
    made = group(capsys, tags={"mlflow:stack": "alpha"})
    assert made["changed"] is True and made["schedule_group"]["tags"] == {"mlflow:stack": "alpha"}
    assert group(capsys, tags={"mlflow:stack": "alpha"})["changed"] is False
    retagged = group(capsys, tags={"mlflow:stack": "alpha", "team": "ml"})
    assert retagged["changed"] is True
    tags = scheduler().list_tags_for_resource(ResourceArn=made["schedule_group"]["arn"])["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"mlflow:stack": "alpha", "team": "ml"}
    assert group(capsys, state="absent")["changed"] is True
    assert group(capsys, state="absent")["changed"] is False


def test_a_schedule_is_created_compared_on_what_it_sets_updated_and_deleted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    group(capsys, tags={"mlflow:stack": "alpha"})
    assert schedule(capsys, check_mode=True)["changed"] is True
    assert scheduler().list_schedules()["Schedules"] == []
    made = schedule(capsys)
    assert made["changed"] is True
    stored = scheduler().get_schedule(Name="alpha-gc", GroupName="alpha")
    assert stored["ScheduleExpression"] == "rate(1 day)" and stored["State"] == "ENABLED"
    assert stored["Target"]["EcsParameters"]["TaskDefinitionArn"] == TARGET["EcsParameters"]["TaskDefinitionArn"]
    # AWS's defaults in the stored target are no difference.
    assert schedule(capsys)["changed"] is False
    updated = schedule(capsys, schedule_expression="rate(12 hours)", enabled=False)
    assert updated["changed"] is True
    assert updated["diff"]["before"]["schedule_expression"] == "rate(1 day)"
    stored = scheduler().get_schedule(Name="alpha-gc", GroupName="alpha")
    assert (stored["ScheduleExpression"], stored["State"]) == ("rate(12 hours)", "DISABLED")
    assert schedule(capsys, state="absent")["changed"] is True
    assert scheduler().list_schedules()["Schedules"] == []
    assert schedule(capsys, state="absent")["changed"] is False


def test_a_schedule_needs_an_expression_and_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_module(scheduler_schedule.main, {"name": "alpha-gc", "group": "alpha"}, capsys)
    assert result["failed"] is True
    assert "schedule_expression" in result["msg"] and "target" in result["msg"]
