"""`mlflow gc` as a one-off ECS task of the MLflow image: `entrypoint.py gc`.

Runs deleted more than MLFLOW_GC_OLDER_THAN ago (MLflow's #d#h#m#s) lose their metadata and their
artifacts. The database connection comes as for the server (USERNAME, PASSWORD, HOST, PORT,
DATABASE from the ECS secrets) and the bucket from BUCKET.

The server proxies artifacts: runs record `mlflow-artifacts:/<experiment>/<run>/artifacts`, which
`mlflow gc` would delete through a tracking server (HTTP, with a user's password). Here those URIs go
straight to where the server keeps them, `s3://<BUCKET>/<experiment>/<run>/artifacts`, with the task
role's rights, as the server itself resolves them. `mlflow gc` runs in this process: the backend store
URI holds the password and never reaches argv.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from entrypoint import (
    DatabaseSettings,
    EntrypointError,
    _required,
    backend_store_uri,
    log,
    read_bucket,
    read_database_settings,
    wait_for_database,
)

# What MLflow's gc parses, whole numbers only; at least one part.
OLDER_THAN = re.compile(r"(?=.)(\d+d)?(\d+h)?(\d+m)?(\d+s)?")
PROXIED_SCHEME = "mlflow-artifacts"


@dataclass(frozen=True)
class GcSettings:
    db: DatabaseSettings
    bucket: str
    older_than: str


def read_gc_settings(env: Mapping[str, str]) -> GcSettings:
    older_than = _required(env, "MLFLOW_GC_OLDER_THAN")
    if not OLDER_THAN.fullmatch(older_than):
        raise EntrypointError(f"MLFLOW_GC_OLDER_THAN must be like 30d, 12h or 1d12h (#d#h#m#s), got {older_than!r}")
    bucket = read_bucket(env)
    return GcSettings(db=read_database_settings(env), bucket=bucket, older_than=older_than)


def proxied_to_bucket(artifact_uri: str, bucket: str) -> str:
    """`mlflow-artifacts:/1/abc/artifacts` (or with a host) -> `s3://<bucket>/1/abc/artifacts`."""
    path = urlparse(artifact_uri).path.lstrip("/")
    return f"s3://{bucket}/{path}"


def _route_proxied_artifacts(bucket: str) -> None:
    from mlflow.store.artifact.artifact_repository_registry import _artifact_repository_registry
    from mlflow.store.artifact.s3_artifact_repo import S3ArtifactRepository

    def repository(artifact_uri: str, tracking_uri: str | None = None, registry_uri: str | None = None) -> Any:
        return S3ArtifactRepository(
            proxied_to_bucket(artifact_uri, bucket), tracking_uri=tracking_uri, registry_uri=registry_uri
        )

    _artifact_repository_registry.register(PROXIED_SCHEME, repository)


def gc_arguments(settings: GcSettings, uri: str) -> list[str]:
    return [
        "--older-than",
        settings.older_than,
        "--backend-store-uri",
        uri,
        "--tracking-uri",
        uri,
        "--artifacts-destination",
        f"s3://{settings.bucket}",
    ]


def main(env: Mapping[str, str]) -> int:
    try:
        settings = read_gc_settings(env)
        uri = backend_store_uri(settings.db)
        wait_for_database(settings.db).close()
    except EntrypointError as error:
        log(str(error))
        return 1
    _route_proxied_artifacts(settings.bucket)
    from mlflow.cli import gc

    log(f"removing the runs deleted more than {settings.older_than} ago, and their artifacts")
    try:
        gc.main(args=gc_arguments(settings, uri), prog_name="mlflow gc", standalone_mode=False)
    except Exception as error:  # MLflow's, click's or the store's: one line, never the URI
        log(f"gc failed: {type(error).__name__}: {str(error).replace(uri, '<backend store>')}")
        return 1
    log("gc done")
    return 0
