"""The data plane's IAM check on AWS_IAM routes: the caller's identity policies must allow execute-api:Invoke."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from emulator.dataplane import iam_policy

REGION = "us-east-1"
ROUTE = "arn:aws:execute-api:us-east-1:123456789012:abc123/$default/POST/aws/api/2.0/mlflow/runs/create"
OTHER_ROUTE = "arn:aws:execute-api:us-east-1:123456789012:abc123/$default/GET/api/2.0/mlflow/runs/get"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


INVOKE_IAM_ROUTES = {
    "Effect": "Allow",
    "Action": "execute-api:Invoke",
    "Resource": "arn:aws:execute-api:*:*:abc123/*/*/aws/*",
}


@pytest.fixture
def iam() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("iam", region_name=REGION)
        client.create_user(UserName="trainer")
        yield client


def _allows(arn: str = "arn:aws:iam::123456789012:user/trainer", resource: str = ROUTE) -> bool:
    return iam_policy.allows("123456789012", arn, "execute-api:Invoke", resource)


def test_a_user_without_a_policy_is_refused(iam: Any) -> None:
    assert not _allows()


def test_an_inline_allow_covers_only_its_routes(iam: Any) -> None:
    iam.put_user_policy(UserName="trainer", PolicyName="p", PolicyDocument=_policy(INVOKE_IAM_ROUTES))
    assert _allows()
    assert not _allows(resource=OTHER_ROUTE)


def test_an_explicit_deny_wins_and_a_conditional_allow_does_not_count(iam: Any) -> None:
    deny = {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}
    conditional = {**INVOKE_IAM_ROUTES, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    iam.put_user_policy(UserName="trainer", PolicyName="c", PolicyDocument=_policy(conditional))
    assert not _allows()
    iam.put_user_policy(UserName="trainer", PolicyName="p", PolicyDocument=_policy(INVOKE_IAM_ROUTES))
    assert _allows()
    iam.put_user_policy(UserName="trainer", PolicyName="d", PolicyDocument=_policy(deny))
    assert not _allows()


def test_a_group_policy_and_an_assumed_roles_attached_policy_count(iam: Any) -> None:
    iam.create_group(GroupName="ml")
    iam.add_user_to_group(GroupName="ml", UserName="trainer")
    iam.put_group_policy(GroupName="ml", PolicyName="p", PolicyDocument=_policy(INVOKE_IAM_ROUTES))
    assert _allows()
    iam.create_role(RoleName="job", AssumeRolePolicyDocument="{}")
    session = "arn:aws:sts::123456789012:assumed-role/job/run-7"
    assert not _allows(session)
    managed = iam.create_policy(PolicyName="invoke", PolicyDocument=_policy(INVOKE_IAM_ROUTES))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="job", PolicyArn=managed)
    assert _allows(session)
