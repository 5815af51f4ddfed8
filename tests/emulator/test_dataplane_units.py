"""The data plane's pure parts: images from files/, ECS secrets as the agent resolves them, the
loopback address pool and the health-check URL translation (no processes started)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from emulator.dataplane import images, mlflow_runtimes
from emulator.dataplane import secrets as secret_values
from emulator.dataplane.addresses import AddressPool
from emulator.dataplane.task import LocalTask

ACCOUNT, REGION = "123456789012", "us-east-1"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"


def test_the_image_repository_names_the_source_directory() -> None:
    assert images.image_of(f"{REGISTRY}/stack/nginx:abc123").source == images.FILES / "nginx"
    assert images.image_of(f"{REGISTRY}/stack/mlflow@sha256:00ff").name == "mlflow"
    with pytest.raises(images.ImageError, match="CannotPullContainerError"):
        images.image_of(f"{REGISTRY}/stack/redis:7")


def test_a_pushed_image_runs_its_own_build_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What CodeBuild pushed under a tag runs, not today's files/: a stack of an older release keeps its images."""
    import io
    import zipfile

    monkeypatch.setattr(images, "CONTEXTS", tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Dockerfile", "FROM nginx:1.30.1\nENV RELEASE=old\n")
        script = zipfile.ZipInfo("entrypoint.sh")
        script.external_attr = 0o100755 << 16
        archive.writestr(script, '#!/bin/sh\nexec "$@"\n')
        archive.writestr("../outside", "x")
    with zipfile.ZipFile(buffer) as archive:
        images.keep_pushed("old/nginx", "v1-arm64", "sha256:0a0b", archive)
    pushed = images.image_of(f"{REGISTRY}/old/nginx:v1-arm64")
    assert pushed.source == tmp_path / "0a0b" and pushed.name == "nginx"
    assert images.image_of(f"{REGISTRY}/old/nginx@sha256:0a0b").source == pushed.source
    assert images.dockerfile_env(pushed.source / "Dockerfile") == {"RELEASE": "old"}
    assert (pushed.source / "entrypoint.sh").stat().st_mode & 0o777 == 0o755
    assert not (tmp_path / "outside").exists()
    # Another tag of the repository was never pushed by a build: the sources of today.
    assert images.image_of(f"{REGISTRY}/old/nginx:v2-arm64").source == images.FILES / "nginx"


def test_the_dockerfile_env_is_the_images() -> None:
    env = images.dockerfile_env(images.FILES / "mlflow" / "Dockerfile")
    assert env["MLFLOW_DISABLE_TELEMETRY"] == "true"
    assert images.dockerfile_env(images.FILES / "nginx" / "Dockerfile")["MLFLOW_UPSTREAM"] == "127.0.0.1:5000"


@pytest.fixture
def secret_arn() -> str:
    from moto.backends import get_backend

    backend = get_backend("secretsmanager")[ACCOUNT][REGION]
    secret = backend.create_secret(
        name=f"units-{id(object())}",
        secret_string=json.dumps({"username": "admin", "password": "p@ss:word"}),
        secret_binary=None,
        description=None,
        tags=[],
        kms_key_id=None,
        client_request_token=None,
        replica_regions=[],
        force_overwrite=False,
    )
    return str(json.loads(secret)["ARN"]) if isinstance(secret, str) else str(secret.arn)


def test_secrets_resolve_a_json_key_or_fail_with_the_agents_reason(secret_arn: str) -> None:
    resolved = secret_values.resolve(
        [{"name": "P", "valueFrom": f"{secret_arn}:password::"}, {"name": "ALL", "valueFrom": secret_arn}],
        ACCOUNT,
        REGION,
    )
    assert resolved["P"] == "p@ss:word"
    assert json.loads(resolved["ALL"])["username"] == "admin"
    with pytest.raises(secret_values.SecretError, match="did not contain json key missing") as failure:
        secret_values.resolve([{"name": "X", "valueFrom": f"{secret_arn}:missing::"}], ACCOUNT, REGION)
    assert "p@ss" not in str(failure.value)


def test_an_image_missing_from_ecr_cannot_be_pulled() -> None:
    with pytest.raises(images.ImageError, match="CannotPullContainerError"):
        images.require_in_ecr(f"{REGISTRY}/nowhere/nginx:1", ACCOUNT, REGION)


def test_the_emulators_own_mlflow_runs_in_place_and_another_needs_a_version_the_image_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(mlflow_runtimes.CACHE_VARIABLE, str(tmp_path))
    assert mlflow_runtimes.python_for(None) == sys.executable
    assert mlflow_runtimes.python_for(mlflow_runtimes.installed_version()) == sys.executable
    assert mlflow_runtimes.installed_version() in mlflow_runtimes.buildable_versions()
    # A version the image cannot build has no image to pull; nothing is installed for it.
    with pytest.raises(images.ImageError, match=r"CannotPullContainerError: no image of MLflow 0\.0\.1"):
        mlflow_runtimes.python_for("0.0.1")
    assert list(tmp_path.iterdir()) == []


def test_addresses_are_stable_and_distinct_per_kind() -> None:
    pool = AddressPool()
    try:
        first, second = pool.address("task", "a"), pool.address("task", "b")
        assert first != second and pool.address("task", "a") == first
        assert first.startswith(f"127.{pool.block}.") and pool.address("db", "a") != first
        other = AddressPool()
        assert other.block != pool.block
        other.close()
    finally:
        pool.close()


def test_health_check_urls_reach_the_tasks_listeners(tmp_path: Path) -> None:
    task = LocalTask("t", {}, "127.100.16.2", tmp_path, ACCOUNT, REGION, {})
    task.listen = {80: ("127.100.16.2", 80), 5000: ("127.0.0.1", 41000)}
    assert task._translate("curl -fsS http://127.0.0.1/elb-status") == "curl -fsS http://127.100.16.2:80/elb-status"
    assert task._translate("urlopen('http://127.0.0.1:5000/health')") == "urlopen('http://127.0.0.1:41000/health')"
    assert task._translate("http://localhost:9999/x") == "http://localhost:9999/x"


def test_health_check_failures_after_the_start_period_count_an_interval_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on ECS, `retries` failures after the start period take retries x interval, not a burst."""
    from emulator.dataplane import task as task_module

    check = {"command": ["CMD", "false"], "interval": 15, "retries": 3, "startPeriod": 60}
    container = task_module.Container(definition={"name": "mlflow", "healthCheck": check})
    task = LocalTask("t", {}, "127.100.16.2", tmp_path, ACCOUNT, REGION, {})
    monkeypatch.setattr(task, "_probe", lambda _check: False)
    clock = {"now": 0.0}
    monkeypatch.setattr(task_module.time, "monotonic", lambda: clock["now"])
    unhealthy_at = None
    for second in range(200):
        clock["now"] = float(second)
        try:
            task._health_check(container)
        except task_module.TaskFailure:
            unhealthy_at = second
            break
    assert container.health == "UNHEALTHY"
    assert unhealthy_at is not None and unhealthy_at >= 60 + 2 * 15
