"""The awslogs driver of the data plane, in process against moto's CloudWatch Logs (no container started)."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from emulator.dataplane import awslogs

ACCOUNT, REGION = "123456789012", "us-east-1"


def _logs() -> Any:
    from moto.backends import get_backend

    return get_backend("logs")[ACCOUNT][REGION]


def _container(group: str, **options: str) -> dict[str, Any]:
    return {
        "name": "mlflow",
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": group, "awslogs-region": REGION, "awslogs-stream-prefix": "mlflow", **options},
        },
    }


@pytest.fixture
def target() -> awslogs.Destination:
    """A container's stream, ready as the agent leaves it: the group exists, the stream is made."""
    group = f"/units/{uuid.uuid4().hex}"
    _logs().create_log_group(group, {})
    made = awslogs.destination(_container(group), uuid.uuid4().hex, ACCOUNT, REGION)
    assert made is not None
    awslogs.prepare(made)
    return made


def test_the_stream_is_prefix_container_task_and_a_missing_group_stops_the_task_with_the_agents_reason() -> None:
    group = f"/units/{uuid.uuid4().hex}"
    target = awslogs.destination(_container(group), "0123abcd", ACCOUNT, "eu-west-1")
    assert target is not None
    assert (target.group, target.stream, target.region) == (group, "mlflow/mlflow/0123abcd", REGION)
    assert (
        awslogs.destination({"name": "x", "logConfiguration": {"logDriver": "json-file"}}, "t", ACCOUNT, REGION) is None
    )

    with pytest.raises(awslogs.LogDriverError) as failure:
        awslogs.prepare(target)
    assert str(failure.value).startswith("ResourceInitializationError: failed to validate logger args")
    assert "ResourceNotFoundException: The specified log group does not exist." in str(failure.value)
    assert group not in _logs().groups

    created = awslogs.destination(_container(group, **{"awslogs-create-group": "true"}), "0123abcd", ACCOUNT, REGION)
    assert created is not None
    awslogs.prepare(created)
    assert list(_logs().groups[group].streams) == ["mlflow/mlflow/0123abcd"]


def test_lines_reach_the_stream_in_order_with_their_time_and_the_file(
    tmp_path: Path, target: awslogs.Destination
) -> None:
    output = awslogs.ContainerOutput(log=tmp_path / "mlflow.log", target=target)
    read_end, write_end = os.pipe()
    before = int(time.time() * 1000)
    output.follow(os.fdopen(read_end, "rb"))
    long_line = "x" * (awslogs.MAX_EVENT_BYTES + 10)
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(f"starting\n\nerror: on stderr too\r\n{long_line}\n".encode())
    output.close()

    events = _logs().groups[target.group].streams[target.stream].events
    messages = [event.message for event in events]
    assert messages == ["starting", "error: on stderr too", "x" * awslogs.MAX_EVENT_BYTES, "x" * 10]
    stamps = [event.timestamp for event in events]
    assert stamps == sorted(stamps) and before <= stamps[0] <= int(time.time() * 1000)
    assert (tmp_path / "mlflow.log").read_bytes().startswith(b"starting\n\nerror: on stderr too\r\n")


def test_lines_wait_for_the_next_flush_and_a_batch_stays_within_put_log_events_limits(
    tmp_path: Path, target: awslogs.Destination, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(awslogs, "FLUSH_INTERVAL_S", 3600.0)
    output = awslogs.ContainerOutput(log=tmp_path / "nginx.log", target=target)
    for number in range(awslogs.BATCH_EVENTS + 5):
        output._add(f"line {number}")
    stream = _logs().groups[target.group].streams[target.stream]
    assert len(stream.events) == awslogs.BATCH_EVENTS  # a full batch went at once
    output.flush()
    assert len(stream.events) == awslogs.BATCH_EVENTS  # the rest waits for the flush interval
    output.flush(force=True)
    assert [event.message for event in stream.events[-2:]] == [
        f"line {awslogs.BATCH_EVENTS + 3}",
        f"line {awslogs.BATCH_EVENTS + 4}",
    ]
