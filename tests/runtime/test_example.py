"""examples/mlflow_sagemaker_example.py end to end: discovery through SSM and Secrets Manager, then
training, logging and registration through nginx's basic auth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mlflow
import numpy as np
from mlflow.tracking import MlflowClient
from sklearn.datasets import load_wine

import local_runtime

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mlflow_sagemaker_example.py"


def test_example_trains_logs_and_registers_a_model(runtime: local_runtime.Runtime, tracking: dict[str, str]) -> None:
    # Like a notebook: AWS credentials and region only (here the emulator's); nothing about MLflow.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MLFLOW_", "AWS_"))}
    env.update(runtime.emulator.environment())
    env.update({"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"})
    completed = subprocess.run(
        [sys.executable, str(EXAMPLE), "--stack", runtime.stack, "--model-name", "wine-example"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["tracking_uri"] == runtime.url
    assert result["endpoint"] is None
    password = runtime.credentials()[1]
    assert password not in completed.stdout + completed.stderr

    run = MlflowClient().get_run(result["run_id"])
    assert run.data.params["C"] == "1.0"
    assert run.data.metrics["accuracy"] == result["accuracy"] > 0.8
    assert "f1_macro" in run.data.metrics
    version = MlflowClient().get_model_version("wine-example", result["model_version"])
    assert version.status == "READY"
    assert version.run_id == result["run_id"]

    features, labels = load_wine(return_X_y=True, as_frame=True)
    predictions = mlflow.pyfunc.load_model(result["model_uri"]).predict(features)
    assert np.mean(np.asarray(predictions) == labels.to_numpy()) > 0.9
