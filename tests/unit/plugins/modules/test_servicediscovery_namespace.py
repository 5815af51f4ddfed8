"""servicediscovery_namespace and servicediscovery_namespace_info against the emulator."""

from __future__ import annotations

import itertools
from typing import Any

import boto3
import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery_namespace import NamespaceManager
from ansible_collections.mlops.mlflow_aws.plugins.modules import (
    servicediscovery_namespace,
    servicediscovery_namespace_info,
)

from tests.support.modules import run_module

REGION = "us-east-1"  # the emulator's region

# The modules and the boto3 clients below reach the emulator through the environment fake_aws sets.
pytestmark = pytest.mark.usefixtures("fake_aws")

NAME = "mlflow.internal"


def sd() -> Any:
    return boto3.client("servicediscovery", region_name=REGION)


_vpc_numbers = itertools.count(1)


def new_vpc() -> str:
    # Cloud Map does not check the VPC exists; a made-up ID spares moto's slow EC2 setup.
    return f"vpc-{next(_vpc_numbers):017x}"


def namespace(capsys: pytest.CaptureFixture[str], check_mode: bool = False, **args: Any) -> dict[str, Any]:
    return run_module(servicediscovery_namespace.main, {"name": NAME, **args}, capsys, check_mode=check_mode)


def associate_hosted_zone(namespace_id: str, vpc_id: str) -> None:
    """The namespace's hosted zone is in its VPC, as AWS (and the emulator) make it at creation."""
    zone_id = sd().get_namespace(Id=namespace_id)["Namespace"]["Properties"]["DnsProperties"]["HostedZoneId"]
    zone = boto3.client("route53", region_name=REGION).get_hosted_zone(Id=zone_id)
    assert vpc_id in [vpc["VPCId"] for vpc in zone["VPCs"]]


def private_namespaces() -> list[dict[str, Any]]:
    return [ns for ns in sd().list_namespaces()["Namespaces"] if ns["Type"] == "DNS_PRIVATE"]


def tags_of(arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in sd().list_tags_for_resource(ResourceARN=arn)["Tags"]}


def add_service(namespace_id: str, name: str = "mlflow") -> str:
    return sd().create_service(
        Name=name,
        NamespaceId=namespace_id,
        DnsConfig={"RoutingPolicy": "MULTIVALUE", "DnsRecords": [{"Type": "A", "TTL": 10}]},
    )["Service"]["Id"]


@pytest.fixture
def vpc() -> str:
    return new_vpc()


@pytest.fixture
def created(capsys: pytest.CaptureFixture[str], vpc: str) -> dict[str, Any]:
    result = namespace(capsys, vpc_id=vpc, description="first", tags={"mlflow:stack": "mlflow", "team": "ml"})
    assert result["changed"] is True, result
    return result["namespace"]


def test_create_returns_the_namespace_as_aws_has_it(created: dict[str, Any]) -> None:
    raw = sd().get_namespace(Id=created["id"])["Namespace"]
    assert raw["Name"] == NAME
    assert raw["Type"] == "DNS_PRIVATE"
    assert raw["Description"] == "first"
    assert created["arn"] == raw["Arn"]
    assert created["type"] == "DNS_PRIVATE"
    assert (
        created["properties"]["dns_properties"]["hosted_zone_id"] == raw["Properties"]["DnsProperties"]["HostedZoneId"]
    )
    assert created["tags"] == {"mlflow:stack": "mlflow", "team": "ml"}
    assert tags_of(raw["Arn"]) == {"mlflow:stack": "mlflow", "team": "ml"}


def test_second_identical_run_changes_nothing(capsys: pytest.CaptureFixture[str], vpc: str, created: dict) -> None:
    result = namespace(capsys, vpc_id=vpc, description="first", tags={"mlflow:stack": "mlflow", "team": "ml"})
    assert result["changed"] is False
    assert result["namespace"]["id"] == created["id"]
    assert result["diff"]["before"] == result["diff"]["after"]
    assert len(private_namespaces()) == 1


