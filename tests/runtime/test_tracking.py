"""The MLflow Python client through nginx, with basic auth: tracking, artifacts in S3, the registry,
and persistence across a restart of the mlflow process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import mlflow
import numpy as np
import pytest
from mlflow.entities import Metric, Param, RunTag
from mlflow.tracking import MlflowClient
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

import local_runtime
from tests.support.web import basic, request

API_GATEWAY_HOST = "abc123.execute-api.us-west-2.amazonaws.com"
POINTS = 1000


@dataclass(frozen=True)
class Trained:
    experiment_id: str
    run_id: str
    model_name: str
    model_version: str
    model_id: str
    features: np.ndarray
    predictions: np.ndarray


@pytest.fixture(scope="module")
def trained(
    runtime: local_runtime.Runtime, tracking: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Trained]:
    """One experiment and run logged the way a training job does it."""
    mlflow.set_tracking_uri(tracking["MLFLOW_TRACKING_URI"])
    client = MlflowClient()
    experiment_id = client.create_experiment(f"runtime-{time.time_ns()}")
    features, labels = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=300).fit(features, labels)
    notes = tmp_path_factory.mktemp("artifacts") / "notes.txt"
    notes.write_text("trained on iris\n")
    model_name = f"iris-{time.time_ns()}"
    with mlflow.start_run(experiment_id=experiment_id) as run:
        now = int(time.time() * 1000)
        client.log_batch(
            run.info.run_id,
            metrics=[Metric("loss", 1.0 / (step + 1), now + step, step) for step in range(POINTS)],
        )
        client.log_batch(
            run.info.run_id,
            params=[Param("alpha", "0.5"), Param("solver", "lbfgs")],
            tags=[RunTag("team", "ml-platform"), RunTag("stage", "test")],
        )
        mlflow.log_artifact(str(notes), artifact_path="notes")
        logged = mlflow.sklearn.log_model(
            model,
            name="model",
            registered_model_name=model_name,
            signature=mlflow.models.infer_signature(features, model.predict(features)),
            pip_requirements=["scikit-learn"],
        )
    versions = client.search_model_versions(f"name = '{model_name}'")
    yield Trained(
        experiment_id=experiment_id,
        run_id=run.info.run_id,
        model_name=model_name,
        model_version=versions[0].version,
        model_id=logged.model_id,
        features=features,
        predictions=model.predict(features),
    )


def test_params_tags_and_metric_history(trained: Trained) -> None:
    client = MlflowClient()
    run = client.get_run(trained.run_id)
    assert run.data.params == {"alpha": "0.5", "solver": "lbfgs"}
    assert {"team": "ml-platform", "stage": "test"}.items() <= run.data.tags.items()
    history = client.get_metric_history(trained.run_id, "loss")
    assert sorted(point.step for point in history) == list(range(POINTS))
    assert run.data.metrics["loss"] == pytest.approx(1.0 / POINTS)


def test_artifacts_land_in_the_bucket(runtime: local_runtime.Runtime, trained: Trained) -> None:
    client = MlflowClient()
    assert client.get_experiment(trained.experiment_id).artifact_location.startswith("mlflow-artifacts:")
    assert [entry.path for entry in client.list_artifacts(trained.run_id, "notes")] == ["notes/notes.txt"]
    pages = runtime.aws("s3").get_paginator("list_objects_v2").paginate(Bucket=runtime.bucket)
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    assert f"{trained.experiment_id}/{trained.run_id}/artifacts/notes/notes.txt" in keys
    model_files = [
        key for key in keys if key.startswith(f"{trained.experiment_id}/models/{trained.model_id}/artifacts/")
    ]
    assert any(key.endswith("/MLmodel") for key in model_files)
    assert len(model_files) >= 3  # MLmodel, the serialized model, its environment files
    body = (
        runtime.aws("s3")
        .get_object(Bucket=runtime.bucket, Key=f"{trained.experiment_id}/{trained.run_id}/artifacts/notes/notes.txt")[
            "Body"
        ]
        .read()
    )
    assert body == b"trained on iris\n"


def test_registered_model_loads_back_and_predicts(trained: Trained) -> None:
    version = MlflowClient().get_model_version(trained.model_name, trained.model_version)
    assert version.status == "READY"
    loaded = mlflow.pyfunc.load_model(f"models:/{trained.model_name}/{trained.model_version}")
    assert np.array_equal(loaded.predict(trained.features), trained.predictions)


def test_search_runs(trained: Trained) -> None:
    found = mlflow.search_runs(
        experiment_ids=[trained.experiment_id], filter_string="params.alpha = '0.5' and tags.team = 'ml-platform'"
    )
    assert list(found["run_id"]) == [trained.run_id]
    assert MlflowClient().search_runs([trained.experiment_id], "metrics.loss < 0.01")[0].info.run_id == trained.run_id


def test_api_gateway_host_header_is_not_refused(runtime: local_runtime.Runtime) -> None:
    assert runtime.mlflow is not None
    path = "/api/2.0/mlflow/experiments/search?max_results=1"
    auth = {"Authorization": basic(*runtime.credentials())}
    through_nginx = request(runtime.url, path, headers={**auth, "Host": API_GATEWAY_HOST})
    assert through_nginx.status == 200, through_nginx.body
    # MLflow's host check is on: the same Host sent to MLflow directly is refused.
    direct = request(runtime.mlflow.url, path, headers={"Host": API_GATEWAY_HOST})
    assert direct.status == 403


def _listening_addresses(port: int) -> set[str]:
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _remote, state = line.split()[1:4]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                addresses.add(address)
    return addresses


def test_mlflow_listens_on_loopback_only(runtime: local_runtime.Runtime) -> None:
    assert runtime.mlflow is not None
    assert _listening_addresses(runtime.mlflow.port) == {"0100007F"}  # 127.0.0.1, nothing else


def _group_command_lines(pgid: int) -> list[str]:
    lines = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                lines.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, IndexError, ValueError):
            continue
    return lines


def test_passwords_stay_out_of_process_lists_and_logs(runtime: local_runtime.Runtime, trained: Trained) -> None:
    assert runtime.mlflow is not None and runtime.nginx is not None
    secrets = [runtime.credentials()[1], runtime.secret_json(runtime.db_secret)["password"]]
    command_lines = _group_command_lines(runtime.mlflow.service.pid) + _group_command_lines(runtime.nginx.service.pid)
    assert len(command_lines) >= 3  # mlflow server, uvicorn and its workers; nginx master and worker
    logs = runtime.mlflow.service.log.read_text() + runtime.nginx.service.log.read_text()
    for secret in secrets:
        for text in [*command_lines, logs]:
            assert secret not in text
            assert secret.replace("%", "%25").replace("@", "%40") not in text


def _group_rss_bytes(pgid: int) -> int:
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            status = (proc / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        rss = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")), "0")
        total += int(rss) * 1024
    return total


def test_mlflow_fits_beside_nginx_in_the_task_memory(runtime: local_runtime.Runtime, trained: Trained) -> None:
    """2 workers without the job runner: well under the task's 2 GiB (the runner alone adds ~1.2 GB)."""
    assert runtime.mlflow is not None
    processes = _group_command_lines(runtime.mlflow.service.pid)
    assert not any("huey" in line or "job" in line.split("mlflow")[-1] for line in processes), processes
    assert sum("spawn_main" in line for line in processes) == 2, processes  # uvicorn's workers
    assert _group_rss_bytes(runtime.mlflow.service.pid) < 1024**3


def test_everything_survives_a_restart_of_mlflow(runtime: local_runtime.Runtime, trained: Trained) -> None:
    client = MlflowClient()
    before_runs = {run.info.run_id for run in client.search_runs([trained.experiment_id])}
    before_models = {model.name for model in client.search_registered_models()}
    assert runtime.mlflow is not None
    port = runtime.mlflow.port
    runtime.mlflow.service.stop()
    # While MLflow is down the ALB health check fails, so the target leaves the load balancer.
    assert request(runtime.url, "/elb-status").status == 502
    runtime.start_mlflow(port=port)
    assert request(runtime.url, "/elb-status").status == 200
    after = MlflowClient()
    assert {run.info.run_id for run in after.search_runs([trained.experiment_id])} == before_runs
    assert trained.model_name in before_models
    assert {model.name for model in after.search_registered_models()} == before_models
    assert len(after.get_metric_history(trained.run_id, "loss")) == POINTS
    assert after.get_run(trained.run_id).data.params["alpha"] == "0.5"
    loaded = mlflow.pyfunc.load_model(f"models:/{trained.model_name}/{trained.model_version}")
    assert np.array_equal(loaded.predict(trained.features), trained.predictions)
