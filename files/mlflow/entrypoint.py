#!/usr/bin/env python
"""Start the MLflow tracking server of one ECS task.

1. Read the database connection from USERNAME, PASSWORD, HOST, PORT, DATABASE (ECS injects them from
   the database secret) and the artifact bucket from BUCKET.
2. Wait, for a bounded time, until the database accepts connections.
3. Create or upgrade MLflow's schema while holding a MySQL named lock, so that tasks starting together
   take turns: the first migrates, the others find the schema current.
4. Replace this process with `mlflow server` on 127.0.0.1 (nginx in the same task is the only way in).

The password never appears in argv (visible in ps) or in the log: the backend store URI reaches
MLflow through its MLFLOW_BACKEND_STORE_URI environment variable.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

# nginx shares the task's network namespace; nothing else may reach MLflow, so the host is fixed.
LISTEN_HOST = "127.0.0.1"
DEFAULT_LISTEN_PORT = 5000
DEFAULT_DB_PORT = 3306
DEFAULT_DB_WAIT_S = 120.0
DEFAULT_LOCK_WAIT_S = 600
# MySQL rejects these at once and retrying cannot help: bad credentials or an unknown database.
FATAL_DB_ERRORS = frozenset({1044, 1045, 1049})
# MySQL lock names are at most 64 characters.
LOCK_NAME_MAX = 64


class EntrypointError(Exception):
    """A configuration or startup problem, reported in one line without secrets."""


@dataclass(frozen=True)
class Settings:
    username: str
    password: str = field(repr=False)
    host: str
    port: int
    database: str
    bucket: str
    workers: int | None
    listen_port: int
    allowed_hosts: tuple[str, ...]
    cors_allowed_origins: str | None
    db_wait_s: float
    lock_wait_s: int


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "")
    if not value:
        raise EntrypointError(f"{name} is missing or empty")
    return value


def _integer(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = env.get(name, "") or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise EntrypointError(f"{name} must be an integer, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise EntrypointError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _split_list(raw: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (raw or "").split(",") if item.strip())


def read_settings(env: Mapping[str, str]) -> Settings:
    """Validate the environment; every problem is reported before anything connects anywhere."""
    bucket = _required(env, "BUCKET")
    if bucket.startswith("s3://") or "/" in bucket:
        raise EntrypointError("BUCKET is a bucket name, not a URI")
    return Settings(
        username=_required(env, "USERNAME"),
        password=_required(env, "PASSWORD"),
        host=_required(env, "HOST"),
        port=_integer(env, "PORT", DEFAULT_DB_PORT, 1, 65535),
        database=_required(env, "DATABASE"),
        bucket=bucket,
        # The task definition sets it (ecs_service_mlflow_workers); without it, MLflow's own default applies.
        workers=_integer(env, "MLFLOW_WORKERS", 0, 1, 64) if env.get("MLFLOW_WORKERS") else None,
        # Tests run several servers side by side; in the task it stays 5000, where nginx looks.
        listen_port=_integer(env, "MLFLOW_PORT", DEFAULT_LISTEN_PORT, 1, 65535),
        allowed_hosts=_split_list(env.get("MLFLOW_ALLOWED_HOSTS")),
        cors_allowed_origins=",".join(_split_list(env.get("MLFLOW_CORS_ALLOWED_ORIGINS"))) or None,
        db_wait_s=float(_integer(env, "DB_WAIT_SECONDS", int(DEFAULT_DB_WAIT_S), 0, 3600)),
        lock_wait_s=_integer(env, "DB_MIGRATION_LOCK_SECONDS", DEFAULT_LOCK_WAIT_S, 1, 3600),
    )


def backend_store_uri(settings: Settings) -> str:
    """The SQLAlchemy URI; user and password are percent-escaped, so '@', ':', '/', '%', '#' are safe."""
    user = quote(settings.username, safe="")
    password = quote(settings.password, safe="")
    database = quote(settings.database, safe="")
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"mysql+pymysql://{user}:{password}@{host}:{settings.port}/{database}"


def log(message: str) -> None:
    print(f"entrypoint: {message}", file=sys.stderr, flush=True)


def _connect(settings: Settings) -> Any:
    import pymysql

    return pymysql.connect(
        host=settings.host,
        port=settings.port,
        user=settings.username,
        password=settings.password,
        database=settings.database,
        connect_timeout=5,
        autocommit=True,
    )


def wait_for_database(
    settings: Settings,
    connect: Callable[[Settings], Any] = _connect,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Any:
    """A live connection, retrying with backoff for at most ``settings.db_wait_s`` seconds."""
    import pymysql

    deadline = clock() + settings.db_wait_s
    delay = 1.0
    attempt = 0
    while True:
        attempt += 1
        try:
            return connect(settings)
        except pymysql.err.MySQLError as error:
            code = error.args[0] if error.args and isinstance(error.args[0], int) else None
            if code in FATAL_DB_ERRORS:
                raise EntrypointError(f"the database refused the connection (MySQL error {code})") from None
            remaining = deadline - clock()
            if remaining <= 0:
                raise EntrypointError(
                    f"the database at {settings.host}:{settings.port} did not answer within "
                    f"{settings.db_wait_s:.0f} s ({attempt} attempts; last MySQL error {code})"
                ) from None
            log(f"waiting for the database at {settings.host}:{settings.port} (attempt {attempt}, error {code})")
            sleep(min(delay, remaining))
            delay = min(delay * 2, 10.0)


def lock_name(settings: Settings) -> str:
    return f"mlflow-schema:{settings.database}"[:LOCK_NAME_MAX]


def migrate_schema(settings: Settings, lock_connection: Any, uri: str) -> str:
    """Create or upgrade the schema under a named lock; returns 'created', 'upgraded' or 'current'.

    GET_LOCK is held by ``lock_connection`` until RELEASE_LOCK or until that connection closes (a
    crashed task cannot hold it forever). MLflow's own guard is a file lock: one host only.
    """
    name = lock_name(settings)
    started = time.monotonic()
    with lock_connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, %s)", (name, settings.lock_wait_s))
        (acquired,) = cursor.fetchone()
    if acquired != 1:
        raise EntrypointError(f"could not take the schema lock {name!r} within {settings.lock_wait_s} s")
    log(f"schema lock taken after {time.monotonic() - started:.1f} s")
    try:
        return _create_or_upgrade(uri)
    finally:
        with lock_connection.cursor() as cursor:
            cursor.execute("SELECT RELEASE_LOCK(%s)", (name,))


def _create_or_upgrade(uri: str) -> str:
    # MLflow's schema helpers; the image pins the MLflow version they come from.
    from mlflow.store.db import utils as db_utils

    engine = db_utils.create_sqlalchemy_engine(uri)
    try:
        if not db_utils._all_tables_exist(engine):
            db_utils._initialize_tables(engine)
            return "created"
        if db_utils._get_schema_version(engine) != db_utils._get_latest_schema_revision():
            db_utils._upgrade_db(engine)
            return "upgraded"
        return "current"
    finally:
        engine.dispose()


def allowed_hosts_argument(extra_hosts: tuple[str, ...]) -> str | None:
    """--allowed-hosts replaces MLflow's defaults: keep them (localhost, private addresses) beside ours."""
    if not extra_hosts:
        return None
    from mlflow.server.security_utils import get_default_allowed_hosts

    return ",".join(dict.fromkeys([*extra_hosts, *get_default_allowed_hosts()]))


