"""The lab's training script: runs inside a SageMaker training job (launch.py starts it).

It finds MLflow as any client of the stack does (SSM parameters /mlflow/<stack>/... and the credentials
secret, read with the job's execution role), trains the wine classifier, logs parameters, metrics and the
model, and registers a version: examples/mlflow_sagemaker_example.py does that part, packed beside this
file. The run is tagged with the job's name, and result.json in the model directory (model.tar.gz in S3)
tells the launcher which run and version the job made.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from pathlib import Path

import boto3
from mlflow import MlflowClient
from mlflow_sagemaker_example import client_environment, connect, discover, train_and_register


def parse() -> argparse.Namespace:
    # SageMaker passes each hyperparameter as --<name> <value>.
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--experiment", default="sagemaker-lab")
    parser.add_argument("--model-name", default="wine-classifier")
    parser.add_argument("--c", type=float, default=1.0)
    parser.add_argument("--max-iter", type=int, default=500)
    return parser.parse_args()


def main() -> None:
    args = parse()
    session = boto3.session.Session(region_name=args.region)
    for key, value in client_environment(args.stack, session).items():
        os.environ.setdefault(key, value)
    connect(*discover(args.stack, session))
    result = train_and_register(args.experiment, args.model_name, args.c, args.max_iter)
    job = os.environ.get("TRAINING_JOB_NAME", "")
    MlflowClient().set_tag(result.run_id, "sagemaker.training_job", job)
    Path(os.environ["SM_MODEL_DIR"], "result.json").write_text(json.dumps({**asdict(result), "training_job": job}))


if __name__ == "__main__":
    main()
