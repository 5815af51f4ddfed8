"""The data plane's reconciler, its hooks on control-plane calls and its control endpoint.

moto reports some addresses the data plane decides: a DB cluster's endpoint (its MariaDB's loopback
address), an HTTP API's endpoint (its loopback URL) and target health (the real checks). Those three
model attributes are redirected here, in this process only, while the data plane runs.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.dataplane.addresses import AddressPool
from emulator.dataplane.alb import AlbDataPlane
from emulator.dataplane.aurora import AuroraDataPlane
from emulator.dataplane.ecs import EcsDataPlane, platform_environment
from emulator.dataplane.http_api import HttpApiDataPlane
from emulator.dataplane.one_off import OneOffTasks, install
from emulator.request import AwsRequest

INTERVAL_S = 1.0


class DataPlane:
    name = "dataplane"

    def __init__(self, workdir: Path, emulator_url: str) -> None:
        # moto's state lives in memory only: what a previous emulator left on disk describes nothing now.
        shutil.rmtree(workdir, ignore_errors=True)
        self.pool = AddressPool()
        self.aurora = AuroraDataPlane(self.pool, workdir / "aurora")
        self.ecs = EcsDataPlane(self.pool, workdir / "tasks", platform_environment(emulator_url))
        self.one_off = OneOffTasks(self.ecs)
        self.albs = AlbDataPlane(self.pool)
        self.apis = HttpApiDataPlane(self.pool, self.albs)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        _redirect_models(self)
        _hook_services(self.ecs)
        install(self.one_off)
        self._thread = threading.Thread(target=self._loop, name="dataplane", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)
        self.apis.stop_all()
        self.albs.stop_all()
        self.ecs.stop_all()
        self.one_off.stop_all()
        self.aurora.stop_all()
        self.pool.close()

    def _loop(self) -> None:
        while not self._stop.wait(INTERVAL_S):
            for service, plane in (
                ("rds", self.aurora),
                ("ecs", self.ecs),
                ("elbv2", self.albs),
                ("apigatewayv2", self.apis),
            ):
                for account, region, backend in _backends(service):
                    try:
                        plane.reconcile(account, region, backend)
                    except Exception as error:  # keep reconciling the rest; the error is visible
                        self.errors = [*self.errors[-19:], f"{service}: {type(error).__name__}: {error}"]
            self.one_off.reconcile()

    # -- extension hooks: before moto answers ---------------------------------------------------
    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != "rds":
            return None
        form = request.form()
        account, region = moto_state.account_id(request), request.region or "us-east-1"
        if request.action == "DeleteDBCluster" and form.get("FinalDBSnapshotIdentifier"):
            self.aurora.before_snapshot(
                account, region, form.get("DBClusterIdentifier", ""), form["FinalDBSnapshotIdentifier"]
            )
        elif request.action == "CreateDBClusterSnapshot":
            self.aurora.before_snapshot(
                account, region, form.get("DBClusterIdentifier", ""), form.get("DBClusterSnapshotIdentifier", "")
            )
        elif request.action == "RestoreDBClusterFromSnapshot":
            self.aurora.before_restore(form.get("DBClusterIdentifier", ""), form.get("SnapshotIdentifier", ""))
        return None

    def control(self) -> Response:
        state = {
            "addressBlock": f"127.{self.pool.block}.0.0/16",
            "apis": self.apis.served(),
            "tasks": [
                {
                    "taskId": t.local.task_id,
                    "status": t.local.status,
                    "address": t.local.address,
                    "healthy": t.local.healthy,
                    "stoppedReason": t.local.stopped_reason,
                    # container port -> where it listens here (MLflow's 5000 is on 127.0.0.1)
                    "listen": {str(port): f"{host}:{at}" for port, (host, at) in t.local.listen.items()},
                }
                for t in [*self.ecs.tasks(), *self.one_off.tasks()]
            ],
            "dbClusters": [
                {"id": key[2], "address": s.address, "port": s.port} for key, s in self.aurora.servers.items()
            ],
            "errors": self.errors,
        }
        return Response(json.dumps(state), content_type="application/json")


def _backends(service: str) -> list[tuple[str, str, Any]]:
    from moto.backends import get_backend

    found = []
    for account, regions in list(get_backend(service).items()):  # type: ignore[call-overload]
        for region, backend in list(regions.items()):
            found.append((account, region, backend))
    return found


def _hook_services(ecs: EcsDataPlane) -> None:
    """CreateService and UpdateService start their deployment before they answer, not on the next tick."""
    from moto.ecs.models import EC2ContainerServiceBackend

    _HOOKED["ecs"] = ecs  # a later data plane in this process takes the hooks over
    if getattr(EC2ContainerServiceBackend, "_mlflow_dataplane", False):
        return
    create, update = EC2ContainerServiceBackend.create_service, EC2ContainerServiceBackend.update_service

    def create_service(backend: Any, *args: Any, **kwargs: Any) -> Any:
        service = create(backend, *args, **kwargs)
        _HOOKED["ecs"].service_changed(backend, service)
        return service

    def update_service(backend: Any, service_properties: dict[str, Any]) -> Any:
        force = bool(service_properties.get("force_new_deployment"))
        service = update(backend, service_properties)
        _HOOKED["ecs"].service_changed(backend, service, force)
        return service

    EC2ContainerServiceBackend.create_service = create_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend._mlflow_dataplane = True  # type: ignore[attr-defined]


_HOOKED: dict[str, EcsDataPlane] = {}


def _redirect_models(plane: DataPlane) -> None:
    from moto.apigatewayv2.models import Api
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup
    from moto.rds.models import DBCluster

    def cluster_endpoint(cluster: Any) -> str:
        return plane.aurora.endpoint(cluster.account_id, cluster.region, cluster.db_cluster_identifier)

    DBCluster.endpoint = property(cluster_endpoint)  # type: ignore[method-assign,assignment]

    def api_endpoint_get(api: Any) -> str:
        return plane.apis.endpoint(api.api_id)

    def api_endpoint_set(api: Any, value: str) -> None:
        api.__dict__["_aws_endpoint"] = value

    Api.api_endpoint = property(api_endpoint_get, api_endpoint_set)  # type: ignore[method-assign,assignment]
    original = FakeTargetGroup.health_for

    def health_for(group: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        health = plane.albs.health_of(group.arn, target["Id"])
        if health is None or target["Id"] not in group.targets:
            return original(group, target, ec2_backend)
        port = group.targets[target["Id"]].get("Port", group.port)
        return FakeHealthStatus(
            target["Id"], port, group.health_check_port, health.state, health.reason, health.description
        )

    FakeTargetGroup.health_for = health_for  # type: ignore[method-assign]
