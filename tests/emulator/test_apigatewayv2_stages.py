"""The emulator's API Gateway v2 stage extension, through boto3: UpdateStage, DeleteAccessLogSettings, stage tags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from botocore.exceptions import ClientError

from emulator.launcher import Emulator
from tests.support.playbooks import client

LOG_GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/test/access"
LOG_FORMAT = '{"requestId":"$context.requestId","status":"$context.status"}'


@pytest.fixture
def apigw(emulator: Emulator) -> Any:
    return client(emulator, "apigatewayv2")


@pytest.fixture
def api_id(apigw: Any) -> str:
    return apigw.create_api(Name=f"api-{uuid4().hex[:8]}", ProtocolType="HTTP", Tags={"owner": "api"})["ApiId"]


@pytest.fixture
def stage(apigw: Any, api_id: str) -> dict[str, Any]:
    return apigw.create_stage(
        ApiId=api_id,
        StageName="$default",
        AutoDeploy=False,
        DefaultRouteSettings={"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.0},
        AccessLogSettings={"DestinationArn": LOG_GROUP_ARN, "Format": LOG_FORMAT},
        Tags={"mlflow:stack": "s1", "team": "ml"},
    )


def _stage_arn(api_id: str, name: str = "$default") -> str:
    return f"arn:aws:apigateway:us-east-1::/apis/{api_id}/stages/{name}"


def _error(call: Callable[[], Any]) -> tuple[str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


def _answered_by(emulator: Emulator, path: str) -> list[str]:
    return [e["answered_by"] for e in emulator.requests() if e["path"] == path]


@pytest.mark.usefixtures("stage")
def test_update_stage_replaces_the_given_fields_and_keeps_the_rest(apigw: Any, api_id: str) -> None:
    updated = apigw.update_stage(
        ApiId=api_id,
        StageName="$default",
        AutoDeploy=True,
        DefaultRouteSettings={"ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100.0},
        Description="served",
    )
    assert updated["StageName"] == "$default"
    assert updated["AutoDeploy"] is True
    assert updated["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100.0}
    stage = apigw.get_stage(ApiId=api_id, StageName="$default")
    assert stage["AutoDeploy"] is True
    assert stage["Description"] == "served"
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 200
    assert stage["AccessLogSettings"] == {"DestinationArn": LOG_GROUP_ARN, "Format": LOG_FORMAT}
    assert stage["Tags"] == {"mlflow:stack": "s1", "team": "ml"}


@pytest.mark.usefixtures("stage")
def test_update_stage_changes_access_log_settings(apigw: Any, api_id: str) -> None:
    other = "arn:aws:logs:us-east-1:123456789012:log-group:/test/other"
    apigw.update_stage(ApiId=api_id, StageName="$default", AccessLogSettings={"DestinationArn": other, "Format": "x"})
    assert apigw.get_stage(ApiId=api_id, StageName="$default")["AccessLogSettings"] == {
        "DestinationArn": other,
        "Format": "x",
    }


def test_update_stage_of_unknown_stage_or_api_is_not_found(apigw: Any, api_id: str) -> None:
    assert _error(lambda: apigw.update_stage(ApiId=api_id, StageName="nope", AutoDeploy=True)) == (
        "NotFoundException",
        404,
    )
    assert _error(lambda: apigw.update_stage(ApiId="missing1", StageName="$default", AutoDeploy=True)) == (
        "NotFoundException",
        404,
    )


@pytest.mark.usefixtures("stage")
def test_delete_access_log_settings_turns_logging_off_only(apigw: Any, api_id: str) -> None:
    response = apigw.delete_access_log_settings(ApiId=api_id, StageName="$default")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    stage = apigw.get_stage(ApiId=api_id, StageName="$default")
    assert "AccessLogSettings" not in stage
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 5.0
    assert stage["Tags"] == {"mlflow:stack": "s1", "team": "ml"}
    assert _error(lambda: apigw.delete_access_log_settings(ApiId=api_id, StageName="nope")) == (
        "NotFoundException",
        404,
    )


@pytest.mark.usefixtures("stage")
def test_stage_tags_are_one_set_for_get_stage_and_the_tagging_api(apigw: Any, api_id: str, emulator: Emulator) -> None:
    arn = _stage_arn(api_id)
    assert apigw.get_tags(ResourceArn=arn)["Tags"] == {"mlflow:stack": "s1", "team": "ml"}
    apigw.tag_resource(ResourceArn=arn, Tags={"team": "platform", "cost": "42"})
    expected = {"mlflow:stack": "s1", "team": "platform", "cost": "42"}
    assert apigw.get_tags(ResourceArn=arn)["Tags"] == expected
    assert apigw.get_stage(ApiId=api_id, StageName="$default")["Tags"] == expected
    apigw.untag_resource(ResourceArn=arn, TagKeys=["cost", "team"])
    assert apigw.get_stage(ApiId=api_id, StageName="$default")["Tags"] == {"mlflow:stack": "s1"}
    assert set(_answered_by(emulator, f"/v2/tags/{arn}")) == {"apigatewayv2_stages"}


@pytest.mark.usefixtures("stage")
def test_api_tags_stay_with_moto_and_apart_from_stage_tags(apigw: Any, api_id: str, emulator: Emulator) -> None:
    api_arn = f"arn:aws:apigateway:us-east-1::/apis/{api_id}"
    apigw.tag_resource(ResourceArn=api_arn, Tags={"extra": "1"})
    assert apigw.get_tags(ResourceArn=api_arn)["Tags"] == {"owner": "api", "extra": "1"}
    assert "extra" not in apigw.get_tags(ResourceArn=_stage_arn(api_id))["Tags"]
    assert set(_answered_by(emulator, f"/v2/tags/{api_arn}")) == {"moto"}


def test_stage_tag_calls_on_a_missing_stage_are_not_found(apigw: Any, api_id: str) -> None:
    arn = _stage_arn(api_id, "absent")
    assert _error(lambda: apigw.get_tags(ResourceArn=arn))[0] == "NotFoundException"
    assert _error(lambda: apigw.tag_resource(ResourceArn=arn, Tags={"a": "b"}))[0] == "NotFoundException"
    assert _error(lambda: apigw.untag_resource(ResourceArn=arn, TagKeys=["a"]))[0] == "NotFoundException"


def test_deleting_the_stage_drops_its_tags(apigw: Any, api_id: str, stage: dict[str, Any]) -> None:
    apigw.delete_stage(ApiId=api_id, StageName=stage["StageName"])
    apigw.create_stage(ApiId=api_id, StageName="$default")
    assert apigw.get_tags(ResourceArn=_stage_arn(api_id))["Tags"] == {}
