"""iam_role_drift_info: a role as planned reads as planned; each thing changed out of band is named."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import iam_role_drift_info

from emulator.launcher import Emulator
from tests.support.modules import run_module

REGION = "us-east-1"
MANAGED = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}


@pytest.fixture
def iam(fake_aws: Emulator) -> Any:
    return fake_aws.client("iam")


def _role(iam: Any) -> str:
    """A role as planned: trust, description, tags, one managed policy, its instance profile, one inline policy."""
    name = f"drift-{uuid.uuid4().hex[:8]}"
    iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps(TRUST),
        Description="planned",
        Tags=[{"Key": "mlflow:stack", "Value": "s"}],
    )
    iam.attach_role_policy(RoleName=name, PolicyArn=MANAGED)
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    # The statement's Action as a string: AWS's form may differ from the plan's and still be the same policy.
    document = {**POLICY, "Statement": [{**POLICY["Statement"][0], "Action": "s3:GetObject"}]}
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(document))
    return name


def _drift(capsys: pytest.CaptureFixture[str], name: str) -> dict[str, Any]:
    plan = {
        "name": name,
        "region": REGION,
        "description": "planned",
        "assume_role_policy_document": TRUST,
        "managed_policies": [MANAGED],
        "tags": {"mlflow:stack": "s"},
        "instance_profile": True,
        "policy_name": "inline",
        "policy_document": POLICY,
    }
    return run_module(iam_role_drift_info.main, plan, capsys)


def test_role_as_planned(iam: Any, capsys: pytest.CaptureFixture[str]) -> None:
    name = _role(iam)
    result = _drift(capsys, name)
    assert result["changed"] is False
    assert (result["exists"], result["role_as_planned"], result["policy_as_planned"]) == (True, True, True)
    assert result["differences"] == []
    assert result["arn"] == iam.get_role(RoleName=name)["Role"]["Arn"]


def test_missing_role(iam: Any, capsys: pytest.CaptureFixture[str]) -> None:
    result = _drift(capsys, f"drift-{uuid.uuid4().hex[:8]}")
    assert (result["exists"], result["role_as_planned"], result["policy_as_planned"]) == (False, False, False)


CHANGES: dict[str, Callable[[Any, str], Any]] = {
    "description": lambda iam, name: iam.update_role(RoleName=name, Description="edited"),
    "trust policy": lambda iam, name: iam.update_assume_role_policy(
        RoleName=name, PolicyDocument=json.dumps({**TRUST, "Statement": [{**TRUST["Statement"][0], "Effect": "Deny"}]})
    ),
    "tags": lambda iam, name: iam.tag_role(RoleName=name, Tags=[{"Key": "extra", "Value": "x"}]),
    "managed policies": lambda iam, name: iam.detach_role_policy(RoleName=name, PolicyArn=MANAGED),
    "instance profile": lambda iam, name: iam.remove_role_from_instance_profile(
        InstanceProfileName=name, RoleName=name
    ),
}


@pytest.mark.parametrize("what", list(CHANGES))
def test_a_role_changed_out_of_band(iam: Any, capsys: pytest.CaptureFixture[str], what: str) -> None:
    name = _role(iam)
    CHANGES[what](iam, name)
    result = _drift(capsys, name)
    assert (result["role_as_planned"], result["policy_as_planned"]) == (False, True)
    assert result["differences"] == [what]


@pytest.mark.parametrize("edit", ["changed", "deleted"])
def test_an_inline_policy_changed_out_of_band(iam: Any, capsys: pytest.CaptureFixture[str], edit: str) -> None:
    name = _role(iam)
    if edit == "deleted":
        iam.delete_role_policy(RoleName=name, PolicyName="inline")
    else:
        edited = {**POLICY, "Statement": [{**POLICY["Statement"][0], "Action": "s3:PutObject"}]}
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(edited))
    result = _drift(capsys, name)
    assert (result["role_as_planned"], result["policy_as_planned"]) == (True, False)
    assert result["differences"] == ["inline policy inline"]
