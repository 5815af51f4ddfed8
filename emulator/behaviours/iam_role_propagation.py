"""A new IAM role cannot be assumed by a service until IAM has propagated it (``iam_role_propagation``).

IAM is eventually consistent: for seconds after ``CreateRole`` a service refuses a call that hands it the
role, each with its own error (the texts clients and AWS's providers match on):

- CodeBuild ``CreateProject``/``UpdateProject`` (``serviceRole``): ``InvalidInputException`` "CodeBuild is not
  authorized to perform: sts:AssumeRole on <role>";
- SageMaker ``CreateDomain`` (``DefaultUserSettings.ExecutionRole``) and ``CreateUserProfile``
  (``UserSettings.ExecutionRole``): ``ValidationException`` "Could not assume role <role>...";
- EventBridge Scheduler ``CreateSchedule``/``UpdateSchedule`` (``Target.RoleArn``): ``ValidationException``
  "The execution role you provide must allow AWS EventBridge Scheduler to assume the role.";
- ECS ``RunTask`` (the task definition's, or the overrides', task and execution roles): ``ClientException``
  "ECS was unable to assume the role '<role>' that was provided for this task. ..." (no task is created).
  A service's scheduler meets the same refusal when it launches tasks: see ``ecs_task_role_launches``.

Only roles whose ``CreateRole`` this emulator saw are timed (an aged account's roles have propagated);
service-linked roles have their own kind (``ecs_slr_propagation``). On with the lifecycles.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.lifecycle import ENGINE
from emulator.request import AwsRequest
from emulator.responses import json_error, rest_json_error

NAME = "iam_role_propagation"
KIND = "iam_role_propagation"
_SCHEDULE = re.compile(r"^/schedules/[^/]+$")
SCHEDULER_MESSAGE = "The execution role you provide must allow AWS EventBridge Scheduler to assume the role."
ECS_MESSAGE = (
    "ECS was unable to assume the role '{role}' that was provided for this task. Please verify that the role being "
    "passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."
)


def _key(account: str, role_arn: str) -> str:
    return f"{account}:{role_arn.rsplit('/', 1)[-1]}"  # role names are unique in an account, whatever the path


def propagating(request: AwsRequest, role_arn: str | None) -> bool:
    return role_propagating(moto_state.account_id(request), role_arn)


def role_propagating(account: str, role_arn: str | None) -> bool:
    if not role_arn:
        return False
    key = _key(account, role_arn)
    return ENGINE.known(KIND, key) and ENGINE.lingering(KIND, key)


def unassumable_task_role(account: str, definition: Any, overrides: dict[str, Any] | None = None) -> str | None:
    """The first of a task's roles (``overrides`` win over the task definition's) ECS cannot assume yet."""
    overrides = overrides or {}
    roles = (
        overrides.get("executionRoleArn") or getattr(definition, "execution_role_arn", None),
        overrides.get("taskRoleArn") or getattr(definition, "task_role_arn", None),
    )
    return next((role for role in roles if role_propagating(account, role)), None)


def _start(request: AwsRequest) -> None:
    """CreateRole of a role that does not exist yet starts its propagation."""
    from moto.backends import get_backend

    name = request.form().get("RoleName", "")
    iam = get_backend("iam")[moto_state.account_id(request)]["global"]
    if name and not any(role.name == name for role in list(iam.roles.values())):
        ENGINE.restart(KIND, _key(moto_state.account_id(request), name))


def _codebuild(request: AwsRequest) -> Response | None:
    role = request.json().get("serviceRole")
    if request.action in ("CreateProject", "UpdateProject") and propagating(request, role):
        return json_error("InvalidInputException", f"CodeBuild is not authorized to perform: sts:AssumeRole on {role}")
    return None


def _sagemaker_role(request: AwsRequest) -> str | None:
    body: dict[str, Any] = request.json()
    if request.action == "CreateDomain":
        return (body.get("DefaultUserSettings") or {}).get("ExecutionRole")
    if request.action == "CreateUserProfile":
        return (body.get("UserSettings") or {}).get("ExecutionRole")
    return None


def _sagemaker(request: AwsRequest) -> Response | None:
    role = _sagemaker_role(request)
    if propagating(request, role):
        return json_error(
            "ValidationException",
            f"Could not assume role {role}. Please ensure that the role exists and allows principal "
            "'sagemaker.amazonaws.com' to assume the role.",
        )
    return None


def _scheduler(request: AwsRequest) -> Response | None:
    if request.method not in ("POST", "PUT") or not _SCHEDULE.match(request.path):
        return None
    role = (request.json().get("Target") or {}).get("RoleArn")
    return rest_json_error("ValidationException", SCHEDULER_MESSAGE) if propagating(request, role) else None


def _ecs(request: AwsRequest) -> Response | None:
    if request.action != "RunTask":
        return None
    body: dict[str, Any] = request.json()
    try:
        definition = moto_state.backend("ecs", request).describe_task_definition(str(body.get("taskDefinition", "")))
    except Exception:  # an unknown definition: strict_ecs answers with ECS's error
        return None
    role = unassumable_task_role(moto_state.account_id(request), definition, body.get("overrides"))
    return json_error("ClientException", ECS_MESSAGE.format(role=role)) if role else None


_SERVICES = {"codebuild": _codebuild, "sagemaker": _sagemaker, "scheduler": _scheduler, "ecs": _ecs}


class IamRolePropagation:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service == "iam" and request.action == "CreateRole":
            _start(request)
            return None
        check = _SERVICES.get(request.service or "")
        return check(request) if check is not None else None


def build() -> IamRolePropagation:
    return IamRolePropagation()