def server_command(settings: Settings) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--host",
        LISTEN_HOST,
        "--port",
        str(settings.listen_port),
        # Proxied artifacts: clients upload and download through MLflow (mlflow-artifacts:/ URIs), so
        # notebooks and jobs need only the MLflow credentials, never S3 rights; the task role alone
        # reaches the bucket. The price: artifacts travel through nginx and API Gateway (10 MB per
        # request) instead of straight to S3.
        "--serve-artifacts",
        "--artifacts-destination",
        f"s3://{settings.bucket}",
        "--default-artifact-root",
        "mlflow-artifacts:/",
    ]
    if settings.workers is not None:
        command += ["--workers", str(settings.workers)]
    allowed_hosts = allowed_hosts_argument(settings.allowed_hosts)
    if allowed_hosts:
        command += ["--allowed-hosts", allowed_hosts]
    if settings.cors_allowed_origins:
        command += ["--cors-allowed-origins", settings.cors_allowed_origins]
    return command


def server_environment(env: Mapping[str, str], uri: str) -> dict[str, str]:
    environment = {**env, "MLFLOW_BACKEND_STORE_URI": uri}
    # MLflow reads these itself and they would override or leak around our arguments.
    for name in ("PASSWORD", "MLFLOW_HOST", "MLFLOW_SERVER_ALLOWED_HOSTS", "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS"):
        environment.pop(name, None)
    return environment


def main() -> int:
    try:
        settings = read_settings(os.environ)
        uri = backend_store_uri(settings)
        connection = wait_for_database(settings)
        try:
            outcome = migrate_schema(settings, connection, uri)
        finally:
            connection.close()
        log(f"schema {outcome}; starting MLflow on {LISTEN_HOST}:{settings.listen_port}")
        command = server_command(settings)
    except EntrypointError as error:
        log(str(error))
        return 1
    os.execve(sys.executable, command, server_environment(os.environ, uri))  # noqa: S606 - no shell wanted
    return 0  # not reached: execve replaces this process


if __name__ == "__main__":
    sys.exit(main())
