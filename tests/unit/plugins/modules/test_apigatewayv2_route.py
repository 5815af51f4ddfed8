"""apigatewayv2_route against the emulator."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import apigatewayv2_route as module

from tests.support.docs import ansible_doc_renders
from tests.support.modules import run_module

PROXY = "ANY /{proxy+}"


@pytest.fixture
def api(apigw):
    api_id = apigw.create_api(Name="mlflow-api", ProtocolType="HTTP")["ApiId"]
    first, second = (
        apigw.create_integration(
            ApiId=api_id,
            IntegrationType="HTTP_PROXY",
            IntegrationUri=uri,
            IntegrationMethod="ANY",
            PayloadFormatVersion="1.0",
        )["IntegrationId"]
        for uri in ("http://one.invalid", "http://two.invalid")
    )
    return api_id, first, second


def routes(client, api_id):
    return {r["RouteKey"]: r for r in client.get_routes(ApiId=api_id)["Items"]}


def test_create_noop_update_and_delete(apigw, api, capsys):
    api_id, first, second = api
    args = {"api_id": api_id, "route_key": PROXY, "integration_id": first}
    created = run_module(module.main, args, capsys)
    assert created["changed"] is True
    assert created["route"]["target"] == "integrations/" + first
    assert created["route"]["authorization_type"] == "NONE"
    assert created["diff"]["before"] == {}
    assert routes(apigw, api_id)[PROXY]["Target"] == "integrations/" + first

    assert run_module(module.main, args, capsys)["changed"] is False
    same = {"api_id": api_id, "route_key": PROXY, "target": "integrations/" + first}
    assert run_module(module.main, same, capsys)["changed"] is False

    updated = run_module(module.main, {**args, "integration_id": second}, capsys)
    assert updated["changed"] is True
    assert updated["diff"]["before"]["target"] == "integrations/" + first
    assert updated["diff"]["after"]["target"] == "integrations/" + second
    assert updated["route"]["route_id"] == created["route"]["route_id"]
    assert routes(apigw, api_id)[PROXY]["Target"] == "integrations/" + second

    default = run_module(module.main, {"api_id": api_id, "route_key": "$default", "integration_id": first}, capsys)
    assert default["changed"] is True
    assert set(routes(apigw, api_id)) == {PROXY, "$default"}

    absent = {"api_id": api_id, "route_key": PROXY, "state": "absent"}
    deleted = run_module(module.main, absent, capsys)
    assert deleted["changed"] is True and deleted["route"] == {}
    assert set(routes(apigw, api_id)) == {"$default"}
    assert run_module(module.main, absent, capsys)["changed"] is False


def test_check_mode_writes_nothing(apigw, api, capsys):
    api_id, first, second = api
    args = {"api_id": api_id, "route_key": PROXY, "integration_id": first}
    planned = run_module(module.main, args, capsys, check_mode=True)
    assert planned["changed"] is True
    assert planned["diff"]["after"]["target"] == "integrations/" + first
    assert routes(apigw, api_id) == {}

    run_module(module.main, args, capsys)
    before = routes(apigw, api_id)
    changed = run_module(module.main, {**args, "integration_id": second}, capsys, check_mode=True)
    assert changed["changed"] is True
    assert changed["diff"]["after"]["target"] == "integrations/" + second
    absent = {"api_id": api_id, "route_key": PROXY, "state": "absent"}
    assert run_module(module.main, absent, capsys, check_mode=True)["changed"] is True
    assert routes(apigw, api_id) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"target": "arn:aws:lambda:nope"}, "target must be integrations/<integration ID>"),
        ({"authorization_type": "JWT"}, "authorization_type JWT requires authorizer_id"),
        ({"target": "integrations/x", "integration_id": "x"}, "mutually exclusive"),
    ],
)
def test_bad_input_rejected_before_any_call(apigw, api, capsys, extra, message):
    api_id = api[0]
    result = run_module(module.main, {"api_id": api_id, "route_key": PROXY, **extra}, capsys)
    assert result["failed"] is True
    assert message in result["msg"]
    assert routes(apigw, api_id) == {}


def test_ansible_doc_renders():
    ansible_doc_renders("apigatewayv2_route")
