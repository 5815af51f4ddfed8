"""The data plane's AWS_IAM check: SigV4 for execute-api against the emulator's own IAM keys."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto import mock_aws

from emulator.dataplane import sigv4

REGION = "us-east-1"
URL = "http://127.100.48.2/aws/api/2.0/mlflow/runs/create?x=1"
BODY = b'{"experiment_id": "1"}'


@pytest.fixture
def iam_user() -> Iterator[dict[str, Any]]:
    with mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        user = iam.create_user(UserName="trainer")["User"]
        key = iam.create_access_key(UserName="trainer")["AccessKey"]
        yield {"arn": user["Arn"], "key": Credentials(key["AccessKeyId"], key["SecretAccessKey"])}


def _signed(credentials: Credentials, url: str = URL, body: bytes = BODY, region: str = REGION) -> dict[str, str]:
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(credentials, "execute-api", region).add_auth(request)
    return {**dict(request.headers.items()), "Host": "127.100.48.2"}


def test_a_signed_request_yields_the_callers_arn(iam_user: dict[str, Any]) -> None:
    caller = sigv4.verify("POST", URL, _signed(iam_user["key"]), BODY, REGION)
    assert caller.arn == iam_user["arn"]
    assert caller.access_key == iam_user["key"].access_key


def test_an_assumed_role_session_is_accepted_with_its_token_only(iam_user: dict[str, Any]) -> None:
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="job", AssumeRolePolicyDocument="{}")["Role"]
    session = boto3.client("sts", region_name=REGION).assume_role(RoleArn=role["Arn"], RoleSessionName="run-7")
    raw = session["Credentials"]
    credentials = Credentials(raw["AccessKeyId"], raw["SecretAccessKey"], raw["SessionToken"])
    caller = sigv4.verify("POST", URL, _signed(credentials), BODY, REGION)
    assert caller.arn.endswith(":assumed-role/job/run-7")
    without_token = Credentials(raw["AccessKeyId"], raw["SecretAccessKey"])
    with pytest.raises(sigv4.SignatureError, match="security token"):
        sigv4.verify("POST", URL, _signed(without_token), BODY, REGION)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no signature", "Missing Authentication Token"),
        ("other body", "signature we calculated does not match"),
        ("other path", "signature we calculated does not match"),
        ("wrong secret", "signature we calculated does not match"),
        ("unknown key", "security token included in the request is invalid"),
        ("other region", "Forbidden"),
        ("ten minutes late", "Signature expired"),
    ],
)
def test_bad_or_missing_signatures_are_refused(iam_user: dict[str, Any], change: str, message: str) -> None:
    key: Credentials = iam_user["key"]
    headers, body, url, now = _signed(key), BODY, URL, None
    if change == "no signature":
        headers = {"Host": "127.100.48.2"}
    elif change == "other body":
        body = b'{"experiment_id": "2"}'
    elif change == "other path":
        url = URL.replace("runs/create", "runs/delete")
    elif change == "wrong secret":
        headers = _signed(Credentials(key.access_key, key.secret_key[:-1] + "x"))
    elif change == "unknown key":
        headers = _signed(Credentials("AKIAUNKNOWN000000000", key.secret_key))
    elif change == "other region":
        headers = _signed(key, region="eu-west-1")
    elif change == "ten minutes late":
        now = datetime.now(UTC) + timedelta(minutes=10)
    with pytest.raises(sigv4.SignatureError, match=message):
        sigv4.verify("POST", url, headers, body, REGION, now=now)