def test_update_description_and_purge_tags(capsys: pytest.CaptureFixture[str], vpc: str, created: dict) -> None:
    result = namespace(capsys, vpc_id=vpc, description="second", tags={"mlflow:stack": "mlflow", "env": "prod"})
    assert result["changed"] is True
    assert result["diff"]["before"]["description"] == "first"
    assert result["diff"]["after"]["description"] == "second"
    assert sd().get_namespace(Id=created["id"])["Namespace"]["Description"] == "second"
    assert tags_of(created["arn"]) == {"mlflow:stack": "mlflow", "env": "prod"}
    assert result["namespace"]["tags"] == {"mlflow:stack": "mlflow", "env": "prod"}
    again = namespace(capsys, vpc_id=vpc, description="second", tags={"mlflow:stack": "mlflow", "env": "prod"})
    assert again["changed"] is False


def test_tags_kept_without_purge_and_untouched_without_tags(
    capsys: pytest.CaptureFixture[str], vpc: str, created: dict
) -> None:
    result = namespace(capsys, vpc_id=vpc, tags={"env": "prod"}, purge_tags=False)
    assert result["changed"] is True
    assert tags_of(created["arn"]) == {"mlflow:stack": "mlflow", "team": "ml", "env": "prod"}
    untouched = namespace(capsys, vpc_id=vpc)
    assert untouched["changed"] is False
    assert tags_of(created["arn"]) == {"mlflow:stack": "mlflow", "team": "ml", "env": "prod"}


def test_check_mode_create_writes_nothing(capsys: pytest.CaptureFixture[str], vpc: str) -> None:
    result = namespace(capsys, check_mode=True, vpc_id=vpc, tags={"a": "b"})
    assert result["changed"] is True
    assert result["namespace"] == {}
    assert result["diff"]["after"]["vpc_id"] == vpc
    assert private_namespaces() == []


def test_check_mode_update_writes_nothing(capsys: pytest.CaptureFixture[str], vpc: str, created: dict) -> None:
    result = namespace(capsys, check_mode=True, vpc_id=vpc, description="changed", tags={"x": "y"})
    assert result["changed"] is True
    assert sd().get_namespace(Id=created["id"])["Namespace"]["Description"] == "first"
    assert tags_of(created["arn"]) == {"mlflow:stack": "mlflow", "team": "ml"}


def test_other_vpc_fails_by_default(capsys: pytest.CaptureFixture[str], vpc: str, created: dict) -> None:
    associate_hosted_zone(created["id"], vpc)
    other = new_vpc()
    result = namespace(capsys, vpc_id=other)
    assert result.get("failed") is True
    assert "cannot be changed" in result["msg"]
    assert created["id"] in result["msg"] and vpc in result["msg"]
    assert [ns["Id"] for ns in private_namespaces()] == [created["id"]]


def test_other_vpc_replace(capsys: pytest.CaptureFixture[str], vpc: str, created: dict) -> None:
    associate_hosted_zone(created["id"], vpc)
    other = new_vpc()
    preview = namespace(capsys, check_mode=True, vpc_id=other, on_other_vpc="replace")
    assert preview["changed"] is True and preview["replaced"] is True
    assert (preview["diff"]["before"]["vpc_id"], preview["diff"]["after"]["vpc_id"]) == (vpc, other)
    assert [ns["Id"] for ns in private_namespaces()] == [created["id"]]

    result = namespace(capsys, vpc_id=other, on_other_vpc="replace", tags={"mlflow:stack": "mlflow"})
    assert result["changed"] is True and result["replaced"] is True
    assert result["namespace"]["id"] != created["id"]
    assert [ns["Id"] for ns in private_namespaces()] == [result["namespace"]["id"]]
    assert result["namespace"]["tags"] == {"mlflow:stack": "mlflow"}


def test_other_vpc_replace_refused_while_services_exist(
    capsys: pytest.CaptureFixture[str], vpc: str, created: dict
) -> None:
    associate_hosted_zone(created["id"], vpc)
    add_service(created["id"])
    result = namespace(capsys, vpc_id=new_vpc(), on_other_vpc="replace")
    assert result.get("failed") is True
    assert "still has 1 service(s): mlflow" in result["msg"]
    assert [ns["Id"] for ns in private_namespaces()] == [created["id"]]


