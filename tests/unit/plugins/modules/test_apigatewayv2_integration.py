"""apigatewayv2_integration against the emulator."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import apigatewayv2_integration as module

from tests.support.docs import ansible_doc_renders
from tests.support.modules import run_module

LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/mlflow/50dc6c495c0c9188/f2f7dc8efc522ab2"


@pytest.fixture
def api_and_link(apigw):
    api = apigw.create_api(Name="mlflow-api", ProtocolType="HTTP")
    link = apigw.create_vpc_link(Name="mlflow-link", SubnetIds=["subnet-a"])
    return api["ApiId"], link["VpcLinkId"]


def args(api_id, link_id, **extra):
    return {
        "api_id": api_id,
        "integration_type": "HTTP_PROXY",
        "integration_uri": LISTENER,
        "integration_method": "ANY",
        "connection_type": "VPC_LINK",
        "connection_id": link_id,
        "payload_format_version": "1.0",
        **extra,
    }


def integrations(client, api_id):
    return client.get_integrations(ApiId=api_id)["Items"]


def test_create_noop_update_and_delete(apigw, api_and_link, capsys):
    api_id, link_id = api_and_link
    created = run_module(module.main, args(api_id, link_id, timeout_in_millis=29000), capsys)
    assert created["changed"] is True
    integration = created["integration"]
    assert integration["connection_id"] == link_id
    assert integration["integration_uri"] == LISTENER
    assert created["diff"]["before"] == {}
    [stored] = integrations(apigw, api_id)
    assert stored["ConnectionType"] == "VPC_LINK" and stored["TimeoutInMillis"] == 29000
    assert stored["PayloadFormatVersion"] == "1.0"

    assert run_module(module.main, args(api_id, link_id, timeout_in_millis=29000), capsys)["changed"] is False
    assert run_module(module.main, args(api_id, link_id), capsys)["changed"] is False  # omitted: not compared

    mapping = {"overwrite:header.x-forwarded-prefix": "/"}
    updated = run_module(
        module.main, args(api_id, link_id, timeout_in_millis=30000, request_parameters=mapping), capsys
    )
    assert updated["changed"] is True
    assert updated["diff"]["before"]["timeout_in_millis"] == 29000
    assert updated["diff"]["after"]["timeout_in_millis"] == 30000
    assert updated["integration"]["integration_id"] == integration["integration_id"]
    assert updated["integration"]["request_parameters"] == mapping  # keys are not snake_cased
    [stored] = integrations(apigw, api_id)
    assert stored["TimeoutInMillis"] == 30000 and stored["RequestParameters"] == mapping

    by_id = run_module(
        module.main,
        {
            "api_id": api_id,
            "integration_id": integration["integration_id"],
            "integration_type": "HTTP_PROXY",
            "integration_method": "GET",
        },
        capsys,
    )
    assert by_id["changed"] is True
    assert integrations(apigw, api_id)[0]["IntegrationMethod"] == "GET"

    absent = {"api_id": api_id, "integration_uri": LISTENER, "connection_id": link_id, "state": "absent"}
    deleted = run_module(module.main, absent, capsys)
    assert deleted["changed"] is True and deleted["integration"] == {}
    assert integrations(apigw, api_id) == []
    assert run_module(module.main, absent, capsys)["changed"] is False
    gone = {"api_id": api_id, "integration_id": integration["integration_id"], "state": "absent"}
    assert run_module(module.main, gone, capsys)["changed"] is False


def test_other_connection_is_another_integration(apigw, api_and_link, capsys):
    api_id, link_id = api_and_link
    run_module(module.main, args(api_id, link_id), capsys)
    other = apigw.create_vpc_link(Name="other", SubnetIds=["subnet-b"])["VpcLinkId"]
    assert run_module(module.main, args(api_id, other), capsys)["changed"] is True
    assert sorted(i["ConnectionId"] for i in integrations(apigw, api_id)) == sorted([link_id, other])


def test_check_mode_writes_nothing(apigw, api_and_link, capsys):
    api_id, link_id = api_and_link
    planned = run_module(module.main, args(api_id, link_id), capsys, check_mode=True)
    assert planned["changed"] is True
    assert planned["diff"]["after"]["connection_id"] == link_id
    assert integrations(apigw, api_id) == []

    run_module(module.main, args(api_id, link_id, timeout_in_millis=20000), capsys)
    before = integrations(apigw, api_id)
    changed = run_module(module.main, args(api_id, link_id, timeout_in_millis=10000), capsys, check_mode=True)
    assert changed["changed"] is True
    assert changed["diff"]["after"]["timeout_in_millis"] == 10000
    absent = {"api_id": api_id, "integration_uri": LISTENER, "connection_id": link_id, "state": "absent"}
    assert run_module(module.main, absent, capsys, check_mode=True)["changed"] is True
    assert integrations(apigw, api_id) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"timeout_in_millis": 30001}, "timeout_in_millis must be between 50 and 30000"),
        ({"timeout_in_millis": 10}, "timeout_in_millis must be between 50 and 30000"),
        ({"connection_id": None}, "connection_type=VPC_LINK requires connection_id"),
        ({"connection_type": "INTERNET"}, "connection_id is only valid with connection_type=VPC_LINK"),
        ({"integration_uri": None, "connection_id": None, "connection_type": "INTERNET"}, "HTTP_PROXY requires"),
    ],
)
def test_bad_input_rejected_before_any_call(apigw, api_and_link, capsys, extra, message):
    api_id, link_id = api_and_link
    result = run_module(module.main, {**args(api_id, link_id), **extra}, capsys)
    assert result["failed"] is True
    assert message in result["msg"]
    assert integrations(apigw, api_id) == []


def test_unknown_integration_id_fails(apigw, api_and_link, capsys):
    api_id = api_and_link[0]
    result = run_module(
        module.main, {"api_id": api_id, "integration_id": "nope", "integration_type": "HTTP_PROXY"}, capsys
    )
    assert result["failed"] is True
    assert "Integration nope not found" in result["msg"]


def test_ansible_doc_renders():
    ansible_doc_renders("apigatewayv2_integration")
