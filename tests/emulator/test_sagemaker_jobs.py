"""SageMaker training jobs and endpoints in the emulator: the job's script runs in its SageMaker
environment, states move as AWS's do, failures carry AWS's reasons (serving: tests/dataplane)."""

from __future__ import annotations

import io
import json
import tarfile
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.behaviours.sagemaker_training import CAPACITY_REASON
from emulator.launcher import Emulator
from tests.support.playbooks import client

# Reads a channel, a hyperparameter and the job's Environment; writes the model directory.
SCRIPT = """
import argparse, json, os, pathlib
parser = argparse.ArgumentParser()
parser.add_argument("--scale", type=int)
args = parser.parse_args()
rows = pathlib.Path(os.environ["SM_CHANNEL_TRAIN"], "rows.txt").read_text().split()
model = {"total": sum(map(int, rows)) * args.scale, "hp": os.environ["SM_HP_SCALE"],
         "greeting": os.environ["GREETING"], "hps": json.loads(os.environ["SM_HPS"])}
pathlib.Path(os.environ["SM_MODEL_DIR"], "model.json").write_text(json.dumps(model))
"""
RAISING = "raise ValueError('the wine went off')\n"


def _tar(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _job(emulator: Emulator, script: str, name: str | None = None) -> str:
    """A job in script mode (as the SageMaker SDK starts one); its name, also its bucket's."""
    name = name or f"tj-{uuid.uuid4().hex[:8]}"
    s3 = client(emulator, "s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="code/sourcedir.tar.gz", Body=_tar({"train.py": script}))
    s3.put_object(Bucket=name, Key="data/train/rows.txt", Body=b"1 2 3\n")
    client(emulator, "sagemaker").create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": "sklearn:1.2-1", "TrainingInputMode": "File"},
        RoleArn="arn:aws:iam::123456789012:role/sm",
        HyperParameters={
            "scale": "10",
            "sagemaker_program": '"train.py"',
            "sagemaker_submit_directory": json.dumps(f"s3://{name}/code/sourcedir.tar.gz"),
        },
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{name}/data/train"}},
            }
        ],
        OutputDataConfig={"S3OutputPath": f"s3://{name}/output"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Environment={"GREETING": "hello"},
    )
    return name


def _finished(emulator: Emulator, name: str) -> dict[str, Any]:
    sagemaker = client(emulator, "sagemaker")
    first = sagemaker.describe_training_job(TrainingJobName=name)
    assert (first["TrainingJobStatus"], first["SecondaryStatus"]) == ("InProgress", "Starting")
    emulator.advance(600)  # provisioning's modeled time, at most the slow profile's
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = sagemaker.describe_training_job(TrainingJobName=name)
        if job["TrainingJobStatus"] != "InProgress":
            return job
        time.sleep(0.5)
    raise AssertionError(f"{name} still InProgress: {job['SecondaryStatus']}")


def test_a_training_job_runs_its_script_and_uploads_the_model(emulator: Emulator) -> None:
    name = bucket = _job(emulator, SCRIPT)
    job = _finished(emulator, name)
    assert (job["TrainingJobStatus"], job["SecondaryStatus"]) == ("Completed", "Completed"), job.get("FailureReason")
    steps = [step["Status"] for step in job["SecondaryStatusTransitions"]]
    assert steps == ["Starting", "Downloading", "Training", "Uploading", "Completed"]
    artifact = job["ModelArtifacts"]["S3ModelArtifacts"]
    assert artifact == f"s3://{bucket}/output/{name}/output/model.tar.gz"
    body = client(emulator, "s3").get_object(Bucket=bucket, Key=artifact.split("/", 3)[3])["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        model = json.loads(tar.extractfile("model.json").read())  # type: ignore[union-attr]
    assert model == {"total": 60, "hp": "10", "greeting": "hello", "hps": {"scale": 10}}


def test_a_raising_script_fails_the_job_with_its_error(emulator: Emulator) -> None:
    name = _job(emulator, RAISING)
    with pytest.raises(ClientError) as taken:  # a job's name stays taken, whatever its state
        _job(emulator, RAISING, name)
    assert taken.value.response["Error"]["Code"] == "ResourceInUse"
    job = _finished(emulator, name)
    assert job["TrainingJobStatus"] == "Failed"
    assert job["FailureReason"].startswith("AlgorithmError: ExecuteUserScriptError:")
    assert "ValueError: the wine went off" in job["FailureReason"] and "ExitCode 1" in job["FailureReason"]


def test_an_endpoint_whose_model_artifact_is_missing_fails_with_the_reason(emulator: Emulator) -> None:
    name = f"ep-{uuid.uuid4().hex[:8]}"
    sagemaker = client(emulator, "sagemaker")
    sagemaker.create_model(
        ModelName=name,
        PrimaryContainer={"Image": "mlflow-pyfunc:3", "ModelDataUrl": f"s3://{name}/missing/model.tar.gz"},
        ExecutionRoleArn="arn:aws:iam::123456789012:role/sm",
    )
    variant = {"VariantName": "AllTraffic", "ModelName": name, "InstanceType": "ml.m5.large"}
    sagemaker.create_endpoint_config(
        EndpointConfigName=name, ProductionVariants=[{**variant, "InitialInstanceCount": 1}]
    )
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=name)
    assert sagemaker.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Creating"
    with pytest.raises(ClientError) as again:
        sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=name)
    assert again.value.response["Error"]["Code"] == "ValidationException"
    runtime = client(emulator, "sagemaker-runtime")
    with pytest.raises(ClientError) as refused:
        runtime.invoke_endpoint(EndpointName=name, Body=b"{}", ContentType="application/json")
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    emulator.advance(900)
    deadline = time.monotonic() + 30
    while (endpoint := sagemaker.describe_endpoint(EndpointName=name))["EndpointStatus"] == "Creating":
        assert time.monotonic() < deadline, "still Creating"
        time.sleep(0.2)
    assert endpoint["EndpointStatus"] == "Failed"
    assert endpoint["FailureReason"].startswith(f"Failed to download model data(bucket: {name}, key: missing/")
    sagemaker.delete_endpoint(EndpointName=name)
    assert not [e for e in sagemaker.list_endpoints()["Endpoints"] if e["EndpointName"] == name]


def test_a_job_without_capacity_fails_in_starting_without_running(emulator: Emulator) -> None:
    with emulator.faults("fail=training_job_start"):
        name = bucket = _job(emulator, SCRIPT)  # the fault applies to jobs created while it is set
    job = _finished(emulator, name)
    assert (job["TrainingJobStatus"], job["FailureReason"]) == ("Failed", CAPACITY_REASON)
    assert [step["Status"] for step in job["SecondaryStatusTransitions"]] == ["Starting", "Failed"]
    assert "Contents" not in client(emulator, "s3").list_objects_v2(Bucket=bucket, Prefix="output/")
