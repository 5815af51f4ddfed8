"""Two mlflow tasks starting at the same moment on a fresh database: one migrates, the other waits."""

from __future__ import annotations

import secrets

import local_runtime
from local_runtime import mlflow_server
from local_runtime.runtime import DB_USER
from tests.support.web import basic, request


def test_two_servers_started_together_on_a_fresh_database_both_come_up(runtime: local_runtime.Runtime) -> None:
    assert runtime.mariadb is not None
    database = f"race_{secrets.token_hex(4)}"
    runtime.mariadb.create_database(database, DB_USER, runtime.secret_json(runtime.db_secret)["password"])
    env = {**runtime.mlflow_environment(database=database), "MLFLOW_WORKERS": "1"}
    servers = [
        mlflow_server.spawn_server(env, runtime.base_dir / f"race-{index}.log", runtime.base_dir) for index in (0, 1)
    ]
    try:
        for server in servers:
            mlflow_server.wait_ready(server)
        logs = [server.service.log.read_text() for server in servers]
        outcomes = sorted(
            line.split("schema ", 1)[1].split(";")[0]
            for log in logs
            for line in log.splitlines()
            if "; starting MLflow" in line
        )
        # Exactly one created the schema; the other took the lock after it and found nothing to do.
        assert outcomes == ["created", "current"]
        waiter = next(log for log in logs if "schema current" in log)
        waited = float(waiter.split("schema lock taken after ", 1)[1].split(" s", 1)[0])
        assert waited > 1.0, "the two starts did not overlap, so the lock was not exercised"
        for server in servers:
            # Straight to MLflow, whose auth app (its schema migrated under the same lock) checks the admin.
            reply = request(
                server.url,
                "/api/2.0/mlflow/experiments/search?max_results=5",
                headers={"Authorization": basic(*runtime.credentials())},
            )
            assert reply.status == 200
            assert b'"name":"Default"' in reply.body.replace(b" ", b"")
    finally:
        for server in servers:
            server.service.stop()
        runtime.mariadb.drop_database(database)
        runtime.mariadb.drop_database(f"{database}_auth")
