"""The collection builds into a tarball that installs offline beside the bundled collections."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=True)


def test_build_installs_offline_and_documents_itself(tmp_path: Path) -> None:
    # Outside the checkout, so its ansible.cfg (which already finds the collection) plays no part.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    _run(
        str(BIN / "ansible-galaxy"),
        "collection",
        "build",
        "--output-path",
        str(tmp_path),
        str(ROOT),
        cwd=tmp_path,
        env=env,
    )
    [tarball] = tmp_path.glob("mlops-mlflow_aws-*.tar.gz")
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert "plugins/modules/apigatewayv2_vpc_link.py" in names
    assert "roles/vpc/tasks/main.yml" in names
    assert not [n for n in names if n.startswith((".venv", ".collections", "emulator/", "outputs/"))]

    installed = tmp_path / "installed"
    _run(
        str(BIN / "ansible-galaxy"),
        "collection",
        "install",
        "--offline",
        "-p",
        str(installed),
        str(tarball),
        cwd=tmp_path,
        env=env,
    )
    assert (installed / "ansible_collections" / "mlops" / "mlflow_aws" / "MANIFEST.json").is_file()
    doc = _run(
        str(BIN / "ansible-doc"), "mlops.mlflow_aws.secretsmanager_secret_info",
        cwd=tmp_path, env={**env, "ANSIBLE_COLLECTIONS_PATH": str(installed), "ANSIBLE_NOCOLOR": "1"},
    )  # fmt: skip
    assert "MODULE mlops.mlflow_aws.secretsmanager_secret_info" in doc.stdout
    assert "Never reads or returns the secret's value." in " ".join(doc.stdout.split())
