"""The two containers as the data plane runs them from the registered task definition: who gets in, what
is written down, where MLflow listens, what a task's processes hold, and the example end to end.

Collected by test_stack.py (it imports them), so that they run on its deployed stack, before anything
there rolls the tasks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from tests.dataplane.conftest import Stack
from tests.support.names import names
from tests.support.web import Reply, basic, request

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "mlflow_sagemaker_example.py"
SEARCH = "/api/2.0/mlflow/experiments/search?max_results=1"
LISTEN = "0A"  # /proc/net/tcp state of a listening socket


@dataclass(frozen=True)
class Task:
    """One RUNNING task of the stack's service: its files and where its containers listen."""

    task_id: str
    directory: Path
    nginx: str
    mlflow: str

    def processes(self, container: str) -> list[int]:
        """The container's processes: they run in its working directory, as in the image's WORKDIR."""
        home = self.directory / container
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and Path(os.readlink(proc / "cwd")).is_relative_to(home):
                    found.append(int(proc.name))
            except OSError:
                continue
        return found


def _tasks(stack: Stack) -> list[Task]:
    ecs = stack.emulator.client("ecs")
    cluster = stack.outputs["ecs_cluster"]
    ids = {arn.rsplit("/", 1)[1] for arn in ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"]}
    root = stack.emulator.state_dir / "dataplane" / "tasks"
    return [
        Task(t["taskId"], root / t["taskId"], t["listen"]["80"], t["listen"]["5000"])
        for t in stack.dataplane()["tasks"]
        if t["taskId"] in ids and t["status"] == "RUNNING"
    ]


def _through_endpoint(stack: Stack, path: str, **kwargs: Any) -> Reply:
    """One request to the stack's endpoint (http://127.B.48.n, port 80)."""
    parsed = urllib.parse.urlsplit(stack.url)
    return request(f"http://{parsed.hostname}:{parsed.port or 80}", path, **kwargs)


def _command_line(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")).decode(errors="replace")
    except OSError:
        return ""


def _rss_bytes(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def _listening_addresses(port: int) -> set[str]:
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _remote, state = line.split()[1:4]
            address, port_hex = local.split(":")
            if state == LISTEN and int(port_hex, 16) == port:
                addresses.add(address)
    return addresses


def _cloudwatch_lines(stack: Stack, task_id: str, container: str) -> list[str]:
    """The container's lines where ECS's awslogs driver puts them, per the service's task definition."""
    ecs = stack.emulator.client("ecs")
    service = ecs.describe_services(cluster=stack.outputs["ecs_cluster"], services=[stack.outputs["ecs_service"]])
    definition = ecs.describe_task_definition(taskDefinition=service["services"][0]["taskDefinition"])
    found = next(c for c in definition["taskDefinition"]["containerDefinitions"] if c["name"] == container)
    options = found["logConfiguration"]["options"]
    events = stack.emulator.client("logs").get_log_events(
        logGroupName=options["awslogs-group"],
        logStreamName=f"{options['awslogs-stream-prefix']}/{container}/{task_id}",
        startFromHead=True,
    )["events"]
    return [event["message"] for event in events]


def _db_password(stack: Stack, kind: str = "db_secret") -> str:
    """The password in one of the stack's secrets (``kind`` as named by stack_names), the database's by default."""
    secret = stack.emulator.client("secretsmanager").get_secret_value(SecretId=names(stack.name)[kind])
    return str(json.loads(secret["SecretString"])["password"])


@pytest.mark.parametrize("path", ["/", SEARCH])
def test_mlflow_answers_401_with_its_challenge_to_anyone_without_the_password(stack: Stack, path: str) -> None:
    for headers in (
        {},
        {"Authorization": basic(stack.username, stack.password + "x")},
        {"Authorization": basic("someone-else", stack.password)},
    ):
        reply = _through_endpoint(stack, path, headers=headers)
        assert reply.status == 401, (headers.keys(), reply.status)
        assert reply.headers["www-authenticate"].startswith("Basic ")
        assert b"experiments" not in reply.body
    search = _through_endpoint(
        stack,
        "/api/2.0/mlflow/experiments/search",
        method="POST",
        body=b'{"max_results": 1}',
        headers={"Content-Type": "application/json"},
    )
    assert search.status == 401


def test_only_mlflow_holds_the_credentials_in_a_private_file(stack: Stack) -> None:
    # The password is the awkward kind the role generates; nginx's files and the logs never hold it.
    tasks = _tasks(stack)
    assert tasks
    for task in tasks:
        for path in (task.directory / "nginx").rglob("*"):
            assert not path.is_file() or stack.password not in path.read_text(errors="replace"), path
        config = task.directory / "mlflow" / "basic_auth.ini"
        assert oct(config.stat().st_mode & 0o777) == "0o600"
        assert "default_permission = READ" in config.read_text()
        assert stack.password not in (task.directory / "mlflow.log").read_text(errors="replace")


def test_the_access_log_holds_no_credentials(stack: Stack) -> None:
    token = basic(stack.username, stack.password)
    for _attempt in range(4):  # the ALB spreads requests over the tasks: each nginx logs some
        assert _through_endpoint(stack, "/?probe=1", headers={"Authorization": token}).status == 200
    logs = "".join((task.directory / "nginx.log").read_text(errors="replace") for task in _tasks(stack))
    assert '"GET / HTTP/1.1" 200' in logs  # the access log is there, and without the query string
    for secret in (stack.password, token.removeprefix("Basic "), "Authorization", "Basic "):
        assert secret not in logs


def test_the_migrate_task_created_the_schemas_and_no_task_migrates(stack: Stack) -> None:
    """On a fresh database the one-off migrate task created both schemas; the service's tasks found them current."""
    tasks = stack.emulator.state_dir / "dataplane" / "tasks"
    migrations = [line for log in tasks.glob("*/migrate.log") for line in log.read_text(errors="replace").splitlines()]
    assert [line for line in migrations if " for MLflow " in line] == [
        f"entrypoint: schema created for MLflow {version('mlflow')}"
    ], migrations
    starts = [
        line
        for log in tasks.glob("*/mlflow.log")
        for line in log.read_text(errors="replace").splitlines()
        if "starting MLflow" in line
    ]
    assert len(starts) >= 2 and all("schema current; starting MLflow" in line for line in starts), starts


def test_mlflow_listens_on_loopback_only_and_checks_the_host(stack: Stack) -> None:
    for task in _tasks(stack):
        host, port = task.mlflow.split(":")
        assert host == "127.0.0.1"
        assert _listening_addresses(int(port)) == {"0100007F"}  # 127.0.0.1, nothing else
        # Reached directly with a Host it was not given, MLflow's host check refuses.
        foreign = request(f"http://{task.mlflow}", SEARCH, headers={"Host": "abc123.execute-api.example.com"})
        assert foreign.status == 403


def test_passwords_stay_out_of_process_lists_and_logs(stack: Stack) -> None:
    secrets = [stack.password, _db_password(stack), _db_password(stack, "mlflow_sagemaker_secret")]
    for task in _tasks(stack):
        lines = [_command_line(pid) for container in ("mlflow", "nginx") for pid in task.processes(container)]
        assert len(lines) >= 4, lines  # MLflow's server and its workers; nginx's master and worker
        logs = "".join((task.directory / f"{c}.log").read_text(errors="replace") for c in ("mlflow", "nginx"))
        logs += "\n".join(line for c in ("mlflow", "nginx") for line in _cloudwatch_lines(stack, task.task_id, c))
        for secret in secrets:
            for text in [*lines, logs]:
                assert secret not in text
                assert urllib.parse.quote(secret, safe="") not in text


def test_each_containers_lines_are_in_its_awslogs_stream(stack: Stack) -> None:
    """As on ECS: stream <prefix>/<container>/<task id> of the definition's group, stdout and stderr."""
    for task in _tasks(stack):
        mlflow = _cloudwatch_lines(stack, task.task_id, "mlflow")
        # MLflow's startup line names the port this task's MLflow listens on.
        assert f"Uvicorn running on http://{task.mlflow} (Press CTRL+C to quit)" in "\n".join(mlflow), mlflow[:20]
        assert any(line.startswith("entrypoint: ") for line in mlflow)  # the entrypoint's stderr
        assert _cloudwatch_lines(stack, task.task_id, "nginx")


def test_mlflow_fits_beside_nginx_in_the_task_memory(stack: Stack) -> None:
    """The definition's 2 workers without the job runner: well under the task's 2 GiB."""
    for task in _tasks(stack):
        pids = task.processes("mlflow")
        lines = [_command_line(pid) for pid in pids]
        assert not any("huey" in line or "job" in line.split("mlflow")[-1] for line in lines), lines
        assert sum("spawn_main" in line for line in lines) == 2, lines  # uvicorn's workers
        assert sum(_rss_bytes(pid) for pid in pids) < 1024**3


def test_the_example_discovers_the_stack_and_registers_a_model(stack: Stack) -> None:
    import mlflow
    import numpy as np
    from mlflow import MlflowClient
    from sklearn.datasets import load_wine

    # Like a notebook: AWS credentials and region only (here the emulator's); nothing about MLflow.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MLFLOW_", "AWS_"))}
    env.update({**stack.emulator.environment(), "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"})
    completed = subprocess.run(
        [sys.executable, str(EXAMPLE), "--stack", stack.name, "--model-name", "wine-example"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["tracking_uri"] == stack.url and result["endpoint"] is None
    # It logged in as the SageMaker user, whose password it did not print either.
    for password in (stack.password, _db_password(stack, "mlflow_sagemaker_secret")):
        assert password not in completed.stdout + completed.stderr

    with pytest.MonkeyPatch.context() as patch:
        for key, value in stack.client_environment().items():
            patch.setenv(key, value)
        client = MlflowClient()
        run = client.get_run(result["run_id"])
        assert run.data.params["C"] == "1.0"
        assert run.data.metrics["accuracy"] == result["accuracy"] > 0.8
        version = client.get_model_version("wine-example", result["model_version"])
        assert version.status == "READY" and version.run_id == result["run_id"]
        features, labels = load_wine(return_X_y=True, as_frame=True)
        predictions = mlflow.pyfunc.load_model(result["model_uri"]).predict(features)
    assert np.mean(np.asarray(predictions) == labels.to_numpy()) > 0.9
