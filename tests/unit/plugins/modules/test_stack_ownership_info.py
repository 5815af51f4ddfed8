"""stack_ownership_info against the emulator: each kind's own tags decide; absent is an answer, not an error."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import stack_ownership_info

from emulator.launcher import Emulator
from tests.support.modules import run_module
from tests.support.names import names
from tests.support.network import two_zone_network

TAG = "mlflow:stack"
ACCOUNT = "123456789012"
REGION = "us-east-1"


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
    aws.client("iam").create_role(
        RoleName=names(name)["task_role"], AssumeRolePolicyDocument=json.dumps({}), Tags=tag_list
    )
    aws.client("ecr").create_repository(repositoryName=names(name)["repository_nginx"], tags=tag_list)
    aws.client("secretsmanager").create_secret(Name=names(name)["db_secret"], SecretString="{}", Tags=tag_list)
    aws.client("logs").create_log_group(logGroupName=names(name)["service_log_group"], tags=tags)
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=names(name, ACCOUNT, REGION)["bucket"])
    if tag_list:
        s3.put_bucket_tagging(Bucket=names(name, ACCOUNT, REGION)["bucket"], Tagging={"TagSet": tag_list})
    aws.client("scheduler").create_schedule_group(
        Name=names(name)["gc_schedule_group"], **({"Tags": tag_list} if tag_list else {})
    )
    aws.client("ssm").put_parameter(
        Name=f"{names(name)['parameter_path']}/vpc-id",
        Value="x",
        Type="String",
        **({"Tags": tag_list} if tag_list else {}),
    )
    sagemaker = aws.client("sagemaker")
    sagemaker.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=names(name)["notebook_lifecycle_config"], Tags=tag_list
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/{names(name)['sagemaker_role']}"
    sagemaker.create_notebook_instance(
        NotebookInstanceName=names(name)["notebook_instance"], InstanceType="ml.t3.medium", RoleArn=role, Tags=tag_list
    )
    container = {"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/x:y"}
    sagemaker.create_model(ModelName=f"{name}-model", ExecutionRoleArn=role, PrimaryContainer=container, Tags=tag_list)
    return [
        {"kind": "sagemaker_notebook_lifecycle_config", "name": names(name)["notebook_lifecycle_config"]},
        {"kind": "sagemaker_notebook_instance", "name": names(name)["notebook_instance"]},
        {"kind": "sagemaker_models", "name": name},  # every model whose name contains it
        {"kind": "ecs_cluster", "name": name},
        {"kind": "iam_role", "name": names(name)["task_role"]},
        {"kind": "ecr_repository", "name": names(name)["repository_nginx"]},
        {"kind": "secretsmanager_secret", "name": names(name)["db_secret"]},
        {"kind": "logs_log_group", "name": names(name)["service_log_group"]},
        {"kind": "s3_bucket", "name": names(name, ACCOUNT, REGION)["bucket"]},
        {"kind": "ssm_parameters", "name": names(name)["parameter_path"]},
        {"kind": "scheduler_schedule_group", "name": names(name)["gc_schedule_group"]},
    ]


def test_owned_resources_of_every_kind_are_reported_owned(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _stack()
    wanted = _make_each_kind(aws, stack, {TAG: stack, "team": "ml"})
    result = _run(capsys, stack, wanted)
    assert result["changed"] is False
    assert result["skipped"] == []
    assert {r["kind"] for r in result["resources"] if r["owned"]} == {w["kind"] for w in wanted}
    assert result["owned"]["iam_role"] == [names(stack)["task_role"]]
    assert result["owned"]["ssm_parameters"] == [f"{names(stack)['parameter_path']}/vpc-id"]
    assert result["owned"]["sagemaker_models"] == [f"{stack}-model"]


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
    assert f"ecr_repository {names(stack)['repository_nginx']}" in json.dumps(result["warnings"])


def test_missing_resources_are_simply_absent(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _stack()
    kinds = [
        ("ecs_cluster", stack),
        ("ecs_service", f"{stack}/{names(stack)['ecs_service']}"),
        ("ecs_task_definition", names(stack)["task_family"]),
        ("elbv2_load_balancer", names(stack)["alb"]),
        ("elbv2_target_group", names(stack)["target_group"]),
        ("logs_log_group", names(stack)["service_log_group"]),
        ("iam_role", names(stack)["task_role"]),
        ("ecr_repository", names(stack)["repository_nginx"]),
        ("secretsmanager_secret", f"{stack}/x"),
        ("s3_bucket", names(stack, ACCOUNT, REGION)["bucket"]),
        ("rds_db_subnet_group", names(stack)["db_subnet_group"]),
        ("rds_db_cluster", names(stack)["db_cluster"]),
        ("rds_db_cluster_snapshots", names(stack)["db_cluster"]),
        ("ssm_parameters", names(stack)["parameter_path"]),
        ("scheduler_schedule_group", names(stack)["gc_schedule_group"]),
        ("sagemaker_notebook_instance", names(stack)["notebook_instance"]),
        ("sagemaker_notebook_lifecycle_config", names(stack)["notebook_lifecycle_config"]),
        ("sagemaker_endpoints", stack),
        ("sagemaker_endpoint_configs", stack),
        ("sagemaker_models", stack),
    ]
    result = _run(capsys, stack, [{"kind": k, "name": n} for k, n in kinds])
    assert not result.get("failed"), result
    assert result["resources"] == [] and result["skipped"] == []


def test_task_definitions_by_exact_family_and_revision(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _stack()
    ecs = aws.client("ecs")
    container = [{"name": "c", "image": "nginx", "memory": 128}]
    for family, tags in [
        (names(stack)["ecs_service"], {TAG: stack}),
        (names(stack)["ecs_service"], {}),
        (f"{stack}-mlflow-x", {TAG: stack}),
    ]:
        ecs.register_task_definition(
            family=family, containerDefinitions=container, tags=[{"key": k, "value": v} for k, v in tags.items()]
        )
    result = _run(capsys, stack, [{"kind": "ecs_task_definition", "name": names(stack)["task_family"]}])
    assert result["owned"]["ecs_task_definition"] == [f"{names(stack)['ecs_service']}:1"]
    assert [s["name"] for s in result["skipped"]] == [f"{names(stack)['ecs_service']}:2"]


def test_services_load_balancers_and_db_subnet_groups(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    stack = _stack()
    vpc, subnets = two_zone_network(aws.client("ec2"), "10.9")
    ours = [{"Key": TAG, "Value": stack}]
    elbv2 = aws.client("elbv2")
    elbv2.create_load_balancer(Name=names(stack)["alb"], Subnets=subnets, Scheme="internal", Tags=ours)
    elbv2.create_target_group(Name=names(stack)["target_group"], Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
    aws.client("rds").create_db_subnet_group(
        DBSubnetGroupName=names(stack)["db_subnet_group"], DBSubnetGroupDescription="d", SubnetIds=subnets, Tags=ours
    )
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName=stack)
    ecs.register_task_definition(family="f", containerDefinitions=[{"name": "c", "image": "i", "memory": 128}])
    ecs.create_service(cluster=stack, serviceName=names(stack)["ecs_service"], taskDefinition="f", desiredCount=0)
    result = _run(
        capsys,
        stack,
        [
            {"kind": "elbv2_load_balancer", "name": names(stack)["alb"]},
            {"kind": "elbv2_target_group", "name": names(stack)["target_group"]},
            {"kind": "rds_db_subnet_group", "name": names(stack)["db_cluster"]},
            {"kind": "ecs_service", "name": f"{stack}/{names(stack)['ecs_service']}"},
        ],
    )
    assert result["owned"]["elbv2_load_balancer"] == [names(stack)["alb"]]
    assert result["owned"]["rds_db_subnet_group"] == [names(stack)["db_cluster"]]
    assert {s["kind"] for s in result["skipped"]} == {"elbv2_target_group", "ecs_service"}


def test_parameters_under_one_path_are_told_apart(aws: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    # More than one page of the stack's own (SSM answers DescribeParameters in pages), beside others' under the path.
    stack = _stack()
    path = names(stack)["parameter_path"]
    ssm = aws.client("ssm")
    ours = [f"{path}/ours-{i:02}" for i in range(12)]
    for name in ours:
        ssm.put_parameter(Name=name, Value="x", Type="String", Tags=[{"Key": TAG, "Value": stack}])
    ssm.put_parameter(Name=f"{path}/deep/ours", Value="x", Type="String", Tags=[{"Key": TAG, "Value": stack}])
    ssm.put_parameter(Name=f"{path}/untagged", Value="x", Type="String")
    ssm.put_parameter(Name=f"{path}/theirs", Value="x", Type="String", Tags=[{"Key": TAG, "Value": f"{stack}x"}])
    ssm.put_parameter(Name=f"{path}x/ours", Value="x", Type="String", Tags=[{"Key": TAG, "Value": stack}])
    result = _run(capsys, stack, [{"kind": "ssm_parameters", "name": path}])
    assert sorted(result["owned"]["ssm_parameters"]) == sorted([*ours, f"{path}/deep/ours"])
    assert {s["name"]: s["reason"].split(",")[0] for s in result["skipped"]} == {
        f"{path}/untagged": "it has no mlflow:stack tag",
        f"{path}/theirs": f"it is tagged mlflow:stack={stack}x",
    }
