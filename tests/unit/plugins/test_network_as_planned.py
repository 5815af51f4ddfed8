"""Route tables and security groups found as planned are skipped on a re-run; any drift must not be."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.plugin_utils.network_as_planned import (
    route_table_as_planned,
    security_group_as_planned,
)

TAGS = {"mlflow:stack": "alpha", "Name": "alpha-private-1"}
NAT_ROUTE = [{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-1"}]


def _table(**changes: Any) -> dict[str, Any]:
    table = {
        "route_table_id": "rtb-1",
        "tags": dict(TAGS),
        "associations": [{"main": False, "subnet_id": "subnet-a"}],
        "routes": [
            {"destination_cidr_block": "10.0.0.0/16", "gateway_id": "local", "origin": "CreateRouteTable"},
            {"destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1", "origin": "CreateRoute"},
        ],
    }
    return {**table, **changes}


MAIN = {"route_table_id": "rtb-main", "tags": {}, "associations": [{"main": True}], "routes": []}


def test_a_table_as_the_module_left_it_is_as_planned() -> None:
    assert route_table_as_planned([MAIN, _table()], TAGS, ["subnet-a"], NAT_ROUTE)


@pytest.mark.parametrize(
    "table",
    [
        _table(tags={**TAGS, "owner": "someone"}),
        _table(tags={"mlflow:stack": "alpha", "Name": "other"}),
        _table(associations=[]),
        _table(associations=[{"main": False, "subnet_id": "subnet-a"}, {"main": False, "subnet_id": "subnet-b"}]),
        _table(routes=_table()["routes"][:1]),
        _table(routes=[*_table()["routes"][:1], {**_table()["routes"][1], "nat_gateway_id": "nat-2"}]),
        _table(
            routes=[
                *_table()["routes"],
                {"destination_cidr_block": "10.9.0.0/16", "gateway_id": "igw-1", "origin": "CreateRoute"},
            ]
        ),
        _table(
            routes=[
                *_table()["routes"][:1],
                {"destination_cidr_block": "0.0.0.0/0", "instance_id": "i-1", "origin": "CreateRoute"},
            ]
        ),
    ],
    ids=[
        "extra tag",
        "other name",
        "subnet gone",
        "extra subnet",
        "route gone",
        "other nat",
        "extra route",
        "unknown target",
    ],
)
def test_any_drift_of_a_table_is_not_as_planned(table: dict[str, Any]) -> None:
    assert not route_table_as_planned([MAIN, table], TAGS, ["subnet-a"], NAT_ROUTE)


def test_a_missing_or_ambiguous_table_is_not_as_planned() -> None:
    assert not route_table_as_planned([MAIN], TAGS, ["subnet-a"], NAT_ROUTE)
    assert not route_table_as_planned([_table(), _table(route_table_id="rtb-2")], TAGS, ["subnet-a"], NAT_ROUTE)


def test_an_isolated_table_has_only_its_local_route() -> None:
    isolated = _table(routes=_table()["routes"][:1])
    assert route_table_as_planned([isolated], TAGS, ["subnet-a"], [])
    assert not route_table_as_planned([_table()], TAGS, ["subnet-a"], [])


GROUP_IDS = {"alpha-service": "sg-service", "alpha-db": "sg-db"}
PLANNED = {
    "name": "alpha-service",
    "description": "MLflow ECS tasks",
    "rules": [{"proto": "tcp", "ports": [80], "group_name": "alpha-alb", "rule_desc": "From the ALB"}],
    "rules_egress": [
        {"proto": "tcp", "ports": [443], "cidr_ip": "0.0.0.0/0", "rule_desc": "AWS APIs"},
        {"proto": "tcp", "ports": [3306], "group_name": "alpha-db", "rule_desc": "To Aurora"},
    ],
}
GROUP_TAGS = {"mlflow:stack": "alpha", "Name": "alpha-service"}


def _group() -> dict[str, Any]:
    def pair(group_id: str, description: str) -> dict[str, Any]:
        return {"group_id": group_id, "user_id": "123456789012", "description": description}

    return {
        "group_name": "alpha-service",
        "group_id": "sg-service",
        "description": "MLflow ECS tasks",
        "tags": dict(GROUP_TAGS),
        "ip_permissions": [
            {
                "ip_protocol": "tcp",
                "from_port": 80,
                "to_port": 80,
                "user_id_group_pairs": [pair("sg-alb", "From the ALB")],
            }
        ],
        "ip_permissions_egress": [
            {
                "ip_protocol": "tcp",
                "from_port": 443,
                "to_port": 443,
                "ip_ranges": [{"cidr_ip": "0.0.0.0/0", "description": "AWS APIs"}],
            },
            {
                "ip_protocol": "tcp",
                "from_port": 3306,
                "to_port": 3306,
                "user_id_group_pairs": [pair("sg-db", "To Aurora")],
            },
        ],
    }


IDS = {**GROUP_IDS, "alpha-alb": "sg-alb"}


def test_a_group_as_the_module_left_it_is_as_planned() -> None:
    assert security_group_as_planned([_group()], PLANNED, GROUP_TAGS, IDS)


def _drifted(change: str) -> dict[str, Any]:
    group = copy.deepcopy(_group())
    if change == "rule gone":
        group["ip_permissions"] = []
    elif change == "other port":
        group["ip_permissions"][0].update(from_port=81, to_port=81)
    elif change == "other description":
        group["ip_permissions_egress"][0]["ip_ranges"][0]["description"] = "edited"
    elif change == "extra egress":
        group["ip_permissions_egress"].append({"ip_protocol": "-1", "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]})
    elif change == "ipv6 range":
        group["ip_permissions_egress"][0]["ipv6_ranges"] = [{"cidr_ipv6": "::/0"}]
    elif change == "extra tag":
        group["tags"]["owner"] = "someone"
    elif change == "other group description":
        group["description"] = "edited"
    return group


@pytest.mark.parametrize(
    "change",
    [
        "rule gone",
        "other port",
        "other description",
        "extra egress",
        "ipv6 range",
        "extra tag",
        "other group description",
    ],
)
def test_any_drift_of_a_group_is_not_as_planned(change: str) -> None:
    assert not security_group_as_planned([_drifted(change)], PLANNED, GROUP_TAGS, IDS)


def test_a_group_not_yet_read_or_a_rule_it_cannot_read_is_not_as_planned() -> None:
    assert not security_group_as_planned([], PLANNED, GROUP_TAGS, IDS)
    assert not security_group_as_planned([_group()], PLANNED, GROUP_TAGS, GROUP_IDS), "the ALB group is not known yet"
    two_sources = {**PLANNED, "rules": [{**PLANNED["rules"][0], "cidr_ip": "10.0.0.0/8"}]}
    assert not security_group_as_planned([_group()], two_sources, GROUP_TAGS, IDS)
