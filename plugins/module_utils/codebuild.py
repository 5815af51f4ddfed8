# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CodeBuild builds and projects for the codebuild_* modules, and ECR image lookups for ecr_image_info:
start a build, wait for it, say why it failed and where its logs are; read projects with their tags;
find which image references exist in ECR. Failures are raised as AwsError (core) for the modules' main()."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, aws_errors, client
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import Waiter

# Seconds between two polls of a build: quick at first (a failing build often fails early), then every
# 15 s; builds take minutes on AWS.
POLL_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0)
FAILED = ("FAILED", "FAULT", "TIMED_OUT", "STOPPED")


# Builds


def start_build(
    codebuild: Any, project: str, source_location: str | None, variables: dict[str, str], **environment: Any
) -> dict:
    """Starts a build of ``project``; ``environment`` may give its ``type`` and ``image`` for this build only."""
    params: dict[str, Any] = {"projectName": project}
    if source_location:
        params["sourceLocationOverride"] = source_location
    if environment.get("type"):
        params["environmentTypeOverride"] = environment["type"]
    if environment.get("image"):
        params["imageOverride"] = environment["image"]
    if variables:
        params["environmentVariablesOverride"] = [
            {"name": name, "value": str(value), "type": "PLAINTEXT"} for name, value in sorted(variables.items())
        ]
    return codebuild.start_build(aws_retry=True, **params)["build"]


def get_build(codebuild: Any, build_id: str) -> dict | None:
    builds = codebuild.batch_get_builds(aws_retry=True, ids=[build_id]).get("builds") or []
    return builds[0] if builds else None


def build_waiter(codebuild: Any, build: dict, timeout: float, changed: bool, **timing: Any) -> Waiter:
    """Waits until ``build`` succeeds; a build that ends otherwise is an error saying where and why.
    Both errors carry the build as last seen (and ``changed``) in the module's result."""
    return Waiter(
        what=build_name(build),
        goal="complete",
        describe=lambda: get_build(codebuild, build["id"]),
        done=lambda seen: (seen or {}).get("buildStatus") == "SUCCEEDED",
        failure=build_failure,
        status=build_progress,
        timeout=timeout,
        interval=POLL_DELAYS,
        details=lambda seen: {"build": build_result(seen or build), "changed": changed},
        **timing,
    )


def build_name(build: dict) -> str:
    return f"CodeBuild build {build.get('id')} of project {build.get('projectName')}"


def build_failure(build: dict | None) -> str | None:
    """Why a build did not succeed (None while it runs or once it succeeded): status, phase, AWS's reason, logs."""
    if build is None:
        return "no longer exists"
    if build.get("buildStatus") not in FAILED:
        return None
    phase = failed_phase(build)
    name = phase.get("phaseType") or build.get("currentPhase", "?")
    contexts = "; ".join(
        f"{c.get('statusCode', '')}: {c.get('message', '')}".strip(": ") for c in phase.get("contexts") or []
    )
    reason = f" ({contexts})" if contexts else ""
    return f"ended {build.get('buildStatus')} in phase {name}{reason}; logs: {log_location(build)}"


def build_progress(build: dict | None) -> str:
    """Where a running build is, for the timeout message."""
    if build is None:
        return "gone"
    phase = f" in phase {build['currentPhase']}" if build.get("currentPhase") else ""
    return f"{build.get('buildStatus')}{phase} (logs: {log_location(build)})"


def failed_phase(build: dict) -> dict:
    """The phase that did not succeed (the last one with a status), or {}."""
    for phase in reversed(build.get("phases") or []):
        if phase.get("phaseStatus") and phase["phaseStatus"] != "SUCCEEDED":
            return phase
    return {}


def log_location(build: dict) -> str:
    logs = build.get("logs") or {}
    if not logs.get("groupName"):
        return "no CloudWatch Logs for this build"
    where = f"CloudWatch Logs group {logs['groupName']}, stream {logs.get('streamName', '?')}"
    return f"{where} ({logs['deepLink']})" if logs.get("deepLink") else where


