"""The HTTP API data plane's route choice and parameter mapping, as API Gateway applies them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from emulator.dataplane import mapping
from emulator.dataplane.http_api import _match

IDENTITY = "x-mlflow-aws-identity"


def _api(*keys: str) -> SimpleNamespace:
    return SimpleNamespace(routes={key: SimpleNamespace(route_key=key) for key in keys})


@pytest.mark.parametrize(
    ("method", "path", "route", "parameters"),
    [
        ("POST", "/aws/api/2.0/mlflow/runs/create", "ANY /aws/{proxy+}", {"proxy": "api/2.0/mlflow/runs/create"}),
        ("GET", "/api/2.0/mlflow/runs/get", "ANY /{proxy+}", {"proxy": "api/2.0/mlflow/runs/get"}),
        ("GET", "/pets/7", "GET /pets/{id}", {"id": "7"}),
        ("GET", "/", "$default", {}),
    ],
)
def test_the_most_specific_route_wins_whatever_the_order(
    method: str, path: str, route: str, parameters: dict[str, str]
) -> None:
    keys = ["$default", "ANY /{proxy+}", "ANY /aws/{proxy+}", "GET /pets/{id}"]
    for order in (keys, list(reversed(keys))):
        matched = _match(_api(*order), method, path)
        assert matched is not None
        assert (matched[0].route_key, matched[1]) == (route, parameters)


def test_no_route_and_no_default_is_no_match() -> None:
    assert _match(_api("GET /pets/{id}"), "GET", "/pets/7/toys") is None


def test_the_iam_mapping_strips_the_prefix_and_overwrites_the_identity() -> None:
    parameters = {
        "overwrite:path": "/$request.path.proxy",
        f"overwrite:header.{IDENTITY}": "$context.identity.userArn",
    }
    mapped = mapping.apply(
        parameters,
        "/aws/api/2.0/mlflow/runs/get?run_id=1",
        {"X-MLflow-AWS-Identity": "arn:aws:iam::1:user/forged", "Accept": "application/json"},
        {"proxy": "api/2.0/mlflow/runs/get"},
        {"identity.userArn": "arn:aws:iam::123456789012:user/trainer"},
    )
    assert mapped.path == "/api/2.0/mlflow/runs/get?run_id=1"
    assert mapped.headers == {IDENTITY: "arn:aws:iam::123456789012:user/trainer", "Accept": "application/json"}


def test_the_other_routes_remove_the_identity_header_and_other_keys_apply() -> None:
    parameters = {
        f"remove:header.{IDENTITY}": "''",
        "append:header.X-Trace": "${context.requestId}",
        "overwrite:querystring.view": "$request.header.X-View",
        "remove:querystring.debug": "''",
    }
    mapped = mapping.apply(
        parameters,
        "/api/2.0/mlflow/experiments/search?debug=1&max_results=5",
        {"X-MLflow-AWS-Identity": "forged", "X-Trace": "a", "X-View": "all"},
        {},
        {"requestId": "r1"},
    )
    assert mapped.path == "/api/2.0/mlflow/experiments/search?max_results=5&view=all"
    assert mapped.headers == {"X-Trace": "a,r1", "X-View": "all"}
