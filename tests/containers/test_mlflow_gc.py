"""files/mlflow/garbage_collect.py (`entrypoint.py gc`): its settings, where proxied artifacts are deleted,
and a clear failure without the database that never shows the password."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from emulator.dataplane.processes import free_port

SOURCE = Path(__file__).resolve().parents[2] / "files" / "mlflow"
PASSWORD = "p@ss:/%#w"  # noqa: S105 - a test value
ENV = {
    "USERNAME": "mlflow",
    "PASSWORD": PASSWORD,
    "HOST": "db.internal",
    "DATABASE": "mlflowdb",
    "BUCKET": "artifacts-bucket",
    "MLFLOW_GC_OLDER_THAN": "30d",
}


@pytest.fixture
def gc(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(SOURCE))  # as in the image: the entrypoint's directory
    import garbage_collect

    return garbage_collect


def test_gc_needs_the_database_and_bucket_but_no_auth_secrets(gc: ModuleType) -> None:
    settings = gc.read_gc_settings(ENV)
    assert (settings.db.database, settings.db.port, settings.bucket, settings.older_than) == (
        "mlflowdb",
        3306,
        "artifacts-bucket",
        "30d",
    )
    assert PASSWORD not in repr(settings)


@pytest.mark.parametrize("older_than", ["", "30", "30x", "1.5d", "d", "-1d", "1h2d"])
def test_an_age_mlflow_would_not_parse_is_refused(gc: ModuleType, older_than: str) -> None:
    with pytest.raises(gc.EntrypointError, match="MLFLOW_GC_OLDER_THAN"):
        gc.read_gc_settings({**ENV, "MLFLOW_GC_OLDER_THAN": older_than})


@pytest.mark.parametrize("older_than", ["30d", "12h", "1d12h", "90s", "1d2h3m4s"])
def test_ages_in_mlflows_form_are_accepted(gc: ModuleType, older_than: str) -> None:
    assert gc.read_gc_settings({**ENV, "MLFLOW_GC_OLDER_THAN": older_than}).older_than == older_than


def test_proxied_artifacts_are_deleted_where_the_server_keeps_them(gc: ModuleType) -> None:
    assert gc.proxied_to_bucket("mlflow-artifacts:/4/abc/artifacts", "b") == "s3://b/4/abc/artifacts"
    assert gc.proxied_to_bucket("mlflow-artifacts://host:5000/4/abc/artifacts", "b") == "s3://b/4/abc/artifacts"


def test_gc_without_a_database_fails_in_one_line_without_the_password() -> None:
    env = {**ENV, "HOST": "127.0.0.1", "PORT": str(free_port()), "DB_WAIT_SECONDS": "0", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, str(SOURCE / "entrypoint.py"), "gc"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "did not answer within 0 s" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
