"""The strict emulator refuses API Gateway v2 deletes while dependents exist, as AWS does, and allows them after."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import launcher
from tests.emulator.strict_support import Network, aws_time_passes, client, recorded, refused, unique

LISTENER_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb/0123456789abcdef/0123456789abcdef"


@pytest.fixture
def apigw(emulator: launcher.Emulator) -> Any:
    return client(emulator, "apigatewayv2")


def _private_integration(apigw: Any, api_id: str, link_id: str) -> str:
    return apigw.create_integration(
        ApiId=api_id,
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="ANY",
        IntegrationUri=LISTENER_ARN,
        ConnectionType="VPC_LINK",
        ConnectionId=link_id,
        PayloadFormatVersion="1.0",
    )["IntegrationId"]


def test_vpc_link_used_by_integration(emulator: launcher.Emulator, apigw: Any) -> None:
    net = Network(emulator)
    link_id = apigw.create_vpc_link(
        Name=unique("link"), SubnetIds=net.subnet_ids, SecurityGroupIds=[net.security_group()]
    )["VpcLinkId"]
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration_id = _private_integration(apigw, api_id, link_id)
    with recorded(emulator) as entries:
        error = refused(apigw.delete_vpc_link, "BadRequestException", VpcLinkId=link_id)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert f"ANY:{integration_id}" in error.response["Error"]["Message"]
    assert [(e["method"], e["status"], e["answered_by"]) for e in entries] == [("DELETE", 400, "strict_apigatewayv2")]
    apigw.delete_integration(ApiId=api_id, IntegrationId=integration_id)
    apigw.delete_vpc_link(VpcLinkId=link_id)
    assert apigw.get_vpc_link(VpcLinkId=link_id)["VpcLinkStatus"] == "DELETING"
    aws_time_passes(emulator)
    refused(apigw.get_vpc_link, "NotFoundException", VpcLinkId=link_id)


def test_integration_used_by_route(emulator: launcher.Emulator, apigw: Any) -> None:
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration_id = apigw.create_integration(
        ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY", IntegrationUri="https://example.invalid"
    )["IntegrationId"]
    route_ids = [
        apigw.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration_id}")["RouteId"]
        for key in ("ANY /{proxy+}", "$default")
    ]
    with recorded(emulator) as entries:
        error = refused(apigw.delete_integration, "ConflictException", ApiId=api_id, IntegrationId=integration_id)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error.response["Error"]["Message"] == (
        f"Cannot delete Integration because it is referenced by the following Routes with Ids: [{', '.join(route_ids)}]"
    )
    assert [(e["service"], e["status"], e["answered_by"]) for e in entries] == [
        ("apigateway", 409, "strict_apigatewayv2")
    ]
    for route_id in route_ids:
        apigw.delete_route(ApiId=api_id, RouteId=route_id)
    apigw.delete_integration(ApiId=api_id, IntegrationId=integration_id)
    assert apigw.get_integrations(ApiId=api_id)["Items"] == []
