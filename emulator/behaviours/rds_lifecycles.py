"""Aurora on AWS's time: clusters, instances and cluster snapshots are created and deleted over minutes.

- A cluster is ``creating`` then ``available`` (moto: ``available`` from its second read).
- An instance is ``creating``, ``backing-up`` (its first backup), then ``available``; or ``failed`` when the
  faults name ``rds_instance``.
- DeleteDBInstance and DeleteDBCluster leave the resource ``deleting`` until its time has passed (moto drops
  it at once), so its subnet group and security groups cannot be deleted meanwhile. A cluster whose
  instances are all ``deleting`` can be deleted, as on AWS.
- A manual cluster snapshot (the final snapshot) is ``creating`` then ``available``.

Every Describe of the kind moves a creation on along the modeled clock (emulator.lifecycle); a deletion
ends with its time, looked at or not (every RDS and EC2 request removes what AWS has finished deleting). AWS lets
CreateDBInstance name a cluster that is still ``creating``, so nothing is refused here.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.lifecycle import ENGINE, FAILED, PENDING
from emulator.request import AwsRequest

NAME = "rds_lifecycles"
CLUSTER, CLUSTER_DELETE, SNAPSHOT = "rds_cluster", "rds_cluster_delete", "rds_cluster_snapshot"
INSTANCE, BACKUP, INSTANCE_DELETE = "rds_instance", "rds_instance_backup", "rds_instance_delete"


def _wrap_models() -> None:
    from moto.rds.models import DBCluster, RDSBackend

    if getattr(RDSBackend, "_mlflow_lifecycle", False):
        return
    # moto's getter turns "creating" into "available" on its first read; the clock decides here.
    DBCluster.status = property(lambda self: self._status, DBCluster.status.fset)  # type: ignore[method-assign,assignment]
    _wrap_creates(RDSBackend)
    _wrap_deletes(RDSBackend)
    RDSBackend._mlflow_lifecycle = True  # type: ignore[attr-defined]


def _wrap_creates(backend: Any) -> None:
    create_cluster, create_instance = backend.create_db_cluster, backend.create_db_instance
    create_snapshot = backend.create_db_cluster_snapshot

    def create_db_cluster(self: Any, kwargs: dict[str, Any]) -> Any:
        cluster = create_cluster(self, kwargs)
        ENGINE.restart(CLUSTER, cluster.db_cluster_arn)
        return cluster

    def create_db_instance(self: Any, db_kwargs: dict[str, Any]) -> Any:
        database = create_instance(self, db_kwargs)
        database.status = "creating"
        ENGINE.restart(INSTANCE, database.db_instance_arn)
        return database

    def create_db_cluster_snapshot(self: Any, *args: Any, **kwargs: Any) -> Any:
        snapshot = create_snapshot(self, *args, **kwargs)
        if snapshot.snapshot_type == "manual":
            snapshot.status = "creating"
            ENGINE.restart(SNAPSHOT, snapshot.db_cluster_snapshot_arn)
        return snapshot

    backend.create_db_cluster = create_db_cluster
    backend.create_db_instance = create_db_instance
    backend.create_db_cluster_snapshot = create_db_cluster_snapshot


def _wrap_deletes(backend: Any) -> None:
    delete_cluster, delete_instance = backend.delete_db_cluster, backend.delete_db_instance

    def delete_db_cluster(self: Any, cluster_identifier: str, snapshot_name: str | None = None) -> Any:
        # AWS deletes a cluster whose instances are all deleting ("non-deleting state" only refuses).
        hidden = {key: db for key, db in self.databases.items() if db.status == "deleting"}
        for key in hidden:
            self.databases.pop(key)
        try:
            cluster = delete_cluster(self, cluster_identifier, snapshot_name)
        finally:
            self.databases.update(hidden)
        cluster.status = "deleting"
        self.clusters[cluster_identifier] = cluster  # AWS still lists it while it is deleted
        ENGINE.restart(CLUSTER_DELETE, cluster.db_cluster_arn)
        return cluster

    def delete_db_instance(self: Any, db_instance_identifier: str, *args: Any, **kwargs: Any) -> Any:
        database = delete_instance(self, db_instance_identifier, *args, **kwargs)
        self.databases[db_instance_identifier] = database  # "deleting", as moto set it
        ENGINE.restart(INSTANCE_DELETE, database.db_instance_arn)
        return database

    backend.delete_db_cluster = delete_db_cluster
    backend.delete_db_instance = delete_db_instance


def purge_deleted(rds: Any) -> None:
    """Deletions AWS has finished, looked at or not: a deleted resource holds its subnets until then."""
    for identifier, cluster in list(rds.clusters.items()):
        if cluster.status == "deleting" and not ENGINE.lingering(CLUSTER_DELETE, cluster.db_cluster_arn):
            rds.clusters.pop(identifier, None)
    for identifier, database in list(rds.databases.items()):
        if database.status == "deleting" and not ENGINE.lingering(INSTANCE_DELETE, database.db_instance_arn):
            rds.databases.pop(identifier, None)


def advance_clusters(rds: Any) -> None:
    for cluster in list(rds.clusters.values()):
        if cluster.status == "creating" and ENGINE.observe(CLUSTER, cluster.db_cluster_arn) != PENDING:
            cluster.status = "available"


def advance_instances(rds: Any) -> None:
    for database in list(rds.databases.values()):
        arn = database.db_instance_arn
        if database.status == "creating":
            phase = ENGINE.observe(INSTANCE, arn)
            if phase == FAILED:
                database.status = "failed"
            elif phase != PENDING:
                database.status = "backing-up"
                ENGINE.restart(BACKUP, arn).seen_pending = True  # this answer shows it
        elif database.status == "backing-up" and ENGINE.observe(BACKUP, arn) != PENDING:
            database.status = "available"


def advance_snapshots(rds: Any) -> None:
    for snapshot in list(rds.cluster_snapshots.values()):
        if snapshot.status == "creating" and ENGINE.observe(SNAPSHOT, snapshot.db_cluster_snapshot_arn) != PENDING:
            snapshot.status = "available"


_ADVANCES = {
    "DescribeDBClusters": advance_clusters,
    "DescribeDBInstances": advance_instances,
    "DescribeDBClusterSnapshots": advance_snapshots,
}


class RdsLifecycles:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != "rds":
            return None
        rds = moto_state.backend("rds", request)
        purge_deleted(rds)
        advance = _ADVANCES.get(request.action or "")
        if advance is not None:
            advance(rds)
        return None


def build() -> RdsLifecycles:
    _wrap_models()
    return RdsLifecycles()
