"""Cloud Map as AWS answers it: a private namespace's hosted zone is in its VPC; list Filters are applied."""

from __future__ import annotations

from emulator import launcher
from tests.emulator.strict_support import client, unique


def _namespace_id(cloudmap, operation_id: str) -> str:
    return cloudmap.get_operation(OperationId=operation_id)["Operation"]["Targets"]["NAMESPACE"]


def test_private_namespace_zone_is_associated_with_its_vpc(emulator: launcher.Emulator) -> None:
    cloudmap, route53 = client(emulator, "servicediscovery"), client(emulator, "route53")
    vpc_id = unique("vpc")
    namespace_id = _namespace_id(
        cloudmap, cloudmap.create_private_dns_namespace(Name=f"{unique('ns')}.internal", Vpc=vpc_id)["OperationId"]
    )
    zone_id = cloudmap.get_namespace(Id=namespace_id)["Namespace"]["Properties"]["DnsProperties"]["HostedZoneId"]
    zone = route53.get_hosted_zone(Id=zone_id)
    assert [(vpc["VPCId"], vpc["VPCRegion"]) for vpc in zone["VPCs"]] == [(vpc_id, "us-east-1")]


def test_list_filters_are_applied(emulator: launcher.Emulator) -> None:
    cloudmap = client(emulator, "servicediscovery")
    http_name = unique("http")
    cloudmap.create_http_namespace(Name=http_name)
    private_id = _namespace_id(
        cloudmap,
        cloudmap.create_private_dns_namespace(Name=f"{unique('ns')}.internal", Vpc=unique("vpc"))["OperationId"],
    )
    private = cloudmap.list_namespaces(Filters=[{"Name": "TYPE", "Values": ["DNS_PRIVATE"], "Condition": "EQ"}])
    assert {ns["Type"] for ns in private["Namespaces"]} == {"DNS_PRIVATE"}
    assert http_name not in [ns["Name"] for ns in private["Namespaces"]]

    http_id = next(ns["Id"] for ns in cloudmap.list_namespaces()["Namespaces"] if ns["Name"] == http_name)
    mine = cloudmap.create_service(Name="mlflow", NamespaceId=private_id)["Service"]["Id"]
    cloudmap.create_service(Name="mlflow", NamespaceId=http_id)
    only = [{"Name": "NAMESPACE_ID", "Values": [private_id], "Condition": "EQ"}]
    assert [s["Id"] for s in cloudmap.list_services(Filters=only)["Services"]] == [mine]
