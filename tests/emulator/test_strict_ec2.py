"""The strict emulator refuses EC2 deletes while dependents exist, as AWS does, and allows them after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from emulator import launcher
from tests.emulator.strict_support import (
    Network,
    aurora_cluster,
    aws_time_passes,
    client,
    fargate_task_definition,
    mysql_instance,
    recorded,
    refused,
    service_drained,
    unique,
)

DEPENDENCY = "DependencyViolation"


@pytest.fixture
def net(emulator: launcher.Emulator) -> Network:
    return Network(emulator)


def _nat_gateway(net: Network) -> tuple[str, str]:
    allocation_id = net.ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat_id = net.ec2.create_nat_gateway(SubnetId=net.subnet_id, AllocationId=allocation_id)["NatGateway"][
        "NatGatewayId"
    ]
    return nat_id, allocation_id


def _load_balancer(emulator: launcher.Emulator, net: Network, groups: list[str]) -> Callable[[], Any]:
    """An internal load balancer using ``groups`` and both subnets; returns what deletes it."""
    arn = net.load_balancer(groups)
    return lambda: client(emulator, "elbv2").delete_load_balancer(LoadBalancerArn=arn)


def _vpc_link(emulator: launcher.Emulator, net: Network, groups: list[str]) -> Callable[[], Any]:
    """A VPC link using ``groups`` and both subnets; returns what deletes it."""
    apigw = client(emulator, "apigatewayv2")
    link_id = apigw.create_vpc_link(Name=unique("link"), SubnetIds=net.subnet_ids, SecurityGroupIds=groups)["VpcLinkId"]
    return lambda: apigw.delete_vpc_link(VpcLinkId=link_id)


# Users that AWS deletes in the background: the subnet or group stays in use until that is done.
BACKGROUND_DELETED = pytest.mark.parametrize("hold", [_load_balancer, _vpc_link], ids=["load_balancer", "vpc_link"])


# Subnets


def test_subnet_with_nat_gateway(net: Network) -> None:
    nat_id = _nat_gateway(net)[0]
    error = refused(net.ec2.delete_subnet, DEPENDENCY, SubnetId=net.subnet_id)
    assert error.response["Error"]["Message"] == f"The subnet '{net.subnet_id}' has dependencies and cannot be deleted."
    net.ec2.delete_nat_gateway(NatGatewayId=nat_id)
    net.nat_gateway_gone(nat_id)
    net.ec2.delete_subnet(SubnetId=net.subnet_id)


def test_subnet_with_network_interface(net: Network) -> None:
    eni_id = net.ec2.create_network_interface(SubnetId=net.subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    refused(net.ec2.delete_subnet, DEPENDENCY, SubnetId=net.subnet_id)
    net.ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    net.ec2.delete_subnet(SubnetId=net.subnet_id)


@BACKGROUND_DELETED
def test_subnet_used_by(emulator: launcher.Emulator, net: Network, hold: Callable[..., Callable[[], Any]]) -> None:
    release = hold(emulator, net, [net.security_group()])
    refused(net.ec2.delete_subnet, DEPENDENCY, SubnetId=net.subnet_ids[1])
    release()
    aws_time_passes(emulator)
    net.ec2.delete_subnet(SubnetId=net.subnet_ids[1])


def test_subnet_in_db_subnet_group(emulator: launcher.Emulator, net: Network) -> None:
    rds = client(emulator, "rds")
    name = unique("dbsubnets")
    rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription="test", SubnetIds=net.subnet_ids)
    refused(net.ec2.delete_subnet, DEPENDENCY, SubnetId=net.subnet_id)
    rds.delete_db_subnet_group(DBSubnetGroupName=name)
    net.ec2.delete_subnet(SubnetId=net.subnet_id)


def test_unused_subnet_is_deleted(net: Network) -> None:
    net.ec2.delete_subnet(SubnetId=net.subnet_id)
    refused(net.ec2.delete_subnet, "InvalidSubnetID.NotFound", SubnetId=net.subnet_id)


# Security groups


def test_group_referenced_by_another_groups_rule(net: Network) -> None:
    source, target = net.security_group("source"), net.security_group("target")
    permission = {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": source}]}
    net.ec2.authorize_security_group_ingress(GroupId=target, IpPermissions=[permission])
    error = refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=source)
    assert error.response["Error"]["Message"] == f"resource {source} has a dependent object"
    net.ec2.revoke_security_group_ingress(GroupId=target, IpPermissions=[permission])
    net.ec2.delete_security_group(GroupId=source)


def test_group_referenced_by_an_egress_rule(net: Network) -> None:
    source, target = net.security_group("source"), net.security_group("target")
    permission = {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "UserIdGroupPairs": [{"GroupId": source}]}
    net.ec2.authorize_security_group_egress(GroupId=target, IpPermissions=[permission])
    refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=source)
    net.ec2.delete_security_group(GroupId=target)
    net.ec2.delete_security_group(GroupId=source)


def test_group_referencing_itself_is_deleted(net: Network) -> None:
    group = net.security_group("self")
    permission = {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}
    net.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])
    net.ec2.delete_security_group(GroupId=group)


@BACKGROUND_DELETED
def test_group_used_by(emulator: launcher.Emulator, net: Network, hold: Callable[..., Callable[[], Any]]) -> None:
    group = net.security_group("used")
    release = hold(emulator, net, [group])
    refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=group)
    release()
    aws_time_passes(emulator)
    net.ec2.delete_security_group(GroupId=group)


def test_group_used_by_ecs_service(emulator: launcher.Emulator, net: Network) -> None:
    group = net.security_group("service")
    ecs = client(emulator, "ecs")
    cluster = unique("cluster")
    ecs.create_cluster(clusterName=cluster)
    family = fargate_task_definition(ecs)
    ecs.create_service(
        cluster=cluster,
        serviceName="svc",
        taskDefinition=family,
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [net.subnet_id], "securityGroups": [group]}},
    )
    refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=group)
    ecs.delete_service(cluster=cluster, service="svc", force=True)
    service_drained(emulator, cluster, "svc")
    net.ec2.delete_security_group(GroupId=group)


@pytest.mark.parametrize("kind", ["cluster", "instance"])
def test_group_used_by_rds(emulator: launcher.Emulator, net: Network, kind: str) -> None:
    group = net.security_group("db")
    rds = client(emulator, "rds")
    if kind == "cluster":
        cluster = aurora_cluster(rds, VpcSecurityGroupIds=[group])
        refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=group)
        rds.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
    else:
        instance = mysql_instance(rds, VpcSecurityGroupIds=[group])
        refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=group)
        rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True)
    refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=group)  # while it is deleting
    aws_time_passes(emulator)
    net.ec2.delete_security_group(GroupId=group)


def test_group_used_by_network_interface(net: Network) -> None:
    group = net.security_group("eni")
    eni_id = net.ec2.create_network_interface(SubnetId=net.subnet_id, Groups=[group])["NetworkInterface"][
        "NetworkInterfaceId"
    ]
    refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=group)
    net.ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    net.ec2.delete_security_group(GroupId=group)


# VPCs


def test_vpc_with_non_default_security_group(net: Network) -> None:
    for subnet_id in net.subnet_ids:
        net.ec2.delete_subnet(SubnetId=subnet_id)
    group = net.security_group()
    error = refused(net.ec2.delete_vpc, DEPENDENCY, VpcId=net.vpc_id)
    assert error.response["Error"]["Message"] == f"The vpc '{net.vpc_id}' has dependencies and cannot be deleted."
    net.ec2.delete_security_group(GroupId=group)
    net.ec2.delete_vpc(VpcId=net.vpc_id)


def test_vpc_with_subnets(net: Network) -> None:
    refused(net.ec2.delete_vpc, DEPENDENCY, VpcId=net.vpc_id)
    for subnet_id in net.subnet_ids:
        net.ec2.delete_subnet(SubnetId=subnet_id)
    net.ec2.delete_vpc(VpcId=net.vpc_id)


def test_vpc_with_attached_internet_gateway(net: Network) -> None:
    for subnet_id in net.subnet_ids:
        net.ec2.delete_subnet(SubnetId=subnet_id)
    igw_id = net.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    net.ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=net.vpc_id)
    refused(net.ec2.delete_vpc, DEPENDENCY, VpcId=net.vpc_id)
    net.ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=net.vpc_id)
    net.ec2.delete_vpc(VpcId=net.vpc_id)


def test_vpc_with_endpoint(net: Network) -> None:
    for subnet_id in net.subnet_ids:
        net.ec2.delete_subnet(SubnetId=subnet_id)
    endpoint_id = net.ec2.create_vpc_endpoint(
        VpcId=net.vpc_id, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway"
    )["VpcEndpoint"]["VpcEndpointId"]
    refused(net.ec2.delete_vpc, DEPENDENCY, VpcId=net.vpc_id)
    net.ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    net.ec2.delete_vpc(VpcId=net.vpc_id)


# Internet gateway detach and EIP release


def _attached_igw(net: Network) -> str:
    igw_id = net.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    net.ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=net.vpc_id)
    return igw_id


def test_igw_detach_with_nat_gateway_address(net: Network) -> None:
    igw_id = _attached_igw(net)
    nat_id = _nat_gateway(net)[0]
    error = refused(net.ec2.detach_internet_gateway, DEPENDENCY, InternetGatewayId=igw_id, VpcId=net.vpc_id)
    assert error.response["Error"]["Message"].startswith(f"Network {net.vpc_id} has some mapped public address(es).")
    net.ec2.delete_nat_gateway(NatGatewayId=nat_id)
    net.nat_gateway_gone(nat_id)
    net.ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=net.vpc_id)


def test_igw_detach_with_associated_address(net: Network) -> None:
    igw_id = _attached_igw(net)
    eni_id = net.ec2.create_network_interface(SubnetId=net.subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    allocation_id = net.ec2.allocate_address(Domain="vpc")["AllocationId"]
    association_id = net.ec2.associate_address(AllocationId=allocation_id, NetworkInterfaceId=eni_id)["AssociationId"]
    refused(net.ec2.detach_internet_gateway, DEPENDENCY, InternetGatewayId=igw_id, VpcId=net.vpc_id)
    net.ec2.disassociate_address(AssociationId=association_id)
    net.ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=net.vpc_id)


def test_igw_detach_with_internet_facing_load_balancer(emulator: launcher.Emulator, net: Network) -> None:
    igw_id = _attached_igw(net)
    elbv2 = client(emulator, "elbv2")
    internal_arn = net.load_balancer()
    public_arn = net.load_balancer(scheme="internet-facing")
    refused(net.ec2.detach_internet_gateway, DEPENDENCY, InternetGatewayId=igw_id, VpcId=net.vpc_id)
    elbv2.delete_load_balancer(LoadBalancerArn=public_arn)
    aws_time_passes(emulator)
    net.ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=net.vpc_id)
    elbv2.delete_load_balancer(LoadBalancerArn=internal_arn)


def test_igw_detach_from_another_vpc_is_left_to_moto(net: Network) -> None:
    igw_id = _attached_igw(net)
    _nat_gateway(net)
    other_vpc = net.ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    refused(net.ec2.detach_internet_gateway, "Gateway.NotAttached", InternetGatewayId=igw_id, VpcId=other_vpc)


def test_release_of_associated_address(net: Network) -> None:
    eni_id = net.ec2.create_network_interface(SubnetId=net.subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    allocation = net.ec2.allocate_address(Domain="vpc")
    association_id = net.ec2.associate_address(AllocationId=allocation["AllocationId"], NetworkInterfaceId=eni_id)[
        "AssociationId"
    ]
    error = refused(net.ec2.release_address, "InvalidIPAddress.InUse", AllocationId=allocation["AllocationId"])
    assert error.response["Error"]["Message"] == f"Address {allocation['PublicIp']} is in use."
    net.ec2.disassociate_address(AssociationId=association_id)
    net.ec2.release_address(AllocationId=allocation["AllocationId"])


def test_release_of_address_held_by_nat_gateway(net: Network) -> None:
    nat_id, allocation_id = _nat_gateway(net)
    refused(net.ec2.release_address, "InvalidIPAddress.InUse", AllocationId=allocation_id)
    net.ec2.delete_nat_gateway(NatGatewayId=nat_id)
    net.nat_gateway_gone(nat_id)
    net.ec2.release_address(AllocationId=allocation_id)
    assert not net.ec2.describe_addresses(Filters=[{"Name": "allocation-id", "Values": [allocation_id]}])["Addresses"]


# The request log and accounts


def test_refusals_are_logged_with_the_extension(emulator: launcher.Emulator, net: Network) -> None:
    eni_id = net.ec2.create_network_interface(SubnetId=net.subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    with recorded(emulator) as entries:
        refused(net.ec2.delete_subnet, DEPENDENCY, SubnetId=net.subnet_id)
        net.ec2.delete_network_interface(NetworkInterfaceId=eni_id)
        net.ec2.delete_subnet(SubnetId=net.subnet_id)
    assert [(e["action"], e["status"], e["answered_by"]) for e in entries] == [
        ("DeleteSubnet", 400, "strict_ec2"),
        ("DeleteNetworkInterface", 200, "moto"),
        ("DeleteSubnet", 200, "moto"),
    ]


def test_rules_read_the_account_of_the_access_key(emulator: launcher.Emulator) -> None:
    """Credentials of a role in another account reach that account's state, as moto resolves it."""
    role_arn = f"arn:aws:iam::222233334444:role/{unique('role')}"
    credentials = client(emulator, "sts").assume_role(RoleArn=role_arn, RoleSessionName="strict")["Credentials"]
    # moto needs no such role: assuming it maps the new access key to the role's account.
    ec2 = client(
        emulator,
        "ec2",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    eni_id = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    assert (
        ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]["OwnerId"]
        == "222233334444"
    )
    refused(ec2.delete_subnet, DEPENDENCY, SubnetId=subnet_id)
    ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    ec2.delete_subnet(SubnetId=subnet_id)


