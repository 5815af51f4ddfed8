"""files/mlflow/gateway_auth.py: who a request is, by password or by the IAM identity API Gateway verified."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "files" / "mlflow" / "gateway_auth.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gateway_auth", SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gateway_auth = _load()


@pytest.mark.parametrize(
    ("principal", "username"),
    [
        ("arn:aws:iam::123456789012:user/ci/builder", "arn:aws:iam::123456789012:user/ci/builder"),
        ("arn:aws:sts::123456789012:assumed-role/sm-role/SageMaker", "arn:aws:iam::123456789012:role/sm-role"),
        ("arn:aws-cn:sts::123456789012:assumed-role/r/s-1", "arn:aws-cn:iam::123456789012:role/r"),
        ("arn:aws:iam::123456789012:root", None),
        ("arn:aws:sts::123456789012:federated-user/bob", None),
        ("not an arn", None),
    ],
)
def test_a_principal_maps_to_one_user_whatever_the_session(principal: str, username: str | None) -> None:
    assert gateway_auth.username_for(principal) == username


class _Store:
    def __init__(self) -> None:
        self.users: dict[str, str] = {}

    def has_user(self, username: str, use_primary: bool = False) -> bool:
        return username in self.users

    def create_user(self, username: str, password: str, is_admin: bool = False) -> None:
        assert not is_admin
        self.users[username] = password


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> _Store:
    from mlflow.server import auth

    fake = _Store()
    monkeypatch.setattr(auth, "store", fake, raising=False)
    monkeypatch.setattr(auth, "authenticate_request_basic_auth", lambda: "basic-auth-answer")
    monkeypatch.setattr(auth, "make_basic_auth_response", lambda: "basic-auth-challenge")
    return fake


def _authenticate(headers: dict[str, str]) -> Any:
    from flask import Flask

    with Flask(__name__).test_request_context("/api/2.0/mlflow/experiments/search", headers=headers):
        return gateway_auth.authenticate_request()


def test_the_gateways_identity_becomes_a_user_created_once(store: _Store) -> None:
    header = {gateway_auth.IDENTITY_HEADER: "arn:aws:sts::123456789012:assumed-role/trainer/job-1"}
    first = _authenticate(header)
    header[gateway_auth.IDENTITY_HEADER] = "arn:aws:sts::123456789012:assumed-role/trainer/job-2"
    second = _authenticate(header)
    assert first.username == second.username == "arn:aws:iam::123456789012:role/trainer"
    assert list(store.users) == ["arn:aws:iam::123456789012:role/trainer"]
    assert len(store.users["arn:aws:iam::123456789012:role/trainer"]) >= 32


def test_without_the_header_it_is_mlflows_basic_auth(store: _Store) -> None:
    assert _authenticate({"Authorization": "Basic eDp5"}) == "basic-auth-answer"
    assert not store.users


def test_the_root_user_is_refused(store: _Store) -> None:
    answer = _authenticate({gateway_auth.IDENTITY_HEADER: "arn:aws:iam::123456789012:root"})
    assert answer.status_code == 403
    assert not store.users


def test_another_authorization_scheme_gets_the_basic_auth_challenge(store: _Store) -> None:
    signed = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/execute-api/aws4_request"}
    assert _authenticate(signed) == "basic-auth-challenge"
    assert not store.users
