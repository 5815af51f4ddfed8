"""Cloud Map deletes AWS refuses while dependents exist: a namespace that still has services."""

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


def build() -> DeleteRules:
    return DeleteRules(name=NAME, service="servicediscovery", rules={"DeleteNamespace": delete_namespace})
