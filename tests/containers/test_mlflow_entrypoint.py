"""files/mlflow/entrypoint.py on its own: settings, URI, server command, bounded wait; pins of the image."""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy.engine import make_url

from emulator.dataplane.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "files" / "mlflow" / "entrypoint.py"
PASSWORD = "p@ss:/%#'\" w?&="  # noqa: S105 - a test value


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mlflow_entrypoint", ENTRYPOINT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


entrypoint = _load()

BASE_ENV = {
    "USERNAME": "ml:user@x",
    "PASSWORD": PASSWORD,
    "HOST": "db.internal",
    "PORT": "3306",
    "DATABASE": "mlflowdb",
    "BUCKET": "artifacts-bucket",
    "MLFLOW_AUTH_ADMIN_USERNAME": "admin",
    "MLFLOW_AUTH_ADMIN_PASSWORD": "admin-" + PASSWORD,
    "MLFLOW_FLASK_SERVER_SECRET_KEY": "flask-key-0123456789",
}


def test_uri_escapes_credentials_and_round_trips() -> None:
    uri = entrypoint.backend_store_uri(entrypoint.read_settings(BASE_ENV).db)
    assert uri.startswith("mysql+pymysql://")
    assert PASSWORD not in uri
    parsed = make_url(uri)
    assert (parsed.username, parsed.password, parsed.host, parsed.port, parsed.database) == (
        "ml:user@x",
        PASSWORD,
        "db.internal",
        3306,
        "mlflowdb",
    )


@pytest.mark.parametrize(
    "missing",
    [
        "USERNAME",
        "PASSWORD",
        "HOST",
        "DATABASE",
        "BUCKET",
        "MLFLOW_AUTH_ADMIN_USERNAME",
        "MLFLOW_AUTH_ADMIN_PASSWORD",
        "MLFLOW_FLASK_SERVER_SECRET_KEY",
    ],
)
def test_missing_settings_are_named(missing: str) -> None:
    env = {**BASE_ENV, missing: ""}
    with pytest.raises(entrypoint.EntrypointError, match=f"{missing} is missing or empty"):
        entrypoint.read_settings(env)


def test_bad_numbers_are_refused() -> None:
    with pytest.raises(entrypoint.EntrypointError, match="MLFLOW_WORKERS must be an integer"):
        entrypoint.read_settings({**BASE_ENV, "MLFLOW_WORKERS": "two"})
    with pytest.raises(entrypoint.EntrypointError, match="PORT must be between"):
        entrypoint.read_settings({**BASE_ENV, "PORT": "0"})


def test_server_command_listens_on_loopback_and_proxies_artifacts() -> None:
    settings = entrypoint.read_settings({**BASE_ENV, "MLFLOW_WORKERS": "3", "MLFLOW_HOST": "0.0.0.0"})  # noqa: S104 - must be ignored
    command = entrypoint.server_command(settings)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "5000"
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--artifacts-destination") + 1] == "s3://artifacts-bucket"
    assert command[command.index("--default-artifact-root") + 1] == "mlflow-artifacts:/"
    assert "--serve-artifacts" in command
    assert "--allowed-hosts" not in command
    assert not any(PASSWORD in part or "pymysql" in part for part in command)
    leaked = {**BASE_ENV, "MLFLOW_HOST": "0.0.0.0"}  # noqa: S104 - must not reach MLflow
    env = entrypoint.server_environment(leaked, "mysql+pymysql://u:p@h/d")
    assert "PASSWORD" not in env
    assert "MLFLOW_HOST" not in env
    assert env["MLFLOW_BACKEND_STORE_URI"] == "mysql+pymysql://u:p@h/d"
    # The image sets no server defaults of its own: the task definition carries them.
    assert "MLFLOW_SERVER_ENABLE_JOB_EXECUTION" not in env


