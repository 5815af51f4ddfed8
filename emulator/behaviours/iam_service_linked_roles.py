"""CreateServiceLinkedRole for a service that has its role already: AWS's InvalidInput, not moto's 409.

AWS answers ``InvalidInput`` ("Service role name ... has been taken in this account, please try a
different suffix."); moto answers ``EntityAlreadyExists``. A client that treats only one of them as "it
exists" would work here and fail on AWS.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.request import AwsRequest
from emulator.responses import query_error

NAME = "iam_service_linked_roles"


def _existing(request: AwsRequest, service: str) -> Any | None:
    from moto.backends import get_backend

    iam = get_backend("iam")[moto_state.account_id(request)]["global"]
    path = f"/aws-service-role/{service}/"
    return next((role for role in list(iam.roles.values()) if role.path == path), None)


class ServiceLinkedRoles:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != "iam" or request.action != "CreateServiceLinkedRole":
            return None
        service = request.form().get("AWSServiceName", "")
        role = _existing(request, service) if service else None
        if role is None:
            return None
        return query_error(
            "InvalidInput",
            f"Service role name {role.name} has been taken in this account, please try a different suffix.",
        )


def build() -> ServiceLinkedRoles:
    return ServiceLinkedRoles()
