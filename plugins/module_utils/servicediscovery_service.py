# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cloud Map services, identified by name and namespace; replaced when UpdateService cannot make a change."""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import (
    TRANSIENT_CODES,
    AwsError,
    aws_errors,
    call,
    call_or_none,
    error_code,
    to_snake,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery import (
    apply_tag_plan,
    get_service,
    get_tags,
    list_instances,
    list_services,
    sd_client,
    validate_wait_timeout,
    wait_for_operation,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_list


def validate_service_params(params: dict[str, Any]) -> None:
    """Inconsistent service options are an error before any AWS call."""
    validate_wait_timeout(params)
    if not params["namespace_id"].startswith("ns-"):
        raise AwsError(f"namespace_id must be a namespace ID (ns-...), got {params['namespace_id']}")
    dns_config = params.get("dns_config")
    if params["state"] != "present" or not dns_config:
        return
    records = dns_config["dns_records"]
    if not records:
        raise AwsError("dns_config.dns_records needs at least one record")
    types = [record["type"] for record in records]
    if len(set(types)) != len(types):
        raise AwsError(f"dns_config.dns_records lists a record type more than once: {types}")
    if "CNAME" in types and (len(types) > 1 or dns_config["routing_policy"] != "WEIGHTED"):
        raise AwsError("a CNAME record must be the only record and needs routing_policy=WEIGHTED")
    if "SRV" in types and set(types) - {"SRV", "A", "AAAA"}:
        raise AwsError("an SRV record can only be combined with A and AAAA records")
    for record in records:
        if not 0 <= record["ttl"] <= 2147483647:
            raise AwsError(f"dns_config.dns_records ttl {record['ttl']} is outside 0..2147483647")


def dns_request(dns_config: dict[str, Any]) -> dict[str, Any]:
    """The module's dns_config (option or view) as AWS's DnsConfig."""
    records = [{"Type": r["type"], "TTL": r["ttl"]} for r in dns_config["dns_records"]]
    return {"RoutingPolicy": dns_config["routing_policy"], "DnsRecords": records}


def dns_view(dns: dict[str, Any]) -> dict[str, Any]:
    """AWS's DnsConfig in the module's option names."""
    records = [{"type": r["Type"], "ttl": r["TTL"]} for r in dns.get("DnsRecords", [])]
    return {"routing_policy": dns.get("RoutingPolicy", "MULTIVALUE"), "dns_records": records}


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
        view["dns_config"] = dns_view(dns)
    return view


def desired_service_view(params: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """What the service will look like: managed options replace, unmanaged (None) options keep ``current``."""
    view = dict(current) if current else {"description": "", "dns_config": None, "health_check_custom_config": False}
    view["name"] = params["name"]
    view["namespace_id"] = params["namespace_id"]
    if params["description"] is not None:
        view["description"] = params["description"]
    if params["dns_config"] is not None:
        view["dns_config"] = dns_view(dns_request(params["dns_config"]))
    if params["health_check_custom_config"] is not None:
        view["health_check_custom_config"] = True
    elif not current:
        view["health_check_custom_config"] = False
    current_tags = current["tags"] if current else {}
    view["tags"] = TagPlan.of(current_tags, params["tags"], params["purge_tags"] if current else True).after
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


def service_result(aws: Any, raw: dict[str, Any]) -> dict[str, Any]:
    result = to_snake(raw)
    result["tags"] = get_tags(aws, raw["Arn"])
    result["instance_count"] = len(list_instances(aws, raw["Id"]))
    return result


class ServiceManager(ResourceManager):
    """state=present/absent of a Cloud Map service; the diff is in the module's option names."""

    result_key = "service"
    service = "servicediscovery"

    def ensure(self) -> dict:
        with aws_errors(f"manage Cloud Map service {self.params['name']}"):
            if self.params["state"] == "present":
                return self._present()
            return self._absent()

    def find(self) -> dict[str, Any] | None:
        services = list_services(self.client, self.params["namespace_id"], self.params["name"])
        if len(services) > 1:
            raise AwsError(
                f"Several Cloud Map services named {self.params['name']} exist in namespace "
                f"{self.params['namespace_id']}: {', '.join(s['Id'] for s in services)}"
            )
        return services[0] if services else None

    def view(self, resource: dict[str, Any]) -> dict:
        return service_view(resource, get_tags(self.client, resource["Arn"]))

    def returned(self, resource: dict[str, Any] | None) -> dict:
        return service_result(self.client, resource) if resource else {}

    def _check_namespace(self) -> None:
        namespace_id = self.params["namespace_id"]
        found = call_or_none(self.client, "get_namespace", "NamespaceNotFound", "read namespace", Id=namespace_id)
        if found is None:
            raise AwsError(f"Cloud Map namespace {namespace_id} does not exist")

    def _deregister_all(self, service_id: str, instances: list[dict[str, Any]]) -> None:
        operations = []
        for instance in instances:
            response = call_or_none(
                self.client,
                "deregister_instance",
                "InstanceNotFound",
                f"deregister instance {instance['Id']}",
                ServiceId=service_id,
                InstanceId=instance["Id"],
            )
            if response is not None:
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
            raise AwsError(
                f"Cloud Map service {raw['Name']} ({raw['Id']}) has {len(instances)} registered instance(s) ({ids}): "
                f"cannot {action}. Stop what registers them (e.g. the ECS service) or set "
                "deregister_instances=true to deregister them first."
            )
        if not self.check_mode:
            self._deregister_all(raw["Id"], instances)
        return True

    def delete(self, current: dict[str, Any], deregistered: bool = False) -> None:
        try:
            if deregistered:
                # ResourceInUse right after deregistration is transient: retried with backoff.
                retry = AWSRetry.jittered_backoff(catch_extra_error_codes=["ResourceInUse", *TRANSIENT_CODES])
                with aws_errors(f"delete Cloud Map service {current['Id']}"):
                    retry(self.client.delete_service)(Id=current["Id"])
            else:
                call_or_none(
                    self.client,
                    "delete_service",
                    "ServiceNotFound",
                    f"delete service {current['Id']}",
                    Id=current["Id"],
                )
        except AwsError as e:
            code = error_code(e.cause)
            if code == "ServiceNotFound":
                return
            if code == "ResourceInUse":
                raise AwsError(
                    f"Cloud Map service {self.params['name']} is in use (instances are registered)", cause=e.cause
                ) from e
            raise

    def create(self) -> dict[str, Any]:
        params = self.params
        request: dict[str, Any] = {"Name": params["name"], "NamespaceId": params["namespace_id"]}
        if params["description"] is not None:
            request["Description"] = params["description"]
        if params["dns_config"] is not None:
            request["DnsConfig"] = dns_request(params["dns_config"])
        custom = params["health_check_custom_config"]
        if custom is not None:
            request["HealthCheckCustomConfig"] = (
                {"FailureThreshold": custom["failure_threshold"]} if custom.get("failure_threshold") else {}
            )
        if params["tags"]:
            request["Tags"] = tag_list(params["tags"])
        return call(self.client, "create_service", "create service", **request)["Service"]

    def _update(self, raw: dict[str, Any], desired: dict[str, Any]) -> None:
        # UpdateService deletes DnsRecords and HealthCheckConfig left out of the request: send them all.
        change: dict[str, Any] = {}
        if desired["description"] or raw.get("Description"):
            change["Description"] = desired["description"]
        if desired["dns_config"]:
            change["DnsConfig"] = {"DnsRecords": dns_request(desired["dns_config"])["DnsRecords"]}
        if raw.get("HealthCheckConfig"):
            change["HealthCheckConfig"] = raw["HealthCheckConfig"]
        operation_id = call(self.client, "update_service", "update service", Id=raw["Id"], Service=change)[
            "OperationId"
        ]
        if self.params["wait"]:
            wait_for_operation(self.client, operation_id, self.params["wait_timeout"])

    def _present(self) -> dict[str, Any]:
        self._check_namespace()
        raw = self.find()
        if raw is None:
            self.changed = True
            after = desired_service_view(self.params, None)
            return self.result({} if self.check_mode else self.returned(self.create()), {}, after)

        current = self.view(raw)
        desired = desired_service_view(self.params, current)
        immutable = immutable_changes(current, desired)
        if immutable:
            return self._replace(raw, current, desired, immutable)
        tags = TagPlan.of(current["tags"], self.params["tags"], self.params["purge_tags"])
        mutable = mutable_changes(current, desired)
        self.changed = bool(mutable or tags.changed)
        if self.changed and not self.check_mode:
            if mutable:
                self._update(raw, desired)
            apply_tag_plan(self.client, raw["Arn"], tags)
            raw = get_service(self.client, raw["Id"]) or raw
        return self.result(self.returned(raw), current, desired)

    def _replace(self, raw: dict, current: dict, desired: dict, immutable: list[str]) -> dict[str, Any]:
        deregistered = self._clear_instances(raw, f"replace it (to change {', '.join(immutable)})")
        self.changed = True
        self.extra = {"replaced": True, "replaced_because": immutable}
        if self.check_mode:
            return self.result({}, current, desired)
        self.delete(raw, deregistered)
        return self.result(self.returned(self.create()), current, desired)

    def _absent(self) -> dict[str, Any]:
        raw = self.find()
        if raw is None:
            return self.result({}, {}, {})
        current = self.view(raw)
        deregistered = self._clear_instances(raw, "delete it")
        self.changed = True
        if not self.check_mode:
            self.delete(raw, deregistered)
        return self.result({}, current, {})


def service_info(module: Any) -> list[dict[str, Any]]:
    aws = sd_client(module)
    params = module.params
    if params["id"]:
        found = get_service(aws, params["id"])
        raws = [found] if found else []
    else:
        raws = list_services(aws, params["namespace_id"], params["name"])
    return [service_result(aws, raw) for raw in raws]
