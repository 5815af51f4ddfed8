#!/usr/bin/env python3
"""The SageMaker half of the lab: train in a SageMaker training job, deploy the registered model to an
endpoint with MLflow's SageMaker deployment client, invoke it, clean up (docs/sagemaker_lab.md).

    pip install -r examples/sagemaker_lab/requirements.txt
    python examples/sagemaker_lab/launch.py --stack mlflow

1. Packs train.py and examples/mlflow_sagemaker_example.py into sourcedir.tar.gz in the stack's artifact
   bucket (SSM /mlflow/<stack>/artifact-bucket) and starts a training job in script mode (the
   hyperparameters sagemaker_program and sagemaker_submit_directory, as the SageMaker Python SDK sets
   them) with the stack's execution role <stack>-sagemaker-execution. The script logs to the stack's MLflow
   and registers a version. A job that fails is reported with SageMaker's FailureReason (exit status 1).
2. Deploys that version (models:/<name>/<version>) with mlflow.deployments.get_deploy_client("sagemaker")
   and the serving image the stack built (SSM /mlflow/<stack>/serving-image-uri; none: a clear error).
3. Invokes the endpoint with a few rows and compares with the model loaded locally (exit status 2 if they
   differ), then deletes the endpoint, its configuration and model, and the job's S3 objects.

Everything it creates is tagged mlflow:stack=<stack>, so the stack's teardown finds what a crashed run
left. The run and the registered version stay in MLflow. The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tarfile
import time
import uuid
from pathlib import Path
from typing import Any

import boto3

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "mlflow_sagemaker_example.py"
sys.path.insert(0, str(HERE.parent))

from mlflow_sagemaker_example import client_environment, connect, discover  # noqa: E402

STACK_TAG = "mlflow:stack"
# SageMaker's scikit-learn image (script mode) in us-east-1; other regions: --training-image.
DEFAULT_TRAINING_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3"
FINAL = ("Completed", "Failed", "Stopped")
ROWS = 5


class LabError(Exception):
    """What stops the lab, said plainly; exit status ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def parameter(session: boto3.session.Session, stack: str, name: str, missing: str) -> str:
    ssm = session.client("ssm")
    try:
        return str(ssm.get_parameter(Name=f"/mlflow/{stack}/{name}")["Parameter"]["Value"])
    except ssm.exceptions.ParameterNotFound:
        raise LabError(f"SSM parameter /mlflow/{stack}/{name} not found: {missing}") from None


def role_arn(session: boto3.session.Session, stack: str, given: str | None) -> str:
    if given:
        return given
    name = f"{stack}-sagemaker-execution"
    iam = session.client("iam")
    try:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        raise LabError(f"no role {name}: deploy the sagemaker_studio tier, or pass --role-arn") from None


def source_archive(source_dir: Path) -> bytes:
    """sourcedir.tar.gz: the lab's files (or --source-dir's) and the example module they import."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in sorted(source_dir.iterdir()):
            if path.is_file() and path.suffix in (".py", ".txt"):
                tar.add(path, arcname=path.name)
        tar.add(EXAMPLE, arcname=EXAMPLE.name)
    return buffer.getvalue()


def start_training(session: boto3.session.Session, args: argparse.Namespace, job: str) -> dict[str, str]:
    bucket = parameter(session, args.stack, "artifact-bucket", "deploy the stack first")
    prefix = f"sagemaker-lab/{job}"
    session.client("s3").put_object(
        Bucket=bucket, Key=f"{prefix}/source/sourcedir.tar.gz", Body=source_archive(args.source_dir)
    )
    hyperparameters = {
        "stack": args.stack,
        "region": session.region_name,
        "experiment": args.experiment,
        "model-name": args.model_name,
        "c": args.c,
        "max-iter": args.max_iter,
        "sagemaker_program": args.entry_point,
        "sagemaker_submit_directory": f"s3://{bucket}/{prefix}/source/sourcedir.tar.gz",
        "sagemaker_region": session.region_name,
    }
    session.client("sagemaker").create_training_job(
        TrainingJobName=job,
        AlgorithmSpecification={"TrainingImage": args.training_image, "TrainingInputMode": "File"},
        RoleArn=role_arn(session, args.stack, args.role_arn),
        # As the SageMaker Python SDK sends them: every value JSON-encoded.
        HyperParameters={key: json.dumps(value) for key, value in hyperparameters.items()},
        OutputDataConfig={"S3OutputPath": f"s3://{bucket}/{prefix}/output"},
        ResourceConfig={"InstanceType": args.instance_type, "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Environment={"MLFLOW_DISABLE_TELEMETRY": "true"},
        Tags=[{"Key": STACK_TAG, "Value": args.stack}],
    )
    return {"bucket": bucket, "prefix": prefix}


def wait_for_training(session: boto3.session.Session, job: str, poll: float, timeout: float) -> dict[str, Any]:
    sagemaker = session.client("sagemaker")
    deadline = time.monotonic() + timeout
    while True:
        described = sagemaker.describe_training_job(TrainingJobName=job)
        if described["TrainingJobStatus"] in FINAL:
            break
        if time.monotonic() > deadline:
            raise LabError(f"training job {job} still {described['SecondaryStatus']} after {timeout:.0f} s")
        time.sleep(poll)
    if described["TrainingJobStatus"] != "Completed":
        reason = described.get("FailureReason", "no reason given")
        raise LabError(f"training job {job} {described['TrainingJobStatus']}: {reason}")
    return dict(described)


def training_result(session: boto3.session.Session, described: dict[str, Any]) -> dict[str, Any]:
    """result.json that train.py left in the model directory (model.tar.gz)."""
    bucket, key = described["ModelArtifacts"]["S3ModelArtifacts"][len("s3://") :].split("/", 1)
    body = session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        member = tar.extractfile("result.json")
        if member is None:
            raise LabError(f"no result.json in {described['ModelArtifacts']['S3ModelArtifacts']}")
        return dict(json.load(member))


def deploy(session: boto3.session.Session, args: argparse.Namespace, model_uri: str, name: str) -> None:
    from mlflow.deployments import get_deploy_client

    image = parameter(
        session,
        args.stack,
        "serving-image-uri",
        "build the serving image first (ansible-playbook playbooks/site.yml --tags images)",
    )
    client = get_deploy_client(f"sagemaker:/{session.region_name}")
    config = {
        "execution_role_arn": role_arn(session, args.stack, args.role_arn),
        "image_url": image,
        "bucket": parameter(session, args.stack, "artifact-bucket", "deploy the stack first"),
        "instance_type": args.instance_type,
        "instance_count": 1,
        "synchronous": True,
        "timeout_seconds": args.timeout,
        "tags": {STACK_TAG: args.stack},
    }
    client.create_deployment(name=name, model_uri=model_uri, flavor="python_function", config=config)
    # MLflow tags the endpoint configuration with its app name only: teardown finds it by the stack's tag.
    sagemaker = session.client("sagemaker")
    config_name = sagemaker.describe_endpoint(EndpointName=name)["EndpointConfigName"]
    arn = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)["EndpointConfigArn"]
    sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": STACK_TAG, "Value": args.stack}])


def compare(session: boto3.session.Session, endpoint: str, model_uri: str) -> dict[str, Any]:
    """The endpoint's predictions for a few rows, and whether the locally loaded model agrees."""
    import mlflow
    from sklearn.datasets import load_wine

    rows = load_wine(as_frame=True).data.sample(ROWS, random_state=7)
    answer = session.client("sagemaker-runtime").invoke_endpoint(
        EndpointName=endpoint,
        ContentType="application/json",
        Accept="application/json",
        Body=json.dumps({"dataframe_split": rows.to_dict(orient="split")}),
    )
    remote = json.loads(answer["Body"].read())["predictions"]
    local = [int(value) for value in mlflow.pyfunc.load_model(model_uri).predict(rows)]
    return {"remote": [int(value) for value in remote], "local": local}


