"""apigatewayv2_stage against the emulator (whose apigatewayv2_stages extension adds UpdateStage and stage tags)."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import apigatewayv2_stage as module

from tests.support.docs import ansible_doc_renders
from tests.support.modules import run_module

TAGS = {"mlflow:stack": "test"}
LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/mlflow/test/api"
LOGS = {"destination_arn": LOG_GROUP, "format": '{"requestId":"$context.requestId"}'}
THROTTLING = {"throttling_burst_limit": 100, "throttling_rate_limit": 50.0, "detailed_metrics_enabled": True}


@pytest.fixture
def api_id(apigw):
    return apigw.create_api(Name="mlflow-api", ProtocolType="HTTP")["ApiId"]


def stage(client, api_id, name="$default"):
    matches = [s for s in client.get_stages(ApiId=api_id)["Items"] if s["StageName"] == name]
    return matches[0] if matches else None


def test_create_noop_update_and_delete(apigw, api_id, capsys):
    args = {
        "api_id": api_id,
        "auto_deploy": True,
        "default_route_settings": THROTTLING,
        "access_log_settings": LOGS,
        "tags": TAGS,
    }
    created = run_module(module.main, args, capsys)
    assert created["changed"] is True
    assert created["stage"]["stage_name"] == "$default"
    assert created["stage"]["auto_deploy"] is True
    assert created["stage"]["default_route_settings"]["throttling_burst_limit"] == 100
    assert created["stage"]["access_log_settings"]["destination_arn"] == LOG_GROUP
    assert created["stage"]["tags"] == TAGS
    stored = stage(apigw, api_id)
    assert stored["AutoDeploy"] is True
    assert stored["DefaultRouteSettings"]["ThrottlingRateLimit"] == 50.0
    assert stored["AccessLogSettings"]["DestinationArn"] == LOG_GROUP
    assert stored["Tags"] == TAGS

    assert run_module(module.main, args, capsys)["changed"] is False
    assert run_module(module.main, {"api_id": api_id}, capsys)["changed"] is False

    updated = run_module(
        module.main, {**args, "default_route_settings": {"throttling_burst_limit": 200}, "tags": {"o": "ml"}}, capsys
    )
    assert updated["changed"] is True
    assert updated["diff"]["before"]["default_route_settings"]["throttling_burst_limit"] == 100
    assert updated["diff"]["after"]["default_route_settings"]["throttling_burst_limit"] == 200
    stored = stage(apigw, api_id)
    # Only the sub-option given changed; the others were sent back unchanged.
    assert stored["DefaultRouteSettings"] == {
        "ThrottlingBurstLimit": 200,
        "ThrottlingRateLimit": 50.0,
        "DetailedMetricsEnabled": True,
    }
    assert stored["Tags"] == {"o": "ml"}
    assert run_module(module.main, {**args, "auto_deploy": False, "tags": {"o": "ml"}}, capsys)["changed"] is True
    assert stage(apigw, api_id)["AutoDeploy"] is False

    absent = {"api_id": api_id, "state": "absent"}
    deleted = run_module(module.main, absent, capsys)
    assert deleted["changed"] is True and deleted["stage"] == {}
    assert stage(apigw, api_id) is None
    assert run_module(module.main, absent, capsys)["changed"] is False


def test_named_stage(apigw, api_id, capsys):
    created = run_module(module.main, {"api_id": api_id, "stage_name": "prod", "description": "Production"}, capsys)
    assert created["changed"] is True
    assert stage(apigw, api_id, "prod")["Description"] == "Production"
    assert stage(apigw, api_id) is None


def test_check_mode_writes_nothing(apigw, api_id, capsys):
    args = {"api_id": api_id, "auto_deploy": True, "default_route_settings": THROTTLING, "tags": TAGS}
    planned = run_module(module.main, args, capsys, check_mode=True)
    assert planned["changed"] is True
    assert planned["diff"]["after"]["auto_deploy"] is True
    assert stage(apigw, api_id) is None

    run_module(module.main, args, capsys)
    before = stage(apigw, api_id)
    changed = run_module(
        module.main,
        {**args, "auto_deploy": False, "access_log_settings": LOGS, "tags": {}},
        capsys,
        check_mode=True,
    )
    assert changed["changed"] is True
    assert changed["diff"]["after"]["auto_deploy"] is False
    assert changed["diff"]["after"]["tags"] == {}
    assert run_module(module.main, {"api_id": api_id, "state": "absent"}, capsys, check_mode=True)["changed"] is True
    assert stage(apigw, api_id) == before


def test_half_access_log_settings_rejected(apigw, api_id, capsys):
    result = run_module(module.main, {"api_id": api_id, "access_log_settings": {"format": "x"}}, capsys)
    assert result["failed"] is True
    assert "needs both destination_arn and format" in result["msg"]
    assert stage(apigw, api_id) is None


def test_ansible_doc_renders():
    ansible_doc_renders("apigatewayv2_stage")
