"""The Python that runs an MLflow image of a given version: the image's own MLflow, not the emulator's.

An image built with ``--build-arg MLFLOW_VERSION=<v>`` (files/mlflow/Dockerfile) holds MLflow <v>. The
emulator's venv holds the pinned version (files/mlflow/requirements.txt); any other version runs from a
venv of its own under the emulator's cache directory, built once, on first use, with the image's own
recipe (files/mlflow/install-mlflow.sh) from PyPI: the task stays PENDING meanwhile, as during a pull.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from emulator.dataplane.images import FILES, ImageError

INSTALL_SCRIPT = FILES / "mlflow" / "install-mlflow.sh"
VERSIONS = FILES / "mlflow" / "versions.txt"
CACHE_VARIABLE = "MLFLOW_EMULATOR_CACHE_DIR"
# Installing MLflow and its dependencies from PyPI takes minutes on a loaded machine.
INSTALL_TIMEOUT_S = 1800
_LOCK = threading.Lock()


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mlflow-aws-emulator"
    return Path(os.environ.get(CACHE_VARIABLE) or default)


def installed_version() -> str:
    from importlib.metadata import version

    return version("mlflow")


def buildable_versions() -> list[str]:
    lines = (line.strip() for line in VERSIONS.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def python_for(mlflow_version: str | None) -> str:
    """The interpreter of a venv holding ``mlflow_version`` (this one's for the pinned version or none)."""
    if not mlflow_version or mlflow_version == installed_version():
        return sys.executable
    if mlflow_version not in buildable_versions():
        # The image's build would have failed: no such image to pull.
        raise ImageError(f"CannotPullContainerError: no image of MLflow {mlflow_version} ({VERSIONS} does not list it)")
    venv = cache_dir() / f"mlflow-{mlflow_version}"
    python = venv / "bin" / "python"
    # One build at a time: tasks of the same version started together wait for the first one's venv.
    with _LOCK:
        if not (venv / ".complete").is_file():
            _build(venv, mlflow_version)
    return str(python)


def _build(venv: Path, mlflow_version: str) -> None:
    log = venv.parent / f"{venv.name}.log"
    venv.parent.mkdir(parents=True, exist_ok=True)
    try:
        venv_command = [sys.executable, "-m", "venv", "--clear", str(venv)]
        subprocess.run(venv_command, check=True, capture_output=True)  # noqa: S603 - our interpreter
        with log.open("wb") as output:
            subprocess.run(  # noqa: S603 - the image's own script; the version is a line of versions.txt
                ["/bin/sh", str(INSTALL_SCRIPT), mlflow_version],
                env={**os.environ, "PIP": str(venv / "bin" / "pip")},
                stdout=output,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=INSTALL_TIMEOUT_S,
            )
    except (OSError, subprocess.SubprocessError) as error:
        raise ImageError(
            f"CannotPullContainerError: MLflow {mlflow_version} could not be installed ({type(error).__name__}; "
            f"see {log})"
        ) from None
    (venv / ".complete").touch()
