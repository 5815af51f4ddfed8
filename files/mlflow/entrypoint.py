#!/usr/bin/env python
"""Start the MLflow tracking server of one ECS task, or migrate the schemas once (``entrypoint.py migrate``).

Server (no argument):

1. Read the database connection from USERNAME, PASSWORD, HOST, PORT, DATABASE (ECS injects them from
   the database secret) and the artifact bucket from BUCKET.
2. Wait, for a bounded time, until the database accepts connections.
3. Refuse to start unless MLflow's schema and the schema of MLflow's authentication app (its own database,
   AUTH_DATABASE, default `<DATABASE>_auth`) are at this MLflow's head revision: tasks never migrate on
   start (a rolling deployment would migrate under the old version's running tasks); the migrate task
   does, once, before the service changes (docs/upgrades.md). Then, under the schema lock (the migrate task's
   MySQL named lock), make sure the SageMaker user exists (MLFLOW_SAGEMAKER_USERNAME and MLFLOW_SAGEMAKER_PASSWORD, from
   its own secret): not an admin, with the password of its secret and MLFLOW_SAGEMAKER_PERMISSION (default
   EDIT) on every experiment and registered model. Rows, not schema: a rotated secret takes effect at the
   next task start.
4. Write the auth app's configuration file (its database URI, the default permission, the
   authorization function: a password or the IAM identity API Gateway verified, gateway_auth.py)
   readable by this user only, in the working directory.
5. Replace this process with `mlflow server --app-name basic-auth` on 127.0.0.1 (nginx in the same
   task is the only way in). MLflow creates the admin user once, from MLFLOW_AUTH_ADMIN_USERNAME and
   MLFLOW_AUTH_ADMIN_PASSWORD; MLFLOW_FLASK_SERVER_SECRET_KEY must be the same in every task.

`entrypoint.py migrate` creates or upgrades both schemas (`mlflow db upgrade` and the auth app's
migrations) while holding a MySQL named lock, so that two runs take turns, and exits 0 when both are at
the head revision. `entrypoint.py gc` runs `mlflow gc` instead, once (garbage_collect.py, next to this file).

The passwords never appear in argv (visible in ps) or in the log: the backend store URI reaches
MLflow through its MLFLOW_BACKEND_STORE_URI environment variable, the auth database's URI through the
configuration file.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
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
# The auth database's name is created by this script: a plain MySQL identifier, nothing to quote.
DATABASE_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")
# MLflow's permissions; a user without an explicit grant on a resource gets the default one.
PERMISSIONS = ("READ", "USE", "EDIT", "MANAGE", "NO_PERMISSIONS")
DEFAULT_PERMISSION = "READ"
# What the SageMaker user may be granted on every experiment and model (MLflow takes no NO_PERMISSIONS grant).
SAGEMAKER_PERMISSIONS = ("READ", "USE", "EDIT", "MANAGE")
DEFAULT_SAGEMAKER_PERMISSION = "EDIT"
# The resource types the SageMaker user's wildcard grants cover: what training jobs and notebooks log to.
SAGEMAKER_RESOURCE_TYPES = ("experiment", "registered_model")
AUTH_CONFIG_FILE = "basic_auth.ini"
# A checked password is remembered this long per worker: MLflow hashes it with scrypt (about half a second
# of CPU) on every request otherwise. A changed password or deleted user still works that long on the
# workers that did not serve the change.
AUTH_CACHE_TTL_S = 60
# A password, or the IAM identity API Gateway verified (gateway_auth.py, next to this file).
AUTHORIZATION_FUNCTION = "gateway_auth:authenticate_request"
# (table, name MLflow gives) -> name used here; see unique_foreign_key_names.
RENAMED_FOREIGN_KEYS = {("registered_model_permissions", "fk_user_id"): "fk_registered_model_perm_user_id"}


class EntrypointError(Exception):
    """A configuration or startup problem, reported in one line without secrets."""


@dataclass(frozen=True)
class DatabaseSettings:
    """Where the tracking store is and how long to wait for it (the server's, the migrate and gc tasks')."""

    username: str
    password: str = field(repr=False)
    host: str
    port: int
    database: str
    db_wait_s: float


@dataclass(frozen=True)
class Settings:
    db: DatabaseSettings
    bucket: str
    workers: int | None
    listen_port: int
    allowed_hosts: tuple[str, ...]
    cors_allowed_origins: str | None
    lock_wait_s: int
    auth: AuthSettings


@dataclass(frozen=True)
class MigrationSettings:
    """What the migrate task needs: the database, the auth app's database and the lock wait."""

    db: DatabaseSettings
    auth_database: str
    lock_wait_s: int


