"""rds_cluster_scaling against the emulator: the capacity range and the auto-pause delay, idempotent."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import rds_cluster_scaling

from tests.support.modules import run_module

pytestmark = pytest.mark.usefixtures("fake_aws")

CLUSTER = "alpha-db"


@pytest.fixture
def cluster(fake_aws: Any) -> None:
    boto3.client("rds", region_name="us-east-1").create_db_cluster(
        DBClusterIdentifier=CLUSTER,
        Engine="aurora-mysql",
        EngineVersion="8.0.mysql_aurora.3.10.0",
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 8},
    )


def reported() -> dict[str, Any]:
    rds = boto3.client("rds", region_name="us-east-1")
    return rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]["ServerlessV2ScalingConfiguration"]


def scaling(capsys: pytest.CaptureFixture[str], check_mode: bool = False, **args: Any) -> dict[str, Any]:
    return run_module(
        rds_cluster_scaling.main, {"db_cluster_identifier": CLUSTER, **args}, capsys, check_mode=check_mode
    )


@pytest.mark.usefixtures("cluster")
def test_pause_at_zero_then_no_change(capsys: pytest.CaptureFixture[str]) -> None:
    first = scaling(capsys, min_capacity=0, max_capacity=8, seconds_until_auto_pause=3600)
    assert first["changed"] is True
    assert first["diff"]["before"] == {"min_capacity": 0.5, "max_capacity": 8.0}
    assert reported() == {"MinCapacity": 0.0, "MaxCapacity": 8.0, "SecondsUntilAutoPause": 3600}
    assert scaling(capsys, min_capacity=0, max_capacity=8, seconds_until_auto_pause=3600)["changed"] is False
    changed = scaling(capsys, min_capacity=0, max_capacity=8, seconds_until_auto_pause=600)
    assert changed["diff"]["after"]["seconds_until_auto_pause"] == 600


@pytest.mark.usefixtures("cluster")
def test_check_mode_plans_without_writing(capsys: pytest.CaptureFixture[str]) -> None:
    planned = scaling(capsys, check_mode=True, min_capacity=0, max_capacity=8)
    assert planned["changed"] is True
    assert planned["diff"]["after"] == {"min_capacity": 0, "max_capacity": 8, "seconds_until_auto_pause": 300}
    assert reported()["MinCapacity"] == 0.5


@pytest.mark.usefixtures("cluster")
def test_aws_refusal_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    result = scaling(capsys, min_capacity=0, max_capacity=8, seconds_until_auto_pause=86401)
    assert result["failed"] is True
    assert "seconds_until_auto_pause must be from 300 to 86400; got 86401" in result["msg"]


def test_a_missing_cluster_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    result = scaling(capsys, min_capacity=0.5, max_capacity=2)
    assert result["failed"] is True
    assert result["msg"] == f"The DB cluster {CLUSTER} does not exist: create it first."
