"""The strict emulator refuses deleting a Cloud Map namespace with services, or a service with instances, as AWS
does, and allows it after."""

from __future__ import annotations

from typing import Any

from emulator import launcher
from tests.emulator.strict_support import client, refused, unique


def _namespace_and_service(cloudmap: Any) -> tuple[str, str]:
    name = unique("ns")
    cloudmap.create_http_namespace(Name=name)
    namespace_id = next(ns["Id"] for ns in cloudmap.list_namespaces()["Namespaces"] if ns["Name"] == name)
    return namespace_id, cloudmap.create_service(Name="mlflow", NamespaceId=namespace_id)["Service"]["Id"]


def test_namespace_with_service(emulator: launcher.Emulator) -> None:
    cloudmap = client(emulator, "servicediscovery")
    namespace_id, service_id = _namespace_and_service(cloudmap)
    refused(cloudmap.delete_namespace, "ResourceInUse", Id=namespace_id)
    cloudmap.delete_service(Id=service_id)
    cloudmap.delete_namespace(Id=namespace_id)
    refused(cloudmap.get_namespace, "NamespaceNotFound", Id=namespace_id)


def test_service_with_instance(emulator: launcher.Emulator) -> None:
    cloudmap = client(emulator, "servicediscovery")
    _namespace_id, service_id = _namespace_and_service(cloudmap)
    cloudmap.register_instance(ServiceId=service_id, InstanceId="task-1", Attributes={"AWS_INSTANCE_IPV4": "10.0.1.5"})
    refused(cloudmap.delete_service, "ResourceInUse", Id=service_id)
    cloudmap.deregister_instance(ServiceId=service_id, InstanceId="task-1")
    cloudmap.delete_service(Id=service_id)
    refused(cloudmap.get_service, "ServiceNotFound", Id=service_id)