def test_the_server_runs_the_auth_app_configured_by_a_private_file(tmp_path: Path) -> None:
    settings = entrypoint.read_settings({**BASE_ENV, "MLFLOW_AUTH_DEFAULT_PERMISSION": "EDIT"})
    command = entrypoint.server_command(settings)
    assert command[command.index("--app-name") + 1] == "basic-auth"
    path = entrypoint.write_auth_config(settings, tmp_path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    config = configparser.ConfigParser()  # as MLflow reads it, with interpolation
    config.read(path)
    assert config["mlflow"]["default_permission"] == "EDIT"
    auth_uri = make_url(config["mlflow"]["database_uri"])
    assert (auth_uri.database, auth_uri.password) == ("mlflowdb_auth", PASSWORD)
    # The admin user comes from MLflow's own environment variables, never the file.
    assert "admin_password" not in config["mlflow"] and BASE_ENV["MLFLOW_AUTH_ADMIN_PASSWORD"] not in path.read_text()
    env = entrypoint.server_environment(BASE_ENV, "mysql+pymysql://u:p@h/d", path)
    assert env["MLFLOW_AUTH_CONFIG_PATH"] == str(path)
    assert env["MLFLOW_FLASK_SERVER_SECRET_KEY"] == BASE_ENV["MLFLOW_FLASK_SERVER_SECRET_KEY"]
    # MLflow reads the file as its own: credentials cached a while, and an authorization function the server
    # can import with the PYTHONPATH the entrypoint gives it.
    probe = (
        "from mlflow.server.auth.config import read_auth_config; import importlib; c = read_auth_config(); "
        "m, f = c.authorization_function.split(':'); getattr(importlib.import_module(m), f); "
        "print(c.auth_cache_ttl_seconds, c.default_permission)"
    )
    answer = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert answer.stdout.split() == [str(entrypoint.AUTH_CACHE_TTL_S), "EDIT"]
    assert entrypoint.AUTH_CACHE_TTL_S > 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MLFLOW_AUTH_DEFAULT_PERMISSION", "WRITE", "MLFLOW_AUTH_DEFAULT_PERMISSION must be one of READ, USE"),
        ("AUTH_DATABASE", "auth-db", "AUTH_DATABASE must be 1 to 64 letters"),
        ("AUTH_DATABASE", "mlflowdb", "differ from DATABASE"),
        ("MLFLOW_SAGEMAKER_USERNAME", "sagemaker", "MLFLOW_SAGEMAKER_PASSWORD is missing"),
        ("MLFLOW_SAGEMAKER_PASSWORD", "a-password-of-the-job", "MLFLOW_SAGEMAKER_USERNAME is missing"),
    ],
)
def test_bad_auth_settings_are_refused(name: str, value: str, message: str) -> None:
    with pytest.raises(entrypoint.EntrypointError, match=message):
        entrypoint.read_settings({**BASE_ENV, name: value})


def test_the_sagemaker_user_is_checked_before_anything_connects() -> None:
    user = {"MLFLOW_SAGEMAKER_USERNAME": "sagemaker", "MLFLOW_SAGEMAKER_PASSWORD": "a-password-of-the-job"}
    assert entrypoint.read_settings(BASE_ENV).auth.sagemaker_user is None
    parsed = entrypoint.read_settings({**BASE_ENV, **user}).auth.sagemaker_user
    assert (parsed.username, parsed.permission) == ("sagemaker", "EDIT")
    with pytest.raises(entrypoint.EntrypointError, match="must not be the admin's"):
        entrypoint.read_settings({**BASE_ENV, **user, "MLFLOW_SAGEMAKER_USERNAME": "admin"})
    with pytest.raises(entrypoint.EntrypointError, match="MLFLOW_SAGEMAKER_PERMISSION must be one of READ"):
        entrypoint.read_settings({**BASE_ENV, **user, "MLFLOW_SAGEMAKER_PERMISSION": "NO_PERMISSIONS"})
    # MLflow itself never needs it.
    assert "MLFLOW_SAGEMAKER_PASSWORD" not in entrypoint.server_environment({**BASE_ENV, **user}, "sqlite://")


def test_the_sagemaker_user_follows_its_secret_and_stays_no_admin(tmp_path: Path) -> None:
    """Created once; a changed password or an admin flag is put back as its secret says; grants are upserted."""
    from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore

    uri = f"sqlite:///{tmp_path / 'auth.db'}"
    entrypoint._upgrade_auth(uri)
    user = entrypoint.SagemakerUser("sagemaker", "first-password-0")
    assert entrypoint.ensure_sagemaker_user(uri, user) == "created"
    assert entrypoint.ensure_sagemaker_user(uri, user) == "current"
    store = SqlAlchemyStore()
    store.init_db(uri)
    store.update_user("sagemaker", password="someone-elses-1", is_admin=True)  # noqa: S106 - a test value
    rotated = entrypoint.SagemakerUser("sagemaker", "rotated-password-2", "READ")
    assert entrypoint.ensure_sagemaker_user(uri, rotated) == "updated"
    assert store.authenticate_user("sagemaker", "rotated-password-2")
    assert not store.authenticate_user("sagemaker", "first-password-0")
    assert not store.get_user("sagemaker").is_admin
    rows = store.list_grants(store.get_user("sagemaker").id, "default", entrypoint.SAGEMAKER_RESOURCE_TYPES)
    grants = {(row.resource_type, row.resource_pattern, row.permission) for row in rows}
    assert grants == {("experiment", "*", "READ"), ("registered_model", "*", "READ")}
    store.engine.dispose()


def test_allowed_hosts_keep_mlflows_defaults_and_cors_origins_pass_through() -> None:
    settings = entrypoint.read_settings(
        {
            **BASE_ENV,
            "MLFLOW_ALLOWED_HOSTS": "mlflow.example.com, *.execute-api.us-west-2.amazonaws.com",
            "MLFLOW_CORS_ALLOWED_ORIGINS": "https://mlflow.example.com",
        }
    )
    command = entrypoint.server_command(settings)
    hosts = command[command.index("--allowed-hosts") + 1].split(",")
    assert hosts[:2] == ["mlflow.example.com", "*.execute-api.us-west-2.amazonaws.com"]
    assert {"localhost", "127.0.0.1:*", "10.*"} <= set(hosts)
    assert command[command.index("--cors-allowed-origins") + 1] == "https://mlflow.example.com"


