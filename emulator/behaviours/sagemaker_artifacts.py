"""What SageMaker jobs and endpoints read from and write to S3, in moto's S3 of the job's account.

Shared by emulator.behaviours.sagemaker_training and sagemaker_endpoints: they run as local processes
under the emulator's state directory (the launcher starts the emulator there), one directory per resource.
"""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from emulator.request import AwsRequest

WORKDIR_NAME = "sagemaker"


class ArtifactError(Exception):
    """An S3 object SageMaker could not read (AWS fails the job or endpoint with this message)."""


def workdir(kind: str, name: str) -> Path:
    """A fresh directory for one job or endpoint (a name reused after a delete starts clean)."""
    path = Path.cwd() / WORKDIR_NAME / kind / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def emulator_url(request: AwsRequest) -> str:
    """Where processes reach AWS: this emulator, on loopback."""
    return f"http://127.0.0.1:{request.environ.get('SERVER_PORT', '80')}"


def split(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ArtifactError(f"{uri} is not an S3 URI")
    return parsed.netloc, parsed.path.lstrip("/")


def _s3(account: str) -> Any:
    from moto.backends import get_backend

    return get_backend("s3")[account]["global"]  # type: ignore[call-overload]


def read(account: str, uri: str) -> bytes:
    bucket, key = split(uri)
    try:
        found = _s3(account).get_object(bucket, key)
    except Exception as error:  # moto raises MissingBucket and friends
        raise ArtifactError(f"no object at {uri}: {type(error).__name__}") from error
    if found is None:
        raise ArtifactError(f"no object at {uri}")
    return bytes(found.value)


def download_prefix(account: str, uri: str, target: Path) -> int:
    """Every object under an S3 prefix into ``target`` (a channel's S3Prefix); how many there were."""
    bucket, prefix = split(uri)
    try:
        keys = [key for key in list(_s3(account).get_bucket(bucket).keys.keys()) if key.startswith(prefix)]
    except Exception as error:
        raise ArtifactError(f"no bucket for {uri}: {type(error).__name__}") from error
    target.mkdir(parents=True, exist_ok=True)
    for key in keys:
        relative = key[len(prefix) :].lstrip("/") or Path(key).name
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(read(account, f"s3://{bucket}/{key}"))
    return len(keys)


def write(account: str, uri: str, body: bytes) -> None:
    bucket, key = split(uri)
    try:
        _s3(account).put_object(bucket, key, body)
    except Exception as error:
        raise ArtifactError(f"cannot write {uri}: {type(error).__name__}") from error


def extract(archive: bytes, target: Path) -> None:
    """A model.tar.gz or sourcedir.tar.gz, members kept inside ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:*") as tar:
        tar.extractall(target, filter="data")


def pack(directory: Path) -> bytes:
    """A directory's files as model.tar.gz holds them (at the archive's root)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in sorted(directory.iterdir()):
            tar.add(path, arcname=path.name)
    return buffer.getvalue()
