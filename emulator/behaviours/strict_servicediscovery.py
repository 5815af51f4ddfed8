"""Cloud Map deletes AWS refuses while dependents exist: a namespace with services, a service with instances."""

from __future__ import annotations

from werkzeug.wrappers import Response

from emulator.moto_state import backend
from emulator.request import AwsRequest
from emulator.responses import json_error
from emulator.strict import DeleteRules

NAME = "strict_servicediscovery"


def delete_namespace(request: AwsRequest) -> Response | None:
    namespace_id = str(request.json().get("Id", ""))
    services = [
        s.id for s in list(backend("servicediscovery", request).services.values()) if s.namespace_id == namespace_id
    ]
    if services:
        return json_error("ResourceInUse", f"Namespace {namespace_id} has associated services: {', '.join(services)}.")
    return None


def delete_service(request: AwsRequest) -> Response | None:
    service_id = str(request.json().get("Id", ""))
    service = backend("servicediscovery", request).services.get(service_id)
    if service is not None and service.instances:
        ids = ", ".join(sorted(instance.instance_id for instance in service.instances))
        return json_error("ResourceInUse", f"Service {service_id} has registered instances: {ids}.")
    return None


def build() -> DeleteRules:
    return DeleteRules(
        name=NAME,
        service="servicediscovery",
        rules={"DeleteNamespace": delete_namespace, "DeleteService": delete_service},
    )