def test_database_wait_is_bounded(tmp_path: Path) -> None:
    closed_port = free_port()  # nothing listens there
    env = {
        "PATH": os.environ["PATH"],
        **BASE_ENV,
        "HOST": "127.0.0.1",
        "PORT": str(closed_port),
        "DB_WAIT_SECONDS": "3",
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ENTRYPOINT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "did not answer within 3 s" in result.stderr
    assert "waiting for the database" in result.stderr
    assert 3 <= elapsed < 30
    assert PASSWORD not in result.stdout + result.stderr


def _run_entrypoint(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    closed_port = free_port()  # nothing listens there
    environment = {
        "PATH": os.environ["PATH"],
        "USERNAME": "migrator",
        "PASSWORD": PASSWORD,
        "HOST": "127.0.0.1",
        "PORT": str(closed_port),
        "DATABASE": "mlflowdb",
        "DB_WAIT_SECONDS": "0",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        **env,
    }
    command = [sys.executable, str(ENTRYPOINT), *args]
    return subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False
    )


def test_migrate_mode_needs_only_the_database_and_reports_failure_by_exit_code(tmp_path: Path) -> None:
    # No bucket, no admin user, no Flask key: the migrate task gets none of them. It reaches for the database.
    result = _run_entrypoint(tmp_path, "migrate")
    assert result.returncode == 1
    assert "did not answer within 0 s" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    missing = _run_entrypoint(tmp_path, "migrate", DATABASE="")
    assert (missing.returncode, missing.stderr.strip()) == (1, "entrypoint: DATABASE is missing or empty")


def test_a_task_refuses_an_image_of_another_mlflow_than_its_definition_says(tmp_path: Path) -> None:
    installed = version("mlflow")
    for args in (["migrate"], []):
        result = _run_entrypoint(tmp_path, *args, MLFLOW_VERSION="3.16.1")
        assert result.returncode == 1
        assert f"the task definition expects MLflow 3.16.1, this image holds MLflow {installed}" in result.stderr
        assert "waiting for the database" not in result.stderr  # refused before connecting
    entrypoint.require_image_version({"MLFLOW_VERSION": installed}, installed)
    entrypoint.require_image_version({}, installed)


def test_the_server_never_migrates_a_schema_behind_its_own() -> None:
    current = {"tracking": ("dc11669786a5", "dc11669786a5"), "auth": ("f1a2b3c4d5e6", "f1a2b3c4d5e6")}
    entrypoint.require_current_schemas(current)
    behind = {**current, "tracking": ("b7e2c1a4d9f3", "dc11669786a5")}
    with pytest.raises(entrypoint.EntrypointError, match="tracking schema is at b7e2c1a4d9f3, this MLflow needs dc11"):
        entrypoint.require_current_schemas(behind)
    with pytest.raises(entrypoint.EntrypointError, match=r"auth schema is at nothing.*run the migrate task"):
        entrypoint.require_current_schemas({**current, "auth": (None, "f1a2b3c4d5e6")})


def test_migration_settings_keep_the_auth_database_rules() -> None:
    settings = entrypoint.read_migration_settings({**BASE_ENV, "BUCKET": "", "MLFLOW_AUTH_ADMIN_PASSWORD": ""})
    assert (settings.db.database, settings.auth_database, settings.lock_wait_s) == ("mlflowdb", "mlflowdb_auth", 600)
    assert PASSWORD not in repr(settings)
    with pytest.raises(entrypoint.EntrypointError, match="AUTH_DATABASE must be 1 to 64"):
        entrypoint.read_migration_settings({**BASE_ENV, "AUTH_DATABASE": "mlflowdb"})


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            name = name.split("[", 1)[0]  # mlflow[auth] pins mlflow
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


def test_image_pins_agree_with_the_project_constraints() -> None:
    image = _pins(ROOT / "files" / "mlflow" / "constraints.txt")
    project = _pins(ROOT / "constraints.txt")
    assert {name: project.get(name) for name in image} == image
    requirements = _pins(ROOT / "files" / "mlflow" / "requirements.txt")
    assert requirements["mlflow"].startswith("3.")
    assert {name: image.get(name) for name in requirements} == requirements


def test_serving_image_runs_the_server_image_mlflow() -> None:
    server = _pins(ROOT / "files" / "mlflow" / "constraints.txt")
    serving = _pins(ROOT / "files" / "mlflow-serving" / "constraints.txt")
    assert serving == server
    requirements = _pins(ROOT / "files" / "mlflow-serving" / "requirements.txt")
    assert requirements["mlflow"] == _pins(ROOT / "files" / "mlflow" / "requirements.txt")["mlflow"]
    assert {name: serving.get(name) for name in requirements} == requirements
