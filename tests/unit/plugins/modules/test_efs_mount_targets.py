"""efs_mount_targets: a file system's mount targets go, the file system stays; found by id or by Studio domain."""

from __future__ import annotations

import uuid

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import efs_mount_targets

from tests.support.modules import run_module

REGION = "us-east-1"  # the emulator's region
DOMAIN_ARN = "arn:aws:sagemaker:us-east-1:123456789012:domain/d-{}"


@pytest.fixture
def home(fake_aws) -> tuple[str, str]:
    """A file system tagged as a Studio domain's home, mounted in two subnets; returns (its id, the domain id)."""
    ec2, efs = fake_aws.client("ec2"), fake_aws.client("efs")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    domain = f"d-{uuid.uuid4().hex[:12]}"
    system = efs.create_file_system(
        CreationToken=domain, Tags=[{"Key": "ManagedByAmazonSageMakerResource", "Value": DOMAIN_ARN.format(domain[2:])}]
    )["FileSystemId"]
    for index, zone in enumerate("ab"):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{index}.0/24", AvailabilityZone=f"us-east-1{zone}")
        efs.create_mount_target(FileSystemId=system, SubnetId=subnet["Subnet"]["SubnetId"])
    return system, domain


def _targets(fake_aws, system: str) -> list[dict]:
    return list(fake_aws.client("efs").describe_mount_targets(FileSystemId=system)["MountTargets"])


def _run(capsys: pytest.CaptureFixture[str], check_mode: bool = False, **args) -> dict:
    return run_module(efs_mount_targets.main, {"region": REGION, **args}, capsys, check_mode)


def test_removes_the_mount_targets_and_keeps_the_file_system(fake_aws, home, capsys) -> None:
    system, _domain = home
    result = _run(capsys, file_system_id=system)

    assert result["changed"] is True
    assert len(result["diff"]["before"]["mount_targets"]) == 2
    assert result["mount_targets"] == {"file_system_id": system, "mount_targets": []}
    assert _targets(fake_aws, system) == []
    assert fake_aws.client("efs").describe_file_systems(FileSystemId=system)["FileSystems"]
    assert _run(capsys, file_system_id=system)["changed"] is False


def test_check_mode_says_what_would_go_and_removes_nothing(fake_aws, home, capsys) -> None:
    system, _domain = home
    result = _run(capsys, check_mode=True, file_system_id=system)
    assert result["changed"] is True
    assert len(_targets(fake_aws, system)) == 2


def test_finds_the_home_file_system_of_a_studio_domain(fake_aws, home, capsys) -> None:
    system, domain = home
    assert _run(capsys, sagemaker_domain_id="d-someoneelse")["changed"] is False
    assert len(_targets(fake_aws, system)) == 2, "another domain's file system is not touched"

    assert _run(capsys, sagemaker_domain_id=domain)["changed"] is True
    assert _targets(fake_aws, system) == []


def test_a_missing_file_system_is_no_change(fake_aws, capsys) -> None:
    assert _run(capsys, file_system_id="fs-0123456789abcdef0")["changed"] is False
