# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a route table or a security group, as the amazon.aws info modules return it, is already what
amazon.aws.ec2_vpc_route_table or amazon.aws.ec2_security_group would make of the planned arguments.

A re-run reads the VPC's tables and groups once and runs those modules only for what is not as planned (each
run costs three to eight requests). Anything these functions do not understand counts as not as planned, so
the module runs and decides: a wrong "not as planned" costs requests, a wrong "as planned" would leave drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# (protocol, from port, to port, source kind, source, description)
Permission = tuple[str, int, int, str, str, str | None]
_PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "all": "-1", "-1": "-1"}


def route_table_as_planned(
    tables: Iterable[Mapping[str, Any]],
    tags: Mapping[str, str],
    subnet_ids: Iterable[str],
    routes: Iterable[Mapping[str, str]],
) -> bool:
    """True when exactly one table carries ``tags`` (the module's tag lookup), with exactly these tags, these
    subnets associated and, besides the local route, exactly these routes (``dest`` and ``gateway_id`` or
    ``nat_gateway_id``, the module's arguments)."""
    matching = [table for table in tables if _tags_include(table.get("tags"), tags)]
    if len(matching) != 1:
        return False
    table = matching[0]
    if dict(table.get("tags") or {}) != dict(tags):
        return False
    associated = {
        association.get("subnet_id")
        for association in table.get("associations") or []
        if not association.get("main") and association.get("subnet_id")
    }
    if associated != set(subnet_ids):
        return False
    planned = {_planned_route(route) for route in routes}
    return None not in planned and _created_routes(table) == planned


def security_group_as_planned(
    groups: Iterable[Mapping[str, Any]],
    planned: Mapping[str, Any],
    tags: Mapping[str, str],
    group_ids: Mapping[str, str],
) -> bool:
    """True when the group named ``planned['name']`` has its description, exactly ``tags``, and exactly the
    planned ``rules`` and ``rules_egress`` (ec2_security_group's rule arguments, purged); ``group_ids``
    resolves the rules' ``group_name``."""
    named = [group for group in groups if group.get("group_name") == planned.get("name")]
    if len(named) != 1:
        return False
    group = named[0]
    if group.get("description") != planned.get("description") or dict(group.get("tags") or {}) != dict(tags):
        return False
    try:
        ingress = _planned_permissions(planned.get("rules") or [], group_ids)
        egress = _planned_permissions(planned.get("rules_egress") or [], group_ids)
    except (KeyError, TypeError, ValueError):
        return False
    return (
        _permissions(group.get("ip_permissions")) == ingress
        and _permissions(group.get("ip_permissions_egress")) == egress
    )


def _tags_include(tags: Any, wanted: Mapping[str, str]) -> bool:
    tags = dict(tags or {})
    return all(tags.get(key) == value for key, value in wanted.items())


def _planned_route(route: Mapping[str, str]) -> tuple[str, str, str] | None:
    for key in ("nat_gateway_id", "gateway_id"):
        if route.get(key):
            return (str(route.get("dest")), key, str(route[key]))
    return None


def _created_routes(table: Mapping[str, Any]) -> set[tuple[str, str, str] | None]:
    created = set()
    for route in table.get("routes") or []:
        if route.get("origin") != "CreateRoute":
            continue
        target = next(((key, route[key]) for key in ("nat_gateway_id", "gateway_id") if route.get(key)), None)
        created.add((route.get("destination_cidr_block"), *target) if target else None)
    return created


def _planned_permissions(rules: Iterable[Mapping[str, Any]], group_ids: Mapping[str, str]) -> set[Permission]:
    permissions: set[Permission] = set()
    for rule in rules:
        protocol = _PROTOCOLS[str(rule["proto"])]
        source = _planned_source(rule, group_ids)
        for low, high in _port_ranges(rule, protocol):
            permissions.add((protocol, low, high, *source, rule.get("rule_desc")))
    return permissions


def _planned_source(rule: Mapping[str, Any], group_ids: Mapping[str, str]) -> tuple[str, str]:
    sources = [key for key in ("group_name", "group_id", "cidr_ip") if rule.get(key)]
    if len(sources) != 1 or isinstance(rule[sources[0]], list):
        raise ValueError(f"not a single source: {rule}")
    if sources[0] == "group_name":
        return ("group", group_ids[rule["group_name"]])
    return ("group" if sources[0] == "group_id" else "cidr", str(rule[sources[0]]))


def _port_ranges(rule: Mapping[str, Any], protocol: str) -> list[tuple[int, int]]:
    if protocol == "-1":
        return [(-1, -1)]
    if "ports" in rule:
        return [_port_range(str(port)) for port in rule["ports"]]
    return [(int(rule["from_port"]), int(rule["to_port"]))]


def _port_range(port: str) -> tuple[int, int]:
    low, _sep, high = port.partition("-")
    return (int(low), int(high or low))


def _permissions(permissions: Any) -> set[Permission]:
    found: set[Permission] = set()
    for permission in permissions or []:
        protocol = str(permission.get("ip_protocol"))
        low, high = permission.get("from_port", -1), permission.get("to_port", -1)
        for pair in permission.get("user_id_group_pairs") or []:
            found.add((protocol, low, high, "group", pair.get("group_id"), pair.get("description")))
        for ip_range in permission.get("ip_ranges") or []:
            found.add((protocol, low, high, "cidr", ip_range.get("cidr_ip"), ip_range.get("description")))
        # IPv6 ranges and prefix lists are never planned: any of them makes the group differ.
        for other in (permission.get("ipv6_ranges") or []) + (permission.get("prefix_list_ids") or []):
            found.add((protocol, low, high, "other", str(other), None))
    return found
