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


ECS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
ECS_REFUSAL = "ECS was unable to assume the role '{role}' that was provided for this task."


def _task_definition(emulator: launcher.Emulator, family: str, role: str) -> str:
    definition = client(emulator, "ecs").register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn=role,
        taskRoleArn=role,
        containerDefinitions=[{"name": "app", "image": "app:1"}],
    )
    return str(definition["taskDefinition"]["taskDefinitionArn"])


def _ecs_role(emulator: launcher.Emulator) -> str:
    role = client(emulator, "iam").create_role(RoleName=unique("task"), AssumeRolePolicyDocument=json.dumps(ECS_TRUST))
    return str(role["Role"]["Arn"])


def test_run_task_refuses_a_task_whose_role_has_not_propagated(emulator: launcher.Emulator) -> None:
    """As AWS answers RunTask (ClientException, no task created) until IAM has propagated the role."""
    ecs = client(emulator, "ecs")
    cluster = unique("run")
    ecs.create_cluster(clusterName=cluster)
    role = _ecs_role(emulator)
    family = unique("once")
    _task_definition(emulator, family, role)
    ec2 = client(emulator, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # as the stack's VPC
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=unique("task"), Description="task", VpcId=vpc)["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}
    run = {"cluster": cluster, "taskDefinition": family, "launchType": "FARGATE", "networkConfiguration": network}

    assert ECS_REFUSAL.format(role=role) in str(refused(ecs.run_task, "ClientException", **run))
    assert ecs.list_tasks(cluster=cluster)["taskArns"] == []

    emulator.advance(PROPAGATED_S)
    assert len(ecs.run_task(**run)["tasks"]) == 1


def _service(emulator: launcher.Emulator, cluster: str) -> dict[str, Any]:
    return dict(client(emulator, "ecs").describe_services(cluster=cluster, services=["svc"])["services"][0])


def test_a_service_cannot_launch_tasks_of_a_new_role_until_it_has_propagated(emulator: launcher.Emulator) -> None:
    """CreateService and UpdateService accept the role; the scheduler fails to launch the tasks (an event, no
    task, nothing for the circuit breaker) and launches them once IAM has propagated the role."""
    ecs = client(emulator, "ecs")
    cluster = unique("svc")
    ecs.create_cluster(clusterName=cluster)
    first_role = _ecs_role(emulator)
    first = _task_definition(emulator, "svc", first_role)
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    ecs.create_service(
        cluster=cluster, serviceName="svc", taskDefinition=first, desiredCount=2, deploymentConfiguration=breaker
    )

    for _look in range(3):  # however often it is looked at, the deployment neither completes nor fails
        service = _service(emulator, cluster)
        assert service["runningCount"] == 0
        assert [(d["rolloutState"], d["failedTasks"]) for d in service["deployments"]] == [("IN_PROGRESS", 0)]
    assert service["events"][0]["message"].startswith("service svc failed to launch a task with (error ECS was")
    assert ECS_REFUSAL.format(role=first_role) in service["events"][0]["message"]

    emulator.advance(PROPAGATED_S)
    service = _service(emulator, cluster)
    assert service["runningCount"] == 2
    assert [(d["taskDefinition"], d["rolloutState"]) for d in service["deployments"]] == [(first, "COMPLETED")]

    # A new revision with a new role: the running deployment keeps serving until the new one launches.
    second = _task_definition(emulator, "svc", _ecs_role(emulator))
    ecs.update_service(cluster=cluster, service="svc", taskDefinition=second)
    service = _service(emulator, cluster)
    assert [(d["taskDefinition"], d["status"], d["runningCount"]) for d in service["deployments"]] == [
        (second, "PRIMARY", 0),
        (first, "ACTIVE", 2),
    ]
    emulator.advance(PROPAGATED_S)
    assert [(d["taskDefinition"], d["rolloutState"]) for d in _service(emulator, cluster)["deployments"]] == [
        (second, "COMPLETED")
    ]
