"""MLflow's own users and permissions on the deployed stack (issue 17, part 1), and the data plane's
AWS_IAM routes (part 4).

Collected through tests/dataplane/test_stack.py, which imports these tests, so that they run against
the stack that module already deployed (one deployment, not two).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from tests.dataplane.conftest import Stack
from tests.support import browser


@dataclass(frozen=True)
class User:
    username: str
    password: str

    def headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return {"Authorization": f"Basic {token}", "Content-Type": "application/json"}


def _call(stack: Stack, user: User, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(stack.url + path, data=data, headers=user.headers(), method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def _create_user(stack: Stack, admin: User, prefix: str) -> User:
    user = User(f"{prefix}-{secrets.token_hex(4)}", secrets.token_urlsafe(18))
    status, body = _call(
        stack, admin, "POST", "/api/2.0/mlflow/users/create", {"username": user.username, "password": user.password}
    )
    assert status == 200, body
    return user


def _create_experiment(stack: Stack, user: User, name: str) -> tuple[int, str]:
    status, body = _call(stack, user, "POST", "/api/2.0/mlflow/experiments/create", {"name": name})
    return status, body.get("experiment_id", "") if isinstance(body, dict) else ""


def _create_run(stack: Stack, user: User, experiment_id: str) -> tuple[int, Any]:
    return _call(
        stack,
        user,
        "POST",
        "/api/2.0/mlflow/runs/create",
        {"experiment_id": experiment_id, "start_time": int(time.time() * 1000), "run_name": f"by-{user.username}"},
    )


@pytest.fixture(scope="module")
def auth_users(stack: Stack) -> dict[str, Any]:
    return make_users(stack)


def make_users(stack: Stack) -> dict[str, Any]:
    """An experiment of the admin's, a user left with the default READ and one granted EDIT on it."""
    admin = User(stack.username, stack.password)
    reader = _create_user(stack, admin, "reader")
    editor = _create_user(stack, admin, "editor")
    status, experiment_id = _create_experiment(stack, admin, f"permissions-{time.time_ns()}")
    assert status == 200 and experiment_id
    status, body = _call(
        stack,
        admin,
        "POST",
        "/api/3.0/mlflow/users/permissions/grant",
        {
            "username": editor.username,
            "resource_type": "experiment",
            "resource_id": experiment_id,
            "permission": "EDIT",
        },
    )
    assert status == 200, body
    return {"admin": admin, "reader": reader, "editor": editor, "experiment_id": experiment_id}


def test_a_read_user_cannot_create_a_run_where_an_edit_user_can(stack: Stack, auth_users: dict[str, Any]) -> None:
    reader, editor, experiment_id = auth_users["reader"], auth_users["editor"], auth_users["experiment_id"]
    # Both may read it: READ is the stack's default permission.
    for user in (reader, editor):
        status, _body = _call(stack, user, "GET", f"/api/2.0/mlflow/experiments/get?experiment_id={experiment_id}")
        assert status == 200
    status, body = _create_run(stack, reader, experiment_id)
    assert status == 403, body
    assert b"Permission denied" in body
    status, body = _create_run(stack, editor, experiment_id)
    assert status == 200, body
    assert body["run"]["info"]["experiment_id"] == experiment_id


def test_the_admin_sees_both_users_and_wrong_passwords_get_401(stack: Stack, auth_users: dict[str, Any]) -> None:
    admin, reader, editor = auth_users["admin"], auth_users["reader"], auth_users["editor"]
    status, body = _call(stack, admin, "GET", "/api/2.0/mlflow/users/list")
    assert status == 200, body
    listed = {user["username"]: user["is_admin"] for user in body["users"]}
    assert listed[admin.username] is True
    assert (listed[reader.username], listed[editor.username]) == (False, False)
    for who in (User(reader.username, reader.password + "x"), User(admin.username, "wrong-password")):
        assert _call(stack, who, "GET", "/api/2.0/mlflow/experiments/search?max_results=1")[0] == 401


def test_the_ui_renders_for_a_user_with_a_password_of_their_own(stack: Stack, auth_users: dict[str, Any]) -> None:
    if browser.chromium() is None:
        pytest.fail("chromium is missing: tools/install-system-deps installs the Debian package")
    editor, experiment_id = auth_users["editor"], auth_users["experiment_id"]
    status, body = _create_run(stack, editor, experiment_id)
    assert status == 200, body
    run_name = body["run"]["info"]["run_name"]
    with browser.open_page({"Authorization": editor.headers()["Authorization"]}) as page:
        page.call("Page.navigate", url=f"{stack.url}/#/experiments/{experiment_id}/runs")
        found = page.wait_for_text(run_name, timeout=90)
    refused = [(status, url) for status, url in page.responses if status in (401, 403)]
    assert found, f"the runs table did not show the run; refused: {refused}"
    assert not refused


def _signed_status(url: str, credentials: Any, region: str, method: str = "GET", tamper: bool = False) -> int:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method=method, url=url, data=b"")
    SigV4Auth(credentials, "execute-api", region).add_auth(request)
    headers = dict(request.headers.items())
    if tamper:
        last = headers["Authorization"][-1]
        headers["Authorization"] = headers["Authorization"][:-1] + ("1" if last == "0" else "0")
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers, method=method), timeout=30) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_an_aws_iam_route_checks_signatures_and_maps_the_path(stack: Stack) -> None:
    """The data plane's AWS_IAM routes (issue 17, part 4): SigV4 against the emulator's IAM keys, then the
    integration's parameter mapping (here: the /aws prefix stripped, so /aws/health reaches MLflow's /health)."""
    from botocore.credentials import Credentials

    api = stack.emulator.client("apigatewayv2")
    api_id = stack.dataplane()["apis"][0]["apiId"]
    base = api.get_integrations(ApiId=api_id)["Items"][0]
    keep = ("IntegrationType", "ConnectionType", "ConnectionId", "IntegrationUri", "IntegrationMethod")
    integration = api.create_integration(
        ApiId=api_id,
        **{name: base[name] for name in keep},
        PayloadFormatVersion="1.0",
        RequestParameters={"overwrite:path": "/$request.path.proxy"},
    )
    route = api.create_route(
        ApiId=api_id,
        RouteKey="ANY /aws/{proxy+}",
        AuthorizationType="AWS_IAM",
        Target=f"integrations/{integration['IntegrationId']}",
    )
    iam = stack.emulator.client("iam")
    name = f"program-{secrets.token_hex(4)}"
    iam.create_user(UserName=name)
    raw = iam.create_access_key(UserName=name)["AccessKey"]
    key = Credentials(raw["AccessKeyId"], raw["SecretAccessKey"])
    region = stack.emulator.environment()["AWS_REGION"]
    try:
        assert _signed_status(f"{stack.url}/aws/health", key, region) == 200
        assert _signed_status(f"{stack.url}/aws/health", key, region, tamper=True) == 403
        assert _signed_status(f"{stack.url}/aws/health", Credentials(raw["AccessKeyId"], "x" * 40), region) == 403
        unsigned = urllib.request.Request(f"{stack.url}/aws/health")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unsigned, timeout=30)
        assert refused.value.code == 403
    finally:
        api.delete_route(ApiId=api_id, RouteId=route["RouteId"])
        api.delete_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"])
