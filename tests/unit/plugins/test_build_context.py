"""The images as CodeBuild builds them: from the build_context archive, their files are where they are run from.

There is no Docker engine here: each Dockerfile's COPY steps are applied to the archive the play uploads, and
what the entrypoints look for must be in the resulting image (a build or a container start fails otherwise).
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shlex
import sys
import zipfile
from pathlib import Path, PurePosixPath
from types import ModuleType

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.lookup.build_context import build_context

from emulator.dataplane.images import dockerfile_env

FILES = Path(__file__).resolve().parents[3] / "files"


def _archive(image: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(build_context(FILES / image)))


def _instructions(image: str, keyword: str) -> list[str]:
    text = re.sub(r"\\\n", " ", (FILES / image / "Dockerfile").read_text())
    return [line.split(None, 1)[1] for line in text.splitlines() if line.upper().startswith(f"{keyword} ")]


def _image_files(image: str) -> dict[str, str]:
    """Each file the Dockerfile copies from the context, by its path in the image."""
    members = set(_archive(image).namelist())
    placed = {}
    for arguments in _instructions(image, "COPY"):
        *sources, destination = shlex.split(arguments)
        for source in sources:
            assert source in members, f"{image}: COPY {source} is not in the build context"
            target = destination + source if destination.endswith("/") else destination
            placed[target] = source
    return placed


def _entrypoint(image: str) -> list[str]:
    [arguments] = _instructions(image, "ENTRYPOINT")
    return list(json.loads(arguments))  # the exec form: a JSON array


def _shell_default(image: str, name: str) -> str:
    script = (FILES / image / "entrypoint.sh").read_text()
    match = re.search(rf'^: "\$\{{{name}:=([^}}]*)\}}"', script, re.MULTILINE)
    assert match, f"{name} has no default in the entrypoint"
    return match.group(1)


def _load_mlflow_entrypoint() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mlflow_image_entrypoint", FILES / "mlflow" / "entrypoint.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("image", ["nginx", "mlflow"])
def test_the_entrypoint_is_in_the_image(image: str) -> None:
    placed = _image_files(image)
    command = _entrypoint(image)
    script = command[1] if command[0] == "python" else command[0]
    assert script in placed


def test_nginx_finds_its_template_and_holds_no_password() -> None:
    placed = _image_files("nginx")
    assert _shell_default("nginx", "NGINX_TEMPLATE") in placed
    # MLflow's auth app checks every request: nginx has no password file to find.
    template = (FILES / "nginx" / "mlflow.conf.template").read_text()
    assert not re.findall(r"auth_basic", template)
    assert PurePosixPath(_shell_default("nginx", "NGINX_SITE_CONF")).parent == PurePosixPath("/etc/nginx/conf.d")


def test_nginx_proxies_to_where_mlflow_listens() -> None:
    mlflow = _load_mlflow_entrypoint()
    listens = f"{mlflow.LISTEN_HOST}:{mlflow.DEFAULT_LISTEN_PORT}"
    assert dockerfile_env(FILES / "nginx" / "Dockerfile")["MLFLOW_UPSTREAM"] == listens
    assert _shell_default("nginx", "MLFLOW_UPSTREAM") == listens


def test_the_mlflow_image_installs_its_pinned_requirements() -> None:
    """The install script runs beside the pins it reads from its own directory (install-mlflow.sh's $here)."""
    placed = _image_files("mlflow")
    [install] = [run for run in _instructions("mlflow", "RUN") if "install-mlflow.sh" in run]
    script = shlex.split(install)[1]
    assert placed[script] == "install-mlflow.sh"
    for pins in ("requirements.txt", "constraints.txt", "versions.txt"):
        assert placed[str(PurePosixPath(script).parent / pins)] == pins
    steps = (FILES / "mlflow" / "install-mlflow.sh").read_text()
    assert '-r "$work/requirements.txt" -c "$work/constraints.txt"' in steps


@pytest.mark.parametrize("image", ["nginx", "mlflow"])
def test_images_start_from_an_exact_release(image: str) -> None:
    [base] = _instructions(image, "FROM")
    assert re.search(r":\d+\.\d+\.\d+", base), f"{image}: FROM {base} floats"


def test_mlflow_runs_as_a_non_root_user() -> None:
    user = _instructions("mlflow", "USER")[-1].split(":")[0]
    assert user not in ("0", "root")


def test_the_authorization_function_is_importable_beside_the_entrypoint() -> None:
    mlflow = _load_mlflow_entrypoint()
    module, _colon, _function = mlflow.AUTHORIZATION_FUNCTION.partition(":")
    placed = _image_files("mlflow")
    entrypoint = PurePosixPath(_entrypoint("mlflow")[1])
    # The entrypoint puts its own directory first on MLflow's PYTHONPATH.
    assert str(entrypoint.parent / f"{module}.py") in placed
