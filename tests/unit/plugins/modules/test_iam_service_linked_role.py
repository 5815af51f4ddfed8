"""iam_service_linked_role: created when missing, never twice, check mode writes nothing."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import iam_service_linked_role
from botocore.exceptions import ClientError

from tests.support.modules import run_module

REGION = "us-east-1"  # the emulator's region


def _roles(fake_aws, service: str) -> list[dict]:
    roles = fake_aws.client("iam").list_roles(PathPrefix=f"/aws-service-role/{service}/")["Roles"]
    return list(roles)


def _run(capsys: pytest.CaptureFixture[str], service: str, check_mode: bool = False) -> dict:
    return run_module(iam_service_linked_role.main, {"region": REGION, "aws_service_name": service}, capsys, check_mode)


def test_creates_the_role_once(fake_aws, capsys) -> None:
    service = "rds.amazonaws.com"
    first = _run(capsys, service)
    assert first["changed"] is True
    assert first["role"]["path"] == f"/aws-service-role/{service}/"
    assert [role["Arn"] for role in _roles(fake_aws, service)] == [first["role"]["arn"]]

    again = _run(capsys, service)
    assert again["changed"] is False
    assert again["role"]["arn"] == first["role"]["arn"]


def test_check_mode_creates_nothing(fake_aws, capsys) -> None:
    service = "ops.apigateway.amazonaws.com"
    assert _run(capsys, service, check_mode=True)["changed"] is True
    assert _roles(fake_aws, service) == []


def test_aws_refuses_a_second_role_as_taken(fake_aws) -> None:
    """The answer the module must take as "it exists" when another run created the role meanwhile."""
    iam = fake_aws.client("iam")
    iam.create_service_linked_role(AWSServiceName="elasticloadbalancing.amazonaws.com")
    with pytest.raises(ClientError) as refused:
        iam.create_service_linked_role(AWSServiceName="elasticloadbalancing.amazonaws.com")
    assert refused.value.response["Error"]["Code"] == "InvalidInput"
    assert "has been taken in this account" in refused.value.response["Error"]["Message"]
