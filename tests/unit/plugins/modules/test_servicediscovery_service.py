"""servicediscovery_service and servicediscovery_service_info against the emulator."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils import servicediscovery_service as utils
from ansible_collections.mlops.mlflow_aws.plugins.modules import (
    servicediscovery_service,
    servicediscovery_service_info,
)

from tests.support.modules import run_module

REGION = "us-east-1"  # the emulator's region

# The modules and the boto3 clients below reach the emulator through the environment fake_aws sets.
pytestmark = pytest.mark.usefixtures("fake_aws")

A10 = {"routing_policy": "MULTIVALUE", "dns_records": [{"type": "A", "ttl": 10}]}


def sd() -> Any:
    return boto3.client("servicediscovery", region_name=REGION)


@pytest.fixture
def namespace_id() -> str:
    operation = sd().create_private_dns_namespace(Name="mlflow.internal", Vpc="vpc-12345678")["OperationId"]
    return sd().get_operation(OperationId=operation)["Operation"]["Targets"]["NAMESPACE"]


def service(
    capsys: pytest.CaptureFixture[str], namespace_id: str, check_mode: bool = False, **args: Any
) -> dict[str, Any]:
    return run_module(
        servicediscovery_service.main,
        {"name": "mlflow", "namespace_id": namespace_id, **args},
        capsys,
        check_mode=check_mode,
    )


def services() -> list[dict[str, Any]]:
    return sd().list_services()["Services"]


def tags_of(arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in sd().list_tags_for_resource(ResourceARN=arn)["Tags"]}


def register(service_id: str, instance_id: str = "task-1") -> None:
    sd().register_instance(ServiceId=service_id, InstanceId=instance_id, Attributes={"AWS_INSTANCE_IPV4": "10.0.1.5"})


@pytest.fixture
def created(capsys: pytest.CaptureFixture[str], namespace_id: str) -> dict[str, Any]:
    result = service(
        capsys,
        namespace_id,
        description="MLflow",
        dns_config=A10,
        health_check_custom_config={"failure_threshold": 1},
        tags={"mlflow:stack": "mlflow"},
    )
    assert result["changed"] is True, result
    return result["service"]


def same_args(**overrides: Any) -> dict[str, Any]:
    args = {
        "description": "MLflow",
        "dns_config": A10,
        "health_check_custom_config": {"failure_threshold": 1},
        "tags": {"mlflow:stack": "mlflow"},
    }
    args.update(overrides)
    return args


def test_create_returns_the_service_as_aws_has_it(namespace_id: str, created: dict[str, Any]) -> None:
    raw = sd().get_service(Id=created["id"])["Service"]
    assert raw["Name"] == "mlflow"
    assert raw["NamespaceId"] == namespace_id
    assert raw["DnsConfig"]["RoutingPolicy"] == "MULTIVALUE"
    assert raw["DnsConfig"]["DnsRecords"] == [{"Type": "A", "TTL": 10}]
    assert raw["HealthCheckCustomConfig"] == {"FailureThreshold": 1}
    assert created["arn"] == raw["Arn"]
    assert created["namespace_id"] == namespace_id
    assert created["dns_config"]["dns_records"] == [{"type": "A", "ttl": 10}]
    assert created["tags"] == {"mlflow:stack": "mlflow"}
    assert created["instance_count"] == 0
    assert tags_of(raw["Arn"]) == {"mlflow:stack": "mlflow"}


def test_second_identical_run_changes_nothing(capsys: pytest.CaptureFixture[str], namespace_id: str, created) -> None:
    result = service(capsys, namespace_id, **same_args())
    assert result["changed"] is False
    assert result["service"]["id"] == created["id"]
    assert result["diff"]["before"] == result["diff"]["after"]
    assert len(services()) == 1


def test_update_ttl_description_and_tags_in_place(
    capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict
) -> None:
    dns = {"routing_policy": "MULTIVALUE", "dns_records": [{"type": "A", "ttl": 60}]}
    result = service(capsys, namespace_id, **same_args(description="MLflow tracking", dns_config=dns, tags={"a": "b"}))
    assert result["changed"] is True
    assert "replaced" not in result
    assert result["service"]["id"] == created["id"]
    raw = sd().get_service(Id=created["id"])["Service"]
    assert raw["Description"] == "MLflow tracking"
    assert raw["DnsConfig"]["DnsRecords"] == [{"Type": "A", "TTL": 60}]
    assert raw["DnsConfig"]["RoutingPolicy"] == "MULTIVALUE"
    assert tags_of(created["arn"]) == {"a": "b"}
    assert result["diff"]["before"]["dns_config"]["dns_records"] == [{"type": "A", "ttl": 10}]
    assert result["diff"]["after"]["dns_config"]["dns_records"] == [{"type": "A", "ttl": 60}]
    again = service(capsys, namespace_id, **same_args(description="MLflow tracking", dns_config=dns, tags={"a": "b"}))
    assert again["changed"] is False


def test_unset_options_leave_the_service_alone(
    capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict
) -> None:
    result = service(capsys, namespace_id)
    assert result["changed"] is False
    assert tags_of(created["arn"]) == {"mlflow:stack": "mlflow"}


def test_routing_policy_change_replaces_the_service(
    capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict
) -> None:
    weighted = {"routing_policy": "WEIGHTED", "dns_records": [{"type": "A", "ttl": 10}]}
    result = service(capsys, namespace_id, **same_args(dns_config=weighted))
    assert result["changed"] is True and result["replaced"] is True
    assert result["replaced_because"] == ["dns_config.routing_policy (MULTIVALUE -> WEIGHTED)"]
    new_id = result["service"]["id"]
    assert new_id != created["id"]
    assert [s["Id"] for s in services()] == [new_id]
    assert sd().get_service(Id=new_id)["Service"]["DnsConfig"]["RoutingPolicy"] == "WEIGHTED"
    assert tags_of(result["service"]["arn"]) == {"mlflow:stack": "mlflow"}
    assert service(capsys, namespace_id, **same_args(dns_config=weighted))["changed"] is False


def test_record_type_and_health_check_changes_are_immutable(
    capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict
) -> None:
    srv = {"routing_policy": "MULTIVALUE", "dns_records": [{"type": "SRV", "ttl": 10}]}
    result = service(capsys, namespace_id, check_mode=True, **same_args(dns_config=srv))
    assert result["replaced_because"] == ["dns_config.dns_records types (['A'] -> ['SRV'])"]

    args = same_args()
    del args["health_check_custom_config"]
    no_custom = service(capsys, namespace_id, check_mode=True, **args)
    assert no_custom["changed"] is False  # not set: left as it is

    plain = sd().create_service(Name="plain", NamespaceId=namespace_id)["Service"]
    added = run_module(
        servicediscovery_service.main,
        {"name": "plain", "namespace_id": namespace_id, "health_check_custom_config": {}},
        capsys,
        check_mode=True,
    )
    assert added["replaced_because"] == ["health_check_custom_config (added or removed)"]
    assert sd().get_service(Id=plain["Id"])["Service"].get("HealthCheckCustomConfig") is None


def test_replacement_refused_while_instances_are_registered(
    capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict
) -> None:
    register(created["id"])
    weighted = {"routing_policy": "WEIGHTED", "dns_records": [{"type": "A", "ttl": 10}]}
    result = service(capsys, namespace_id, **same_args(dns_config=weighted))
    assert result.get("failed") is True
    assert "has 1 registered instance(s) (task-1)" in result["msg"]
    assert "routing_policy" in result["msg"] and "deregister_instances=true" in result["msg"]
    assert [s["Id"] for s in services()] == [created["id"]]
    assert sd().get_service(Id=created["id"])["Service"]["DnsConfig"]["RoutingPolicy"] == "MULTIVALUE"


def test_replacement_with_deregister_instances(
    capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict
) -> None:
    register(created["id"], "task-1")
    register(created["id"], "task-2")
    weighted = {"routing_policy": "WEIGHTED", "dns_records": [{"type": "A", "ttl": 10}]}
    preview = service(
        capsys, namespace_id, check_mode=True, deregister_instances=True, **same_args(dns_config=weighted)
    )
    assert preview["changed"] is True and preview["replaced"] is True
    assert len(sd().list_instances(ServiceId=created["id"])["Instances"]) == 2

    result = service(capsys, namespace_id, deregister_instances=True, **same_args(dns_config=weighted))
    assert result["replaced"] is True
    assert [s["Id"] for s in services()] == [result["service"]["id"]]
    assert result["service"]["instance_count"] == 0


def test_check_mode_writes_nothing(capsys: pytest.CaptureFixture[str], namespace_id: str) -> None:
    result = service(capsys, namespace_id, check_mode=True, **same_args())
    assert result["changed"] is True
    assert result["service"] == {}
    assert services() == []

    created = service(capsys, namespace_id, **same_args())["service"]
    dns = {"routing_policy": "MULTIVALUE", "dns_records": [{"type": "A", "ttl": 99}]}
    update = service(capsys, namespace_id, check_mode=True, **same_args(description="x", dns_config=dns, tags={}))
    assert update["changed"] is True
    raw = sd().get_service(Id=created["id"])["Service"]
    assert raw["Description"] == "MLflow"
    assert raw["DnsConfig"]["DnsRecords"] == [{"Type": "A", "TTL": 10}]
    assert tags_of(created["arn"]) == {"mlflow:stack": "mlflow"}

    weighted = {"routing_policy": "WEIGHTED", "dns_records": [{"type": "A", "ttl": 10}]}
    replace = service(capsys, namespace_id, check_mode=True, **same_args(dns_config=weighted))
    assert replace["replaced"] is True
    assert [s["Id"] for s in services()] == [created["id"]]


def test_delete_then_delete_again(capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict) -> None:
    preview = service(capsys, namespace_id, check_mode=True, state="absent")
    assert preview["changed"] is True
    assert len(services()) == 1

    result = service(capsys, namespace_id, state="absent")
    assert result["changed"] is True
    assert result["diff"]["before"]["name"] == "mlflow" and result["diff"]["after"] == {}
    assert services() == []
    assert service(capsys, namespace_id, state="absent")["changed"] is False


def test_delete_refused_while_instances_are_registered(
    capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict
) -> None:
    register(created["id"])
    result = service(capsys, namespace_id, state="absent")
    assert result.get("failed") is True
    assert "cannot delete it" in result["msg"] and "task-1" in result["msg"]
    assert len(services()) == 1

    preview = service(capsys, namespace_id, check_mode=True, state="absent", deregister_instances=True)
    assert preview["changed"] is True
    assert len(sd().list_instances(ServiceId=created["id"])["Instances"]) == 1

    deleted = service(capsys, namespace_id, state="absent", deregister_instances=True)
    assert deleted["changed"] is True
    assert services() == []


def test_missing_namespace_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    result = service(capsys, "ns-doesnotexist000000", dns_config=A10)
    assert result.get("failed") is True
    assert result["msg"] == "Cloud Map namespace ns-doesnotexist000000 does not exist"


def test_namespace_arn_is_refused_with_a_clear_message(capsys: pytest.CaptureFixture[str], namespace_id: str) -> None:
    arn = sd().get_namespace(Id=namespace_id)["Namespace"]["Arn"]
    result = service(capsys, arn, dns_config=A10)
    assert result.get("failed") is True
    assert result["msg"] == f"namespace_id must be a namespace ID (ns-...), got {arn}"
    assert services() == []


@pytest.mark.parametrize(
    ("dns_config", "message"),
    [
        ({"dns_records": [{"type": "A", "ttl": 10}, {"type": "A", "ttl": 20}]}, "more than once"),
        ({"dns_records": []}, "at least one record"),
        ({"dns_records": [{"type": "CNAME", "ttl": 10}]}, "CNAME"),
        ({"dns_records": [{"type": "A", "ttl": -1}]}, "outside"),
    ],
)
def test_bad_dns_config_fails_before_any_call(
    capsys: pytest.CaptureFixture[str], namespace_id: str, dns_config: dict, message: str
) -> None:
    result = service(capsys, namespace_id, dns_config=dns_config)
    assert result.get("failed") is True
    assert message in result["msg"]
    assert services() == []


def test_info_by_namespace_name_and_id(capsys: pytest.CaptureFixture[str], namespace_id: str, created: dict) -> None:
    register(created["id"])
    other_ns = sd().create_http_namespace(Name="other")["OperationId"]
    other_ns_id = sd().get_operation(OperationId=other_ns)["Operation"]["Targets"]["NAMESPACE"]
    sd().create_service(Name="mlflow", NamespaceId=other_ns_id)

    def info(**args: Any) -> list[dict[str, Any]]:
        result = run_module(servicediscovery_service_info.main, args, capsys)
        assert result["changed"] is False
        return result["services"]

    found = info(namespace_id=namespace_id, name="mlflow")
    assert [s["id"] for s in found] == [created["id"]]
    assert found[0]["instance_count"] == 1
    assert found[0]["tags"] == {"mlflow:stack": "mlflow"}
    assert [s["id"] for s in info(id=created["id"])] == [created["id"]]
    assert info(id="srv-doesnotexist") == []
    assert len(info(name="mlflow")) == 2
    assert info(namespace_id=namespace_id, name="nginx") == []


def test_aws_refusal_to_delete_is_reported_clearly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, namespace_id: str, created: dict
) -> None:
    """AWS answers ResourceInUse when an instance registers between the module's check and its delete."""

    register(created["id"])
    monkeypatch.setattr(utils, "list_instances", lambda *_args: [])  # the module's check sees none yet
    result = service(capsys, namespace_id, state="absent")
    assert result.get("failed") is True
    assert result["msg"].startswith("Cloud Map service mlflow is in use")
    assert result["error"]["code"] == "ResourceInUse"
    assert len(services()) == 1
