"""EC2 deletes AWS refuses while dependents exist: subnets, security groups, VPCs, IGW detach, EIP release."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Response

from emulator.moto_state import backend, live_enis
from emulator.request import AwsRequest
from emulator.responses import query_error
from emulator.strict import DeleteRules, Rule

NAME = "strict_ec2"
_GONE_STATES = ("deleting", "deleted")
_INACTIVE_ECS = "INACTIVE"


def _dependency_violation(message: str) -> Response:
    return query_error("DependencyViolation", message, ec2=True)


def _refused_while_held(
    request: AwsRequest, field: str, kind: str, holders: Callable[[AwsRequest, str], list[str]]
) -> Response | None:
    """AWS's refusal to delete the ``kind`` named by the form's ``field`` while anything holds it."""
    resource_id = request.form().get(field, "")
    if resource_id and holders(request, resource_id):
        return _dependency_violation(f"The {kind} '{resource_id}' has dependencies and cannot be deleted.")
    return None


def delete_subnet(request: AwsRequest) -> Response | None:
    return _refused_while_held(request, "SubnetId", "subnet", _subnet_holders)


def _subnet_holders(request: AwsRequest, subnet_id: str) -> list[str]:
    """What keeps a subnet: NAT gateways, network interfaces, load balancers, VPC links, DB subnet groups."""
    ec2 = backend("ec2", request)
    holders = [
        nat.id
        for nat in list(ec2.nat_gateways.values())
        # A failed NAT gateway has no interface left (emulator.behaviours.nat_gateways): it holds nothing.
        if nat.subnet_id == subnet_id and nat.state not in (*_GONE_STATES, "failed")
    ]
    holders += [eni.id for eni in live_enis(ec2) if eni.subnet is not None and eni.subnet.id == subnet_id]
    holders += [
        lb.arn
        for lb in list(backend("elbv2", request).load_balancers.values())
        if subnet_id in {subnet.id for subnet in lb.subnets}
    ]
    holders += [
        link.id for link in list(backend("apigatewayv2", request).vpc_links.values()) if subnet_id in link.subnet_ids
    ]
    holders += [
        group.name
        for group in list(backend("rds", request).subnet_groups.values())
        if subnet_id in {subnet.id for subnet in group._subnets}
    ]
    return holders


def delete_security_group(request: AwsRequest) -> Response | None:
    params = request.form()
    group = _security_group(request, params.get("GroupId"), params.get("GroupName"))
    if group is not None and _security_group_holders(request, group.id):
        return _dependency_violation(f"resource {group.id} has a dependent object")
    return None


def _security_group(request: AwsRequest, group_id: str | None, group_name: str | None) -> Any:
    ec2 = backend("ec2", request)
    if group_id:
        return ec2.get_security_group_from_id(group_id)
    return ec2.get_security_group_by_name_or_id(group_name) if group_name else None


def _security_group_holders(request: AwsRequest, group_id: str) -> list[str]:
    """What keeps a group: rules of other groups, ENIs, load balancers, ECS services, RDS, VPC links."""
    ec2 = backend("ec2", request)
    holders = [
        other.id
        for groups in list(ec2.groups.values())
        for other in list(groups.values())
        if other.id != group_id
        and any(rule.source_group.get("GroupId") == group_id for rule in [*other.ingress_rules, *other.egress_rules])
    ]
    holders += [eni.id for eni in live_enis(ec2) if group_id in {group.id for group in eni.group_set}]
    holders += [
        lb.arn
        for lb in list(backend("elbv2", request).load_balancers.values())
        if group_id in (lb.security_groups or [])
    ]
    holders += [
        service.arn
        for service in list(backend("ecs", request).services.values())
        if service.status != _INACTIVE_ECS
        and group_id in service.network_configuration.get("awsvpcConfiguration", {}).get("securityGroups", [])
    ]
    rds = backend("rds", request)
    holders += [
        database.arn
        for database in [*rds.clusters.values(), *rds.databases.values()]
        if group_id in (getattr(database, "vpc_security_group_ids", None) or [])
    ]
    holders += [
        link.id for link in list(backend("apigatewayv2", request).vpc_links.values()) if group_id in link.sg_ids
    ]
    return holders


def delete_vpc(request: AwsRequest) -> Response | None:
    return _refused_while_held(request, "VpcId", "vpc", _vpc_holders)


def _vpc_holders(request: AwsRequest, vpc_id: str) -> list[str]:
    """What keeps a VPC: subnets, non-default security groups, an attached IGW, endpoints."""
    ec2 = backend("ec2", request)
    holders = [subnet.id for subnet in ec2.describe_subnets(filters={"vpc-id": [vpc_id]})]
    holders += [group.id for group in list(ec2.groups.get(vpc_id, {}).values()) if not group.is_default]
    holders += [igw.id for igw in list(ec2.internet_gateways.values()) if igw.vpc is not None and igw.vpc.id == vpc_id]
    holders += [
        endpoint.id
        for endpoint in list(ec2.vpc_end_points.values())
        if endpoint.vpc_id == vpc_id and endpoint.state not in _GONE_STATES
    ]
    return holders


def detach_internet_gateway(request: AwsRequest) -> Response | None:
    params = request.form()
    igw_id, vpc_id = params.get("InternetGatewayId", ""), params.get("VpcId", "")
    igw = backend("ec2", request).internet_gateways.get(igw_id)
    # Only an attached gateway is guarded; moto answers Gateway.NotAttached and unknown ids itself.
    if igw is None or igw.vpc is None or igw.vpc.id != vpc_id:
        return None
    if _mapped_public_addresses(request, vpc_id):
        return _dependency_violation(
            f"Network {vpc_id} has some mapped public address(es). "
            "Please unmap those public address(es) before detaching the gateway."
        )
    return None


def _mapped_public_addresses(request: AwsRequest, vpc_id: str) -> list[str]:
    """Public addresses in the VPC: on interfaces (EIPs, NAT gateways' included, and auto-assigned ones) and
    on internet-facing load balancers, whose interfaces moto does not model."""
    addresses = [
        eni.public_ip
        for eni in live_enis(backend("ec2", request))
        if eni.public_ip and eni.subnet is not None and eni.subnet.vpc_id == vpc_id
    ]
    addresses += [
        lb.dns_name
        for lb in list(backend("elbv2", request).load_balancers.values())
        if lb.vpc_id == vpc_id and lb.scheme == "internet-facing"
    ]
    return addresses


def release_address(request: AwsRequest) -> Response | None:
    params = request.form()
    address = _address(request, params.get("AllocationId"), params.get("PublicIp"))
    if address is not None and _in_use(request, address):
        return query_error("InvalidIPAddress.InUse", f"Address {address.public_ip} is in use.", ec2=True)
    return None


def _address(request: AwsRequest, allocation_id: str | None, public_ip: str | None) -> Any:
    for address in list(backend("ec2", request).addresses):
        if (allocation_id and address.allocation_id == allocation_id) or (public_ip and address.public_ip == public_ip):
            return address
    return None


def _in_use(request: AwsRequest, address: Any) -> bool:
    """Associated with a live interface; in the default VPC AWS releases an instance's address anyway."""
    ec2 = backend("ec2", request)
    if address.eni is None or address.eni.id not in {eni.id for eni in live_enis(ec2)}:
        return False
    default_vpc = ec2.get_default_vpc()
    in_default_vpc = default_vpc is not None and address.eni.subnet.vpc_id == default_vpc.id
    return not (in_default_vpc and address.instance is not None)


def build() -> DeleteRules:
    rules: dict[str, Rule] = {
        "DeleteSubnet": delete_subnet,
        "DeleteSecurityGroup": delete_security_group,
        "DeleteVpc": delete_vpc,
        "DetachInternetGateway": detach_internet_gateway,
        "ReleaseAddress": release_address,
    }
    return DeleteRules(name=NAME, service="ec2", rules=rules)
