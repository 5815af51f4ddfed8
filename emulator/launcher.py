"""Start, find and stop the emulator as a background process; one implementation for make, tests and molecule."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STATE_DIR = PROJECT_ROOT / ".emulator"
STATE_FILE_NAME = "emulator.json"
START_TIMEOUT_S = 60.0
# The data plane stops its tasks and databases first.
STOP_TIMEOUT_S = 60.0
REQUESTS_PATH = "/__emulator/requests"
CLOCK_PATH = "/__emulator/clock"
FAULTS_PATH = "/__emulator/faults"
# sitecustomize that turns client sleeps into modeled time (emulator.clock); never on the emulator's own path.
VIRTUAL_TIME_DIR = str(Path(__file__).resolve().parent / "virtual_time")
CLOCK_URL_ENV = "MLFLOW_EMULATOR_CLOCK_URL"

# Dummy credentials: the emulator accepts any, and they can never authenticate against AWS.
CLIENT_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class EmulatorError(RuntimeError):
    pass


@dataclass(frozen=True)
class Emulator:
    pid: int
    url: str
    state_dir: Path

    def environment(self) -> dict[str, str]:
        """What a client process needs to reach this emulator, and only it, with its sleeps on modeled time."""
        return {
            **CLIENT_ENVIRONMENT,
            "AWS_ENDPOINT_URL": self.url,
            CLOCK_URL_ENV: f"{self.url}{CLOCK_PATH}",
            "PYTHONPATH": _pythonpath(VIRTUAL_TIME_DIR),
        }

    def client(self, service: str, **credentials: str | None) -> Any:
        """A boto3 client of this emulator, with its credentials and region (never the user's).

        ``credentials`` (aws_access_key_id, ...) replace the dummy ones, e.g. to act as another account.
        """
        import boto3  # only the callers that talk to AWS need it, not the launcher's CLI

        env = self.environment()
        settings = {
            "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
            "aws_session_token": env["AWS_SESSION_TOKEN"],
            **credentials,
        }
        return boto3.client(service, endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_REGION"], **settings)

    def control(self, method: str, path: str, payload: Any = None) -> Any:
        """A request to one of the emulator's own endpoints (``/__emulator/...``, an extension's, moto's)."""
        data = None if payload is None else json.dumps(payload).encode()
        return self._send(method, path, data, "application/json")

    def _send(self, method: str, path: str, data: bytes | None, content_type: str) -> Any:
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)  # noqa: S310 - loopback only
        request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback only
            body = response.read()
        return json.loads(body) if body.strip() else None

    def set_faults(self, setting: str | None) -> dict[str, Any]:
        """Replace the faults setting (emulator.faults' text, e.g. ``fail=studio_domain``) while the emulator runs;
        None goes back to the one of its environment. Returns the setting as the emulator read it."""
        if setting is None:
            return self.control("DELETE", FAULTS_PATH)
        return self._send("PUT", FAULTS_PATH, setting.encode(), "text/plain")

    @contextmanager
    def faults(self, setting: str) -> Iterator[dict[str, Any]]:
        """``setting`` for the block only (see ``set_faults``)."""
        answer = self.set_faults(setting)
        try:
            yield answer
        finally:
            self.set_faults(None)

    def requests(self) -> list[dict[str, Any]]:
        """The request log, oldest first: service, action and status of every request it answered."""
        return self.control("GET", REQUESTS_PATH)

    def modeled_seconds(self) -> float:
        """The emulator's modeled AWS time (emulator.clock), in seconds since it started."""
        return float(self.control("GET", CLOCK_PATH)["modeled_seconds"])

    def advance(self, seconds: float) -> float:
        """Let ``seconds`` of modeled AWS time pass (leftovers go, lifecycles move on); the new time."""
        return float(self.control("POST", CLOCK_PATH, {"advance": seconds})["modeled_seconds"])

    def age_account(self) -> None:
        """An account that is not fresh: the ECS service-linked role exists and has propagated."""
        self.client("iam").create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
        self.advance(3600)

    def clear_requests(self) -> None:
        self.control("DELETE", REQUESTS_PATH)

    def reset(self) -> None:
        """Forget every resource (moto's reset, which the extensions follow); the request log stays."""
        self.control("POST", "/moto-api/reset")


def start(state_dir: Path = DEFAULT_STATE_DIR) -> Emulator:
    """Start an emulator for ``state_dir``, or return the one already serving it."""
    running = find(state_dir)
    if running is not None:
        return running
    state_dir.mkdir(parents=True, exist_ok=True)
    state_file = state_dir / STATE_FILE_NAME
    state_file.unlink(missing_ok=True)
    log = (state_dir / "emulator.log").open("ab")
    env = {key: value for key, value in os.environ.items() if key != CLOCK_URL_ENV}
    env["PYTHONPATH"] = _pythonpath(str(PROJECT_ROOT))
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "emulator", "serve", "--state-dir", str(state_dir)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=state_dir,
        start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmulatorError(f"the emulator exited with {process.returncode}; see {state_dir / 'emulator.log'}")
        emulator = find(state_dir)
        if emulator is not None:
            return emulator
        time.sleep(0.2)
    process.terminate()
    raise EmulatorError(f"the emulator did not answer within {START_TIMEOUT_S:.0f} s; see {state_dir / 'emulator.log'}")


def find(state_dir: Path = DEFAULT_STATE_DIR) -> Emulator | None:
    """The emulator serving ``state_dir`` if its process is alive and answers, else None."""
    state_file = state_dir / STATE_FILE_NAME
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return None
    emulator = Emulator(pid=int(state["pid"]), url=str(state["url"]), state_dir=state_dir)
    return emulator if _alive(emulator.pid) and healthy(emulator.url) else None


def stop(state_dir: Path = DEFAULT_STATE_DIR) -> bool:
    """Stop the emulator of ``state_dir``; False when none was running."""
    state_file = state_dir / STATE_FILE_NAME
    try:
        pid = int(json.loads(state_file.read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return False
    if not _alive(pid):
        state_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    state_file.unlink(missing_ok=True)
    return True


def _pythonpath(first: str) -> str:
    """``first``, then the inherited PYTHONPATH without the virtual-time directory."""
    inherited = [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    return os.pathsep.join([first, *(entry for entry in inherited if entry not in (first, VIRTUAL_TIME_DIR))])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/__emulator/health", timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


def has_dataplane(emulator: Emulator) -> bool:
    """Whether ``emulator`` runs the data plane (started with MLFLOW_EMULATOR_DATAPLANE=1)."""
    try:
        with urllib.request.urlopen(f"{emulator.url}/__emulator/dataplane", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still answers kill(0): reap it if it is ours.
    try:
        finished, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return finished == 0