@dataclass(frozen=True)
class SagemakerUser:
    """The non-admin user of programs on the SageMaker execution role that need a password."""

    username: str
    password: str = field(repr=False)
    permission: str = DEFAULT_SAGEMAKER_PERMISSION


@dataclass(frozen=True)
class AuthSettings:
    database: str
    admin_username: str
    admin_password: str = field(repr=False)
    secret_key: str = field(repr=False)
    default_permission: str = DEFAULT_PERMISSION
    sagemaker_user: SagemakerUser | None = None


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


def read_auth_database(env: Mapping[str, str], database: str) -> str:
    auth_database = env.get("AUTH_DATABASE", "") or f"{database}_auth"
    if not DATABASE_NAME.fullmatch(auth_database) or auth_database == database:
        raise EntrypointError(
            f"AUTH_DATABASE must be 1 to 64 letters, digits or '_' and differ from DATABASE, got {auth_database!r}"
        )
    return auth_database


def read_auth_settings(env: Mapping[str, str], database: str) -> AuthSettings:
    """MLflow's auth app: admin user, shared Flask key, default permission and its own database."""
    auth_database = read_auth_database(env, database)
    permission = env.get("MLFLOW_AUTH_DEFAULT_PERMISSION", "") or DEFAULT_PERMISSION
    if permission not in PERMISSIONS:
        raise EntrypointError(
            f"MLFLOW_AUTH_DEFAULT_PERMISSION must be one of {', '.join(PERMISSIONS)}, got {permission!r}"
        )
    admin_username = _required(env, "MLFLOW_AUTH_ADMIN_USERNAME")
    return AuthSettings(
        database=auth_database,
        admin_username=admin_username,
        admin_password=_required(env, "MLFLOW_AUTH_ADMIN_PASSWORD"),
        secret_key=_required(env, "MLFLOW_FLASK_SERVER_SECRET_KEY"),
        default_permission=permission,
        sagemaker_user=read_sagemaker_user(env, admin_username),
    )


def read_sagemaker_user(env: Mapping[str, str], admin_username: str) -> SagemakerUser | None:
    """The SageMaker user, when the task definition gives one (its user name and password together)."""
    if not env.get("MLFLOW_SAGEMAKER_USERNAME") and not env.get("MLFLOW_SAGEMAKER_PASSWORD"):
        return None
    username = _required(env, "MLFLOW_SAGEMAKER_USERNAME")
    if username == admin_username:
        raise EntrypointError("MLFLOW_SAGEMAKER_USERNAME must not be the admin's user name")
    permission = env.get("MLFLOW_SAGEMAKER_PERMISSION", "") or DEFAULT_SAGEMAKER_PERMISSION
    if permission not in SAGEMAKER_PERMISSIONS:
        raise EntrypointError(
            f"MLFLOW_SAGEMAKER_PERMISSION must be one of {', '.join(SAGEMAKER_PERMISSIONS)}, got {permission!r}"
        )
    return SagemakerUser(username, _required(env, "MLFLOW_SAGEMAKER_PASSWORD"), permission)


def read_bucket(env: Mapping[str, str]) -> str:
    bucket = _required(env, "BUCKET")
    if bucket.startswith("s3://") or "/" in bucket:
        raise EntrypointError("BUCKET is a bucket name, not a URI")
    return bucket


def read_settings(env: Mapping[str, str]) -> Settings:
    """Validate the environment; every problem is reported before anything connects anywhere."""
    bucket = read_bucket(env)
    db = read_database_settings(env)
    return Settings(
        db=db,
        bucket=bucket,
        # The task definition sets it (ecs_service_mlflow_workers); without it, MLflow's own default applies.
        workers=_integer(env, "MLFLOW_WORKERS", 0, 1, 64) if env.get("MLFLOW_WORKERS") else None,
        # Tests run several servers side by side; in the task it stays 5000, where nginx looks.
        listen_port=_integer(env, "MLFLOW_PORT", DEFAULT_LISTEN_PORT, 1, 65535),
        allowed_hosts=_split_list(env.get("MLFLOW_ALLOWED_HOSTS")),
        cors_allowed_origins=",".join(_split_list(env.get("MLFLOW_CORS_ALLOWED_ORIGINS"))) or None,
        lock_wait_s=_integer(env, "DB_MIGRATION_LOCK_SECONDS", DEFAULT_LOCK_WAIT_S, 1, 3600),
        auth=read_auth_settings(env, db.database),
    )


