"""CodeBuild projects as AWS keeps them: UpdateProject (moto lacks it), AWS's field names, its refusals.

moto 5.2.5 creates, lists and deletes projects but has no UpdateProject, names the modification time
``lastModifiedDate`` (AWS: ``lastModified``) and leaves ``tags`` null when none are given; clients that
compare a project before and after an update (community.aws.codebuild_project) fail on both. AWS also
refuses, where moto accepts:

- a service role CodeBuild cannot assume (the role does not exist, or does not trust
  ``codebuild.amazonaws.com``): ``InvalidInputException: CodeBuild is not authorized to perform:
  sts:AssumeRole on <role>``;
- an ``ARM_CONTAINER`` environment with a compute type other than ``BUILD_GENERAL1_SMALL`` or
  ``BUILD_GENERAL1_LARGE``.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import unquote

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.request import AwsRequest
from emulator.responses import json_error, json_result

ARM_COMPUTE_TYPES = ("BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_LARGE")
# Top-level fields of UpdateProject that replace the project's own.
_UPDATABLE = (
    "description",
    "source",
    "secondarySources",
    "sourceVersion",
    "artifacts",
    "secondaryArtifacts",
    "cache",
    "environment",
    "serviceRole",
    "timeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "tags",
    "vpcConfig",
    "badgeEnabled",
    "logsConfig",
    "concurrentBuildLimit",
)
_ENVIRONMENT_DEFAULTS = {"environmentVariables": [], "privilegedMode": False, "imagePullCredentialsType": "CODEBUILD"}


class CodeBuildProjects:
    name = "codebuild_projects"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != "codebuild" or request.action not in ("CreateProject", "UpdateProject"):
            return None
        body = request.json()
        refusal = _refusal(request, body)
        if refusal is not None:
            return refusal
        if request.action == "UpdateProject":
            with self._lock:
                return _update(request, body)
        return None

    def after(self, request: AwsRequest) -> None:
        if request.service == "codebuild" and request.action == "CreateProject":
            project = _projects(request).get(request.json().get("name", ""))
            if project is not None:
                normalize(project.project_metadata)


def normalize(metadata: dict[str, Any]) -> dict[str, Any]:
    """A project's metadata in AWS's shape, in place."""
    if "lastModifiedDate" in metadata:
        metadata["lastModified"] = metadata.pop("lastModifiedDate")
    if metadata.get("tags") is None:
        metadata["tags"] = []
    environment = metadata.get("environment") or {}
    for key, value in _ENVIRONMENT_DEFAULTS.items():
        environment.setdefault(key, value)
    return metadata


def _projects(request: AwsRequest) -> dict[str, Any]:
    return moto_state.backend("codebuild", request).codebuild_projects


def _refusal(request: AwsRequest, body: dict[str, Any]) -> Response | None:
    environment = body.get("environment") or {}
    if environment.get("type") == "ARM_CONTAINER" and environment.get("computeType") not in ARM_COMPUTE_TYPES:
        return json_error(
            "InvalidInputException",
            f"Invalid compute type provided: {environment.get('computeType')} is not supported for ARM_CONTAINER",
        )
    role = body.get("serviceRole")
    if role and not _assumable_by_codebuild(request, role):
        return json_error("InvalidInputException", f"CodeBuild is not authorized to perform: sts:AssumeRole on {role}")
    return None


def _assumable_by_codebuild(request: AwsRequest, role_arn: str) -> bool:
    from moto.backends import get_backend

    iam = get_backend("iam")[moto_state.account_id(request)]["global"]
    try:
        role = iam.get_role_by_arn(role_arn)
    except Exception:
        return False
    document = role.assume_role_policy_document
    policy = json.loads(unquote(document) if isinstance(document, str) else json.dumps(document))
    return any(_trusts_codebuild(statement) for statement in _statements(policy))


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    statements = policy.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _trusts_codebuild(statement: dict[str, Any]) -> bool:
    services = (statement.get("Principal") or {}).get("Service", [])
    services = [services] if isinstance(services, str) else services
    actions = statement.get("Action", [])
    actions = [actions] if isinstance(actions, str) else actions
    return statement.get("Effect") == "Allow" and "codebuild.amazonaws.com" in services and "sts:AssumeRole" in actions


def _update(request: AwsRequest, body: dict[str, Any]) -> Response:
    name = body.get("name", "")
    project = _projects(request).get(name) or _by_arn(request, name)
    if project is None:
        arn = f"arn:aws:codebuild:{request.region}:{moto_state.account_id(request)}:project/{name}"
        return json_error("ResourceNotFoundException", f"Project cannot be found: {arn}")
    metadata = normalize(project.project_metadata)
    for key in _UPDATABLE:
        if key in body:
            metadata[key] = body[key]
    if "serviceRole" in body:
        project.service_role = body["serviceRole"]
    if "tags" in body:
        project.tags = body["tags"]
    metadata["lastModified"] = time.time()
    normalize(metadata)
    return json_result({"project": metadata})


def _by_arn(request: AwsRequest, arn: str) -> Any:
    return next((p for p in _projects(request).values() if p.arn == arn), None)


def build() -> CodeBuildProjects:
    return CodeBuildProjects()
