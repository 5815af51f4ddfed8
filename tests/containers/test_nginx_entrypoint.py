"""files/nginx/entrypoint.sh on its own: the site it renders, and that nginx holds no credentials."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "files" / "nginx" / "entrypoint.sh"
TEMPLATE = ROOT / "files" / "nginx" / "mlflow.conf.template"


def run(tmp_path: Path, command: tuple[str, ...] = ("true",)) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "NGINX_SITE_CONF": str(tmp_path / "mlflow.conf"),
        "NGINX_TEMPLATE": str(TEMPLATE),
        "NGINX_LISTEN": "127.0.0.1:8080",
        "MLFLOW_UPSTREAM": "127.0.0.1:5001",
    }
    return subprocess.run([str(ENTRYPOINT), *command], env=env, capture_output=True, text=True, check=False)


def test_hands_over_to_the_command(tmp_path: Path) -> None:
    result = run(tmp_path, ("sh", "-c", "echo handed-over"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "handed-over\n"


def test_renders_only_the_listen_address_and_upstream(tmp_path: Path) -> None:
    template = TEMPLATE.read_text()
    assert set(re.findall(r"\$\{(\w+)\}", template)) == {"NGINX_LISTEN", "MLFLOW_UPSTREAM"}
    assert run(tmp_path).returncode == 0
    rendered = (tmp_path / "mlflow.conf").read_text()
    assert rendered == template.replace("${NGINX_LISTEN}", "127.0.0.1:8080").replace(
        "${MLFLOW_UPSTREAM}", "127.0.0.1:5001"
    )


def test_config_has_no_upstream_block_and_no_host_override() -> None:
    config = TEMPLATE.read_text()
    directives = [line.split("#")[0].strip() for line in config.splitlines()]
    assert not any(d.startswith("upstream ") for d in directives)
    assert not any(re.match(r"proxy_set_header\s+Host\b", d) for d in directives)
    assert "client_max_body_size 10m;" in directives
    assert "proxy_read_timeout 30s;" in directives


def test_credentials_reach_mlflow_and_nginx_checks_none() -> None:
    directives = [line.split("#")[0].strip() for line in TEMPLATE.read_text().splitlines()]
    assert not any(d.startswith(("auth_basic", "auth_request")) for d in directives)
    assert not any(re.match(r"proxy_set_header\s+Authorization\b", d) for d in directives)
    # MLflow's own answers (401 with its challenge, 403) reach the client unchanged.
    assert not any(d.startswith(("error_page", "proxy_intercept_errors")) for d in directives)
