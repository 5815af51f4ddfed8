"""CodeBuild builds, modeled: phases, log lines, and for an image build the image pushed to ECR.

moto 5.2.5 starts builds without looking at them (every build reports SUCCEEDED with a made-up
CodeCommit source, and each BatchGetBuilds appends the phases again). This extension answers StartBuild,
BatchGetBuilds and StopBuild itself, in AWS's shapes, and keeps moto's build list (ListBuilds,
ListBuildsForProject) in step.

A build runs the project's settings with the overrides of StartBuild (``sourceLocationOverride``,
``environmentVariablesOverride``, ``sourceTypeOverride``, ``environmentTypeOverride``, ``imageOverride``).
It moves one step per observation: StartBuild answers ``IN_PROGRESS`` in ``QUEUED``; the first
BatchGetBuilds that sees it reports it in ``BUILD`` (provisioning, source download, install and pre-build
done, or the download failed); the next one sees it finished. Its log lines go to the CloudWatch Logs group
``/aws/codebuild/<project>`` (stream: the build's UUID) when that group exists, as on AWS when the role may
not create groups.

An *image build* is one whose environment names ``IMAGE_REPOSITORY_URI`` and ``IMAGE_TAG`` (and may name
``IMAGE_PLATFORM``, ``linux/arm64`` or ``linux/amd64``): its S3 source must be a ZIP holding a
``Dockerfile``. It fails as the same build fails on AWS when the source object is missing
(DOWNLOAD_SOURCE), the environment is not privileged (no Docker daemon), the platform is not the
environment's architecture (``exec format error``: no emulation on CodeBuild hosts), the repository does
not exist, or the tag exists in an immutable repository. When it succeeds, the image manifest and its tag
are put into the emulator's ECR, where DescribeImages and BatchGetImage see them. The buildspec passes the
build's variables named by the Dockerfile's ``ARG``s as ``--build-arg``; the manifest notes them
(annotations ``build-arg:<NAME>``), so that the data plane runs what the image holds (its MLflow version).

``MLFLOW_EMULATOR_FAULTS`` (emulator.faults) containing ``fail=codebuild_build`` makes every build fail in
its BUILD phase (``fail=codebuild_build:<project>``: only that project's).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Response

from emulator import faults, moto_state
from emulator.dataplane import images
from emulator.request import AwsRequest
from emulator.responses import json_error, json_result

RESET_PATH = "/moto-api/reset"
FAULT = "codebuild_build"
# Modeled seconds per phase, roughly what a small image build takes on a small CodeBuild host.
_DURATIONS = {
    "SUBMITTED": 0,
    "QUEUED": 1,
    "PROVISIONING": 20,
    "DOWNLOAD_SOURCE": 2,
    "INSTALL": 1,
    "PRE_BUILD": 4,
    "BUILD": 90,
    "POST_BUILD": 1,
    "UPLOAD_ARTIFACTS": 0,
    "FINALIZING": 2,
}
_BEFORE_BUILD = ("QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD")
_AFTER_BUILD = ("POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING")
_ARCHITECTURES = {"ARM_CONTAINER": "arm64", "LINUX_CONTAINER": "amd64", "LINUX_GPU_CONTAINER": "amd64"}


class BuildFailure(Exception):
    """A phase that fails: its status code, message and the log lines it printed."""

    def __init__(self, code: str, message: str, lines: list[str]) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.lines = lines


@dataclass
class Build:
    account: str
    region: str
    data: dict[str, Any]
    clock: float
    step: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def project(self) -> str:
        return str(self.data["projectName"])

    def variables(self) -> dict[str, str]:
        return {v["name"]: v["value"] for v in self.data["environment"].get("environmentVariables", [])}


class CodeBuildBuilds:
    name = "codebuild_builds"

    def __init__(self) -> None:
        self._builds: dict[str, Build] = {}
        self._numbers: dict[tuple[str, str, str], int] = {}
        self._lock = threading.Lock()

    def handle(self, request: AwsRequest) -> Response | None:
        if request.path == RESET_PATH and request.method == "POST":
            with self._lock:
                self._builds.clear()
                self._numbers.clear()
            return None
        if request.service != "codebuild":
            return None
        handler = {
            "StartBuild": self._start,
            "BatchGetBuilds": self._batch_get,
            "StopBuild": self._stop,
        }.get(request.action or "")
        if handler is None:
            return None
        with self._lock:
            return handler(request, request.json())

    def _start(self, request: AwsRequest, body: dict[str, Any]) -> Response:
        account, region = moto_state.account_id(request), request.region or "us-east-1"
        backend = moto_state.backend("codebuild", request)
        name = body.get("projectName", "")
        project = backend.codebuild_projects.get(name)
        if project is None:
            arn = f"arn:aws:codebuild:{region}:{account}:project/{name}"
            return json_error("ResourceNotFoundException", f"Project cannot be found: {arn}")
        key = (account, region, name)
        self._numbers[key] = self._numbers.get(key, 0) + 1
        data = _new_build(account, region, project.project_metadata, body, self._numbers[key])
        build = Build(account, region, data, clock=time.time())
        self._builds[data["id"]] = build
        backend.build_history.setdefault(name, []).append(data["id"])
        build.lines += [
            _line(build, "Running on CodeBuild On-demand"),
            _line(build, "Waiting for agent ping"),
        ]
        return json_result({"build": data})

    def _batch_get(self, request: AwsRequest, body: dict[str, Any]) -> Response:
        ids = body.get("ids") or []
        if any(":" not in build_id for build_id in ids):
            return json_error("InvalidInputException", "Invalid build ID provided")
        found, missing = [], []
        for build_id in ids:
            build = self._builds.get(build_id)
            if build is None:
                missing.append(build_id)
                continue
            _advance(build)
            found.append(build.data)
        return json_result({"builds": found, "buildsNotFound": missing})

    def _stop(self, request: AwsRequest, body: dict[str, Any]) -> Response:
        build = self._builds.get(body.get("id", ""))
        if build is None:
            return json_error("ResourceNotFoundException", f"Build {body.get('id')} does not exist")
        if not build.data["buildComplete"]:
            _finish(build, "STOPPED")
        return json_result({"build": build.data})


def _new_build(account: str, region: str, project: dict[str, Any], body: dict[str, Any], number: int) -> dict:
    name = project["name"]
    build_id = f"{name}:{uuid.uuid4()}"
    source = dict(project.get("source") or {})
    if body.get("sourceTypeOverride"):
        source["type"] = body["sourceTypeOverride"]
    if body.get("sourceLocationOverride"):
        source["location"] = body["sourceLocationOverride"]
    environment = json.loads(json.dumps(project.get("environment") or {}))
    if body.get("environmentTypeOverride"):
        environment["type"] = body["environmentTypeOverride"]
    if body.get("imageOverride"):
        environment["image"] = body["imageOverride"]
    environment["environmentVariables"] = _merged_variables(
        environment.get("environmentVariables") or [], body.get("environmentVariablesOverride") or []
    )
    now = time.time()
    stream = build_id.split(":", 1)[1]
    group = f"/aws/codebuild/{name}"
    return {
        "id": build_id,
        "arn": f"arn:aws:codebuild:{region}:{account}:build/{build_id}",
        "buildNumber": number,
        "startTime": now,
        "currentPhase": "QUEUED",
        "buildStatus": "IN_PROGRESS",
        "projectName": name,
        "phases": [
            {"phaseType": "SUBMITTED", "phaseStatus": "SUCCEEDED", "startTime": now, "endTime": now},
            {"phaseType": "QUEUED", "startTime": now},
        ],
        "source": source,
        "secondarySources": [],
        "artifacts": {"location": ""},
        "cache": project.get("cache") or {"type": "NO_CACHE"},
        "environment": environment,
        "serviceRole": project.get("serviceRole"),
        "logs": {
            "groupName": group,
            "streamName": stream,
            "deepLink": (
                f"https://console.aws.amazon.com/cloudwatch/home?region={region}#logsV2:log-groups/log-group/"
                f"{group.replace('/', '$252F')}/log-events/{stream}"
            ),
            "cloudWatchLogsArn": f"arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:{stream}",
            "cloudWatchLogs": {"status": "ENABLED"},
            "s3Logs": {"status": "DISABLED", "encryptionDisabled": False},
        },
        "timeoutInMinutes": body.get("timeoutInMinutesOverride") or project.get("timeoutInMinutes") or 60,
        "queuedTimeoutInMinutes": project.get("queuedTimeoutInMinutes") or 480,
        "buildComplete": False,
        "initiator": "emulator",
        "encryptionKey": project.get("encryptionKey"),
    }


def _merged_variables(project: list[dict[str, Any]], override: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged = {v["name"]: {"type": "PLAINTEXT", **v} for v in project}
    merged.update({v["name"]: {"type": "PLAINTEXT", **v} for v in override})
    return list(merged.values())


def _advance(build: Build) -> None:
    """One step per observation: into BUILD (or failed before it), then finished."""
    if build.data["buildComplete"]:
        return
    build.step += 1
    if build.step == 1:
        _run_until_build(build)
    else:
        _run_build(build)
    _write_logs(build)


def _run_until_build(build: Build) -> None:
    _close_phase(build, "QUEUED", "SUCCEEDED")
    for phase in _BEFORE_BUILD[1:]:
        _open_phase(build, phase)
        build.lines.append(_line(build, f"Entering phase {phase}"))
        try:
            build.lines += _phase_lines(build, phase)
        except BuildFailure as failure:
            build.lines += failure.lines
            _close_phase(build, phase, "FAILED", failure)
            _finish(build, "FAILED")
            return
        _close_phase(build, phase, "SUCCEEDED")
    _open_phase(build, "BUILD")
    build.lines.append(_line(build, "Entering phase BUILD"))


def _run_build(build: Build) -> None:
    try:
        build.lines += _build_lines(build)
    except BuildFailure as failure:
        build.lines += failure.lines
        _close_phase(build, "BUILD", "FAILED", failure)
        _finish(build, "FAILED")
        return
    _close_phase(build, "BUILD", "SUCCEEDED")
    _finish(build, "SUCCEEDED")


def _finish(build: Build, status: str) -> None:
    if build.data["phases"][-1].get("phaseStatus") is None:
        _close_phase(build, build.data["phases"][-1]["phaseType"], status)
    for phase in _AFTER_BUILD:
        if status == "SUCCEEDED" or phase == "FINALIZING":
            _open_phase(build, phase)
            _close_phase(build, phase, "SUCCEEDED")
    build.data["phases"].append({"phaseType": "COMPLETED", "startTime": build.clock})
    build.data.update(currentPhase="COMPLETED", buildStatus=status, buildComplete=True, endTime=build.clock)
    build.lines.append(_line(build, f"Phase complete: BUILD State: {status}"))


def _open_phase(build: Build, phase: str) -> None:
    build.data["phases"].append({"phaseType": phase, "startTime": build.clock})
    build.data["currentPhase"] = phase


def _close_phase(build: Build, phase: str, status: str, failure: BuildFailure | None = None) -> None:
    entry = next(p for p in reversed(build.data["phases"]) if p["phaseType"] == phase)
    duration = _DURATIONS.get(phase, 1)
    build.clock += duration
    entry.update(phaseStatus=status, endTime=build.clock, durationInSeconds=duration)
    if failure is not None:
        entry["contexts"] = [{"statusCode": failure.code, "message": failure.message}]


def _phase_lines(build: Build, phase: str) -> list[str]:
    if phase == "DOWNLOAD_SOURCE":
        _source_zip(build)
        return [_line(build, f"CODEBUILD_SRC_DIR=/codebuild/output/src{build.data['buildNumber']}/src")]
    if phase == "PRE_BUILD" and _is_image_build(build):
        return [_line(build, "Running command aws ecr get-login-password | docker login"), "Login Succeeded"]
    return []


def _build_lines(build: Build) -> list[str]:
    variables = build.variables()
    if faults.current().fails(FAULT, build.project):
        raise _command_failure(build, "docker build", f"emulated build failure ({faults.FAULTS_ENV} fail={FAULT})")
    if not _is_image_build(build):
        return [_line(build, "Running command (modeled): the buildspec's build commands")]
    uri, tag = variables["IMAGE_REPOSITORY_URI"], variables["IMAGE_TAG"]
    command = f"docker build --platform {variables.get('IMAGE_PLATFORM', 'default')} -t {uri}:{tag} ."
    if not build.data["environment"].get("privilegedMode"):
        raise _command_failure(
            build, command, "ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock."
        )
    archive = _source_zip(build)
    if "Dockerfile" not in archive.namelist():
        raise _command_failure(build, command, "ERROR: failed to read dockerfile: open Dockerfile: no such file")
    _check_platform(build, command, variables.get("IMAGE_PLATFORM"))
    digest = _push(build, uri, tag, archive)
    return [
        _line(build, f"Running command {command}"),
        f"#1 [internal] load build definition from Dockerfile ({len(archive.namelist())} files in the context)",
        f"#9 naming to {uri}:{tag} done",
        _line(build, f"Running command docker push {uri}:{tag}"),
        f"{tag}: digest: {digest} size: 1000",
    ]


def _is_image_build(build: Build) -> bool:
    return {"IMAGE_REPOSITORY_URI", "IMAGE_TAG"} <= set(build.variables())


def _check_platform(build: Build, command: str, platform: str | None) -> None:
    architecture = _ARCHITECTURES.get(build.data["environment"].get("type", ""), "amd64")
    if platform and platform.split("/")[-1] != architecture:
        raise _command_failure(build, command, "exec /bin/sh: exec format error")


def _source_zip(build: Build) -> zipfile.ZipFile:
    source = build.data["source"]
    if source.get("type") != "S3":
        return zipfile.ZipFile(io.BytesIO(_empty_zip()))
    location = source.get("location", "")
    bucket, _slash, key = location.partition("/")
    value = _s3_object(build.account, bucket, key)
    if value is None:
        raise BuildFailure(
            "CLIENT_ERROR",
            f"NoSuchKey: The specified key does not exist. for primary source and source version {location}",
            [_line(build, f"Phase context status code: CLIENT_ERROR Message: NoSuchKey: {location}")],
        )
    try:
        return zipfile.ZipFile(io.BytesIO(value))
    except zipfile.BadZipFile:
        raise BuildFailure(
            "CLIENT_ERROR", f"zip: not a valid zip file: {location}", [_line(build, "zip: not a valid zip file")]
        ) from None


def _s3_object(account: str, bucket: str, key: str) -> bytes | None:
    from moto.backends import get_backend

    try:
        found = get_backend("s3")[account]["aws"].get_object(bucket, key)
    except Exception:
        return None
    return bytes(found.value) if found is not None else None


def _empty_zip() -> bytes:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return buffer.getvalue()


def _push(build: Build, uri: str, tag: str, archive: zipfile.ZipFile) -> str:
    """Put the image into ECR as ``docker push`` would; the manifest is derived from the build context."""
    from moto.backends import get_backend

    host, _slash, repository_name = uri.partition("/")
    registry, _marker, rest = host.partition(".dkr.ecr.")
    region = rest.split(".", 1)[0] or build.region
    command = f"docker push {uri}:{tag}"
    ecr = get_backend("ecr")[registry or build.account][region]
    repository = ecr.repositories.get(repository_name)
    if repository is None:
        raise _command_failure(
            build,
            command,
            f"name unknown: The repository with name '{repository_name}' does not exist in the registry with id "
            f"'{registry}'",
        )
    immutable = str(getattr(repository, "image_tag_mutability", "")).startswith("IMMUTABLE")
    if immutable and any(tag in image.image_tags for image in repository.images):
        raise _command_failure(
            build,
            command,
            f"tag invalid: The image tag '{tag}' already exists in the '{repository_name}' repository and cannot be "
            "overwritten because the repository is immutable.",
        )
    manifest = _manifest(build, archive)
    digest = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
    ecr.put_image(repository_name, manifest, tag, _MANIFEST_TYPE, digest)
    images.keep_pushed(repository_name, tag, digest, archive)
    return digest


_MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


def _manifest(build: Build, archive: zipfile.ZipFile) -> str:
    """A schema-2 manifest whose config and layer digests follow from the context and the architecture."""
    architecture = _ARCHITECTURES.get(build.data["environment"].get("type", ""), "amd64")
    contents = hashlib.sha256()
    for name in sorted(archive.namelist()):
        contents.update(name.encode() + b"\0" + archive.read(name) + b"\0")
    args = _build_args(build, archive)
    config = json.dumps({"architecture": architecture, "os": "linux", "context": contents.hexdigest(), "args": args})
    layer = hashlib.sha256(f"{architecture}:{contents.hexdigest()}".encode()).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": _MANIFEST_TYPE,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": len(config),
                "digest": "sha256:" + hashlib.sha256(config.encode()).hexdigest(),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": sum(info.file_size for info in archive.infolist()),
                    "digest": f"sha256:{layer}",
                }
            ],
            **({"annotations": {f"build-arg:{k}": v for k, v in args.items()}} if args else {}),
        },
        separators=(",", ":"),
    )


def _build_args(build: Build, archive: zipfile.ZipFile) -> dict[str, str]:
    """The Dockerfile's ARGs that the build's environment sets (the buildspec's --build-arg)."""
    declared = re.findall(r"^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)", archive.read("Dockerfile").decode(), re.MULTILINE)
    variables = build.variables()
    return {name: variables[name] for name in declared if name in variables}


def _command_failure(build: Build, command: str, reason: str) -> BuildFailure:
    lines = [_line(build, f"Running command {command}"), reason]
    lines.append(_line(build, f"Command did not exit successfully {command} exit status 1"))
    message = f"Error while executing command: {command}. Reason: exit status 1"
    return BuildFailure("COMMAND_EXECUTION_ERROR", message, lines)


def _line(build: Build, text: str) -> str:
    stamp = datetime.fromtimestamp(build.clock, UTC).strftime("%Y/%m/%d %H:%M:%S.%f")
    return f"[Container] {stamp} {text}"


def _write_logs(build: Build) -> None:
    """Flush the build's new log lines to its stream, when its group exists."""
    from moto.backends import get_backend

    if not build.lines:
        return
    logs = get_backend("logs")[build.account][build.region]
    group, stream = build.data["logs"]["groupName"], build.data["logs"]["streamName"]
    if group not in logs.groups:
        build.lines.clear()
        return
    if stream not in logs.groups[group].streams:
        logs.create_log_stream(group, stream)
    stamp = int(time.time() * 1000)
    logs.put_log_events(group, stream, [{"timestamp": stamp, "message": line} for line in build.lines])
    build.lines.clear()


def build() -> CodeBuildBuilds:
    return CodeBuildBuilds()