def build_result(build: dict) -> dict:
    """What the module returns about a build: its identity, state, failed phase and logs, in snake case."""
    if not build:
        return {}
    logs = build.get("logs") or {}
    phase = failed_phase(build)
    return {
        "id": build.get("id"),
        "arn": build.get("arn"),
        "build_number": build.get("buildNumber"),
        "project_name": build.get("projectName"),
        "build_status": build.get("buildStatus"),
        "current_phase": build.get("currentPhase"),
        "build_complete": bool(build.get("buildComplete")),
        "failed_phase": phase.get("phaseType"),
        "failure_contexts": [camel_dict_to_snake_dict(c) for c in phase.get("contexts") or []],
        "source_location": (build.get("source") or {}).get("location"),
        "environment_type": (build.get("environment") or {}).get("type"),
        "environment_image": (build.get("environment") or {}).get("image"),
        "logs": {
            "group_name": logs.get("groupName"),
            "stream_name": logs.get("streamName"),
            "deep_link": logs.get("deepLink"),
        },
        "phases": [
            {"phase_type": p.get("phaseType"), "phase_status": p.get("phaseStatus")} for p in build.get("phases") or []
        ],
    }


def run_build(module: Any) -> dict:
    """The codebuild_build module: start (or find) a build, wait for it, fail with why it failed."""
    params = module.params
    codebuild = client(module, "codebuild")
    target = params["build_id"] or f"a build of project {params['project_name']}"
    with aws_errors(f"start or follow {target}"):
        if params["build_id"]:
            build = get_build(codebuild, params["build_id"])
            if build is None:
                raise AwsError(f"CodeBuild build {params['build_id']} does not exist")
            changed = False
        elif module.check_mode:
            return {"changed": True, "build": {}}
        else:
            build = start_build(
                codebuild,
                params["project_name"],
                params["source_location"],
                params["environment_variables"] or {},
                type=params["environment_type"],
                image=params["environment_image"],
            )
            changed = True
        if params["wait"]:
            build = build_waiter(codebuild, build, params["wait_timeout"], changed).wait()
    return {"changed": changed, "build": build_result(build)}


# Projects


def project_info(module: Any) -> dict:
    """The codebuild_project_info module: the named projects that exist, with their tags as a dict."""
    codebuild = client(module, "codebuild")
    with aws_errors("describe CodeBuild projects"):
        found = codebuild.batch_get_projects(aws_retry=True, names=module.params["names"]).get("projects") or []
    projects = []
    for project in found:
        tags = {t["key"]: t["value"] for t in project.get("tags") or []}
        result = camel_dict_to_snake_dict({k: v for k, v in project.items() if k != "tags"})
        result["tags"] = tags
        projects.append(result)
    return {"changed": False, "projects": projects}


# ECR images


def parse_reference(reference: str) -> dict[str, str | None]:
    """``[<account>.dkr.ecr.<region>.amazonaws.com/]<repository>:<tag>`` in its parts."""
    remainder, _colon, tag = reference.rpartition(":")
    if not remainder or "/" in tag:
        raise ValueError(f"image reference {reference!r} has no tag (<repository>:<tag>)")
    first, sep, rest = remainder.partition("/")
    registry = first.split(".", 1)[0] if sep and ".dkr.ecr." in first else None
    repository = rest if registry else remainder
    return {"reference": reference, "registry_id": registry, "repository_name": repository, "image_tag": tag}


def find_image(ecr: Any, parts: dict[str, str | None]) -> dict | None:
    params: dict[str, Any] = {
        "repositoryName": parts["repository_name"],
        "imageIds": [{"imageTag": parts["image_tag"]}],
    }
    if parts["registry_id"]:
        params["registryId"] = parts["registry_id"]
    try:
        details = ecr.describe_images(aws_retry=True, **params).get("imageDetails") or []
    except is_boto3_error_code(["ImageNotFoundException", "RepositoryNotFoundException"]):
        return None
    return details[0] if details else None


def image_info(module: Any) -> dict:
    """The ecr_image_info module: every reference, whether ECR has it, and the missing ones."""
    ecr = client(module, "ecr")
    images, missing = [], []
    for reference in module.params["images"]:
        try:
            parts = parse_reference(reference)
        except ValueError as error:
            raise AwsError(str(error)) from error
        with aws_errors(f"look up image {reference}"):
            found = find_image(ecr, parts)
        pushed = (found or {}).get("imagePushedAt")
        images.append(
            {
                **parts,
                "exists": found is not None,
                "image_digest": (found or {}).get("imageDigest"),
                "image_pushed_at": pushed.isoformat() if hasattr(pushed, "isoformat") else pushed,
            }
        )
        if found is None:
            missing.append(reference)
    return {"changed": False, "images": images, "missing": missing}
