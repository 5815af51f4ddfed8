#!/usr/bin/env python3
"""Train a model and track it in the stack's MLflow: the CDK sample's notebook as a plain script.

Run it in SageMaker Studio (the execution role may read the stack's parameters and the SageMaker
user's credentials secret, never the admin's) or anywhere with AWS credentials:

    python examples/mlflow_sagemaker_example.py --stack mlflow             # the MLflow password
    python examples/mlflow_sagemaker_example.py --stack mlflow --auth iam  # the caller's AWS role

With --auth iam (on an AWS role that may call the stack's AWS_IAM routes, as the SageMaker execution
role may) no password is read: the requests go to /mlflow/<stack>/iam-tracking-uri, signed by the
client plugin clients/mlflow-aws-sigv4-auth (pip install it; MLFLOW_TRACKING_AUTH from
/mlflow/<stack>/iam-tracking-auth), and MLflow sees the role as its own user (docs/auth.md).

Otherwise it discovers the tracking URI (SSM parameter /mlflow/<stack>/tracking-uri) and the basic-auth
credentials of the stack's non-admin SageMaker user (the Secrets Manager secret named by
/mlflow/<stack>/sagemaker-credentials-secret-name, JSON with "username" and "password"; on a stack
deployed before that user existed, the admin's, /mlflow/<stack>/credentials-secret-name), trains a
small scikit-learn classifier on the wine data set that ships with scikit-learn, logs its parameters,
metrics and model, and registers a model version.

With --deploy (on AWS only) the registered version is also deployed to a SageMaker endpoint with
MLflow's SageMaker deployment client; that needs the serving image pushed by
`mlflow sagemaker build-and-push-container` (--image-url) and a SageMaker execution role
(--execution-role-arn).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass
from typing import Any

import boto3
import mlflow
from mlflow.models import infer_signature
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


@dataclass(frozen=True)
class Result:
    tracking_uri: str
    experiment_id: str
    run_id: str
    model_name: str
    model_version: str
    model_uri: str
    accuracy: float
    endpoint: str | None = None


def discover(stack: str, session: boto3.session.Session) -> tuple[str, str, str]:
    """(tracking URI, username, password) as the deployment published them."""
    ssm = session.client("ssm")
    prefix = f"/mlflow/{stack}"
    tracking_uri = ssm.get_parameter(Name=f"{prefix}/tracking-uri")["Parameter"]["Value"]
    try:
        secret_name = ssm.get_parameter(Name=f"{prefix}/sagemaker-credentials-secret-name")["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:  # a stack not re-run since the SageMaker user came
        secret_name = ssm.get_parameter(Name=f"{prefix}/credentials-secret-name")["Parameter"]["Value"]
    secret = json.loads(session.client("secretsmanager").get_secret_value(SecretId=secret_name)["SecretString"])
    return tracking_uri, secret["username"], secret["password"]


def client_environment(stack: str, session: boto3.session.Session) -> dict[str, str]:
    """The client settings the deployment published (large artifacts straight to S3); none if absent."""
    ssm = session.client("ssm")
    try:
        value = ssm.get_parameter(Name=f"/mlflow/{stack}/mlflow-client-environment")["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return {}
    return {str(key): str(item) for key, item in json.loads(value).items()}


def discover_iam(stack: str, session: boto3.session.Session) -> tuple[str, str]:
    """(IAM tracking URI, MLFLOW_TRACKING_AUTH value) as the deployment published them."""
    ssm = session.client("ssm")
    prefix = f"/mlflow/{stack}"
    uri = ssm.get_parameter(Name=f"{prefix}/iam-tracking-uri")["Parameter"]["Value"]
    return uri, ssm.get_parameter(Name=f"{prefix}/iam-tracking-auth")["Parameter"]["Value"]


def connect_iam(tracking_uri: str, auth: str) -> None:
    # The plugin registered under this name signs each request with boto3's credentials.
    os.environ["MLFLOW_TRACKING_AUTH"] = auth
    mlflow.set_tracking_uri(tracking_uri)


def connect(tracking_uri: str, username: str, password: str) -> None:
    # MLflow's client sends these as basic auth on every request; MLflow's auth app checks them.
    os.environ["MLFLOW_TRACKING_USERNAME"] = username
    os.environ["MLFLOW_TRACKING_PASSWORD"] = password
    mlflow.set_tracking_uri(tracking_uri)


def train_and_register(experiment: str, model_name: str, c: float, max_iter: int) -> Result:
    features, labels = load_wine(return_X_y=True, as_frame=True)
    train_x, test_x, train_y, test_y = train_test_split(features, labels, test_size=0.25, random_state=42)
    mlflow.set_experiment(experiment)
    with mlflow.start_run() as run:
        # A linear model: MLflow stores scikit-learn models with skops, which trusts these types as they are.
        model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=max_iter))
        model.fit(train_x, train_y)
        predictions = model.predict(test_x)
        accuracy = float(accuracy_score(test_y, predictions))
        mlflow.log_params({"C": c, "max_iter": max_iter, "dataset": "sklearn wine"})
        mlflow.log_metrics({"accuracy": accuracy, "f1_macro": float(f1_score(test_y, predictions, average="macro"))})
        logged = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(test_x, predictions),
            input_example=test_x.head(3),
            registered_model_name=model_name,
        )
    version = logged.registered_model_version
    return Result(
        tracking_uri=mlflow.get_tracking_uri(),
        experiment_id=run.info.experiment_id,
        run_id=run.info.run_id,
        model_name=model_name,
        model_version=str(version),
        model_uri=f"models:/{model_name}/{version}",
        accuracy=accuracy,
    )


def deploy(result: Result, args: argparse.Namespace, region: str) -> str:
    """A SageMaker endpoint serving the registered version (real AWS only)."""
    from mlflow.deployments import get_deploy_client

    if not args.execution_role_arn or not args.image_url:
        raise SystemExit("--deploy needs --execution-role-arn and --image-url")
    name = args.endpoint_name or f"{result.model_name}-{result.model_version}"
    client = get_deploy_client(f"sagemaker:/{region}")
    config: dict[str, Any] = {
        "execution_role_arn": args.execution_role_arn,
        "image_url": args.image_url,
        "instance_type": args.instance_type,
        "instance_count": 1,
        "synchronous": True,
    }
    client.create_deployment(name=name, model_uri=result.model_uri, flavor="python_function", config=config)
    return name


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="mlflow", help="the stack name (mlflow_stack_name)")
    parser.add_argument("--experiment", default="sagemaker-example")
    parser.add_argument("--model-name", default="wine-classifier")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--max-iter", type=int, default=500)
    parser.add_argument(
        "--auth", choices=["password", "iam"], default="password", help="MLflow password, or the caller's AWS role"
    )
    parser.add_argument("--deploy", action="store_true", help="also deploy to a SageMaker endpoint (AWS only)")
    parser.add_argument("--execution-role-arn", help="SageMaker execution role for the endpoint's model")
    parser.add_argument("--image-url", help="ECR image from `mlflow sagemaker build-and-push-container`")
    parser.add_argument("--instance-type", default="ml.m5.large")
    parser.add_argument("--endpoint-name")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    session = boto3.session.Session()
    # Settings the user did not set themselves.
    for key, value in client_environment(args.stack, session).items():
        os.environ.setdefault(key, value)
    if args.auth == "iam":
        connect_iam(*discover_iam(args.stack, session))
    else:
        connect(*discover(args.stack, session))
    result = train_and_register(args.experiment, args.model_name, args.c, args.max_iter)
    if args.deploy:
        region = session.region_name or "us-east-1"
        result = Result(**{**asdict(result), "endpoint": deploy(result, args, region)})
    # One line, last: MLflow prints its own "View run" lines to stdout too.
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