def test_subnet_with_running_task_interface(emulator: launcher.Emulator, net: Network) -> None:
    """A Fargate task's interface holds its subnet and group until the task stops (moto keeps it; AWS does not)."""
    group = net.security_group("task")
    # moto's awsvpc tasks need DNS hostnames on, as the stack's VPC has them.
    net.ec2.modify_vpc_attribute(VpcId=net.vpc_id, EnableDnsHostnames={"Value": True})
    ecs = client(emulator, "ecs")
    cluster, family = unique("cluster"), unique("task")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx", "essential": True, "memory": 512}],
    )
    task_arn = ecs.run_task(
        cluster=cluster,
        taskDefinition=family,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [net.subnet_id], "securityGroups": [group]}},
    )["tasks"][0]["taskArn"]
    refused(net.ec2.delete_subnet, DEPENDENCY, SubnetId=net.subnet_id)
    refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=group)
    ecs.stop_task(cluster=cluster, task=task_arn, reason="test")
    # A stopped task's interface lingers a while, as on AWS.
    refused(net.ec2.delete_security_group, DEPENDENCY, GroupId=group)
    aws_time_passes(emulator)
    net.ec2.delete_security_group(GroupId=group)
    net.ec2.delete_subnet(SubnetId=net.subnet_id)


