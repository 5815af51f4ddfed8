"""MLflow's own users and permissions on the deployed stack (issue 17, part 1), and its AWS_IAM routes
for programs signing with IAM keys (parts 2 to 4).

Collected through tests/dataplane/test_stack.py, which imports these tests, so that they run against
the stack that module already deployed (one deployment, not two).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from tests.dataplane.conftest import Stack
from tests.support import browser
from tests.support.names import names


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


def test_the_sagemaker_user_logs_runs_but_administers_nobody(stack: Stack, auth_users: dict[str, Any]) -> None:
    """The non-admin user whose secret the SageMaker execution role reads (not the admin's): EDIT on every
    experiment, so it logs into one nobody granted it; but it cannot create users or make itself an admin."""
    secrets_manager = stack.emulator.client("secretsmanager")
    name = stack.outputs["sagemaker_credentials_secret_name"]
    assert name == names(stack.name)["mlflow_sagemaker_secret"] != stack.outputs["credentials_secret_name"]
    raw = json.loads(secrets_manager.get_secret_value(SecretId=name)["SecretString"])
    sagemaker, admin = User(raw["username"], raw["password"]), auth_users["admin"]
    assert sagemaker.username != admin.username and sagemaker.password != admin.password
    status, body = _create_run(stack, sagemaker, auth_users["experiment_id"])
    assert status == 200, body
    metric = {"run_id": body["run"]["info"]["run_id"], "key": "loss", "value": 0.5, "timestamp": 1, "step": 0}
    assert _call(stack, sagemaker, "POST", "/api/2.0/mlflow/runs/log-metric", metric)[0] == 200
    intruder = {"username": f"intruder-{secrets.token_hex(4)}", "password": secrets.token_urlsafe(18)}
    assert _call(stack, sagemaker, "POST", "/api/2.0/mlflow/users/create", intruder)[0] == 403
    promote = {"username": sagemaker.username, "is_admin": True}
    assert _call(stack, sagemaker, "PATCH", "/api/2.0/mlflow/users/update-admin", promote)[0] == 403
    status, body = _call(stack, admin, "GET", "/api/2.0/mlflow/users/list")
    assert status == 200, body
    listed = {user["username"]: user["is_admin"] for user in body["users"]}
    assert listed[sagemaker.username] is False and intruder["username"] not in listed


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


def _iam_program(stack: Stack, allowed: bool) -> tuple[Any, str]:
    """An IAM user of the emulator with an access key, allowed to invoke the stack's AWS_IAM routes or not."""
    from botocore.credentials import Credentials

    iam = stack.emulator.client("iam")
    name = f"program-{secrets.token_hex(4)}"
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    if allowed:
        api_id = stack.dataplane()["apis"][0]["apiId"]
        statement = {
            "Effect": "Allow",
            "Action": "execute-api:Invoke",
            "Resource": f"arn:aws:execute-api:*:*:{api_id}/*/*/aws/*",
        }
        document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        iam.put_user_policy(UserName=name, PolicyName="invoke-mlflow", PolicyDocument=document)
    raw = iam.create_access_key(UserName=name)["AccessKey"]
    return Credentials(raw["AccessKeyId"], raw["SecretAccessKey"]), arn


def test_the_aws_iam_routes_check_signatures_and_permissions(stack: Stack) -> None:
    """The stack's /aws/{proxy+} routes (issue 17, parts 2 and 4): a valid signature of a caller allowed
    execute-api:Invoke reaches MLflow with the prefix stripped; anything else is API Gateway's 403."""
    region = stack.emulator.environment()["AWS_REGION"]
    key, _arn = _iam_program(stack, allowed=True)
    # A protected MLflow path: a 200 means MLflow took the gateway's identity as a user.
    search = "/api/2.0/mlflow/experiments/search?max_results=1"
    iam_search = stack.outputs["iam_tracking_uri"] + search
    assert iam_search == f"{stack.url}/aws{search}"
    assert _signed_status(iam_search, key, region) == 200
    assert _signed_status(iam_search, key, region, tamper=True) == 403
    assert _signed_status(iam_search, type(key)(key.access_key, "x" * 40), region) == 403
    unsigned = urllib.request.Request(iam_search)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=30)
    assert refused.value.code == 403
    not_allowed, _other = _iam_program(stack, allowed=False)
    assert _signed_status(iam_search, not_allowed, region) == 403
    # The SageMaker execution role's own policy lets a session of it in (and only under the prefix).
    assert _signed_status(iam_search, _sagemaker_session(stack), region) == 200
    assert _signed_status(f"{stack.url}{search}", _sagemaker_session(stack), region) == 401


def _sagemaker_session(stack: Stack) -> Any:
    from botocore.credentials import Credentials

    account = stack.emulator.client("sts").get_caller_identity()["Account"]
    role_arn = f"arn:aws:iam::{account}:role/{names(stack.name)['sagemaker_role']}"
    raw = stack.emulator.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="notebook")["Credentials"]
    return Credentials(raw["AccessKeyId"], raw["SecretAccessKey"], raw["SessionToken"])


def test_a_program_signed_with_an_iam_key_logs_a_run_as_its_own_mlflow_user(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The MLflow client with the stack's client plugin and no MLflow password; the run's experiment is the
    mapped user's (MLflow gives the creator MANAGE)."""
    from mlflow import MlflowClient

    key, arn = _iam_program(stack, allowed=True)
    for name in list(os.environ):
        if name.startswith(("AWS_", "MLFLOW_")):
            monkeypatch.delenv(name)
    environment = {
        "MLFLOW_TRACKING_AUTH": stack.outputs["iam_tracking_auth"],
        "AWS_ACCESS_KEY_ID": key.access_key,
        "AWS_SECRET_ACCESS_KEY": key.secret_key,
        "AWS_REGION": stack.outputs["region"],
        "MLFLOW_DISABLE_TELEMETRY": "true",
        **stack.outputs["mlflow_client_environment"],
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    client = MlflowClient(tracking_uri=stack.outputs["iam_tracking_uri"])
    experiment_id = client.create_experiment(f"iam-{secrets.token_hex(4)}")
    run = client.create_run(experiment_id)
    client.log_metric(run.info.run_id, "loss", 0.25)
    assert client.get_run(run.info.run_id).data.metrics == {"loss": 0.25}

    admin = User(stack.username, stack.password)
    query = urllib.parse.urlencode({"username": arn})
    status, body = _call(stack, admin, "GET", f"/api/3.0/mlflow/users/permissions/list?{query}")
    assert status == 200, body
    grants = {(row["resource_pattern"], row["permission"]) for row in body["permissions"]}
    assert (experiment_id, "MANAGE") in grants


def test_the_identity_header_is_not_honoured_on_the_password_routes(stack: Stack) -> None:
    """A client on the password routes cannot claim an IAM identity: the gateway removes the header, so
    MLflow asks for a password (had it kept the header, MLflow would have created that user and answered 200)."""
    account = stack.emulator.client("sts").get_caller_identity()["Account"]
    header = {"X-Mlflow-Iam-Principal": f"arn:aws:iam::{account}:user/someone"}
    request = urllib.request.Request(f"{stack.url}/api/2.0/mlflow/experiments/search?max_results=1", headers=header)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401
