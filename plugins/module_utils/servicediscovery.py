# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Cloud Map (servicediscovery): what the namespace and service helpers share.

Cloud Map namespace create/update/delete, service update and instance deregistration are
asynchronous: the API returns an OperationId whose status moves SUBMITTED -> PENDING -> SUCCESS
or FAIL; ``operation_waiter`` polls GetOperation until SUCCESS, and FAIL is an error with AWS's reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import (
    AwsError,
    call,
    call_or_none,
    client,
    paginate,
    to_snake,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_dict, tag_list
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import Waiter

PRIVATE_DNS = "DNS_PRIVATE"


def validate_wait_timeout(params: dict[str, Any]) -> None:
    """A wait_timeout under one second is an error before any AWS call."""
    if params["wait_timeout"] < 1:
        raise AwsError("wait_timeout must be at least 1 second")


def sd_client(module: Any) -> Any:
    return client(module, "servicediscovery")


def route53_client(module: Any) -> Any:
    return client(module, "route53")


def _operation_failure(operation: dict) -> str | None:
    if operation.get("Status") != "FAIL":
        return None
    reason = f"{operation.get('ErrorCode', 'unknown error')}: {operation.get('ErrorMessage', '')}".rstrip(": ")
    return f"({operation.get('Type')}) failed: {reason}"


def operation_waiter(aws: Any, operation_id: str, timeout: float, **timing: Any) -> Waiter:
    return Waiter(
        what=f"Cloud Map operation {operation_id}",
        goal="finish",
        describe=lambda: call(
            aws, "get_operation", f"read Cloud Map operation {operation_id}", OperationId=operation_id
        )["Operation"],
        done=lambda operation: operation.get("Status") == "SUCCESS",
        failure=_operation_failure,
        status=lambda operation: str(operation.get("Status")),
        timeout=timeout,
        **timing,
    )


def wait_for_operation(aws: Any, operation_id: str, timeout: float) -> dict:
    return operation_waiter(aws, operation_id, timeout).wait()


def get_tags(aws: Any, arn: str) -> dict[str, str]:
    answer = call(aws, "list_tags_for_resource", f"list the tags of {arn}", ResourceARN=arn)
    return tag_dict(answer.get("Tags"))


def apply_tag_plan(aws: Any, arn: str, plan: TagPlan) -> None:
    plan.apply(
        lambda keys: call(aws, "untag_resource", f"untag {arn}", ResourceARN=arn, TagKeys=keys),
        lambda tags: call(aws, "tag_resource", f"tag {arn}", ResourceARN=arn, Tags=tag_list(tags)),
    )


@dataclass
class Namespace:
    """A namespace as AWS reports it, with the VPCs of its hosted zone and its tags."""

    raw: dict[str, Any]
    vpc_ids: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.raw["Id"]

    @property
    def arn(self) -> str:
        return self.raw["Arn"]

    @property
    def hosted_zone_id(self) -> str | None:
        return self.raw.get("Properties", {}).get("DnsProperties", {}).get("HostedZoneId")

    def to_result(self) -> dict[str, Any]:
        result = to_snake(self.raw)
        result["vpc_ids"] = list(self.vpc_ids)
        result["tags"] = dict(self.tags)
        return result


def list_namespaces(aws: Any, ns_type: str | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {}
    if ns_type:
        params["Filters"] = [{"Name": "TYPE", "Values": [ns_type], "Condition": "EQ"}]
    return paginate(aws, "list_namespaces", "Namespaces", "list Cloud Map namespaces", **params)


def hosted_zone_vpc_ids(route53: Any, zone_id: str | None) -> list[str]:
    """VPCs associated with a private hosted zone."""
    if not zone_id:
        return []
    zone = call_or_none(route53, "get_hosted_zone", "NoSuchHostedZone", f"read hosted zone {zone_id}", Id=zone_id)
    return [vpc["VPCId"] for vpc in (zone or {}).get("VPCs") or [] if vpc.get("VPCId")]


def describe_namespace(aws: Any, route53: Any | None, namespace_id: str) -> Namespace | None:
    answer = call_or_none(
        aws, "get_namespace", "NamespaceNotFound", f"read Cloud Map namespace {namespace_id}", Id=namespace_id
    )
    if answer is None:
        return None
    raw = answer["Namespace"]
    namespace = Namespace(raw=raw, tags=get_tags(aws, raw["Arn"]))
    if route53 is not None and raw.get("Type") == PRIVATE_DNS:
        namespace.vpc_ids = hosted_zone_vpc_ids(route53, namespace.hosted_zone_id)
    return namespace


def find_namespaces(aws: Any, route53: Any | None, name: str, ns_type: str | None = None) -> list[Namespace]:
    found = []
    for summary in list_namespaces(aws, ns_type):
        if summary.get("Name") != name:
            continue
        namespace = describe_namespace(aws, route53, summary["Id"])
        if namespace is not None:
            found.append(namespace)
    return found


def split_by_vpc(candidates: list[Namespace], vpc_id: str | None) -> tuple[list[Namespace], list[Namespace]]:
    """(namespaces in ``vpc_id``, namespaces of that name in other VPCs); all are in ``vpc_id`` when it is None."""
    if vpc_id is None:
        return list(candidates), []
    in_vpc = [ns for ns in candidates if vpc_id in ns.vpc_ids]
    others = [ns for ns in candidates if vpc_id not in ns.vpc_ids]
    return in_vpc, others


def get_service(aws: Any, service_id: str) -> dict[str, Any] | None:
    answer = call_or_none(aws, "get_service", "ServiceNotFound", f"read Cloud Map service {service_id}", Id=service_id)
    return None if answer is None else answer["Service"]


def list_services(aws: Any, namespace_id: str | None = None, name: str | None = None) -> list[dict[str, Any]]:
    """Full descriptions (GetService) of the services, optionally of one namespace and/or name."""
    params: dict[str, Any] = {}
    if namespace_id:
        params["Filters"] = [{"Name": "NAMESPACE_ID", "Values": [namespace_id], "Condition": "EQ"}]
    services = []
    for summary in paginate(aws, "list_services", "Services", "list Cloud Map services", **params):
        if name is not None and summary.get("Name") != name:
            continue
        service = get_service(aws, summary["Id"])
        if service is not None:
            services.append(service)
    return services


def list_instances(aws: Any, service_id: str) -> list[dict[str, Any]]:
    return paginate(aws, "list_instances", "Instances", f"list the instances of {service_id}", ServiceId=service_id)
