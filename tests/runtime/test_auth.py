"""nginx in front of MLflow: who gets in, throttling of failed logins, and what is written down."""

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


def test_repeated_failed_logins_are_throttled_but_valid_users_are_not(runtime: local_runtime.Runtime) -> None:
    # A client address of its own (127.0.0.3), so other tests' 401s do not count against it.
    username, password = runtime.credentials()
    wrong = {"Authorization": basic(username, "guess")}
    statuses = [request(runtime.url, "/", headers=wrong, source="127.0.0.3").status for _attempt in range(20)]
    assert statuses[:10] == [401] * 10
    assert statuses[-5:] == [429] * 5
    # Another address is unaffected, and so is a valid login from the throttled one.
    assert request(runtime.url, "/", headers=wrong, source="127.0.0.4").status == 401
    assert (
        request(runtime.url, "/", headers={"Authorization": basic(username, password)}, source="127.0.0.3").status
        == 200
    )


def test_htpasswd_holds_a_sha512_crypt_hash_and_no_plaintext(runtime: local_runtime.Runtime) -> None:
    assert runtime.nginx is not None
    username, password = runtime.credentials()
    content = runtime.nginx.htpasswd.read_text()
    assert content.count("\n") == 1
    assert content.startswith(f"{username}:$6$")
    assert password not in content
    # The password is the awkward kind: every character that breaks URIs, htpasswd lines and quoting.
    assert set("@:/%#'\" ") <= set(password)


def test_access_log_holds_no_credentials(runtime: local_runtime.Runtime) -> None:
    assert runtime.nginx is not None
    username, password = runtime.credentials()
    request(runtime.url, "/?probe=1", headers={"Authorization": basic(username, password)})
    log = runtime.nginx.service.log.read_text()
    assert '"GET / HTTP/1.1" 200' in log  # the access log is there, and without the query string
    token = basic(username, password).removeprefix("Basic ")
    for secret in (password, token, "Authorization", "Basic "):
        assert secret not in log
