"""NAT gateways take AWS's time: ``pending`` then ``available`` (or ``failed`` with AWS's reason), and
``deleting`` then ``deleted``; after that the EIP stays mapped a while (emulator.behaviours.leftovers).

moto makes a NAT gateway ``available`` at once and ``deleted`` at once; its backend is wrapped so the
create and delete answers say ``pending`` and ``deleting``, and every DescribeNatGateways moves the
states on along the modeled clock (emulator.lifecycle).
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from emulator import lifecycle, moto_state
from emulator.lifecycle import ENGINE, FAILED, PENDING
from emulator.request import AwsRequest

NAME = "nat_gateways"
KIND = "nat_gateway"
DELETE_KIND = "nat_gateway_delete"
MAPPING_KIND = "nat_eip_mapping"


def _wrap_backend() -> None:
    from moto.ec2.models.nat_gateways import NatGatewayBackend

    if getattr(NatGatewayBackend, "_mlflow_lifecycle", False):
        return
    create, delete = NatGatewayBackend.create_nat_gateway, NatGatewayBackend.delete_nat_gateway

    def create_nat_gateway(self: Any, *args: Any, **kwargs: Any) -> Any:
        nat = create(self, *args, **kwargs)
        nat.state = PENDING
        ENGINE.track(KIND, nat.id)
        return nat

    def delete_nat_gateway(self: Any, nat_gateway_id: str) -> Any:
        nat = delete(self, nat_gateway_id)
        nat.state = "deleting"
        ENGINE.track(DELETE_KIND, nat.id)
        return nat

    NatGatewayBackend.create_nat_gateway = create_nat_gateway  # type: ignore[method-assign]
    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway  # type: ignore[method-assign]
    NatGatewayBackend._mlflow_lifecycle = True  # type: ignore[attr-defined]


def _fail(nat: Any) -> None:
    """AWS's failed NAT gateway: the reason, and its interface gone with the EIP free again."""
    code, message = lifecycle.FAILURE_REASONS[KIND]
    nat.state, nat.failure_code, nat.failure_message = "failed", code, message
    ec2 = nat.ec2_backend
    ec2.enis.pop(nat._eni.id, None)
    for address in list(ec2.addresses):
        if address.eni is nat._eni:
            address.eni, address.association_id = None, None


def advance(nat: Any) -> None:
    """Move one NAT gateway on to the state the modeled clock says (a client is describing it)."""
    if nat.state == PENDING:
        phase = ENGINE.observe(KIND, nat.id)
        if phase == FAILED:
            _fail(nat)
        elif phase != PENDING:
            nat.state = "available"
    elif nat.state == "deleting" and ENGINE.observe(DELETE_KIND, nat.id) != PENDING:
        nat.state = "deleted"
        ENGINE.track(MAPPING_KIND, nat.id)  # its EIP stays mapped a while (emulator.behaviours.leftovers)


class NatGateways:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service == "ec2" and request.action == "DescribeNatGateways":
            for nat in list(moto_state.backend("ec2", request).nat_gateways.values()):
                advance(nat)
        return None


def build() -> NatGateways:
    _wrap_backend()
    return NatGateways()
