# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Cloud Map (servicediscovery) helpers shared by the namespace and service modules.

Cloud Map namespace create/update/delete, service update and instance deregistration are
asynchronous: the API returns an OperationId whose status moves SUBMITTED -> PENDING -> SUCCESS
or FAIL. ``wait_for_operation`` polls GetOperation until a final status or a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

PRIVATE_DNS = "DNS_PRIVATE"
POLL_INTERVAL = 5.0
FINAL_STATUSES = ("SUCCESS", "FAIL")


class CloudMapError(Exception):
    """A failure reported to the user as is, with no AWS exception attached."""


class OperationFailed(CloudMapError):
    """A Cloud Map operation ended with status FAIL."""


class OperationTimeout(CloudMapError):
    """A Cloud Map operation did not finish before the deadline."""


def sd_client(module: Any) -> Any:
    return module.client("servicediscovery", retry_decorator=AWSRetry.jittered_backoff())


def route53_client(module: Any) -> Any:
    return module.client("route53", retry_decorator=AWSRetry.jittered_backoff())


@AWSRetry.jittered_backoff()
def _paginate(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    return client.get_paginator(operation).paginate(**params).build_full_result().get(key, [])


def wait_for_operation(
    client: Any,
    operation_id: str,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    interval: float = POLL_INTERVAL,
) -> dict[str, Any]:
    """Poll GetOperation until SUCCESS (returned), FAIL (OperationFailed) or ``timeout`` seconds (OperationTimeout)."""
    deadline = clock() + timeout
    while True:
        operation = client.get_operation(OperationId=operation_id, aws_retry=True)["Operation"]
        status = operation.get("Status")
        if status == "SUCCESS":
            return operation
        if status == "FAIL":
            raise OperationFailed(
                f"Cloud Map operation {operation_id} ({operation.get('Type')}) failed: "
                f"{operation.get('ErrorCode', 'unknown error')}: {operation.get('ErrorMessage', '')}".rstrip(": ")
            )
        remaining = deadline - clock()
        if remaining <= 0:
            raise OperationTimeout(
                f"Cloud Map operation {operation_id} ({operation.get('Type')}) still {status} after {timeout:g} s; "
                "raise wait_timeout or check it with 'aws servicediscovery get-operation'"
            )
        sleep(min(interval, remaining))


def get_tags(client: Any, arn: str) -> dict[str, str]:
    tags = client.list_tags_for_resource(ResourceARN=arn, aws_retry=True).get("Tags", [])
    return boto3_tag_list_to_ansible_dict(tags)


def desired_tags(current: dict[str, str], tags: dict[str, str] | None, purge_tags: bool) -> dict[str, str]:
    """The tags a resource will carry once ``tags``/``purge_tags`` are applied to ``current``."""
    if tags is None:
        return dict(current)
    to_set, to_unset = compare_aws_tags(current, tags, purge_tags)
    result = {key: value for key, value in current.items() if key not in to_unset}
    result.update(to_set)
    return result


def apply_tags(client: Any, arn: str, current: dict[str, str], tags: dict[str, str] | None, purge_tags: bool) -> None:
    """Make the resource's tags match ``tags``/``purge_tags`` (callers skip this in check mode)."""
    if tags is None:
        return
    to_set, to_unset = compare_aws_tags(current, tags, purge_tags)
    if to_unset:
        client.untag_resource(ResourceARN=arn, TagKeys=to_unset, aws_retry=True)
    if to_set:
        client.tag_resource(ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True)


def tags_change(current: dict[str, str], tags: dict[str, str] | None, purge_tags: bool) -> bool:
    if tags is None:
        return False
    to_set, to_unset = compare_aws_tags(current, tags, purge_tags)
    return bool(to_set or to_unset)


def boto3_tags(tags: dict[str, str] | None) -> list[dict[str, str]]:
    return ansible_dict_to_boto3_tag_list(tags or {})


# ---------------------------------------------------------------------------------------------------
# Namespaces


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
        result = camel_dict_to_snake_dict(self.raw)
        result["vpc_ids"] = list(self.vpc_ids)
        result["tags"] = dict(self.tags)
        return result


def list_namespaces(client: Any, ns_type: str | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {}
    if ns_type:
        params["Filters"] = [{"Name": "TYPE", "Values": [ns_type], "Condition": "EQ"}]
    summaries = _paginate(client, "list_namespaces", "Namespaces", **params)
    # Filtered again here: some emulators ignore Filters.
    return [ns for ns in summaries if not ns_type or ns.get("Type") == ns_type]


def hosted_zone_vpc_ids(route53: Any, zone_id: str | None) -> list[str]:
    """VPCs associated with a private hosted zone; empty when the zone reports none (AWS always reports one)."""
    if not zone_id:
        return []
    try:
        zone = route53.get_hosted_zone(Id=zone_id, aws_retry=True)
    except is_boto3_error_code("NoSuchHostedZone"):
        return []
    return [vpc["VPCId"] for vpc in zone.get("VPCs") or [] if vpc.get("VPCId")]


def describe_namespace(client: Any, route53: Any | None, namespace_id: str) -> Namespace | None:
    try:
        raw = client.get_namespace(Id=namespace_id, aws_retry=True)["Namespace"]
    except is_boto3_error_code("NamespaceNotFound"):
        return None
    namespace = Namespace(raw=raw, tags=get_tags(client, raw["Arn"]))
    if route53 is not None and raw.get("Type") == PRIVATE_DNS:
        namespace.vpc_ids = hosted_zone_vpc_ids(route53, namespace.hosted_zone_id)
    return namespace


def find_namespaces(client: Any, route53: Any | None, name: str, ns_type: str | None = None) -> list[Namespace]:
    found = []
    for summary in list_namespaces(client, ns_type):
        if summary.get("Name") != name:
            continue
        namespace = describe_namespace(client, route53, summary["Id"])
        if namespace is not None:
            found.append(namespace)
    return found


def split_by_vpc(candidates: list[Namespace], vpc_id: str | None) -> tuple[list[Namespace], list[Namespace]]:
    """(namespaces taken to be in ``vpc_id``, namespaces known to be in other VPCs).

    A namespace whose hosted zone reports no VPC (AWS always reports one; emulators may not) is
    taken to be in ``vpc_id`` unless another namespace is known to be there.
    """
    if vpc_id is None:
        return list(candidates), []
    in_vpc = [ns for ns in candidates if vpc_id in ns.vpc_ids]
    unknown = [ns for ns in candidates if not ns.vpc_ids]
    others = [ns for ns in candidates if ns.vpc_ids and vpc_id not in ns.vpc_ids]
    return (in_vpc or unknown), others


def list_services(client: Any, namespace_id: str | None = None, name: str | None = None) -> list[dict[str, Any]]:
    """Full descriptions (GetService) of the services, optionally of one namespace and/or name."""
    params: dict[str, Any] = {}
    if namespace_id:
        params["Filters"] = [{"Name": "NAMESPACE_ID", "Values": [namespace_id], "Condition": "EQ"}]
    services = []
    for summary in _paginate(client, "list_services", "Services", **params):
        if name is not None and summary.get("Name") != name:
            continue
        # Summaries carry no namespace ID; checked on the full description (some emulators ignore Filters).
        try:
            service = client.get_service(Id=summary["Id"], aws_retry=True)["Service"]
        except is_boto3_error_code("ServiceNotFound"):
            continue
        if not namespace_id or service.get("NamespaceId") == namespace_id:
            services.append(service)
    return services


def list_instances(client: Any, service_id: str) -> list[dict[str, Any]]:
    return _paginate(client, "list_instances", "Instances", ServiceId=service_id)


class NamespaceManager:
    """state=present/absent of a private DNS namespace identified by name and VPC."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.params = module.params
        self.client = sd_client(module)
        self.route53 = route53_client(module)
        self.changed = False
        self.replaced = False
        self.operation_id: str | None = None

    # views used for the diff: the same shape before and after
    def _view(self, namespace: Namespace, assumed_vpc: str | None) -> dict[str, Any]:
        vpc_ids = namespace.vpc_ids
        vpc_id = assumed_vpc if (assumed_vpc in vpc_ids or not vpc_ids) else vpc_ids[0]
        return {
            "name": namespace.raw.get("Name"),
            "type": namespace.raw.get("Type"),
            "vpc_id": vpc_id,
            "description": namespace.raw.get("Description", ""),
            "tags": dict(namespace.tags),
        }

    def _desired_view(self, current: Namespace | None) -> dict[str, Any]:
        description = self.params["description"]
        if description is None:
            description = current.raw.get("Description", "") if current else ""
        if current:
            tags = desired_tags(current.tags, self.params["tags"], self.params["purge_tags"])
        else:
            tags = dict(self.params["tags"] or {})
        return {
            "name": self.params["name"],
            "type": PRIVATE_DNS,
            "vpc_id": self.params["vpc_id"],
            "description": description,
            "tags": tags,
        }

    def _fail(self, msg: str, **kwargs: Any) -> None:
        self.module.fail_json(msg=msg, **kwargs)

    def _ensure_no_services(self, namespace: Namespace, action: str) -> None:
        services = list_services(self.client, namespace.id)
        if services:
            names = ", ".join(sorted(srv.get("Name", srv.get("Id", "?")) for srv in services))
            self._fail(
                f"Cannot {action} Cloud Map namespace {namespace.raw.get('Name')} ({namespace.id}): it still has "
                f"{len(services)} service(s): {names}. Delete them first "
                "(mlops.mlflow_aws.servicediscovery_service with state=absent)."
            )

    def _delete(self, namespace: Namespace, wait: bool) -> None:
        self._ensure_no_services(namespace, "delete")
        try:
            response = self.client.delete_namespace(Id=namespace.id, aws_retry=True)
        except is_boto3_error_code("NamespaceNotFound"):
            return
        except is_boto3_error_code("ResourceInUse") as e:
            self.module.fail_json_aws(
                e, msg=f"Cannot delete Cloud Map namespace {namespace.id}: AWS reports it is still in use by services"
            )
        self.operation_id = response.get("OperationId")
        if wait and self.operation_id:
            wait_for_operation(self.client, self.operation_id, self.params["wait_timeout"])

    def _create(self) -> Namespace | None:
        params: dict[str, Any] = {"Name": self.params["name"], "Vpc": self.params["vpc_id"]}
        if self.params["description"] is not None:
            params["Description"] = self.params["description"]
        if self.params["tags"]:
            params["Tags"] = boto3_tags(self.params["tags"])
        self.operation_id = self.client.create_private_dns_namespace(aws_retry=True, **params)["OperationId"]
        if not self.params["wait"]:
            return None
        operation = wait_for_operation(self.client, self.operation_id, self.params["wait_timeout"])
        namespace_id = operation.get("Targets", {}).get("NAMESPACE")
        if not namespace_id:
            raise CloudMapError(f"Cloud Map operation {self.operation_id} succeeded but names no namespace")
        return describe_namespace(self.client, self.route53, namespace_id)

    def _update(self, current: Namespace) -> None:
        description = self.params["description"]
        if description is not None and description != current.raw.get("Description", ""):
            self.changed = True
            if not self.module.check_mode:
                operation_id = self.client.update_private_dns_namespace(
                    Id=current.id, Namespace={"Description": description}, aws_retry=True
                )["OperationId"]
                self.operation_id = operation_id
                if self.params["wait"]:
                    wait_for_operation(self.client, operation_id, self.params["wait_timeout"])
        if tags_change(current.tags, self.params["tags"], self.params["purge_tags"]):
            self.changed = True
            if not self.module.check_mode:
                apply_tags(self.client, current.arn, current.tags, self.params["tags"], self.params["purge_tags"])

    def _other_vpc(self, others: list[Namespace]) -> Namespace | None:
        """Handle namespaces of this name known to be in other VPCs; returns the one to replace, if any."""
        action = self.params["on_other_vpc"]
        if action == "ignore":
            return None
        where = ", ".join(f"{ns.id} in {'/'.join(ns.vpc_ids)}" for ns in others)
        if action == "fail":
            self._fail(
                f"Cloud Map namespace {self.params['name']} exists in another VPC ({where}) but not in "
                f"{self.params['vpc_id']}. A namespace's VPC cannot be changed. Set on_other_vpc=replace to delete "
                "it and create it in the new VPC, or on_other_vpc=ignore to create a separate namespace of that name."
            )
        if len(others) > 1:
            self._fail(
                f"on_other_vpc=replace: several namespaces named {self.params['name']} exist in other VPCs "
                f"({where}); refusing to choose one."
            )
        self._ensure_no_services(others[0], "replace (vpc_id changed)")
        return others[0]

    def present(self) -> dict[str, Any]:
        candidates = find_namespaces(self.client, self.route53, self.params["name"], PRIVATE_DNS)
        matches, others = split_by_vpc(candidates, self.params["vpc_id"])
        if len(matches) > 1:
            self._fail(
                f"Several Cloud Map namespaces named {self.params['name']} match VPC {self.params['vpc_id']}: "
                f"{', '.join(ns.id for ns in matches)}; refusing to choose one."
            )
        if matches:
            current = matches[0]
            before = self._view(current, self.params["vpc_id"])
            after = self._desired_view(current)
            self._update(current)
            if self.changed and not self.module.check_mode:
                current = describe_namespace(self.client, self.route53, current.id) or current
            return self._result(current, before, after)

        replaced = self._other_vpc(others) if others else None
        before = self._view(replaced, None) if replaced else {}
        after = self._desired_view(None)
        self.changed = True
        self.replaced = replaced is not None
        if self.module.check_mode:
            return self._result(None, before, after)
        if replaced:
            # The old namespace must be gone before its name is reused, whatever wait says.
            self._delete(replaced, wait=True)
        created = self._create()
        return self._result(created, before, after)

    def absent(self) -> dict[str, Any]:
        candidates = find_namespaces(self.client, self.route53, self.params["name"], PRIVATE_DNS)
        matches, _others = split_by_vpc(candidates, self.params["vpc_id"])
        if not matches:
            return self._result(None, {}, {})
        if len(matches) > 1:
            self._fail(
                f"Several Cloud Map namespaces named {self.params['name']} match: "
                f"{', '.join(ns.id for ns in matches)}; set vpc_id to choose one."
            )
        current = matches[0]
        before = self._view(current, self.params["vpc_id"])
        self.changed = True
        if not self.module.check_mode:
            self._delete(current, wait=self.params["wait"])
        return self._result(None, before, {})

    def _result(self, namespace: Namespace | None, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {
            "changed": self.changed,
            "namespace": namespace.to_result() if namespace else {},
            "diff": {"before": before, "after": after},
        }
        if self.replaced:
            result["replaced"] = True
        if self.operation_id:
            result["operation_id"] = self.operation_id
        return result

    def run(self) -> dict[str, Any]:
        try:
            if self.params["state"] == "present":
                return self.present()
            return self.absent()
        except CloudMapError as e:
            self.module.fail_json(msg=str(e))
        except (BotoCoreError, ClientError) as e:
            self.module.fail_json_aws(e, msg=f"Failed to manage Cloud Map namespace {self.params['name']}")
        return {}  # not reached: fail_json exits


def namespace_info(module: Any) -> list[dict[str, Any]]:
    client = sd_client(module)
    route53 = route53_client(module)
    params = module.params
    try:
        if params["id"]:
            namespace = describe_namespace(client, route53, params["id"])
            found = [namespace] if namespace else []
        elif params["name"]:
            found = find_namespaces(client, route53, params["name"], params["type"])
        else:
            described = (describe_namespace(client, route53, s["Id"]) for s in list_namespaces(client, params["type"]))
            found = [ns for ns in described if ns is not None]
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to describe Cloud Map namespaces")
    if params["vpc_id"]:
        found, _others = split_by_vpc(found, params["vpc_id"])
    return [ns.to_result() for ns in found]


# ---------------------------------------------------------------------------------------------------
# Services


def _records_from_params(dns_config: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"Type": record["type"], "TTL": record["ttl"]} for record in dns_config["dns_records"]]


def validate_service_params(params: dict[str, Any]) -> str | None:
    """An error message for inconsistent service options, checked before any AWS call."""
    if not params["namespace_id"].startswith("ns-"):
        return f"namespace_id must be a namespace ID (ns-...), got {params['namespace_id']}"
    dns_config = params.get("dns_config")
    if params["state"] != "present" or not dns_config:
        return None
    records = dns_config["dns_records"]
    if not records:
        return "dns_config.dns_records needs at least one record"
    types = [record["type"] for record in records]
    if len(set(types)) != len(types):
        return f"dns_config.dns_records lists a record type more than once: {types}"
    if "CNAME" in types and (len(types) > 1 or dns_config["routing_policy"] != "WEIGHTED"):
        return "a CNAME record must be the only record and needs routing_policy=WEIGHTED"
    if "SRV" in types and set(types) - {"SRV", "A", "AAAA"}:
        return "an SRV record can only be combined with A and AAAA records"
    for record in records:
        if not 0 <= record["ttl"] <= 2147483647:
            return f"dns_config.dns_records ttl {record['ttl']} is outside 0..2147483647"
    return None


def service_view(raw: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    """The managed fields of a service, in the module's option names (the shape of the diff)."""
    dns = raw.get("DnsConfig") or {}
    view: dict[str, Any] = {
        "name": raw.get("Name"),
        "namespace_id": raw.get("NamespaceId") or dns.get("NamespaceId"),
        "description": raw.get("Description", ""),
        "dns_config": None,
        "health_check_custom_config": raw.get("HealthCheckCustomConfig") is not None,
        "tags": dict(tags),
    }
    if dns:
        view["dns_config"] = {
            "routing_policy": dns.get("RoutingPolicy", "MULTIVALUE"),
            "dns_records": [{"type": r["Type"], "ttl": r["TTL"]} for r in dns.get("DnsRecords", [])],
        }
    return view


def desired_service_view(params: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """What the service will look like: managed options replace, unmanaged (None) options keep ``current``."""
    view = dict(current) if current else {"description": "", "dns_config": None, "health_check_custom_config": False}
    view["name"] = params["name"]
    view["namespace_id"] = params["namespace_id"]
    if params["description"] is not None:
        view["description"] = params["description"]
    if params["dns_config"] is not None:
        view["dns_config"] = {
            "routing_policy": params["dns_config"]["routing_policy"],
            "dns_records": [{"type": r["type"], "ttl": r["ttl"]} for r in params["dns_config"]["dns_records"]],
        }
    if params["health_check_custom_config"] is not None:
        view["health_check_custom_config"] = True
    elif not current:
        view["health_check_custom_config"] = False
    current_tags = current["tags"] if current else {}
    view["tags"] = desired_tags(current_tags, params["tags"], params["purge_tags"] if current else True)
    return view


def _record_types(view: dict[str, Any]) -> list[str]:
    return sorted(r["type"] for r in (view["dns_config"] or {}).get("dns_records", []))


def immutable_changes(current: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    """Differences UpdateService cannot make: they need a new service."""
    changes = []
    cur_dns, new_dns = current["dns_config"], desired["dns_config"]
    if (cur_dns is None) != (new_dns is None):
        changes.append("dns_config (added or removed)")
    elif cur_dns and new_dns:
        if cur_dns["routing_policy"] != new_dns["routing_policy"]:
            changes.append(f"dns_config.routing_policy ({cur_dns['routing_policy']} -> {new_dns['routing_policy']})")
        if _record_types(current) != _record_types(desired):
            changes.append(f"dns_config.dns_records types ({_record_types(current)} -> {_record_types(desired)})")
    if current["health_check_custom_config"] != desired["health_check_custom_config"]:
        changes.append("health_check_custom_config (added or removed)")
    return changes


def mutable_changes(current: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    changes = []
    if current["description"] != desired["description"]:
        changes.append("description")
    cur_dns, new_dns = current["dns_config"], desired["dns_config"]
    if cur_dns and new_dns:
        cur_ttl = {r["type"]: r["ttl"] for r in cur_dns["dns_records"]}
        new_ttl = {r["type"]: r["ttl"] for r in new_dns["dns_records"]}
        if any(cur_ttl.get(t) != ttl for t, ttl in new_ttl.items() if t in cur_ttl):
            changes.append("dns_config.dns_records ttl")
    return changes


class ServiceManager:
    """state=present/absent of a Cloud Map service identified by name and namespace."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.params = module.params
        self.client = sd_client(module)
        self.changed = False
        self.replaced = False

    def find(self) -> dict[str, Any] | None:
        services = list_services(self.client, self.params["namespace_id"], self.params["name"])
        if len(services) > 1:
            raise CloudMapError(
                f"Several Cloud Map services named {self.params['name']} exist in namespace "
                f"{self.params['namespace_id']}: {', '.join(s['Id'] for s in services)}"
            )
        return services[0] if services else None

    def describe(self, service_id: str) -> dict[str, Any] | None:
        try:
            return self.client.get_service(Id=service_id, aws_retry=True)["Service"]
        except is_boto3_error_code("ServiceNotFound"):
            return None

    def _check_namespace(self) -> None:
        try:
            self.client.get_namespace(Id=self.params["namespace_id"], aws_retry=True)
        except is_boto3_error_code("NamespaceNotFound"):
            raise CloudMapError(f"Cloud Map namespace {self.params['namespace_id']} does not exist") from None

    def _deregister_all(self, service_id: str, instances: list[dict[str, Any]]) -> None:
        operations = []
        for instance in instances:
            try:
                response = self.client.deregister_instance(
                    ServiceId=service_id, InstanceId=instance["Id"], aws_retry=True
                )
            except is_boto3_error_code("InstanceNotFound"):
                continue
            operations.append(response["OperationId"])
        for operation_id in operations:
            wait_for_operation(self.client, operation_id, self.params["wait_timeout"])

    def _clear_instances(self, raw: dict[str, Any], action: str) -> bool:
        """Refuse ``action`` while instances are registered, unless deregister_instances is set.

        Returns whether instances were (or, in check mode, would be) deregistered.
        """
        instances = list_instances(self.client, raw["Id"])
        if not instances:
            return False
        if not self.params["deregister_instances"]:
            ids = ", ".join(sorted(i["Id"] for i in instances)[:10])
            raise CloudMapError(
                f"Cloud Map service {raw['Name']} ({raw['Id']}) has {len(instances)} registered instance(s) ({ids}): "
                f"cannot {action}. Stop what registers them (e.g. the ECS service) or set "
                "deregister_instances=true to deregister them first."
            )
        if not self.module.check_mode:
            self._deregister_all(raw["Id"], instances)
        return True

    def _delete(self, raw: dict[str, Any], deregistered: bool) -> None:
        try:
            if deregistered:
                # ResourceInUse right after deregistration is transient: retried with backoff.
                retry = AWSRetry.jittered_backoff(catch_extra_error_codes=["ResourceInUse"])
                retry(self.client.delete_service)(Id=raw["Id"])
            else:
                self.client.delete_service(Id=raw["Id"], aws_retry=True)
        except is_boto3_error_code("ServiceNotFound"):
            return

    def _create(self) -> dict[str, Any]:
        params: dict[str, Any] = {"Name": self.params["name"], "NamespaceId": self.params["namespace_id"]}
        if self.params["description"] is not None:
            params["Description"] = self.params["description"]
        if self.params["dns_config"] is not None:
            params["DnsConfig"] = {
                "RoutingPolicy": self.params["dns_config"]["routing_policy"],
                "DnsRecords": _records_from_params(self.params["dns_config"]),
            }
        custom = self.params["health_check_custom_config"]
        if custom is not None:
            params["HealthCheckCustomConfig"] = (
                {"FailureThreshold": custom["failure_threshold"]} if custom.get("failure_threshold") else {}
            )
        if self.params["tags"]:
            params["Tags"] = boto3_tags(self.params["tags"])
        return self.client.create_service(aws_retry=True, **params)["Service"]

    def _update(self, raw: dict[str, Any], desired: dict[str, Any]) -> None:
        # UpdateService deletes DnsRecords and HealthCheckConfig left out of the request: send them all.
        change: dict[str, Any] = {}
        if desired["description"] or raw.get("Description"):
            change["Description"] = desired["description"]
        if desired["dns_config"]:
            change["DnsConfig"] = {
                "DnsRecords": [{"Type": r["type"], "TTL": r["ttl"]} for r in desired["dns_config"]["dns_records"]]
            }
        if raw.get("HealthCheckConfig"):
            change["HealthCheckConfig"] = raw["HealthCheckConfig"]
        operation_id = self.client.update_service(Id=raw["Id"], Service=change, aws_retry=True)["OperationId"]
        if self.params["wait"]:
            wait_for_operation(self.client, operation_id, self.params["wait_timeout"])

    def present(self) -> dict[str, Any]:
        self._check_namespace()
        raw = self.find()
        if raw is None:
            after = desired_service_view(self.params, None)
            self.changed = True
            if self.module.check_mode:
                return self._result(None, {}, after)
            return self._result(self._create(), {}, after)

        current = service_view(raw, get_tags(self.client, raw["Arn"]))
        desired = desired_service_view(self.params, current)
        immutable = immutable_changes(current, desired)
        if immutable:
            deregistered = self._clear_instances(raw, f"replace it (to change {', '.join(immutable)})")
            self.changed = self.replaced = True
            if self.module.check_mode:
                return self._result(None, current, desired, immutable)
            self._delete(raw, deregistered)
            return self._result(self._create(), current, desired, immutable)

        if mutable_changes(current, desired):
            self.changed = True
            if not self.module.check_mode:
                self._update(raw, desired)
        if tags_change(current["tags"], self.params["tags"], self.params["purge_tags"]):
            self.changed = True
            if not self.module.check_mode:
                apply_tags(self.client, raw["Arn"], current["tags"], self.params["tags"], self.params["purge_tags"])
        if self.changed and not self.module.check_mode:
            raw = self.describe(raw["Id"]) or raw
        return self._result(raw, current, desired)

    def absent(self) -> dict[str, Any]:
        raw = self.find()
        if raw is None:
            return self._result(None, {}, {})
        current = service_view(raw, get_tags(self.client, raw["Arn"]))
        deregistered = self._clear_instances(raw, "delete it")
        self.changed = True
        if not self.module.check_mode:
            self._delete(raw, deregistered)
        return self._result(None, current, {})

    def _result(
        self,
        raw: dict[str, Any] | None,
        before: dict[str, Any],
        after: dict[str, Any],
        immutable: list[str] | None = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = {
            "changed": self.changed,
            "service": service_result(self.client, raw) if raw else {},
            "diff": {"before": before, "after": after},
        }
        if self.replaced:
            result["replaced"] = True
            result["replaced_because"] = immutable or []
        return result

    def run(self) -> dict[str, Any]:
        try:
            if self.params["state"] == "present":
                return self.present()
            return self.absent()
        except CloudMapError as e:
            self.module.fail_json(msg=str(e))
        except is_boto3_error_code("ResourceInUse") as e:
            self.module.fail_json_aws(
                e, msg=f"Cloud Map service {self.params['name']} is in use (instances are registered)"
            )
        except (BotoCoreError, ClientError) as e:
            self.module.fail_json_aws(e, msg=f"Failed to manage Cloud Map service {self.params['name']}")
        return {}  # not reached: fail_json exits


def service_result(client: Any, raw: dict[str, Any]) -> dict[str, Any]:
    result = camel_dict_to_snake_dict(raw)
    result["tags"] = get_tags(client, raw["Arn"])
    result["instance_count"] = len(list_instances(client, raw["Id"]))
    return result


def service_info(module: Any) -> list[dict[str, Any]]:
    client = sd_client(module)
    params = module.params
    try:
        if params["id"]:
            try:
                raws = [client.get_service(Id=params["id"], aws_retry=True)["Service"]]
            except is_boto3_error_code("ServiceNotFound"):
                raws = []
        else:
            raws = list_services(client, params["namespace_id"], params["name"])
        return [service_result(client, raw) for raw in raws]
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to describe Cloud Map services")
    return []  # not reached: fail_json exits
