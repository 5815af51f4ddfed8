"""ansible-doc of the collection's modules, found through the checkout's .collections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ansible_doc(*modules: str) -> subprocess.CompletedProcess[str]:
    """``ansible-doc -t module mlops.mlflow_aws.<module>...``; ``-j`` and other flags may come first."""
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".collections"), "ANSIBLE_NOCOLOR": "1"}
    names = [m if m.startswith("-") else f"mlops.mlflow_aws.{m}" for m in modules]
    return subprocess.run(
        [str(Path(sys.executable).parent / "ansible-doc"), "-t", "module", *names],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def ansible_doc_renders(module: str) -> str:
    """The module's documentation as ansible-doc renders it; fails on an error or a warning."""
    done = ansible_doc(module)
    assert done.returncode == 0, done.stderr
    assert "mlops.mlflow_aws." + module in done.stdout
    assert "[WARNING]" not in done.stderr, done.stderr
    return done.stdout