def read_database_settings(env: Mapping[str, str]) -> DatabaseSettings:
    """USERNAME and PASSWORD (from the database secret), HOST, PORT, DATABASE and the wait for it."""
    return DatabaseSettings(
        username=_required(env, "USERNAME"),
        password=_required(env, "PASSWORD"),
        host=_required(env, "HOST"),
        port=_integer(env, "PORT", DEFAULT_DB_PORT, 1, 65535),
        database=_required(env, "DATABASE"),
        db_wait_s=float(_integer(env, "DB_WAIT_SECONDS", int(DEFAULT_DB_WAIT_S), 0, 3600)),
    )


def read_migration_settings(env: Mapping[str, str]) -> MigrationSettings:
    """The migrate task's environment: the server's database settings, without bucket or admin user."""
    db = read_database_settings(env)
    return MigrationSettings(
        db=db,
        auth_database=read_auth_database(env, db.database),
        lock_wait_s=_integer(env, "DB_MIGRATION_LOCK_SECONDS", DEFAULT_LOCK_WAIT_S, 1, 3600),
    )


def backend_store_uri(settings: DatabaseSettings, database: str | None = None) -> str:
    """The SQLAlchemy URI; user and password are percent-escaped, so '@', ':', '/', '%', '#' are safe.

    ``database`` defaults to the tracking store's; the auth app's lives beside it on the same server.
    """
    user = quote(settings.username, safe="")
    password = quote(settings.password, safe="")
    database = quote(database or settings.database, safe="")
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"mysql+pymysql://{user}:{password}@{host}:{settings.port}/{database}"


def log(message: str) -> None:
    print(f"entrypoint: {message}", file=sys.stderr, flush=True)


def _connect(settings: DatabaseSettings) -> Any:
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
    settings: DatabaseSettings,
    connect: Callable[[DatabaseSettings], Any] = _connect,
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


def lock_name(database: str) -> str:
    return f"mlflow-schema:{database}"[:LOCK_NAME_MAX]


@contextmanager
def schema_lock(connection: Any, database: str, wait_s: int) -> Iterator[None]:
    """Hold the database's schema lock: the migrate task and starting tasks take turns.

    GET_LOCK is held by ``connection`` until RELEASE_LOCK or until that connection closes (a crashed
    task cannot hold it forever). MLflow's own guard is a file lock: one host only.
    """
    name = lock_name(database)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, %s)", (name, wait_s))
        (acquired,) = cursor.fetchone()
    if acquired != 1:
        raise EntrypointError(f"could not take the schema lock {name!r} within {wait_s} s")
    log(f"schema lock taken after {time.monotonic() - started:.1f} s")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT RELEASE_LOCK(%s)", (name,))


def migrate_schema(settings: MigrationSettings, lock_connection: Any, uri: str) -> str:
    """Create or upgrade both schemas under the schema lock; returns 'created', 'upgraded' or 'current'
    (the tracking schema's outcome; the auth schema is brought to MLflow's head revision too)."""
    with schema_lock(lock_connection, settings.db.database, settings.lock_wait_s):
        outcome = _create_or_upgrade(uri)
        _create_auth_database(lock_connection, settings.auth_database)
        _upgrade_auth(backend_store_uri(settings.db, settings.auth_database))
        return outcome


def _create_or_upgrade(uri: str) -> str:
    # MLflow's schema helpers; the image pins the MLflow version they come from.
    from mlflow.store.db import utils as db_utils

    engine = db_utils.create_sqlalchemy_engine(uri)
    try:
        before = db_utils._get_schema_version(engine)
        # A newer MLflow also finds tables of its own missing: MLflow then creates them and migrates (an upgrade).
        if not db_utils._all_tables_exist(engine):
            db_utils._initialize_tables(engine)
            return "created" if before is None else "upgraded"
        if before != db_utils._get_latest_schema_revision():
            db_utils._upgrade_db(engine)
            return "upgraded"
        return "current"
    finally:
        engine.dispose()


