"""A stack deployed by the release before MLflow's own authentication, re-run with today's site.yml
(issue 17, Must show; make soak, not make test: two data-plane deploys).

That release's nginx checked the one password of `<stack>/mlflow-credentials`. The re-run turns on
MLflow's auth app, which creates its admin from the same secret: the credentials users already have keep
working through the endpoint, and the runs logged before are still there.

The old release runs from a git worktree of its commit (playbooks, roles, plugins and image sources), in
an account where ECS was used before: that release predates the tiers' service-linked role step, and AWS
refuses the first CreateService of a fresh account while the role propagates.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator import launcher
from tests.dataplane.conftest import start_dataplane_emulator
from tests.support.names import names
from tests.support.playbooks import ROOT, run_playbook

pytestmark = pytest.mark.soak

# The first parent of 07d30b6, the merge that brought MLflow's users and permissions.
PRE_AUTH_COMMIT = "5b652e53102498de8486af9c821f7f066a7c494c"
STACK = "preauth"
# Not what this test is about, and its old release's teardown path differs: one tier less to wait for.
TIERS = ("--skip-tags", "sagemaker_studio")
# A whole data-plane deploy, beside the other soak tests on a busy machine (15 min was not enough once).
DEPLOY_TIMEOUT_S = 2400
# That release gives MLflow 60 s to start. On Fargate each task has its own vCPU; here two tasks of two
# workers share the machine's cores with the other soak tests, and under that load they missed the start
# period once. One worker a task is what this test needs of the old release (its runs, its password).
OLD_RELEASE_VARS = {"mlflow_stack_name": STACK, "ecs_service_mlflow_workers": 1}


@pytest.fixture(scope="module")
def old_release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tree = tmp_path_factory.mktemp("pre-auth") / "checkout"
    git = ["git", "-C", str(ROOT), "worktree"]
    subprocess.run([*git, "add", "--detach", str(tree), PRE_AUTH_COMMIT], check=True, capture_output=True)
    try:
        link = tree / ".collections" / "ansible_collections" / "mlops" / "mlflow_aws"
        link.parent.mkdir(parents=True)
        link.symlink_to("../../..")  # as `make collections` links a checkout
        yield tree
    finally:
        subprocess.run([*git, "remove", "--force", str(tree)], check=False, capture_output=True)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launcher.Emulator]:
    state_dir = tmp_path_factory.mktemp("pre-auth-emulator")
    running = start_dataplane_emulator(state_dir)
    try:
        running.age_account()
        yield running
    finally:
        launcher.stop(state_dir)


def _call(url: str, credentials: tuple[str, str], path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    token = base64.b64encode(":".join(credentials).encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def _admin(emulator: launcher.Emulator, kind: str = "mlflow_secret") -> tuple[str, str]:
    secret = emulator.client("secretsmanager").get_secret_value(SecretId=names(STACK)[kind])
    values = json.loads(secret["SecretString"])
    return values["username"], values["password"]


def _log_a_run(url: str, admin: tuple[str, str]) -> str:
    status, body = _call(url, admin, "/api/2.0/mlflow/experiments/create", {"name": f"before-{time.time_ns()}"})
    assert status == 200, body
    run = {"experiment_id": body["experiment_id"], "start_time": int(time.time() * 1000), "run_name": "pre-auth"}
    status, body = _call(url, admin, "/api/2.0/mlflow/runs/create", run)
    assert status == 200, body
    run_id = str(body["run"]["info"]["run_id"])
    metric = {"run_id": run_id, "key": "loss", "value": 0.125, "timestamp": 1, "step": 0}
    assert _call(url, admin, "/api/2.0/mlflow/runs/log-metric", metric)[0] == 200
    return run_id


def test_a_pre_auth_stack_keeps_its_admin_credentials_and_runs(emulator: launcher.Emulator, old_release: Path) -> None:
    old = run_playbook(
        emulator,
        "site.yml",
        *TIERS,
        extra_vars=OLD_RELEASE_VARS,
        cwd=old_release,
        root=old_release,
        timeout=DEPLOY_TIMEOUT_S,
    )
    assert not old.failed, old.output[-4000:]
    url = json.loads((old_release / "outputs" / f"{STACK}.json").read_text())["tracking_uri"]
    admin = _admin(emulator)
    assert _call(url, (admin[0], admin[1] + "x"), "/api/2.0/mlflow/experiments/search?max_results=1")[0] == 401
    run_id = _log_a_run(url, admin)

    current = run_playbook(
        emulator, "site.yml", *TIERS, extra_vars={"mlflow_stack_name": STACK}, timeout=DEPLOY_TIMEOUT_S
    )
    assert not current.failed, current.output[-4000:]
    assert json.loads((ROOT / "outputs" / f"{STACK}.json").read_text())["tracking_uri"] == url
    assert _admin(emulator) == admin, "the re-run must not touch the admin's secret"
    # The same credentials, now checked by MLflow: its admin, and the run of before with its metric.
    status, body = _call(url, admin, f"/api/2.0/mlflow/runs/get?run_id={run_id}")
    assert status == 200, body
    assert [(m["key"], m["value"]) for m in body["run"]["data"]["metrics"]] == [("loss", 0.125)]
    status, body = _call(url, admin, "/api/2.0/mlflow/users/list")
    assert status == 200, body
    assert {user["username"]: user["is_admin"] for user in body["users"]}[admin[0]] is True
    assert _call(url, (admin[0], admin[1] + "x"), f"/api/2.0/mlflow/runs/get?run_id={run_id}")[0] == 401
    # The upgrade brought the SageMaker user too: it may log into the admin's experiment, not make users.
    sagemaker = _admin(emulator, "mlflow_sagemaker_secret")
    status, body = _call(url, sagemaker, f"/api/2.0/mlflow/runs/get?run_id={run_id}")
    assert status == 200, body
    experiment_id = body["run"]["info"]["experiment_id"]
    run = {"experiment_id": experiment_id, "start_time": int(time.time() * 1000), "run_name": "sagemaker"}
    assert _call(url, sagemaker, "/api/2.0/mlflow/runs/create", run)[0] == 200
    intruder = {"username": f"intruder-{time.time_ns()}", "password": "a-password-of-16"}
    assert _call(url, sagemaker, "/api/2.0/mlflow/users/create", intruder)[0] == 403
