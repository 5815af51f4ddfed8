"""Calls handing a service a new IAM role: retried only while the service says it cannot assume it yet."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils import waiter
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.role_propagation import (
    SAGEMAKER,
    SCHEDULER,
    call_passing_role,
)
from botocore.exceptions import ClientError

from tests.support.clock import FakeClock

NOT_YET = (
    "ValidationException",
    "The execution role you provide must allow AWS EventBridge Scheduler to assume the role.",
)


class Service:
    """Answers ``create_schedule`` with the scripted errors first, then succeeds."""

    def __init__(self, *errors: tuple[str, str]) -> None:
        self.errors = list(errors)
        self.calls = 0

    def create_schedule(self, aws_retry: bool, **kwargs: Any) -> dict:
        self.calls += 1
        if self.errors:
            code, message = self.errors.pop(0)
            raise ClientError({"Error": {"Code": code, "Message": message}}, "CreateSchedule")
        return {"ScheduleArn": "arn:aws:scheduler:us-east-1:123456789012:schedule/g/s"}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(waiter, "sleep", fake.sleep)
    return fake


def test_the_refusal_is_retried_until_the_role_has_propagated(clock: FakeClock) -> None:
    service = Service(NOT_YET, NOT_YET)
    answer = call_passing_role(service, "create_schedule", "create the schedule", SCHEDULER, clock=clock.time, Name="s")
    assert answer["ScheduleArn"].endswith("/s")
    assert service.calls == 3 and clock.sleeps == [5.0, 5.0]


def test_other_errors_fail_at_once(clock: FakeClock) -> None:
    service = Service(("ValidationException", "Invalid Schedule Expression"))
    with pytest.raises(AwsError, match="Failed to create the schedule"):
        call_passing_role(service, "create_schedule", "create the schedule", SCHEDULER, clock=clock.time)
    assert service.calls == 1 and clock.sleeps == []
    # Another service's refusal text is not this one's.
    assert not SAGEMAKER.matches(ClientError({"Error": {"Code": NOT_YET[0], "Message": NOT_YET[1]}}, "CreateDomain"))


def test_a_role_that_never_propagates_fails_after_the_budget(clock: FakeClock) -> None:
    service = Service(*[NOT_YET] * 100)
    with pytest.raises(AwsError) as raised:
        call_passing_role(service, "create_schedule", "create the schedule", SCHEDULER, timeout=30, clock=clock.time)
    assert "EventBridge Scheduler to assume the role" in raised.value.cause.response["Error"]["Message"]
    assert clock.now == 30 and service.calls == 7