def clean_up(session: boto3.session.Session, endpoint: str | None, places: dict[str, str]) -> None:
    """The deployment (endpoint, configuration, model and its model.tar.gz), then the job's S3 objects."""
    if endpoint is not None:
        from mlflow.deployments import get_deploy_client

        sagemaker = session.client("sagemaker")
        if any(
            item["EndpointName"] == endpoint for item in sagemaker.list_endpoints(NameContains=endpoint)["Endpoints"]
        ):
            get_deploy_client(f"sagemaker:/{session.region_name}").delete_deployment(
                endpoint, config={"synchronous": True}
            )
        # What a deployment that failed half-way left: MLflow names them <endpoint>-config-/-model-<id>.
        for config in sagemaker.list_endpoint_configs(NameContains=f"{endpoint}-config-")["EndpointConfigs"]:
            sagemaker.delete_endpoint_config(EndpointConfigName=config["EndpointConfigName"])
        for model in sagemaker.list_models(NameContains=f"{endpoint}-model-")["Models"]:
            sagemaker.delete_model(ModelName=model["ModelName"])
    if places:
        s3 = session.client("s3")
        listed = s3.list_objects_v2(Bucket=places["bucket"], Prefix=places["prefix"] + "/").get("Contents", [])
        for item in listed:
            s3.delete_object(Bucket=places["bucket"], Key=item["Key"])


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="mlflow", help="the stack name (mlflow_stack_name)")
    parser.add_argument("--experiment", default="sagemaker-lab")
    parser.add_argument("--model-name", default="wine-classifier")
    parser.add_argument("--c", type=float, default=1.0)
    parser.add_argument("--max-iter", type=int, default=500)
    parser.add_argument("--role-arn", help="execution role (default: <stack>-sagemaker-execution)")
    parser.add_argument("--training-image", default=DEFAULT_TRAINING_IMAGE)
    parser.add_argument("--instance-type", default="ml.m5.large")
    parser.add_argument("--source-dir", type=Path, default=HERE, help="the training code (default: this folder)")
    parser.add_argument("--entry-point", default="train.py")
    parser.add_argument("--no-deploy", action="store_true", help="train and register only")
    parser.add_argument("--poll-seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds for the job, then for the endpoint")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, session: boto3.session.Session) -> dict[str, Any]:
    job = f"{args.stack}-lab-{uuid.uuid4().hex[:8]}"
    places: dict[str, str] = {}
    endpoint: str | None = None
    try:
        places = start_training(session, args, job)
        result = training_result(session, wait_for_training(session, job, args.poll_seconds, args.timeout))
        summary: dict[str, Any] = {"training_job": job, **result, "endpoint": None}
        if args.no_deploy:
            return summary
        for key, value in client_environment(args.stack, session).items():
            os.environ.setdefault(key, value)
        connect(*discover(args.stack, session))
        endpoint = f"{args.stack}-lab-{result['model_version']}-{job[-8:]}"
        deploy(session, args, result["model_uri"], endpoint)
        predictions = compare(session, endpoint, result["model_uri"])
        summary.update(endpoint=endpoint, predictions=predictions)
        if predictions["remote"] != predictions["local"]:
            raise LabError(f"the endpoint's predictions differ from the local model's: {predictions}", code=2)
        return summary
    finally:
        clean_up(session, endpoint, places)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    session = boto3.session.Session()
    try:
        summary = run(args, session)
    except LabError as error:
        print(f"sagemaker lab: {error}", file=sys.stderr)
        return error.code
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
