"""What AWS leaves behind for a while after a delete: network interfaces and mapped addresses.

- A deleted load balancer's interfaces (one per subnet, its groups, a public address when internet-facing)
  and a deleted VPC link's stay for minutes, holding their subnets and security groups and, when public,
  keeping the internet gateway attached (DependencyViolation).
- A stopped Fargate task's interface stays a little while.
- A deleted NAT gateway's interface keeps its EIP mapped a while (InvalidIPAddress.InUse on release).
- A deleted Studio app's interface stays a while in the domain's VPC (studio_app_network).

Each is a real interface in moto (DescribeNetworkInterfaces shows it, the strict rules see it), removed
once its modeled time (emulator.lifecycle) has passed; every EC2 request first removes the expired ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.behaviours import rds_lifecycles, studio_app_network, vpc_link_lifecycles
from emulator.lifecycle import ENGINE
from emulator.request import AwsRequest

NAME = "leftovers"
_VPC_LINK = re.compile(r"^/v2/vpclinks/(?P<vpc_link_id>[^/]+)$")
_PUBLIC_IP = "198.51.100.{}"  # TEST-NET-2: never routable


def _leftover(ec2: Any, kind: str, subnet_id: str, group_ids: list[str], description: str, public: bool) -> None:
    subnet = _subnet(ec2, subnet_id)
    if subnet is None:  # moto takes any subnet id for a load balancer or VPC link
        return
    eni = ec2.create_network_interface(subnet, None, group_ids=group_ids, description=description)
    if public:
        eni.public_ip = _PUBLIC_IP.format(len(ec2.enis) % 250 + 1)
    ENGINE.track(kind, eni.id)


Leave = Callable[[], None]


def _subnet(ec2: Any, subnet_id: str) -> Any:
    subnets = (subnet for zone in list(ec2.subnets.values()) for subnet in list(zone.values()))
    return next((subnet for subnet in subnets if subnet.id == subnet_id), None)


def load_balancer_leftovers(request: AwsRequest) -> Leave | None:
    """Read before moto drops the load balancer; left behind once it is gone (alb_eni)."""
    arn = request.form().get("LoadBalancerArn", "")
    balancers = moto_state.backend("elbv2", request).load_balancers
    balancer = balancers.get(arn)
    if balancer is None:
        return None
    ec2 = moto_state.backend("ec2", request)
    subnet_ids = [subnet.id for subnet in balancer.subnets]
    groups, public = list(balancer.security_groups or []), balancer.scheme == "internet-facing"
    description = f"ELB app/{balancer.name}/{arn.rsplit('/', 1)[-1]}"

    def leave() -> None:
        if arn not in balancers:
            for subnet_id in subnet_ids:
                _leftover(ec2, "alb_eni", subnet_id, groups, description, public)

    return leave


def vpc_link_leftovers(request: AwsRequest, vpc_link_id: str) -> Leave | None:
    links = moto_state.backend("apigatewayv2", request).vpc_links
    link = links.get(vpc_link_id)
    if link is None:
        return None
    ec2 = moto_state.backend("ec2", request)
    subnet_ids, groups = list(link.subnet_ids or []), list(link.sg_ids or [])

    def leave() -> None:
        # With lifecycles the link is DELETING for a while; its interfaces outlive it all the same.
        if vpc_link_id not in links or vpc_link_lifecycles.deleting(links[vpc_link_id]):
            for subnet_id in subnet_ids:
                _leftover(ec2, "vpc_link_eni", subnet_id, groups, f"VPC Link {vpc_link_id}", public=False)

    return leave


def expire(request: AwsRequest) -> None:
    """Remove the leftovers whose time is up: load balancer, VPC link, task and deleted NAT interfaces, and
    the deleted VPC links and databases AWS has finished with."""
    ec2 = moto_state.backend("ec2", request)
    # Deleted links and databases hold their subnets and groups until AWS has finished deleting them.
    vpc_link_lifecycles.expire(moto_state.backend("apigatewayv2", request))
    rds_lifecycles.purge_deleted(moto_state.backend("rds", request))
    gone = [eni_id for eni_id in list(ec2.enis) if _expired(ec2, eni_id)]
    for eni_id in gone:
        ec2.enis.pop(eni_id, None)


def _expired(ec2: Any, eni_id: str) -> bool:
    for kind in ("alb_eni", "vpc_link_eni", studio_app_network.KIND):
        if ENGINE.known(kind, eni_id):
            return not ENGINE.lingering(kind, eni_id)
    nat = _nat_of(ec2, eni_id)
    if nat is not None:
        return nat.state == "deleted" and not ENGINE.lingering("nat_eip_mapping", nat.id)
    if eni_id in moto_state.stopped_task_enis(ec2):
        return not ENGINE.lingering("task_eni", eni_id)
    return False


def _nat_of(ec2: Any, eni_id: str) -> Any:
    return next((nat for nat in list(ec2.nat_gateways.values()) if nat._eni.id == eni_id), None)


def _leaves(request: AwsRequest) -> Leave | None:
    if request.service == "elasticloadbalancing" and request.action == "DeleteLoadBalancer":
        return load_balancer_leftovers(request)
    match = _VPC_LINK.match(request.path) if request.service == "apigateway" and request.method == "DELETE" else None
    return vpc_link_leftovers(request, match["vpc_link_id"]) if match else None


class Leftovers:
    """Early in the chain, so expired leftovers are gone before a strict rule looks; a delete's leftovers
    are left in ``after``, only once moto (or a strict rule's refusal) has decided the delete."""

    name = NAME

    def __init__(self) -> None:
        self._pending: dict[int, Leave] = {}

    def handle(self, request: AwsRequest) -> Response | None:
        self._pending.pop(id(request), None)  # a refused delete never reached after()
        if request.path.startswith("/moto-api/reset"):
            ENGINE.reset()
        elif request.service == "ec2":
            expire(request)
        else:
            leave = _leaves(request)
            if leave is not None:
                self._pending[id(request)] = leave
        return None

    def after(self, request: AwsRequest) -> None:
        leave = self._pending.pop(id(request), None)
        if leave is not None:
            leave()
        if request.service == "ecs":
            # Timed from the request that stopped them (StopTask, DeleteService, UpdateService).
            for eni_id in moto_state.stopped_task_enis(moto_state.backend("ec2", request)):
                ENGINE.track("task_eni", eni_id)


def build() -> Leftovers:
    return Leftovers()