def test_other_vpc_ignore_creates_a_second_namespace(
    capsys: pytest.CaptureFixture[str], vpc: str, created: dict
) -> None:
    associate_hosted_zone(created["id"], vpc)
    other = new_vpc()
    result = namespace(capsys, vpc_id=other, on_other_vpc="ignore")
    assert result["changed"] is True
    assert "replaced" not in result
    assert sorted(ns["Id"] for ns in private_namespaces()) == sorted([created["id"], result["namespace"]["id"]])
    # each VPC's namespace is found again by name and VPC
    associate_hosted_zone(result["namespace"]["id"], other)
    assert namespace(capsys, vpc_id=other, on_other_vpc="ignore")["namespace"]["id"] == result["namespace"]["id"]
    assert namespace(capsys, vpc_id=vpc)["namespace"]["id"] == created["id"]


def test_delete_then_delete_again(capsys: pytest.CaptureFixture[str], vpc: str, created: dict) -> None:
    preview = namespace(capsys, check_mode=True, vpc_id=vpc, state="absent")
    assert preview["changed"] is True
    assert len(private_namespaces()) == 1

    result = namespace(capsys, vpc_id=vpc, state="absent")
    assert result["changed"] is True
    assert result["diff"]["before"]["name"] == NAME and result["diff"]["after"] == {}
    assert private_namespaces() == []

    again = namespace(capsys, vpc_id=vpc, state="absent")
    assert again["changed"] is False


def test_delete_refused_while_services_exist(capsys: pytest.CaptureFixture[str], vpc: str, created: dict) -> None:
    add_service(created["id"], "mlflow")
    add_service(created["id"], "nginx")
    result = namespace(capsys, vpc_id=vpc, state="absent")
    assert result.get("failed") is True
    assert "still has 2 service(s): mlflow, nginx" in result["msg"]
    assert len(private_namespaces()) == 1


def test_present_needs_vpc_id(capsys: pytest.CaptureFixture[str]) -> None:
    result = namespace(capsys)
    assert result.get("failed") is True
    assert "vpc_id" in result["msg"]


def test_info_by_name_id_vpc_and_all(capsys: pytest.CaptureFixture[str], vpc: str, created: dict) -> None:
    associate_hosted_zone(created["id"], vpc)
    sd().create_http_namespace(Name="api-only")

    def info(**args: Any) -> list[dict[str, Any]]:
        result = run_module(servicediscovery_namespace_info.main, args, capsys)
        assert result["changed"] is False
        return result["namespaces"]

    by_name = info(name=NAME)
    assert [ns["id"] for ns in by_name] == [created["id"]]
    assert by_name[0]["vpc_ids"] == [vpc]
    assert by_name[0]["tags"] == {"mlflow:stack": "mlflow", "team": "ml"}
    assert [ns["id"] for ns in info(id=created["id"])] == [created["id"]]
    assert info(id="ns-doesnotexist0000000") == []
    assert info(name=NAME, vpc_id=new_vpc()) == []
    assert sorted(ns["name"] for ns in info()) == ["api-only", NAME]
    assert [ns["name"] for ns in info(type="HTTP")] == ["api-only"]


def test_aws_refusal_to_delete_is_reported_clearly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, vpc: str, created: dict
) -> None:
    """AWS answers ResourceInUse when a service appears between the module's check and its delete."""
    monkeypatch.setattr(NamespaceManager, "_ensure_no_services", lambda *_args: None)  # the check sees none yet
    add_service(created["id"])
    result = namespace(capsys, vpc_id=vpc, state="absent")
    assert result.get("failed") is True
    assert result["msg"].startswith(
        f"Cannot delete Cloud Map namespace {created['id']}: AWS reports it is still in use"
    )
    assert result["error"]["code"] == "ResourceInUse"


def test_no_wait_returns_the_operation(capsys: pytest.CaptureFixture[str], vpc: str) -> None:
    result = namespace(capsys, vpc_id=vpc, wait=False)
    assert result["changed"] is True
    assert result["namespace"] == {}
    operation = sd().get_operation(OperationId=result["operation_id"])["Operation"]
    assert operation["Type"] == "CREATE_NAMESPACE"
    assert [ns["Id"] for ns in private_namespaces()] == [operation["Targets"]["NAMESPACE"]]
