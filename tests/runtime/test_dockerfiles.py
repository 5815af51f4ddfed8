"""What the images put where agrees with what their entrypoints expect (no Docker engine here to build them)."""

from __future__ import annotations

import re
from pathlib import Path

FILES = Path(__file__).resolve().parents[2] / "files"


def _copies(dockerfile: Path) -> dict[str, str]:
    """Destination of each COPY source."""
    copies = {}
    for line in dockerfile.read_text().splitlines():
        match = re.match(r"COPY\s+(?:--\S+\s+)*(.+)\s+(\S+)$", line)
        if match:
            for source in match.group(1).split():
                destination = match.group(2)
                copies[source] = destination + source if destination.endswith("/") else destination
    return copies


def _shell_default(script: str, name: str) -> str:
    match = re.search(rf'^: "\$\{{{name}:=([^}}]*)\}}"', script, re.MULTILINE)
    assert match, name
    return match.group(1)


def test_nginx_image_matches_its_entrypoint() -> None:
    dockerfile = (FILES / "nginx" / "Dockerfile").read_text()
    script = (FILES / "nginx" / "entrypoint.sh").read_text()
    copies = _copies(FILES / "nginx" / "Dockerfile")
    assert re.search(r"^FROM nginx:\d+\.\d+\.\d+$", dockerfile, re.MULTILINE), "pin an exact nginx release"
    assert copies["mlflow.conf.template"] == _shell_default(script, "NGINX_TEMPLATE")
    assert f'ENTRYPOINT ["{copies["entrypoint.sh"]}"]' in dockerfile
    assert _shell_default(script, "NGINX_SITE_CONF").startswith("/etc/nginx/conf.d/")
    assert "NGINX_LISTEN=80" in dockerfile and _shell_default(script, "NGINX_LISTEN") == "80"
    assert "MLFLOW_UPSTREAM=127.0.0.1:5000" in dockerfile
    assert _shell_default(script, "MLFLOW_UPSTREAM") == "127.0.0.1:5000"


def test_mlflow_image_is_pinned_non_root_and_runs_the_entrypoint() -> None:
    dockerfile = (FILES / "mlflow" / "Dockerfile").read_text()
    copies = _copies(FILES / "mlflow" / "Dockerfile")
    assert re.search(r"^FROM python:3\.11\.\d+-slim", dockerfile, re.MULTILINE)
    assert re.search(r"^USER 10001", dockerfile, re.MULTILINE)
    assert "-r /opt/mlflow/requirements.txt -c /opt/mlflow/constraints.txt" in dockerfile
    assert copies["requirements.txt"] == "/opt/mlflow/requirements.txt"
    assert copies["constraints.txt"] == "/opt/mlflow/constraints.txt"
    assert f'ENTRYPOINT ["python", "{copies["entrypoint.py"]}"]' in dockerfile
    assert "MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false" in dockerfile
