"""The whole task on loopback: emulator (S3, Secrets Manager, SSM), MariaDB, MLflow, nginx.

Each piece is the real thing run as a local process: the emulator stands in for AWS, MariaDB for
Aurora MySQL, and files/mlflow and files/nginx run through their own entrypoints, fed the same
environment ECS would inject from the secrets.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator import launcher
from local_runtime import mariadb as mariadb_module
from local_runtime import mlflow_server
from local_runtime import nginx as nginx_module
from local_runtime.processes import LocalRuntimeError, Service

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STATE_FILE = "runtime.json"
DATABASE = "mlflowdb"
DB_USER = "mlflow"
MLFLOW_USER = "admin"
# Every password carries the characters that break URIs, basic-auth headers and shell quoting.
AWKWARD_CHARACTERS = "@:/%#'\" "

# Never phone home from this machine, client or server.
QUIET_ENVIRONMENT = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


def generate_password() -> str:
    return f"{secrets.token_urlsafe(12)}{AWKWARD_CHARACTERS}{secrets.token_urlsafe(6)}"


@dataclass
class Runtime:
    base_dir: Path
    stack: str
    emulator: launcher.Emulator
    own_emulator: bool
    bucket: str
    db_secret: str
    credentials_secret: str
    mariadb: mariadb_module.MariaDB | None = None
    mlflow: mlflow_server.MlflowServer | None = None
    nginx: nginx_module.Nginx | None = None
    workers: int = 2
    # A temporary directory we made is ours to remove on stop.
    remove_base_dir: bool = False
    extra_mlflow_env: dict[str, str] = field(default_factory=dict)
    # The Flask secret key every MLflow process of the runtime shares (the stack keeps it in Secrets Manager).
    flask_secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    # -- what clients need -------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self._nginx().url

    def credentials(self) -> tuple[str, str]:
        secret = self.secret_json(self.credentials_secret)
        return secret["username"], secret["password"]

    def tracking_environment(self) -> dict[str, str]:
        username, password = self.credentials()
        return {
            **QUIET_ENVIRONMENT,
            "MLFLOW_TRACKING_URI": self.url,
            "MLFLOW_TRACKING_USERNAME": username,
            "MLFLOW_TRACKING_PASSWORD": password,
        }

    def aws(self, service: str) -> Any:
        """A boto3 client for the runtime's emulator."""
        return self.emulator.client(service)

    def secret_json(self, name: str) -> dict[str, str]:
        return json.loads(self.aws("secretsmanager").get_secret_value(SecretId=name)["SecretString"])

    # -- the mlflow container ----------------------------------------------------------------
    def mlflow_environment(self, database: str | None = None) -> dict[str, str]:
        """What the task definition gives the mlflow container: the DB secret's fields, the admin
        credentials, the Flask key and the bucket."""
        db = self.secret_json(self.db_secret)
        username, password = self.credentials()
        env = {key: value for key, value in os.environ.items() if not key.startswith(("MLFLOW_", "AWS_"))}
        env.update(QUIET_ENVIRONMENT)
        env.update(self.emulator.environment())
        env.update(
            {
                # Only here, in the local runtime: S3 is the emulator's.
                "MLFLOW_S3_ENDPOINT_URL": self.emulator.url,
                "USERNAME": db["username"],
                "PASSWORD": db["password"],
                "HOST": db["host"],
                "PORT": str(db["port"]),
                "DATABASE": database or db["dbname"],
                "BUCKET": self.bucket,
                "MLFLOW_WORKERS": str(self.workers),
                # What the task definition sets (ecs_service_mlflow_job_execution): the image has no default.
                "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
                "MLFLOW_AUTH_ADMIN_USERNAME": username,
                "MLFLOW_AUTH_ADMIN_PASSWORD": password,
                "MLFLOW_FLASK_SERVER_SECRET_KEY": self.flask_secret_key,
            }
        )
        env.update(self.extra_mlflow_env)
        return env

    def start_mlflow(self, port: int | None = None) -> None:
        self.mlflow = mlflow_server.start(
            self.mlflow_environment(), self.base_dir / "mlflow.log", self.base_dir, port=port
        )

    def restart_mlflow(self) -> None:
        """Stop the mlflow process and start it again on the same port (nginx keeps pointing there)."""
        server = self._mlflow()
        server.service.stop()
        self.start_mlflow(port=server.port)

    # -- lifecycle ---------------------------------------------------------------------------
    def services(self) -> list[Service]:
        return [part.service for part in (self.nginx, self.mlflow, self.mariadb) if part is not None]

    def stop(self) -> None:
        for service in self.services():
            service.stop()
        if self.own_emulator:
            launcher.stop(self.emulator.state_dir)
        if self.remove_base_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def save_state(self) -> Path:
        state = {
            "stack": self.stack,
            "url": self.url,
            "bucket": self.bucket,
            "credentials_secret": self.credentials_secret,
            "emulator": {"url": self.emulator.url, "state_dir": str(self.emulator.state_dir), "own": self.own_emulator},
            "services": {service.name: {"pid": service.pid, "log": str(service.log)} for service in self.services()},
        }
        path = self.base_dir / STATE_FILE
        path.write_text(json.dumps(state, indent=2))
        return path

    def _nginx(self) -> nginx_module.Nginx:
        if self.nginx is None:
            raise LocalRuntimeError("nginx is not running")
        return self.nginx

    def _mlflow(self) -> mlflow_server.MlflowServer:
        if self.mlflow is None:
            raise LocalRuntimeError("mlflow is not running")
        return self.mlflow


