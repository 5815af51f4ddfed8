"""apigatewayv2_api and apigatewayv2_api_info against the emulator."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import apigatewayv2_api as module
from ansible_collections.mlops.mlflow_aws.plugins.modules import apigatewayv2_api_info as info_module

from tests.support.docs import ansible_doc_renders
from tests.support.modules import run_module

TAGS = {"mlflow:stack": "test"}
CORS = {"allow_origins": ["https://mlflow.example.com"], "allow_methods": ["GET", "POST"], "max_age": 300}


def apis(client, name="mlflow-api"):
    return [a for a in client.get_apis()["Items"] if a["Name"] == name]


def test_create_noop_update_and_delete(apigw, capsys):
    args = {"name": "mlflow-api", "description": "MLflow", "tags": TAGS}
    created = run_module(module.main, args, capsys)
    assert created["changed"] is True
    api = created["api"]
    assert api["api_id"] and api["api_endpoint"].startswith("https://")
    assert api["protocol_type"] == "HTTP"
    assert api["tags"] == TAGS
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"]["description"] == "MLflow"
    assert created["diff"]["after"]["tags"] == TAGS
    [stored] = apis(apigw)
    assert stored["Description"] == "MLflow" and stored["Tags"] == TAGS

    assert run_module(module.main, args, capsys)["changed"] is False

    updated = run_module(
        module.main,
        {**args, "description": "MLflow tracking", "disable_execute_api_endpoint": True, "cors_configuration": CORS},
        capsys,
    )
    assert updated["changed"] is True
    assert updated["diff"]["before"]["description"] == "MLflow"
    assert updated["diff"]["after"]["description"] == "MLflow tracking"
    assert updated["api"]["api_id"] == api["api_id"]
    [stored] = apis(apigw)
    assert stored["Description"] == "MLflow tracking"
    assert stored["DisableExecuteApiEndpoint"] is True
    assert stored["CorsConfiguration"]["AllowOrigins"] == ["https://mlflow.example.com"]
    assert run_module(module.main, {**args, "cors_configuration": CORS}, capsys)["changed"] is True  # description back
    assert run_module(module.main, {**args, "cors_configuration": CORS}, capsys)["changed"] is False

    uncors = run_module(module.main, {**args, "cors_configuration": {}}, capsys)
    assert uncors["changed"] is True
    assert "CorsConfiguration" not in apis(apigw)[0] or not apis(apigw)[0]["CorsConfiguration"]

    retagged = run_module(module.main, {**args, "tags": {"owner": "ml"}}, capsys)
    assert retagged["changed"] is True
    assert apis(apigw)[0]["Tags"] == {"owner": "ml"}
    assert run_module(module.main, {"name": "mlflow-api", "tags": {"x": "1"}, "purge_tags": False}, capsys)["changed"]
    assert apis(apigw)[0]["Tags"] == {"owner": "ml", "x": "1"}

    deleted = run_module(module.main, {"name": "mlflow-api", "state": "absent"}, capsys)
    assert deleted["changed"] is True and deleted["api"] == {}
    assert apis(apigw) == []
    assert run_module(module.main, {"name": "mlflow-api", "state": "absent"}, capsys)["changed"] is False


def test_check_mode_writes_nothing(apigw, capsys):
    args = {"name": "mlflow-api", "description": "MLflow", "tags": TAGS}
    planned = run_module(module.main, args, capsys, check_mode=True)
    assert planned["changed"] is True
    assert planned["diff"]["after"]["description"] == "MLflow"
    assert apis(apigw) == []

    run_module(module.main, args, capsys)
    [before] = apis(apigw)
    changed = run_module(
        module.main, {**args, "description": "new", "cors_configuration": CORS, "tags": {}}, capsys, check_mode=True
    )
    assert changed["changed"] is True
    assert changed["diff"]["after"]["description"] == "new"
    assert changed["diff"]["after"]["tags"] == {}
    assert run_module(module.main, {"name": "mlflow-api", "state": "absent"}, capsys, check_mode=True)["changed"]
    assert apis(apigw) == [before]


def test_duplicate_names_fail_clearly(apigw, capsys):
    for _attempt in range(2):
        apigw.create_api(Name="mlflow-api", ProtocolType="HTTP")
    result = run_module(module.main, {"name": "mlflow-api"}, capsys)
    assert result["failed"] is True
    assert "Found 2 HTTP APIs named mlflow-api" in result["msg"]


def test_info_by_name_id_and_tags(apigw, capsys):
    ours = run_module(module.main, {"name": "mlflow-api", "tags": TAGS}, capsys)["api"]
    run_module(module.main, {"name": "other", "tags": {"mlflow:stack": "other"}}, capsys)
    apigw.create_api(Name="ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")
    by_tag = run_module(info_module.main, {"tags": TAGS}, capsys)["apis"]
    assert [a["api_id"] for a in by_tag] == [ours["api_id"]]
    assert by_tag[0]["api_endpoint"] == ours["api_endpoint"]
    assert run_module(info_module.main, {"api_id": ours["api_id"]}, capsys)["apis"][0]["name"] == "mlflow-api"
    assert run_module(info_module.main, {"name": "other"}, capsys)["apis"][0]["tags"] == {"mlflow:stack": "other"}
    assert sorted(a["name"] for a in run_module(info_module.main, {}, capsys)["apis"]) == ["mlflow-api", "other"]
    assert run_module(info_module.main, {"api_id": "missing"}, capsys)["apis"] == []


@pytest.mark.parametrize("name", ["apigatewayv2_api", "apigatewayv2_api_info"])
def test_ansible_doc_renders(name):
    ansible_doc_renders(name)
