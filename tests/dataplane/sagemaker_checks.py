"""The SageMaker lab (examples/sagemaker_lab) on the deployed stack: a training job logs to MLflow and
registers a version, the version is deployed to an endpoint and answers as the model does locally.
Collected by test_stack.py, on its stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.dataplane.conftest import Stack
from tests.support.playbooks import ROOT

LAUNCHER = ROOT / "examples" / "sagemaker_lab" / "launch.py"
# What the images step publishes (issue 18, the serving image).
SERVING_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/{stack}/mlflow-pyfunc:3.17.2"


def _launch(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    # As a user runs it: AWS credentials and region only (the emulator's), nothing about MLflow.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MLFLOW_", "AWS_"))}
    env.update({**stack.emulator.environment(), "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"})
    return subprocess.run(
        [sys.executable, str(LAUNCHER), "--stack", stack.name, "--poll-seconds", "1", "--timeout", "600", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _leftovers(stack: Stack, prefix: str) -> dict[str, Any]:
    sagemaker, s3 = stack.emulator.client("sagemaker"), stack.emulator.client("s3")
    listed = s3.list_objects_v2(Bucket=stack.outputs["artifact_bucket"], Prefix=prefix)
    return {
        "endpoints": [e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]],
        "configs": [c["EndpointConfigName"] for c in sagemaker.list_endpoint_configs()["EndpointConfigs"]],
        "models": [m["ModelName"] for m in sagemaker.list_models()["Models"]],
        "objects": [item["Key"] for item in listed.get("Contents", [])],
    }


def test_the_lab_trains_in_sagemaker_then_deploys_and_invokes_the_registered_model(stack: Stack) -> None:
    import mlflow
    from mlflow import MlflowClient
    from sklearn.datasets import load_wine

    ssm = stack.emulator.client("ssm")
    if not ssm.get_parameters(Names=[f"/mlflow/{stack.name}/serving-image-uri"])["Parameters"]:
        # Where the images step does not publish it yet; the emulator serves with its own MLflow either way.
        ssm.put_parameter(
            Name=f"/mlflow/{stack.name}/serving-image-uri", Value=SERVING_IMAGE.format(stack=stack.name), Type="String"
        )
    completed = _launch(stack, "--model-name", "wine-lab", "--c", "0.5")
    assert completed.returncode == 0, completed.stderr[-4000:]
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert stack.password not in completed.stdout + completed.stderr

    job = stack.emulator.client("sagemaker").describe_training_job(TrainingJobName=summary["training_job"])
    assert job["TrainingJobStatus"] == "Completed"
    assert job["RoleArn"].endswith(f":role/{stack.name}-sagemaker-execution")
    tags = stack.emulator.client("sagemaker").list_tags(ResourceArn=job["TrainingJobArn"])["Tags"]
    assert {"Key": "mlflow:stack", "Value": stack.name} in tags
    requests = stack.emulator.requests()
    invocations = [r for r in requests if r["path"] == f"/endpoints/{summary['endpoint']}/invocations"]
    assert [(r["status"], r["answered_by"]) for r in invocations] == [(200, "sagemaker_endpoints")]
    assert any(r["action"] == "CreateEndpoint" for r in requests)

    with pytest.MonkeyPatch.context() as patch:
        for key, value in stack.client_environment().items():
            patch.setenv(key, value)
        client = MlflowClient()
        run = client.get_run(summary["run_id"])
        assert run.data.tags["sagemaker.training_job"] == summary["training_job"]
        assert run.data.params["C"] == "0.5" and run.data.metrics["accuracy"] > 0.8
        version = client.get_model_version("wine-lab", summary["model_version"])
        assert version.status == "READY" and version.run_id == summary["run_id"]
        rows = load_wine(as_frame=True).data.sample(5, random_state=7)
        local = [int(value) for value in mlflow.pyfunc.load_model(summary["model_uri"]).predict(rows)]
    assert summary["predictions"] == {"remote": local, "local": local}

    left = _leftovers(stack, f"sagemaker-lab/{summary['training_job']}/")
    assert not any(summary["endpoint"] in name for kind in ("endpoints", "configs", "models") for name in left[kind])
    assert left["objects"] == []


def test_a_raising_training_script_fails_the_job_and_the_launcher_says_why(stack: Stack, tmp_path: Path) -> None:
    tmp_path.joinpath("train.py").write_text("raise ValueError('no wine today')\n")
    completed = _launch(stack, "--source-dir", str(tmp_path), "--no-deploy")
    assert completed.returncode == 1, completed.stdout[-2000:]
    message = completed.stderr.strip().splitlines()
    failed = [line for line in message if line.startswith("sagemaker lab: training job ")]
    assert failed and "Failed: AlgorithmError: ExecuteUserScriptError:" in failed[0], completed.stderr[-2000:]
    assert "ValueError: no wine today" in completed.stderr
    job = failed[0].split()[4]
    described = stack.emulator.client("sagemaker").describe_training_job(TrainingJobName=job)
    assert described["TrainingJobStatus"] == "Failed" and "no wine today" in described["FailureReason"]
    assert _leftovers(stack, f"sagemaker-lab/{job}/")["objects"] == []


def test_the_lab_refuses_to_deploy_without_the_serving_image(stack: Stack) -> None:
    sys.path.insert(0, str(LAUNCHER.parent))
    try:
        import launch  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(LAUNCHER.parent))
    with pytest.MonkeyPatch.context() as patch:
        for key, value in stack.emulator.environment().items():
            patch.setenv(key, value)
        session = launch.boto3.session.Session()
        with pytest.raises(launch.LabError, match="serving-image-uri not found: build the serving image first"):
            launch.parameter(session, "no-such-stack", "serving-image-uri", "build the serving image first")
