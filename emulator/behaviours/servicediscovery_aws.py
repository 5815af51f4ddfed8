"""Cloud Map answers as AWS gives them, where moto 5.2.5 differs in ways the modules would otherwise bend to.

- CreatePrivateDnsNamespace: AWS associates the namespace's private hosted zone with its VPC (Route 53
  GetHostedZone lists it under ``VPCs``); moto creates the zone with no VPC. Completed after moto answers.
- ListNamespaces and ListServices: moto ignores ``Filters``; AWS applies them (TYPE and NAME of
  namespaces with EQ or BEGINS_WITH, NAMESPACE_ID of services with EQ or IN). Answered here, filtered.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.request import AwsRequest
from emulator.responses import json_result

NAME = "servicediscovery_aws"
_NAMESPACE_FIELDS = {"TYPE": lambda ns: ns.type, "NAME": lambda ns: ns.name}


def _matches(value: str, condition: dict[str, Any]) -> bool:
    values = condition.get("Values") or []
    kind = condition.get("Condition", "EQ")
    if kind == "BEGINS_WITH":
        return any(value.startswith(v) for v in values)
    if kind == "IN":
        return value in values
    return value == (values[0] if values else None)


def _route53(request: AwsRequest) -> Any:
    """Route 53 is global: moto keeps it per account and partition, not per region."""
    from moto.backends import get_backend
    from moto.utilities.utils import get_partition

    region = request.region or "us-east-1"
    return get_backend("route53")[moto_state.account_id(request)][get_partition(region)]


class CloudMap:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != "servicediscovery":
            return None
        if request.action == "ListNamespaces" and request.json().get("Filters"):
            return self._list_namespaces(request)
        if request.action == "ListServices" and request.json().get("Filters"):
            return self._list_services(request)
        return None

    def _list_namespaces(self, request: AwsRequest) -> Response:
        namespaces = list(moto_state.backend("servicediscovery", request).list_namespaces())
        for condition in request.json()["Filters"]:
            field = _NAMESPACE_FIELDS.get(condition.get("Name", ""))
            if field is not None:
                namespaces = [ns for ns in namespaces if _matches(field(ns), condition)]
        return json_result({"Namespaces": [ns.to_json() for ns in namespaces]})

    def _list_services(self, request: AwsRequest) -> Response:
        services = list(moto_state.backend("servicediscovery", request).list_services())
        for condition in request.json()["Filters"]:
            if condition.get("Name") == "NAMESPACE_ID":
                services = [s for s in services if _matches(s.namespace_id, condition)]
        return json_result({"Services": [s.to_json() for s in services]})

    def after(self, request: AwsRequest) -> None:
        if request.service != "servicediscovery" or request.action != "CreatePrivateDnsNamespace":
            return
        params = request.json()
        backend = moto_state.backend("servicediscovery", request)
        for namespace in list(backend.namespaces.values()):
            if namespace.name == params.get("Name") and namespace.vpc == params.get("Vpc"):
                zone_id = namespace.dns_properties.get("HostedZoneId")
                zone = _route53(request).get_hosted_zone(zone_id)
                if not any(vpc.get("vpc_id") == namespace.vpc for vpc in zone.vpcs):
                    zone.add_vpc(namespace.vpc, request.region or "us-east-1")


def build() -> CloudMap:
    return CloudMap()