def _create_auth_database(connection: Any, database: str) -> None:
    # The name matched DATABASE_NAME: no quoting needed beyond the backticks.
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4")


def _upgrade_auth(uri: str) -> None:
    # The auth app would migrate in every `mlflow server` start; here it happens once, under the lock.
    from mlflow.server.auth.db import utils as auth_db_utils
    from mlflow.store.db import utils as db_utils

    engine = db_utils.create_sqlalchemy_engine(uri)
    try:
        with unique_foreign_key_names():
            auth_db_utils.migrate_if_needed(engine, "head")
    finally:
        engine.dispose()


def schema_revisions(uri: str, auth_uri: str) -> dict[str, tuple[str | None, str]]:
    """(revision in the database, this MLflow's head) of the tracking and the auth schema."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from mlflow.server.auth.db import utils as auth_db_utils
    from mlflow.store.db import utils as db_utils

    engine = db_utils.create_sqlalchemy_engine(uri)
    try:
        tracking = (db_utils._get_schema_version(engine), db_utils._get_latest_schema_revision())
    finally:
        engine.dispose()
    auth_engine = db_utils.create_sqlalchemy_engine(auth_uri)
    try:
        with auth_engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": "alembic_version_auth"})
            current = context.get_current_revision()
        head = ScriptDirectory.from_config(auth_db_utils._get_alembic_config(auth_uri)).get_current_head()
    finally:
        auth_engine.dispose()
    return {"tracking": tracking, "auth": (current, head or "")}


def require_current_schemas(revisions: Mapping[str, tuple[str | None, str]]) -> None:
    """Tasks never migrate: a schema behind (or ahead of) this MLflow stops the task, naming both revisions."""
    behind = [
        f"the {name} schema is at {current or 'nothing'}, this MLflow needs {head}"
        for name, (current, head) in revisions.items()
        if current != head
    ]
    if behind:
        raise EntrypointError(
            "; ".join(behind) + ": run the migrate task of this image first (entrypoint.py migrate, docs/upgrades.md)"
        )


def ensure_sagemaker_user(auth_uri: str, user: SagemakerUser) -> str:
    """Create the user or bring it in line with its secret; returns what was done ('created', 'updated', 'current').

    The secret is the password's source of truth: a rotated secret takes effect at the next task start.
    Its grants are wildcards, upserted: a changed MLFLOW_SAGEMAKER_PERMISSION replaces the old one.
    """
    from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore()
    store.init_db(auth_uri)  # the schema is at head already: no migration runs here
    try:
        outcome = _ensure_login(store, user)
        for resource_type in SAGEMAKER_RESOURCE_TYPES:
            store.grant_user_permission(user.username, resource_type, "*", user.permission)
        return outcome
    finally:
        store.engine.dispose()


def _ensure_login(store: Any, user: SagemakerUser) -> str:
    if not store.has_user(user.username, use_primary=True):
        store.create_user(user.username, user.password)
        return "created"
    # An admin made it an admin, or changed its password: neither is what its secret says.
    current = store.authenticate_user(user.username, user.password, use_primary=True)
    if current and not store.get_user(user.username).is_admin:
        return "current"
    store.update_user(user.username, password=None if current else user.password, is_admin=False)
    return "updated"


@contextmanager
def unique_foreign_key_names() -> Iterator[None]:
    """Rename the foreign keys MySQL would refuse while MLflow's auth migrations create tables.

    MLflow's first auth migration names the foreign keys of two tables `fk_user_id`; MySQL, Aurora
    MySQL included, wants constraint names unique in a database and refuses the second table
    (errno 121; mlflow/mlflow#9642). No later migration refers to that name.
    """
    from alembic.operations import Operations
    from sqlalchemy import ForeignKeyConstraint

    original = Operations.create_table

    def create_table(self: Any, table_name: str, *elements: Any, **kwargs: Any) -> Any:
        for element in elements:
            renamed = RENAMED_FOREIGN_KEYS.get((table_name, getattr(element, "name", None)))
            if renamed and isinstance(element, ForeignKeyConstraint):
                element.name = renamed
        return original(self, table_name, *elements, **kwargs)

    Operations.create_table = create_table  # type: ignore[method-assign]
    try:
        yield
    finally:
        Operations.create_table = original  # type: ignore[method-assign]


def auth_config_text(settings: Settings) -> str:
    """The auth app's configuration file; the admin user comes from MLflow's own environment variables."""
    import configparser
    import io

    values = {
        "default_permission": settings.auth.default_permission,
        "database_uri": backend_store_uri(settings.db, settings.auth.database),
        "authorization_function": AUTHORIZATION_FUNCTION,
        "auth_cache_ttl_seconds": str(AUTH_CACHE_TTL_S),
    }
    # MLflow reads the file with configparser's interpolation: '%' (percent-escaped URIs) is written '%%'.
    config = configparser.ConfigParser(interpolation=None)
    config["mlflow"] = {key: value.replace("%", "%%") for key, value in values.items()}
    text = io.StringIO()
    config.write(text)
    return text.getvalue()


def write_auth_config(settings: Settings, directory: Path) -> Path:
    """Write the file readable by this user only (it holds the database password); replace, never append."""
    path = directory / AUTH_CONFIG_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(auth_config_text(settings))
    return path


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
        # MLflow's users and per-experiment permissions: every request is authenticated by MLflow.
        "--app-name",
        "basic-auth",
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


def server_environment(env: Mapping[str, str], uri: str, auth_config: Path | None = None) -> dict[str, str]:
    environment = {**env, "MLFLOW_BACKEND_STORE_URI": uri}
    if auth_config is not None:
        environment["MLFLOW_AUTH_CONFIG_PATH"] = str(auth_config)
    # MLflow imports the authorization function by module name: from this file's directory.
    here = str(Path(__file__).resolve().parent)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH", "")]))
    # MLflow reads these itself and they would override or leak around our arguments.
    for name in (
        "PASSWORD",
        "MLFLOW_SAGEMAKER_PASSWORD",
        "MLFLOW_HOST",
        "MLFLOW_SERVER_ALLOWED_HOSTS",
        "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS",
    ):
        environment.pop(name, None)
    return environment


def require_image_version(env: Mapping[str, str], installed: str) -> None:
    """The task definition's MLFLOW_VERSION (what the deployment expects) must be the MLflow this image holds."""
    expected = env.get("MLFLOW_VERSION", "")
    if expected and expected != installed:
        raise EntrypointError(f"the task definition expects MLflow {expected}, this image holds MLflow {installed}")


def installed_mlflow() -> str:
    from importlib.metadata import version

    return version("mlflow")


def migrate(env: Mapping[str, str]) -> int:
    """The migrate task: both schemas to this MLflow's head, once, under the lock; 0 when done."""
    try:
        require_image_version(env, installed_mlflow())
        settings = read_migration_settings(env)
        connection = wait_for_database(settings.db)
        try:
            outcome = migrate_schema(settings, connection, backend_store_uri(settings.db))
        finally:
            connection.close()
    except EntrypointError as error:
        log(str(error))
        return 1
    log(f"schema {outcome} for MLflow {installed_mlflow()}")
    return 0


def prepare_database(settings: Settings, uri: str) -> None:
    """The schemas are this MLflow's (checked, never migrated here); the SageMaker user is its secret's."""
    auth_uri = backend_store_uri(settings.db, settings.auth.database)
    connection = wait_for_database(settings.db)
    try:
        require_current_schemas(schema_revisions(uri, auth_uri))
        user = settings.auth.sagemaker_user
        if user is not None:
            with schema_lock(connection, settings.db.database, settings.lock_wait_s):
                log(f"SageMaker user {ensure_sagemaker_user(auth_uri, user)}")
    finally:
        connection.close()


def main() -> int:
    if sys.argv[1:] == ["gc"]:
        from garbage_collect import main as garbage_collect

        return garbage_collect(os.environ)
    if sys.argv[1:] == ["migrate"]:
        return migrate(os.environ)
    try:
        require_image_version(os.environ, installed_mlflow())
        settings = read_settings(os.environ)
        uri = backend_store_uri(settings.db)
        prepare_database(settings, uri)
        auth_config = write_auth_config(settings, Path.cwd())
        log(f"schema current; starting MLflow on {LISTEN_HOST}:{settings.listen_port}")
        command = server_command(settings)
    except EntrypointError as error:
        log(str(error))
        return 1
    os.execve(sys.executable, command, server_environment(os.environ, uri, auth_config))  # noqa: S606 - no shell wanted
    return 0  # not reached: execve replaces this process


if __name__ == "__main__":
    sys.exit(main())
