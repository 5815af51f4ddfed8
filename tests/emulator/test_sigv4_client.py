"""clients/mlflow-aws-sigv4-auth: MLflow's requests, signed by the plugin, pass the data plane's SigV4 check."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws

from emulator.dataplane import sigv4

REGION = "eu-west-1"
URL = "http://127.100.48.2/aws/api/2.0/mlflow/runs/create?x=1"


@pytest.fixture
def session() -> Iterator[boto3.Session]:
    with mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        iam.create_user(UserName="trainer")
        key = iam.create_access_key(UserName="trainer")["AccessKey"]
        yield boto3.Session(
            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], region_name=REGION
        )


def _signed(session: boto3.Session, data: Any) -> requests.PreparedRequest:
    from mlflow_aws_sigv4_auth import AwsSigV4Auth

    request = requests.Request("POST", URL, data=data, headers={"Content-Type": "application/json"}).prepare()
    return AwsSigV4Auth(session)(request)


def _body(request: requests.PreparedRequest) -> bytes:
    body = request.body
    if hasattr(body, "read"):
        return body.read()
    return body.encode() if isinstance(body, str) else bytes(body or b"")


@pytest.mark.parametrize("data", [b'{"experiment_id": "1"}', '{"experiment_id": "1"}', None])
def test_a_signed_body_verifies_as_the_keys_user(session: boto3.Session, data: Any) -> None:
    request = _signed(session, data)
    caller = sigv4.verify("POST", URL, {**request.headers, "Host": "127.100.48.2"}, _body(request), REGION)
    assert caller.arn.endswith(":user/trainer")


def test_a_file_body_is_hashed_and_still_sent_whole(session: boto3.Session) -> None:
    artifact = io.BytesIO(b"x" * 100_000)
    request = _signed(session, artifact)
    sent = _body(request)
    assert sent == b"x" * 100_000
    sigv4.verify("POST", URL, {**request.headers, "Host": "127.100.48.2"}, sent, REGION)
    with pytest.raises(sigv4.SignatureError):
        sigv4.verify("POST", URL, {**request.headers, "Host": "127.100.48.2"}, sent[:-1], REGION)


def test_the_plugin_is_what_mlflow_tracking_auth_selects(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlflow.tracking.request_auth.registry import fetch_auth
    from mlflow_aws_sigv4_auth import AwsSigV4Auth

    monkeypatch.setenv("MLFLOW_TRACKING_AUTH", "aws-sigv4")
    assert isinstance(fetch_auth("aws-sigv4"), AwsSigV4Auth)


def test_the_region_of_an_execute_api_host_wins(session: boto3.Session) -> None:
    from mlflow_aws_sigv4_auth import AwsSigV4Auth

    url = "https://abc123.execute-api.ap-south-1.amazonaws.com/aws/api/2.0/mlflow/experiments/search"
    request = AwsSigV4Auth(session)(requests.Request("GET", url).prepare())
    assert "/ap-south-1/execute-api/aws4_request" in request.headers["Authorization"]


def test_aws_region_is_read_when_boto3_has_no_region(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlflow_aws_sigv4_auth import AwsSigV4Auth

    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "sa-east-1")
    session = boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x" * 40)
    assert session.region_name is None
    request = AwsSigV4Auth(session)(requests.Request("GET", URL).prepare())
    assert "/sa-east-1/execute-api/aws4_request" in request.headers["Authorization"]
