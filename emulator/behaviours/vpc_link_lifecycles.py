"""VPC links on AWS's time: ``PENDING`` for minutes before ``AVAILABLE`` (or ``FAILED`` with AWS's message
when the faults name ``vpc_link``), and ``DELETING`` for a while after DeleteVpcLink before they are gone.

moto reports every link ``AVAILABLE`` and drops it at once on delete. Reading a link (GetVpcLink,
GetVpcLinks) moves it on along the modeled clock (emulator.lifecycle). AWS lets CreateIntegration use a
link that is still ``PENDING`` (the integration works once the link is available), so nothing is refused.
"""

from __future__ import annotations

from typing import Any

from emulator import lifecycle
from emulator.lifecycle import ENGINE, FAILED, PENDING
from emulator.model_patches import ModelPatches

NAME = "vpc_link_lifecycles"
KIND, DELETE_KIND = "vpc_link", "vpc_link_delete"
DELETING = "_mlflow_deleting"


def status(link: Any) -> dict[str, str]:
    """The status fields of a link's answer; reading them counts as a client seeing the link."""
    if getattr(link, DELETING, False):
        return {"vpcLinkStatus": "DELETING", "vpcLinkStatusMessage": "VPC link is being deleted"}
    phase = ENGINE.observe(KIND, link.id)
    if phase == PENDING:
        return {"vpcLinkStatus": "PENDING", "vpcLinkStatusMessage": "VPC link is provisioning ENIs"}
    if phase == FAILED:
        return {"vpcLinkStatus": "FAILED", "vpcLinkStatusMessage": lifecycle.FAILURE_REASONS[KIND][1]}
    return {"vpcLinkStatus": "AVAILABLE", "vpcLinkStatusMessage": "VPC link is ready to route traffic"}


def expire(backend: Any) -> None:
    """Deleted links whose time has passed, looked at or not, are gone (their subnets free)."""
    for link_id, link in list(backend.vpc_links.items()):
        if getattr(link, DELETING, False) and not ENGINE.lingering(DELETE_KIND, link_id):
            backend.vpc_links.pop(link_id, None)


def _wrap_models() -> None:
    from moto.apigatewayv2.models import ApiGatewayV2Backend, VpcLink

    if getattr(VpcLink, "_mlflow_lifecycle", False):
        return
    create, delete, to_json = ApiGatewayV2Backend.create_vpc_link, ApiGatewayV2Backend.delete_vpc_link, VpcLink.to_json
    get_one, get_all = ApiGatewayV2Backend.get_vpc_link, ApiGatewayV2Backend.get_vpc_links

    def create_vpc_link(self: Any, *args: Any, **kwargs: Any) -> Any:
        link = create(self, *args, **kwargs)
        ENGINE.track(KIND, link.id)
        return link

    def delete_vpc_link(self: Any, vpc_link_id: str) -> None:
        link = self.vpc_links.get(vpc_link_id)
        if link is None or getattr(link, DELETING, False):
            return delete(self, vpc_link_id) if link is None else None
        setattr(link, DELETING, True)
        ENGINE.track(DELETE_KIND, vpc_link_id)
        return None

    def get_vpc_link(self: Any, vpc_link_id: str) -> Any:
        expire(self)
        return get_one(self, vpc_link_id)

    def get_vpc_links(self: Any) -> Any:
        expire(self)
        return get_all(self)

    def timed_to_json(self: Any) -> dict[str, Any]:
        return {**to_json(self), **status(self)}

    ApiGatewayV2Backend.create_vpc_link = create_vpc_link  # type: ignore[method-assign]
    ApiGatewayV2Backend.delete_vpc_link = delete_vpc_link  # type: ignore[method-assign]
    ApiGatewayV2Backend.get_vpc_link = get_vpc_link  # type: ignore[method-assign]
    ApiGatewayV2Backend.get_vpc_links = get_vpc_links  # type: ignore[method-assign]
    VpcLink.to_json = timed_to_json  # type: ignore[method-assign]
    VpcLink._mlflow_lifecycle = True  # type: ignore[attr-defined]


def deleting(link: Any) -> bool:
    return bool(getattr(link, DELETING, False))


def build() -> ModelPatches:
    _wrap_models()
    return ModelPatches(NAME)
