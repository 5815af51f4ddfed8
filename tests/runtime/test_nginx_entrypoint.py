"""files/nginx/entrypoint.sh on its own: the htpasswd it writes and what it refuses."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "files" / "nginx" / "entrypoint.sh"
TEMPLATE = ROOT / "files" / "nginx" / "mlflow.conf.template"
AWKWARD = "p@ss:/%#'\" word with spaces `$(id)` \\ ; & |"


def run(
    tmp_path: Path, username: str | None, password: str | None, command: tuple[str, ...] = ("true",)
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HTPASSWD_FILE": str(tmp_path / "auth" / "htpasswd"),
        "NGINX_SITE_CONF": str(tmp_path / "mlflow.conf"),
        "NGINX_TEMPLATE": str(TEMPLATE),
        "NGINX_LISTEN": "127.0.0.1:8080",
        "MLFLOW_UPSTREAM": "127.0.0.1:5001",
    }
    if username is not None:
        env["MLFLOW_USERNAME"] = username
    if password is not None:
        env["MLFLOW_PASSWORD"] = password
    return subprocess.run([str(ENTRYPOINT), *command], env=env, capture_output=True, text=True, check=False)


def crypt_sha512(password: str, salt: str) -> str:
    """The same hash computed independently (openssl with the salt the entrypoint chose)."""
    result = subprocess.run(
        ["openssl", "passwd", "-6", "-salt", salt, "-stdin"],
        input=password + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_writes_a_sha512_crypt_line_that_verifies_and_holds_no_plaintext(tmp_path: Path) -> None:
    result = run(tmp_path, "admin", AWKWARD)
    assert result.returncode == 0, result.stderr
    line = (tmp_path / "auth" / "htpasswd").read_text()
    username, hashed = line.rstrip("\n").split(":", 1)
    assert username == "admin"
    assert hashed.startswith("$6$")
    salt = hashed.split("$")[2]
    assert crypt_sha512(AWKWARD, salt) == hashed
    assert "p@ss" not in line
    assert AWKWARD not in result.stdout + result.stderr
    assert oct((tmp_path / "auth" / "htpasswd").stat().st_mode & 0o777) == "0o640"


def test_replaces_the_file_instead_of_appending(tmp_path: Path) -> None:
    assert run(tmp_path, "admin", "first").returncode == 0
    assert run(tmp_path, "operator", "second").returncode == 0
    lines = (tmp_path / "auth" / "htpasswd").read_text().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("operator:$6$")


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        (None, "secret", "MLFLOW_USERNAME is missing or empty"),
        ("", "secret", "MLFLOW_USERNAME is missing or empty"),
        ("admin", None, "MLFLOW_PASSWORD is missing or empty"),
        ("admin", "", "MLFLOW_PASSWORD is missing or empty"),
        ("admin", "line\nbreak", "MLFLOW_PASSWORD contains a control character"),
        ("ad:min", "secret", "MLFLOW_USERNAME cannot contain ':'"),
        ("admin", "x" * 257, "longer than 256"),
    ],
)
def test_refuses_to_start_without_usable_credentials(
    tmp_path: Path, username: str | None, password: str | None, message: str
) -> None:
    marker = tmp_path / "nginx-started"
    result = run(tmp_path, username, password, command=("touch", str(marker)))
    assert result.returncode != 0
    assert message in result.stderr
    assert not marker.exists(), "the command (nginx) must not start"
    assert not (tmp_path / "auth" / "htpasswd").exists()
    if password:
        assert password not in result.stdout + result.stderr


def test_renders_only_the_listen_address_and_upstream(tmp_path: Path) -> None:
    template = TEMPLATE.read_text()
    assert set(re.findall(r"\$\{(\w+)\}", template)) == {"NGINX_LISTEN", "MLFLOW_UPSTREAM"}
    assert run(tmp_path, "admin", "secret").returncode == 0
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
