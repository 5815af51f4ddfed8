"""Background processes of the data plane: started in their own session, stopped as a group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

STOP_TIMEOUT_S = 20.0


class LocalRuntimeError(RuntimeError):
    pass


@dataclass
class Service:
    """One process (and its children: it leads its own process group)."""

    name: str
    pid: int
    log: Path
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False, compare=False)

    def alive(self) -> bool:
        if self.popen is not None:
            return self.popen.poll() is None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM to the whole group, then SIGKILL whatever is left after ``timeout``."""
        self._signal_group(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self._group_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        if self._group_alive():
            self._signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait(timeout=timeout)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def _group_alive(self) -> bool:
        if self.popen is not None:
            self.popen.poll()  # reap our child: a zombie would keep the group alive
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def spawn(
    name: str, command: Sequence[str], env: Mapping[str, str], log: Path, cwd: Path, piped: bool = False
) -> Service:
    """Start ``command``: its stdout and stderr go to ``log``, or (``piped``) to ``popen.stdout`` for a reader."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        popen = subprocess.Popen(  # noqa: S603 - our own commands, no shell
            list(command),
            stdout=subprocess.PIPE if piped else output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
        )
    return Service(name=name, pid=popen.pid, log=log, popen=popen)


def free_port() -> int:
    """A TCP port nobody listens on at this moment (on loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(service: Service, ready: Callable[[], bool], timeout: float, what: str, interval: float = 0.25) -> None:
    """Poll ``ready`` until true; fail early (with the log's tail) when the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if not service.alive():
            raise LocalRuntimeError(f"{service.name} exited before {what}; last log lines:\n{service.log_tail()}")
        time.sleep(interval)
    raise LocalRuntimeError(f"{service.name}: no {what} within {timeout:.0f} s; last log lines:\n{service.log_tail()}")


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The status of a GET to a loopback URL, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None
