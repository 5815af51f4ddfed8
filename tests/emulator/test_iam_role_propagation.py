"""A role created seconds ago cannot be assumed yet (emulator.behaviours.iam_role_propagation, issue 14):
CodeBuild, SageMaker and EventBridge Scheduler refuse it with their own errors until IAM has propagated it."""

from __future__ import annotations

import json
from typing import Any

from emulator import launcher
from tests.emulator.strict_support import client, refused, unique

SERVICES = ["codebuild.amazonaws.com", "sagemaker.amazonaws.com", "scheduler.amazonaws.com"]
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": SERVICES}, "Action": "sts:AssumeRole"}],
}
PROPAGATED_S = 60  # past the typical profile's 5-15 s


def _new_role(emulator: launcher.Emulator) -> str:
    role = client(emulator, "iam").create_role(RoleName=unique("fresh"), AssumeRolePolicyDocument=json.dumps(TRUST))
    return str(role["Role"]["Arn"])


def _project(role: str) -> dict[str, Any]:
    return {
        "name": unique("proj"),
        "source": {"type": "S3", "location": "contexts/ctx.zip"},
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        "serviceRole": role,
    }


def _domain(role: str) -> dict[str, Any]:
    return {
        "DomainName": unique("dom"),
        "AuthMode": "IAM",
        "DefaultUserSettings": {"ExecutionRole": role},
        "SubnetIds": ["subnet-0123456789abcdef0"],
        "VpcId": "vpc-0123456789abcdef0",
    }


def _schedule(role: str) -> dict[str, Any]:
    return {
        "Name": unique("sched"),
        "ScheduleExpression": "rate(1 day)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "RoleArn": role},
    }


def test_a_new_role_is_refused_by_each_service_until_it_has_propagated(emulator: launcher.Emulator) -> None:
    codebuild, sagemaker, scheduler = (client(emulator, s) for s in ("codebuild", "sagemaker", "scheduler"))
    role = _new_role(emulator)
    early = refused(codebuild.create_project, "InvalidInputException", **_project(role))
    assert f"CodeBuild is not authorized to perform: sts:AssumeRole on {role}" in str(early)
    assert "Could not assume role" in str(refused(sagemaker.create_domain, "ValidationException", **_domain(role)))
    message = "must allow AWS EventBridge Scheduler to assume the role"
    assert message in str(refused(scheduler.create_schedule, "ValidationException", **_schedule(role)))

    emulator.advance(PROPAGATED_S)
    codebuild.create_project(**_project(role))
    domain_id = sagemaker.create_domain(**_domain(role))["DomainId"]
    scheduler.create_schedule(**_schedule(role))

    # A profile's own new execution role: the same wait.
    profile_role = _new_role(emulator)
    profile = {"DomainId": domain_id, "UserProfileName": "u", "UserSettings": {"ExecutionRole": profile_role}}
    refused(sagemaker.create_user_profile, "ValidationException", **profile)
    emulator.advance(PROPAGATED_S)
    sagemaker.create_user_profile(**profile)
