"""The launcher: start, reuse, control endpoints, request log, stop."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from emulator import launcher
from tests.support.playbooks import client


def test_serves_on_loopback_and_is_reused(emulator: launcher.Emulator) -> None:
    assert emulator.url.startswith("http://127.0.0.1:")
    assert launcher.start(emulator.state_dir) == emulator


def test_request_log_names_service_and_action(emulator: launcher.Emulator) -> None:
    emulator.clear_requests()
    client(emulator, "ec2").describe_vpcs()
    client(emulator, "secretsmanager").list_secrets()
    entries = emulator.requests()
    assert [(e["service"], e["action"], e["status"]) for e in entries] == [
        ("ec2", "DescribeVpcs", 200),
        ("secretsmanager", "ListSecrets", 200),
    ]


def test_request_log_names_rest_operations(emulator: launcher.Emulator) -> None:
    """API Gateway v2 names no action in its requests: the log names it from the method and the path as sent."""
    emulator.clear_requests()
    apigw = client(emulator, "apigatewayv2")
    link = apigw.create_vpc_link(Name="log-test", SubnetIds=["subnet-12345678"])
    apigw.tag_resource(ResourceArn=f"arn:aws:apigateway:eu-west-1::/vpclinks/{link['VpcLinkId']}", Tags={"a": "b"})
    apigw.get_vpc_links()
    apigw.delete_vpc_link(VpcLinkId=link["VpcLinkId"])
    entries = emulator.requests()
    assert [(e["service"], e["action"]) for e in entries] == [
        ("apigateway", "CreateVpcLink"),
        ("apigateway", "TagResource"),
        ("apigateway", "GetVpcLinks"),
        ("apigateway", "DeleteVpcLink"),
    ]


@pytest.mark.parametrize("signature", ["s3v4", "s3"])
def test_request_log_shows_presigned_s3_requests_and_their_size(emulator: launcher.Emulator, signature: str) -> None:
    """A presigned URL has no Authorization header: the log names S3 from its query (SigV4 or SigV2)."""
    import boto3
    from botocore.config import Config

    s3 = client(emulator, "s3")
    s3.create_bucket(Bucket="presigned-log")
    env = emulator.environment()
    presigner = boto3.client(
        "s3",
        endpoint_url=emulator.url,
        region_name="us-east-1",
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        config=Config(signature_version=signature),
    )
    url = presigner.generate_presigned_url("put_object", Params={"Bucket": "presigned-log", "Key": "k"}, ExpiresIn=60)
    emulator.clear_requests()
    request = urllib.request.Request(url, data=b"x" * 1000, method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    s3.get_object(Bucket="presigned-log", Key="k")
    entries = emulator.requests()
    assert [(e["service"], e["action"], e["auth"], e["bytes"]) for e in entries] == [
        ("s3", "PutObject", "query", 1000),
        ("s3", "GetObject", "header", 0),
    ]


def test_managed_policies_are_loaded(emulator: launcher.Emulator) -> None:
    iam = client(emulator, "iam")
    policy = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    assert policy["Policy"]["PolicyName"] == "AmazonECSTaskExecutionRolePolicy"


def test_stop_ends_the_process(tmp_path: Path) -> None:
    running = launcher.start(tmp_path)
    assert launcher.healthy(running.url)
    assert launcher.stop(tmp_path) is True
    assert launcher.find(tmp_path) is None
    assert not launcher.healthy(running.url)
    assert launcher.stop(tmp_path) is False


@pytest.mark.parametrize("command", ["status", "env"])
def test_cli_reports_not_running(tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    from emulator.__main__ import main

    assert main([command, "--state-dir", str(tmp_path)]) == 1
    assert "not running" in capsys.readouterr().err
