"""RDS deletes AWS refuses while dependents exist: a DB subnet group used by a cluster or an instance."""

from __future__ import annotations

from werkzeug.wrappers import Response

from emulator.moto_state import backend
from emulator.request import AwsRequest
from emulator.responses import query_error
from emulator.strict import DeleteRules

NAME = "strict_rds"


def delete_db_subnet_group(request: AwsRequest) -> Response | None:
    name = request.form().get("DBSubnetGroupName", "")
    rds = backend("rds", request)
    # moto stores subnet group names lower-cased, as AWS compares them.
    clusters = [c.db_cluster_identifier for c in list(rds.clusters.values()) if _same(c.db_subnet_group_name, name)]
    if clusters:
        return _in_use(name, "database cluster", clusters[0])
    # An instance's group name is write-only in moto; the group object it resolved to is readable.
    instances = [
        i.db_instance_identifier
        for i in list(rds.databases.values())
        if getattr(i, "db_subnet_group", None) is not None and _same(i.db_subnet_group.name, name)
    ]
    if instances:
        return _in_use(name, "database instance", instances[0])
    return None


def _same(group_name: str | None, requested: str) -> bool:
    return bool(group_name) and bool(requested) and group_name.lower() == requested.lower()


def _in_use(name: str, kind: str, identifier: str) -> Response:
    return query_error(
        "InvalidDBSubnetGroupStateFault",
        f"Cannot delete the subnet group '{name}' because at least one {kind}: {identifier} is still using it.",
    )


def build() -> DeleteRules:
    return DeleteRules(name=NAME, service="rds", rules={"DeleteDBSubnetGroup": delete_db_subnet_group})
