"""operation_waiter: on AWS, operations go SUBMITTED -> PENDING -> SUCCESS/FAIL (moto: SUCCESS at once)."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery import operation_waiter

from tests.support.clock import FakeClock


class ScriptedClient:
    """Answers GetOperation with the given statuses in turn (the last one repeats)."""

    def __init__(self, *operations: dict[str, Any]) -> None:
        self.operations = list(operations)
        self.calls: list[dict[str, Any]] = []

    def get_operation(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        operation = self.operations.pop(0) if len(self.operations) > 1 else self.operations[0]
        return {"Operation": {"Id": kwargs["OperationId"], "Type": "CREATE_NAMESPACE", **operation}}


def wait(client: ScriptedClient, clock: FakeClock, timeout: float = 60) -> dict[str, Any]:
    return operation_waiter(client, "op-1", timeout, sleep=clock.sleep, clock=clock.time, interval=5).wait()


def test_polls_through_submitted_and_pending_until_success() -> None:
    client = ScriptedClient(
        {"Status": "SUBMITTED"},
        {"Status": "PENDING"},
        {"Status": "SUCCESS", "Targets": {"NAMESPACE": "ns-1"}},
    )
    clock = FakeClock()
    operation = wait(client, clock)
    assert operation["Targets"] == {"NAMESPACE": "ns-1"}
    assert len(client.calls) == 3
    assert clock.sleeps == [5, 5]
    assert all(call == {"OperationId": "op-1", "aws_retry": True} for call in client.calls)


def test_fail_status_raises_with_aws_reason() -> None:
    client = ScriptedClient(
        {"Status": "PENDING"},
        {"Status": "FAIL", "ErrorCode": "CANNOT_CREATE_HOSTED_ZONE", "ErrorMessage": "zone limit"},
    )
    with pytest.raises(AwsError, match="op-1 \\(CREATE_NAMESPACE\\) failed: CANNOT_CREATE_HOSTED_ZONE: zone limit"):
        wait(client, FakeClock())


def test_gives_up_at_the_deadline() -> None:
    client = ScriptedClient({"Status": "PENDING"})
    clock = FakeClock()
    with pytest.raises(AwsError, match="still PENDING after 12 s"):
        wait(client, clock, timeout=12)
    assert clock.now == 12  # the last sleep is cut to the time left
    assert clock.sleeps == [5, 5, 2]
