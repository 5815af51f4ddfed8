"""Read moto's in-memory state for the account and region of a request, as moto itself resolves them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from emulator.request import AwsRequest

# moto's own fallbacks (moto.core.responses.BaseResponse): the access key of an unsigned request
# and the region of a request without a credential scope.
_UNKNOWN_ACCESS_KEY = "AKIAEXAMPLE"
_DEFAULT_REGION = "us-east-1"


def account_id(request: AwsRequest) -> str:
    """The account moto serves this request from: MOTO_ACCOUNT_ID, the x-moto-account-id header, or the access key."""
    from moto.core.responses import BaseResponse
    from moto.iam.models import get_account_id_from

    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if "x-moto-account-id" in request.headers:
        return request.headers["x-moto-account-id"]
    match = BaseResponse.access_key_regex.search(request.headers.get("authorization", ""))
    return get_account_id_from(match.group(1) if match else _UNKNOWN_ACCESS_KEY)


def backend(service: str, request: AwsRequest) -> Any:
    """moto's backend of ``service`` (a ``moto.backends`` name) for the request's account and region."""
    from moto.backends import get_backend

    return get_backend(service)[account_id(request)][request.region or _DEFAULT_REGION]  # type: ignore[call-overload]


def live_enis(ec2: Any) -> Iterator[Any]:
    """The network interfaces that exist as AWS would see them.

    moto keeps the interface of a deleted NAT gateway (with the EIP mapped on it) and of a stopped
    ECS task; AWS removes them, so they hold nothing back.
    """
    from emulator import lifecycle

    # With lifecycles on, emulator.behaviours.leftovers removes them once AWS would have.
    if lifecycle.enabled():
        return iter(list(ec2.enis.values()))
    gone = _deleted_nat_gateway_enis(ec2) | stopped_task_enis(ec2)
    return (eni for eni in list(ec2.enis.values()) if eni.id not in gone)


def _deleted_nat_gateway_enis(ec2: Any) -> set[str]:
    return {nat._eni.id for nat in list(ec2.nat_gateways.values()) if nat.state in ("deleting", "deleted")}


def stopped_task_enis(ec2: Any) -> set[str]:
    from moto.backends import get_backend

    ecs = get_backend("ecs")[ec2.account_id][ec2.region_name]
    return {
        detail["value"]
        for tasks in list(ecs.tasks.values())
        for task in list(tasks.values())
        if task.last_status == "STOPPED"
        for attachment in task.attachments
        for detail in attachment.get("details", [])
        if detail.get("name") == "networkInterfaceId"
    }
