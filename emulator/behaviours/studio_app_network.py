"""The network interface of a Studio app in the domain's VPC, and its lingering after the app is deleted.

A running app has an interface in the domain's first subnet with the user's security groups (the profile's,
else the domain's defaults), as SageMaker attaches in your VPC. Once the app is ``Deleted`` the interface
stays for a modeled while (``studio_app_eni``, emulator.lifecycle), holding its subnet and groups
(DependencyViolation), and emulator.behaviours.leftovers removes it when its time is up. With lifecycles
off it goes with the app.
"""

from __future__ import annotations

from typing import Any

from emulator.lifecycle import ENGINE
from emulator.lifecycle import enabled as lifecycles_enabled

KIND = "studio_app_eni"
DESCRIPTION = "[DO NOT DELETE] Network interface of SageMaker Studio app {arn}"


def attach(account: str, region: str, domain: Any, groups: list[str], arn: str) -> str | None:
    """The new app's interface id; None when the domain's subnets are not moto's (made-up ids)."""
    from moto.backends import get_backend

    ec2 = get_backend("ec2")[account][region]
    subnet_ids = list(getattr(domain, "subnet_ids", None) or [])
    subnet = next((s for zone in list(ec2.subnets.values()) for s in list(zone.values()) if s.id in subnet_ids), None)
    if subnet is None:
        return None
    eni = ec2.create_network_interface(subnet, None, group_ids=list(groups), description=DESCRIPTION.format(arn=arn))
    return eni.id


def release(account: str, region: str, eni_id: str | None) -> None:
    """The app is Deleted: its interface starts lingering (once), or goes at once with lifecycles off."""
    if eni_id is None:
        return
    if lifecycles_enabled():
        ENGINE.track(KIND, eni_id)
        return
    from moto.backends import get_backend

    get_backend("ec2")[account][region].enis.pop(eni_id, None)
