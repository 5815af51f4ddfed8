"""Aurora, load balancers and Cloud Map operations on AWS's time (emulator.lifecycle, issue 14): each is
seen pending until its modeled time has passed, then ready."""

from __future__ import annotations

from typing import Any

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


def _cluster_status(rds: Any, cluster: str) -> str:
    return str(rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]["Status"])


def _instance_status(rds: Any, instance: str) -> str:
    return str(rds.describe_db_instances(DBInstanceIdentifier=instance)["DBInstances"][0]["DBInstanceStatus"])


def test_aurora_cluster_instance_and_snapshot_take_their_time(emulator: launcher.Emulator) -> None:
    rds = client(emulator, "rds")
    cluster = aurora_cluster(rds)
    early = [_cluster_status(rds, cluster) for _attempt in range(3)]
    aws_time_passes(emulator)
    assert early == ["creating"] * 3
    assert _cluster_status(rds, cluster) == "available"

    instance = mysql_instance(rds)
    statuses = [_instance_status(rds, instance)]
    for _step in range(2):
        aws_time_passes(emulator)
        statuses.append(_instance_status(rds, instance))
    assert statuses == ["creating", "backing-up", "available"]

    snapshot = unique("final")
    rds.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=snapshot)
    described = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot)["DBClusterSnapshots"]
    aws_time_passes(emulator)
    again = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot)["DBClusterSnapshots"]
    assert (described[0]["Status"], again[0]["Status"]) == ("creating", "available")


def test_a_load_balancer_provisions_for_minutes(emulator: launcher.Emulator) -> None:
    net = Network(emulator)
    elbv2 = client(emulator, "elbv2")
    arn = elbv2.create_load_balancer(Name=unique("alb")[:32], Subnets=net.subnet_ids)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]

    def state() -> str:
        return str(elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"])

    early = [state() for _attempt in range(3)]
    aws_time_passes(emulator)
    assert early == ["provisioning"] * 3
    assert state() == "active"


def test_a_cloud_map_operation_is_submitted_then_pending_then_done(emulator: launcher.Emulator) -> None:
    net = Network(emulator)
    cloudmap = client(emulator, "servicediscovery")
    operation = cloudmap.create_private_dns_namespace(Name=f"{unique('ns')}.local", Vpc=net.vpc_id)["OperationId"]

    def status() -> str:
        return str(cloudmap.get_operation(OperationId=operation)["Operation"]["Status"])

    early = [status(), status()]
    aws_time_passes(emulator)
    assert early == ["SUBMITTED", "PENDING"]
    assert status() == "SUCCESS"


def test_a_studio_app_deletes_for_minutes_and_its_interface_outlives_it(emulator: launcher.Emulator) -> None:
    ec2, sagemaker = client(emulator, "ec2"), client(emulator, "sagemaker")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=unique("studio"), Description="Studio", VpcId=vpc)["GroupId"]
    settings = {"ExecutionRole": "arn:aws:iam::123456789012:role/studio", "SecurityGroups": [group]}
    domain = sagemaker.create_domain(
        DomainName=unique("dom"), AuthMode="IAM", DefaultUserSettings=settings, SubnetIds=[subnet], VpcId=vpc
    )["DomainId"]
    sagemaker.create_user_profile(DomainId=domain, UserProfileName="u")
    app = {"DomainId": domain, "UserProfileName": "u", "AppType": "JupyterServer", "AppName": "default"}
    sagemaker.create_app(**app)
    in_group = [{"Name": "group-id", "Values": [group]}]
    assert [eni["SubnetId"] for eni in ec2.describe_network_interfaces(Filters=in_group)["NetworkInterfaces"]] == [
        subnet
    ]

    sagemaker.delete_app(**app)
    emulator.advance(30)  # typical: 45-150 s
    assert sagemaker.describe_app(**app)["Status"] == "Deleting"
    emulator.advance(600)
    assert sagemaker.describe_app(**app)["Status"] == "Deleted"
    # Its interface stays minutes more in the Studio group: the group cannot go yet.
    refused(ec2.delete_security_group, "DependencyViolation", GroupId=group)
    aws_time_passes(emulator)
    assert ec2.describe_network_interfaces(Filters=in_group)["NetworkInterfaces"] == []
    ec2.delete_security_group(GroupId=group)
