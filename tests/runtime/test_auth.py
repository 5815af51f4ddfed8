"""nginx in front of MLflow, whose auth app checks credentials: who gets in, and what is written down."""

from __future__ import annotations

import pytest

import local_runtime
from tests.support.web import basic, request

PROTECTED = ["/", "/api/2.0/mlflow/experiments/search?max_results=1"]


@pytest.mark.parametrize("path", PROTECTED)
@pytest.mark.parametrize("who", ["nobody", "wrong password", "wrong user"])
def test_protected_paths_answer_401(runtime: local_runtime.Runtime, path: str, who: str) -> None:
    username, password = runtime.credentials()
    headers = {
        "nobody": {},
        "wrong password": {"Authorization": basic(username, password + "x")},
        "wrong user": {"Authorization": basic("someone-else", password)},
    }[who]
    reply = request(runtime.url, path, headers=headers)
    assert reply.status == 401
    assert reply.headers["www-authenticate"].startswith("Basic ")
    assert b"experiments" not in reply.body


def test_search_by_post_also_needs_credentials(runtime: local_runtime.Runtime) -> None:
    reply = request(
        runtime.url,
        "/api/2.0/mlflow/experiments/search",
        method="POST",
        body=b'{"max_results": 1}',
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 401


def test_valid_credentials_reach_mlflow(runtime: local_runtime.Runtime) -> None:
    reply = request(
        runtime.url,
        "/api/2.0/mlflow/experiments/search?max_results=1",
        headers={"Authorization": basic(*runtime.credentials())},
    )
    assert reply.status == 200
    assert b"experiments" in reply.body


def test_elb_status_needs_no_credentials(runtime: local_runtime.Runtime) -> None:
    reply = request(runtime.url, "/elb-status")
    assert reply.status == 200


def test_only_mlflow_holds_the_credentials_in_a_private_file(runtime: local_runtime.Runtime) -> None:
    assert runtime.nginx is not None and runtime.mlflow is not None
    password = runtime.credentials()[1]
    # The password is the awkward kind: every character that breaks URIs, basic-auth headers and quoting.
    assert set("@:/%#'\" ") <= set(password)
    for path in runtime.nginx.conf_dir.rglob("*"):
        assert not path.is_file() or password not in path.read_text(errors="replace")
    # MLflow's auth configuration holds the database password (in its URI), for MLflow's user only.
    config = runtime.base_dir / "basic_auth.ini"
    assert oct(config.stat().st_mode & 0o777) == "0o600"
    assert "default_permission = READ" in config.read_text()
    assert password not in runtime.mlflow.service.log.read_text()


def test_access_log_holds_no_credentials(runtime: local_runtime.Runtime) -> None:
    assert runtime.nginx is not None
    username, password = runtime.credentials()
    request(runtime.url, "/?probe=1", headers={"Authorization": basic(username, password)})
    log = runtime.nginx.service.log.read_text()
    assert '"GET / HTTP/1.1" 200' in log  # the access log is there, and without the query string
    token = basic(username, password).removeprefix("Basic ")
    for secret in (password, token, "Authorization", "Basic "):
        assert secret not in log
