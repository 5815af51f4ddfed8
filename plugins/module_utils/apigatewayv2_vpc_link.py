# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API Gateway v2 VPC links: created, retagged, replaced (moving their integrations) and deleted."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.apigatewayv2 import (
    ApiGatewayManager,
    apply_tag_plan,
    changed_fields,
    described,
    list_all,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import (
    AwsError,
    call,
    call_or_none,
    only_one,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import Waiter, gone

_FAILED = ("FAILED", "INACTIVE", "DELETING")


def find_vpc_links(aws: Any, name: str | None = None) -> list[dict]:
    return [link for link in list_all(aws, "get_vpc_links", "VPC links") if name in (None, link.get("Name"))]


def _get_link(aws: Any, link_id: str) -> dict | None:
    return call_or_none(aws, "get_vpc_link", "NotFoundException", "read VPC link", VpcLinkId=link_id)


def _link_failure(link: dict | None) -> str | None:
    if link is None:
        return "disappeared while waiting for it to become AVAILABLE"
    status = link.get("VpcLinkStatus")
    if status in _FAILED:
        return "is {}: {}".format(status, link.get("VpcLinkStatusMessage", ""))
    return None


def available_waiter(aws: Any, link_id: str, timeout: float, **timing: Any) -> Waiter:
    """AWS reports a new link PENDING for minutes; FAILED (or gone) is an error with AWS's message."""
    return Waiter(
        what=f"VPC link {link_id}",
        goal="become AVAILABLE",
        describe=lambda: _get_link(aws, link_id),
        done=lambda link: link is not None and link.get("VpcLinkStatus") == "AVAILABLE",
        failure=_link_failure,
        status=lambda link: (link or {}).get("VpcLinkStatus", "gone"),
        timeout=timeout,
        **timing,
    )


def deleted_waiter(aws: Any, link_id: str, timeout: float, **timing: Any) -> Waiter:
    return Waiter(
        what=f"VPC link {link_id}",
        goal="be deleted",
        describe=lambda: _get_link(aws, link_id),
        done=gone,
        status=lambda link: (link or {}).get("VpcLinkStatus", "gone"),
        timeout=timeout,
        **timing,
    )


def integrations_using(aws: Any, link_id: str) -> list[dict]:
    """Every integration, in every API of the region, whose connection is the VPC link ``link_id``."""
    users = []
    for api in list_all(aws, "get_apis", "APIs"):
        for integration in list_all(aws, "get_integrations", "integrations", ApiId=api["ApiId"]):
            if integration.get("ConnectionId") == link_id:
                users.append({"api_id": api["ApiId"], "integration_id": integration["IntegrationId"]})
    return users


class VpcLinkManager(ApiGatewayManager):
    result_key = "vpc_link"
    fields = ("Name", "SubnetIds", "SecurityGroupIds", "Tags")

    def find(self) -> dict | None:
        name = self.params["name"]
        return only_one(find_vpc_links(self.client, name), "VPC links named " + name, lambda link: link["VpcLinkId"])

    def _desired(self, current_tags: dict | None) -> dict:
        tags = self.params["tags"] if self.params["tags"] is not None else current_tags
        return {
            "Name": self.params["name"],
            "SubnetIds": sorted(self.params["subnet_ids"] or []),
            "SecurityGroupIds": sorted(self.params["security_group_ids"] or []),
            "Tags": tags or {},
        }

    def _wait_available(self, link_id: str) -> dict:
        return available_waiter(self.client, link_id, self.params["wait_timeout"]).wait()

    def _create(self, desired: dict, wait: bool) -> dict:
        link = call(self.client, "create_vpc_link", "create VPC link", **desired)
        return self._wait_available(link["VpcLinkId"]) if wait else link

    def plan_create(self) -> dict:
        return self._desired(None)

    def create(self) -> dict:
        return self._create(self.plan_create(), self.params["wait"])

    def delete(self, current: dict) -> None:
        link_id = current["VpcLinkId"]
        if (
            call_or_none(
                self.client, "delete_vpc_link", "NotFoundException", f"delete VPC link {link_id}", VpcLinkId=link_id
            )
            is None
        ):
            return
        if self.params["wait"]:
            deleted_waiter(self.client, link_id, self.params["wait_timeout"]).wait()

    def present(self, current: dict | None) -> dict:
        if current is None:
            return super().present(None)
        desired = self._desired(current.get("Tags"))
        # Security groups are compared only when given: AWS may fill in a default when none were set.
        immutable = {"SubnetIds": desired["SubnetIds"]}
        if self.params["security_group_ids"] is not None:
            immutable["SecurityGroupIds"] = desired["SecurityGroupIds"]
        else:
            desired["SecurityGroupIds"] = sorted(current.get("SecurityGroupIds") or [])
        if changed_fields(immutable, current):
            return self._replace(current, desired)
        return self._retag(current)

    def _retag(self, current: dict) -> dict:
        plan = TagPlan.of(current.get("Tags"), self.params["tags"], self.params["purge_tags"])
        self.changed = plan.changed
        after = dict(current, Tags=plan.after)
        if not self.check_mode:
            apply_tag_plan(self.client, "/vpclinks/" + current["VpcLinkId"], plan)
            # A link left PENDING by an earlier run with wait=false is waited for now.
            if self.params["wait"] and current.get("VpcLinkStatus") != "AVAILABLE":
                after = self._wait_available(current["VpcLinkId"])
            elif plan.changed:
                after = call(self.client, "get_vpc_link", "read VPC link", VpcLinkId=current["VpcLinkId"])
        return self.result(self.returned(after), self.view(current), self.view(after))

    def _replace(self, old: dict, desired: dict) -> dict:
        """Create the new link, move the integrations that use the old one onto it, then delete the old one."""
        users = integrations_using(self.client, old["VpcLinkId"])
        if users and not self.params["migrate_integrations"]:
            raise AwsError(
                "VPC link {} ({}) must be replaced because its subnets or security groups changed, but "
                "integrations use it and migrate_integrations is false".format(self.params["name"], old["VpcLinkId"]),
                integrations=users,
            )
        self.extra = {"replaced": True, "replaced_vpc_link_id": old["VpcLinkId"], "migrated_integrations": users}
        # The new link must be AVAILABLE before integrations can route through it.
        return self.apply(self.view(old), desired, lambda: self._replace_now(old, desired, users))

    def _replace_now(self, old: dict, desired: dict, users: list[dict]) -> dict:
        new = self._create(desired, wait=True)
        for user in users:
            call(
                self.client,
                "update_integration",
                "move integration {} of API {} onto the new VPC link {}; old link {} kept".format(
                    user["integration_id"], user["api_id"], new["VpcLinkId"], old["VpcLinkId"]
                ),
                ApiId=user["api_id"],
                IntegrationId=user["integration_id"],
                ConnectionId=new["VpcLinkId"],
            )
        self.delete(old)
        return new


def describe_vpc_links(module: Any) -> dict:
    return {"vpc_links": described(module, "vpc_link_id", _get_link, find_vpc_links)}