def _instance(net: Network, subnet_id: str | None) -> str:
    image_id = "ami-12c6146b"  # moto runs any image id; describing its AMIs takes seconds
    placement = {"SubnetId": subnet_id} if subnet_id else {}
    return net.ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t3.micro", **placement)[
        "Instances"
    ][0]["InstanceId"]


def test_release_of_instance_address_in_default_vpc_is_allowed(net: Network) -> None:
    """In the default VPC, AWS disassociates an instance's address on release instead of refusing."""
    instance_id = _instance(net, None)
    allocation_id = net.ec2.allocate_address(Domain="vpc")["AllocationId"]
    net.ec2.associate_address(AllocationId=allocation_id, InstanceId=instance_id)
    net.ec2.release_address(AllocationId=allocation_id)
    net.ec2.terminate_instances(InstanceIds=[instance_id])


def test_release_of_instance_address_in_other_vpc_is_refused(net: Network) -> None:
    instance_id = _instance(net, net.subnet_id)
    allocation_id = net.ec2.allocate_address(Domain="vpc")["AllocationId"]
    association_id = net.ec2.associate_address(AllocationId=allocation_id, InstanceId=instance_id)["AssociationId"]
    refused(net.ec2.release_address, "InvalidIPAddress.InUse", AllocationId=allocation_id)
    net.ec2.disassociate_address(AssociationId=association_id)
    net.ec2.release_address(AllocationId=allocation_id)
    net.ec2.terminate_instances(InstanceIds=[instance_id])
