"""The ``awslogs`` log driver: each container's output lines in CloudWatch Logs, as ECS ships them.

A container whose ``logConfiguration`` uses ``awslogs`` writes to stream
``<awslogs-stream-prefix>/<container name>/<task id>`` of ``awslogs-group`` in ``awslogs-region``.
As the Fargate agent (platform 1.4.0), the task checks every container's group and creates its stream
before any container starts: a missing group stops the task with the agent's
``ResourceInitializationError`` unless ``awslogs-create-group`` is ``"true"``. Lines (stdout and
stderr) keep the time they were read and go to the emulator's CloudWatch Logs in batches within
PutLogEvents' limits. The container's log file under the task's directory gets every line too.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MISSING_GROUP = (
    "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
    "failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. "
    ": exit status 1"
)
# PutLogEvents: at most 10,000 events and 1,048,576 bytes a call, each event counting 26 bytes more
# than its message; docker's driver splits longer lines at 256 KiB less that overhead.
BATCH_EVENTS = 10_000
BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
MAX_EVENT_BYTES = 262_144 - EVENT_OVERHEAD
FLUSH_INTERVAL_S = 1.0
DRAIN_TIMEOUT_S = 5.0


class LogDriverError(RuntimeError):
    """The log driver cannot start: the message is the ECS stopped reason."""


@dataclass(frozen=True)
class Destination:
    account: str
    region: str
    group: str
    stream: str
    create_group: bool


def destination(container: dict[str, Any], task_id: str, account: str, region: str) -> Destination | None:
    """Where ``container``'s lines go, or None when it does not use the awslogs driver."""
    config = container.get("logConfiguration") or {}
    if config.get("logDriver") != "awslogs":
        return None
    options = config.get("options") or {}
    prefix = options.get("awslogs-stream-prefix")
    stream = f"{prefix}/{container['name']}/{task_id}" if prefix else task_id
    return Destination(
        account=account,
        region=str(options.get("awslogs-region") or region),
        group=str(options.get("awslogs-group", "")),
        stream=stream,
        create_group=str(options.get("awslogs-create-group", "")).lower() == "true",
    )


def prepare(target: Destination) -> None:
    """As the agent before the containers start: the group exists (or is created), the stream is made."""
    from moto.logs.exceptions import ResourceAlreadyExistsException

    backend = _logs(target)
    if target.group not in backend.groups:
        if not target.create_group:
            raise LogDriverError(MISSING_GROUP)
        with contextlib.suppress(ResourceAlreadyExistsException):  # the service's other task was first
            backend.create_log_group(target.group, {})
    backend.ensure_log_stream(target.group, target.stream)


@dataclass
class ContainerOutput:
    """Reads one container's output: every line to its log file, and to CloudWatch Logs with ``target``."""

    log: Path
    target: Destination | None
    _pending: list[dict[str, Any]] = field(default_factory=list)
    _pending_bytes: int = 0
    _last_flush: float = field(default_factory=time.monotonic)
    _last_timestamp: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reader: threading.Thread | None = None

    def follow(self, pipe: IO[bytes]) -> None:
        self._reader = threading.Thread(target=self._read, args=(pipe,), name=f"logs-{self.log.stem}", daemon=True)
        self._reader.start()

    def flush(self, force: bool = False) -> None:
        """Ship what is pending once a second (or now with ``force``)."""
        with self._lock:
            if not self._pending or (not force and time.monotonic() - self._last_flush < FLUSH_INTERVAL_S):
                return
            self._ship()

    def close(self) -> None:
        """After the container stopped: the last lines are read and shipped."""
        if self._reader is not None:
            self._reader.join(DRAIN_TIMEOUT_S)
        self.flush(force=True)

    def _read(self, pipe: IO[bytes]) -> None:
        with pipe, self.log.open("ab") as output:
            for raw in iter(pipe.readline, b""):
                output.write(raw)
                output.flush()
                if self.target is not None:
                    self._add(raw.rstrip(b"\r\n").decode("utf-8", errors="replace"))

    def _add(self, line: str) -> None:
        # Clocks can step back; PutLogEvents wants a batch in order.
        timestamp = max(int(time.time() * 1000), self._last_timestamp)
        self._last_timestamp = timestamp
        for message in _pieces(line):
            size = len(message.encode()) + EVENT_OVERHEAD
            with self._lock:
                if len(self._pending) >= BATCH_EVENTS or self._pending_bytes + size > BATCH_BYTES:
                    self._ship()
                self._pending.append({"timestamp": timestamp, "message": message})
                self._pending_bytes += size

    def _ship(self) -> None:
        events, self._pending, self._pending_bytes = self._pending, [], 0
        self._last_flush = time.monotonic()
        if self.target is None:
            return
        from moto.logs.exceptions import ResourceNotFoundException

        backend = _logs(self.target)
        # A group deleted under a running task loses the lines, as the driver drops what it cannot put.
        if self.target.group not in backend.groups:
            return
        with contextlib.suppress(ResourceNotFoundException):  # deleted since: the same
            backend.ensure_log_stream(self.target.group, self.target.stream)
            backend.put_log_events(self.target.group, self.target.stream, events)


def _pieces(line: str) -> list[str]:
    """The events one line makes: none when empty (CloudWatch refuses those), split when too long."""
    data = line.encode()
    if len(data) <= MAX_EVENT_BYTES:
        return [line] if line else []
    size = MAX_EVENT_BYTES
    return [data[at : at + size].decode("utf-8", errors="replace") for at in range(0, len(data), size)]


def _logs(target: Destination) -> Any:
    from moto.backends import get_backend

    return get_backend("logs")[target.account][target.region]
