"""The strict emulator refuses deleting a DB subnet group in use, as AWS does, and allows it after."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import launcher
from tests.emulator.strict_support import (
    Network,
    aurora_cluster,
    aws_time_passes,
    client,
    mysql_instance,
    refused,
    unique,
)

IN_USE = "InvalidDBSubnetGroupStateFault"


@pytest.fixture
def rds(emulator: launcher.Emulator) -> Any:
    return client(emulator, "rds")


@pytest.fixture
def subnet_group(emulator: launcher.Emulator, rds: Any) -> str:
    name = unique("dbsubnets")
    rds.create_db_subnet_group(
        DBSubnetGroupName=name, DBSubnetGroupDescription="test", SubnetIds=Network(emulator).subnet_ids
    )
    return name


def _deleted(emulator: launcher.Emulator, describe: Any, not_found: str, **identifier: str) -> None:
    """AWS lists a deleted cluster or instance as ``deleting`` for minutes, then no more."""
    listed = describe(**identifier)
    statuses = [c["Status"] for c in listed.get("DBClusters", [])] + [
        i["DBInstanceStatus"] for i in listed.get("DBInstances", [])
    ]
    assert statuses == ["deleting"]
    aws_time_passes(emulator)
    refused(describe, not_found, **identifier)


def test_subnet_group_used_by_cluster(emulator: launcher.Emulator, rds: Any, subnet_group: str) -> None:
    cluster = aurora_cluster(rds, DBSubnetGroupName=subnet_group)
    error = refused(rds.delete_db_subnet_group, IN_USE, DBSubnetGroupName=subnet_group)
    assert error.response["Error"]["Message"] == (
        f"Cannot delete the subnet group '{subnet_group}' because at least one database cluster: "
        f"{cluster} is still using it."
    )
    rds.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
    refused(rds.delete_db_subnet_group, IN_USE, DBSubnetGroupName=subnet_group)  # still deleting
    _deleted(emulator, rds.describe_db_clusters, "DBClusterNotFoundFault", DBClusterIdentifier=cluster)
    rds.delete_db_subnet_group(DBSubnetGroupName=subnet_group)
    refused(rds.describe_db_subnet_groups, "DBSubnetGroupNotFoundFault", DBSubnetGroupName=subnet_group)


def test_subnet_group_used_by_instance(emulator: launcher.Emulator, rds: Any, subnet_group: str) -> None:
    instance = mysql_instance(rds, DBSubnetGroupName=subnet_group)
    refused(rds.delete_db_subnet_group, IN_USE, DBSubnetGroupName=subnet_group)
    rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True)
    _deleted(emulator, rds.describe_db_instances, "DBInstanceNotFound", DBInstanceIdentifier=instance)
    rds.delete_db_subnet_group(DBSubnetGroupName=subnet_group)


def test_subnet_group_name_is_compared_without_case(emulator: launcher.Emulator, rds: Any, subnet_group: str) -> None:
    cluster = aurora_cluster(rds, DBSubnetGroupName=subnet_group)
    refused(rds.delete_db_subnet_group, IN_USE, DBSubnetGroupName=subnet_group.upper())
    rds.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
    _deleted(emulator, rds.describe_db_clusters, "DBClusterNotFoundFault", DBClusterIdentifier=cluster)
    rds.delete_db_subnet_group(DBSubnetGroupName=subnet_group)