def _base_dir(base_dir: Path | None) -> Path:
    base = Path(tempfile.mkdtemp(prefix="mlflow-local-runtime-")) if base_dir is None else base_dir
    base.mkdir(parents=True, exist_ok=True)
    return base


def _publish(runtime: Runtime, db: mariadb_module.MariaDB) -> None:
    """Bucket, secrets and discovery parameters, as the deployment creates them."""
    s3 = runtime.aws("s3")
    s3.create_bucket(Bucket=runtime.bucket)
    sm = runtime.aws("secretsmanager")
    db_secret = {
        "username": DB_USER,
        "password": generate_password(),
        "host": db.host,
        "port": db.port,
        "dbname": DATABASE,
        "engine": "mysql",
    }
    sm.create_secret(Name=runtime.db_secret, SecretString=json.dumps(db_secret))
    sm.create_secret(
        Name=runtime.credentials_secret,
        SecretString=json.dumps({"username": MLFLOW_USER, "password": generate_password()}),
    )
    db.create_database(DATABASE, DB_USER, db_secret["password"])


def _publish_discovery(runtime: Runtime) -> None:
    ssm = runtime.aws("ssm")
    prefix = f"/mlflow/{runtime.stack}"
    ssm.put_parameter(Name=f"{prefix}/tracking-uri", Value=runtime.url, Type="String", Overwrite=True)
    ssm.put_parameter(
        Name=f"{prefix}/credentials-secret-name", Value=runtime.credentials_secret, Type="String", Overwrite=True
    )
    ssm.put_parameter(Name=f"{prefix}/artifact-bucket", Value=runtime.bucket, Type="String", Overwrite=True)


def start(
    base_dir: Path | None = None,
    emulator: launcher.Emulator | None = None,
    stack: str = "local",
    workers: int = 2,
    extra_mlflow_env: dict[str, str] | None = None,
) -> Runtime:
    """Start everything; on any failure, stop what already runs and raise."""
    for tool in ("nginx", "mariadbd", "envsubst"):
        if shutil.which(tool) is None and shutil.which(tool, path="/usr/sbin:/usr/bin") is None:
            raise LocalRuntimeError(f"{tool} is missing: run tools/install-system-deps")
    base = _base_dir(base_dir)
    own_emulator = emulator is None
    if emulator is None:
        emulator = launcher.start(base / "emulator")
    suffix = secrets.token_hex(4)
    runtime = Runtime(
        base_dir=base,
        stack=stack,
        emulator=emulator,
        own_emulator=own_emulator,
        bucket=f"mlflow-{stack}-artifacts-{suffix}",
        db_secret=f"mlflow/{stack}/db-{suffix}",
        credentials_secret=f"mlflow/{stack}/credentials-{suffix}",
        workers=workers,
        remove_base_dir=base_dir is None,
        extra_mlflow_env=dict(extra_mlflow_env or {}),
    )
    try:
        runtime.mariadb = mariadb_module.start(base / "mariadb")
        _publish(runtime, runtime.mariadb)
        runtime.start_mlflow()
        runtime.nginx = nginx_module.start(
            base / "nginx",
            upstream=f"127.0.0.1:{runtime._mlflow().port}",
            base_env={key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")},
        )
        _publish_discovery(runtime)
    except BaseException:
        runtime.stop()
        raise
    return runtime
