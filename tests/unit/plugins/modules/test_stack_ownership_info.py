"""stack_ownership_info against the emulator: each kind's own tags decide; absent is an answer, not an error."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import stack_ownership_info

from emulator.launcher import Emulator
from tests.support.modules import run_module

TAG = "mlflow:stack"


@pytest.fixture
def aws(fake_aws: Emulator) -> Emulator:
    return fake_aws


def _run(capsys: pytest.CaptureFixture[str], stack: str, resources: list[dict[str, str]]) -> dict[str, Any]:
    return run_module(stack_ownership_info.main, {"stack": stack, "resources": resources}, capsys)


def _stack() -> str:
    return f"own{uuid.uuid4().hex[:8]}"


def _make_each_kind(aws: Emulator, name: str, tags: dict[str, str]) -> list[dict[str, str]]:
    """One resource of each simple kind named ``name``, with ``tags``; returns what to look up."""
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName=name, tags=[{"key": k, "value": v} for k, v in tags.items()])
    aws.client("iam").create_role(RoleName=f"{name}-task", AssumeRolePolicyDocument=json.dumps({}), Tags=tag_list)
    aws.client("ecr").create_repository(repositoryName=f"{name}/nginx", tags=tag_list)
    aws.client("secretsmanager").create_secret(Name=f"{name}/db-credentials", SecretString="{}", Tags=tag_list)
    aws.client("logs").create_log_group(logGroupName=f"/mlflow/{name}/service", tags=tags)
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=f"{name}-artifacts")
    if tag_list:
        s3.put_bucket_tagging(Bucket=f"{name}-artifacts", Tagging={"TagSet": tag_list})
    aws.client("ssm").put_parameter(
        Name=f"/mlflow/{name}/vpc-id", Value="x", Type="String", **({"Tags": tag_list} if tag_list else {})
    )
    return [
        {"kind": "ecs_cluster", "name": name},
        {"kind": "iam_role", "name": f"{name}-task"},
        {"kind": "ecr_repository", "name": f"{name}/nginx"},
        {"kind": "secretsmanager_secret", "name": f"{name}/db-credentials"},
        {"kind": "logs_log_group", "name": f"/mlflow/{name}/service"},
        {"kind": "s3_bucket", "name": f"{name}-artifacts"},
        {"kind": "ssm_parameters", "name": f"/mlflow/{name}"},
    ]


def test_owned_resources_of_every_kind_are_reported_owned(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _stack()
    wanted = _make_each_kind(aws, stack, {TAG: stack, "team": "ml"})
    result = _run(capsys, stack, wanted)
    assert result["changed"] is False
    assert result["skipped"] == []
    assert {r["kind"] for r in result["resources"] if r["owned"]} == {w["kind"] for w in wanted}
    assert result["owned"]["iam_role"] == [f"{stack}-task"]
    assert result["owned"]["ssm_parameters"] == [f"/mlflow/{stack}/vpc-id"]


@pytest.mark.parametrize("tags", [{}, {TAG: "another-team"}], ids=["untagged", "other-stack"])
def test_same_named_resources_of_others_are_skipped_with_a_warning(
    aws: Emulator, capsys: pytest.CaptureFixture[str], tags: dict[str, str]
) -> None:
    stack = _stack()
    wanted = _make_each_kind(aws, stack, tags)
    result = _run(capsys, stack, wanted)
    assert all(not owned for owned in result["owned"].values())
    assert {s["kind"] for s in result["skipped"]} == {w["kind"] for w in wanted}
    reason = "it has no mlflow:stack tag" if not tags else "it is tagged mlflow:stack=another-team"
    assert all(s["reason"].startswith(reason) for s in result["skipped"])
    # In-process runs share Ansible's warning list: count only this stack's.
    assert len([w for w in result["warnings"] if f" {stack}" in json.dumps(w)]) == len(wanted)
    assert f"ecr_repository {stack}/nginx" in json.dumps(result["warnings"])


def test_missing_resources_are_simply_absent(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _stack()
    kinds = [
        ("ecs_cluster", stack),
        ("ecs_service", f"{stack}/{stack}-mlflow"),
        ("ecs_task_definition", f"{stack}-mlflow"),
        ("elbv2_load_balancer", f"{stack}-alb"),
        ("elbv2_target_group", f"{stack}-tg"),
        ("logs_log_group", f"/mlflow/{stack}/service"),
        ("iam_role", f"{stack}-task"),
        ("ecr_repository", f"{stack}/nginx"),
        ("secretsmanager_secret", f"{stack}/x"),
        ("s3_bucket", f"{stack}-artifacts"),
        ("rds_db_subnet_group", f"{stack}-db"),
        ("rds_db_cluster", f"{stack}-db"),
        ("rds_db_cluster_snapshots", f"{stack}-db"),
        ("ssm_parameters", f"/mlflow/{stack}"),
    ]
    result = _run(capsys, stack, [{"kind": k, "name": n} for k, n in kinds])
    assert not result.get("failed"), result
    assert result["resources"] == [] and result["skipped"] == []


def test_task_definitions_by_exact_family_and_revision(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _stack()
    ecs = aws.client("ecs")
    container = [{"name": "c", "image": "nginx", "memory": 128}]
    for family, tags in [
        (f"{stack}-mlflow", {TAG: stack}),
        (f"{stack}-mlflow", {}),
        (f"{stack}-mlflow-x", {TAG: stack}),
    ]:
        ecs.register_task_definition(
            family=family, containerDefinitions=container, tags=[{"key": k, "value": v} for k, v in tags.items()]
        )
    result = _run(capsys, stack, [{"kind": "ecs_task_definition", "name": f"{stack}-mlflow"}])
    assert result["owned"]["ecs_task_definition"] == [f"{stack}-mlflow:1"]
    assert [s["name"] for s in result["skipped"]] == [f"{stack}-mlflow:2"]


def test_services_load_balancers_and_db_subnet_groups(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _stack()
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    ours = [{"Key": TAG, "Value": stack}]
    elbv2 = aws.client("elbv2")
    elbv2.create_load_balancer(Name=f"{stack}-alb", Subnets=subnets, Scheme="internal", Tags=ours)
    elbv2.create_target_group(Name=f"{stack}-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
    aws.client("rds").create_db_subnet_group(
        DBSubnetGroupName=f"{stack}-db", DBSubnetGroupDescription="d", SubnetIds=subnets, Tags=ours
    )
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName=stack)
    ecs.register_task_definition(family="f", containerDefinitions=[{"name": "c", "image": "i", "memory": 128}])
    ecs.create_service(cluster=stack, serviceName=f"{stack}-mlflow", taskDefinition="f", desiredCount=0)
    result = _run(
        capsys,
        stack,
        [
            {"kind": "elbv2_load_balancer", "name": f"{stack}-alb"},
            {"kind": "elbv2_target_group", "name": f"{stack}-tg"},
            {"kind": "rds_db_subnet_group", "name": f"{stack}-db"},
            {"kind": "ecs_service", "name": f"{stack}/{stack}-mlflow"},
        ],
    )
    assert result["owned"]["elbv2_load_balancer"] == [f"{stack}-alb"]
    assert result["owned"]["rds_db_subnet_group"] == [f"{stack}-db"]
    assert {s["kind"] for s in result["skipped"]} == {"elbv2_target_group", "ecs_service"}
