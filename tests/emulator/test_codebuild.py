"""CodeBuild in the emulator: projects as AWS keeps them, builds modeled step by step, images put into ECR."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import faults
from emulator.dataplane import images
from emulator.launcher import Emulator
from tests.support.playbooks import client

ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
ENVIRONMENTS = {
    "arm64": {"type": "ARM_CONTAINER", "image": "aws/codebuild/amazonlinux-aarch64-standard:3.0"},
    "amd64": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0"},
}


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def setup(emulator: Emulator) -> dict[str, Any]:
    """A role CodeBuild may assume, a source bucket with a context, an immutable repository, a log group."""
    name = f"cb-{uuid.uuid4().hex[:8]}"
    role = client(emulator, "iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    client(emulator, "s3").create_bucket(Bucket=name)
    client(emulator, "s3").put_object(Bucket=name, Key="ctx.zip", Body=_zip({"Dockerfile": "FROM scratch\n"}))
    client(emulator, "ecr").create_repository(repositoryName=f"{name}/app", imageTagMutability="IMMUTABLE")
    client(emulator, "logs").create_log_group(logGroupName=f"/aws/codebuild/{name}")
    emulator.advance(60)  # IAM has propagated the new role: CodeBuild can assume it
    return {"name": name, "role": role["Arn"], "uri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{name}/app"}


def _project(emulator: Emulator, setup: dict[str, Any], arch: str = "arm64", **environment: Any) -> str:
    client(emulator, "codebuild").create_project(
        name=setup["name"],
        source={"type": "S3", "location": f"{setup['name']}/"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            **ENVIRONMENTS[arch],
            "computeType": "BUILD_GENERAL1_SMALL",
            "privilegedMode": True,
            "environmentVariables": [{"name": "IMAGE_PLATFORM", "value": f"linux/{arch}"}],
            **environment,
        },
        serviceRole=setup["role"],
        tags=[{"key": "mlflow:stack", "value": "s"}],
    )
    return setup["name"]


def _build(
    emulator: Emulator,
    setup: dict[str, Any],
    tag: str,
    key: str = "ctx.zip",
    start: dict | None = None,
    **variables: str,
) -> dict:
    codebuild = client(emulator, "codebuild")
    overrides = {"IMAGE_REPOSITORY_URI": setup["uri"], "IMAGE_TAG": tag, **variables}
    started = codebuild.start_build(
        projectName=setup["name"],
        sourceLocationOverride=f"{setup['name']}/{key}",
        environmentVariablesOverride=[{"name": k, "value": v} for k, v in overrides.items()],
        **(start or {}),
    )["build"]
    assert (started["buildStatus"], started["currentPhase"]) == ("IN_PROGRESS", "QUEUED")
    seen = [codebuild.batch_get_builds(ids=[started["id"]])["builds"][0] for _look in range(3)]
    assert seen[0]["buildStatus"] == "IN_PROGRESS" or seen[0]["currentPhase"] == "COMPLETED"
    assert seen[1] == seen[2], "a finished build stays as it is"
    return seen[-1]


def _failed(build: dict) -> dict:
    return next(p for p in build["phases"] if p.get("phaseStatus") == "FAILED")


def test_successful_build_puts_the_image_into_ecr_with_phases_and_logs(emulator: Emulator, setup: dict) -> None:
    _project(emulator, setup)
    build = _build(emulator, setup, "v1-arm64")
    assert (build["buildStatus"], build["currentPhase"], build["buildComplete"]) == ("SUCCEEDED", "COMPLETED", True)
    phases = [p["phaseType"] for p in build["phases"]]
    assert phases[:7] == ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD"]
    assert phases[-1] == "COMPLETED"
    assert build["environment"]["type"] == "ARM_CONTAINER"
    ecr = client(emulator, "ecr")
    [image] = ecr.batch_get_image(repositoryName=f"{setup['name']}/app", imageIds=[{"imageTag": "v1-arm64"}])["images"]
    assert json.loads(image["imageManifest"])["schemaVersion"] == 2
    events = client(emulator, "logs").get_log_events(
        logGroupName=build["logs"]["groupName"], logStreamName=build["logs"]["streamName"]
    )["events"]
    text = "\n".join(e["message"] for e in events)
    assert "Entering phase BUILD" in text and f"docker push {setup['uri']}:v1-arm64" in text
    assert (
        setup["name"] + ":"
        in client(emulator, "codebuild").list_builds_for_project(projectName=setup["name"])["ids"][0]
    )


def test_the_manifest_notes_the_build_args_the_dockerfile_declares(emulator: Emulator, setup: dict) -> None:
    dockerfile = "FROM scratch\nARG MLFLOW_VERSION=3.17.2\n"
    client(emulator, "s3").put_object(Bucket=setup["name"], Key="args.zip", Body=_zip({"Dockerfile": dockerfile}))
    _project(emulator, setup)
    build = _build(emulator, setup, "v1-args", key="args.zip", MLFLOW_VERSION="3.16.1", UNDECLARED="x")
    assert build["buildStatus"] == "SUCCEEDED"
    ecr = client(emulator, "ecr")
    [image] = ecr.batch_get_image(repositoryName=f"{setup['name']}/app", imageIds=[{"imageTag": "v1-args"}])["images"]
    assert images.build_args(image["imageManifest"]) == {"MLFLOW_VERSION": "3.16.1"}


def test_an_existing_immutable_tag_fails_the_push(emulator: Emulator, setup: dict) -> None:
    _project(emulator, setup)
    _build(emulator, setup, "v1-arm64")
    build = _build(emulator, setup, "v1-arm64")
    assert build["buildStatus"] == "FAILED"
    assert _failed(build)["phaseType"] == "BUILD"


def test_missing_source_fails_in_download_source(emulator: Emulator, setup: dict) -> None:
    _project(emulator, setup)
    build = _build(emulator, setup, "v1-arm64", key="none.zip")
    assert (build["buildStatus"], _failed(build)["phaseType"]) == ("FAILED", "DOWNLOAD_SOURCE")
    assert _failed(build)["contexts"][0]["statusCode"] == "CLIENT_ERROR"


def test_a_platform_other_than_the_hosts_fails(emulator: Emulator, setup: dict) -> None:
    _project(emulator, setup, arch="amd64")
    build = _build(emulator, setup, "v1-arm64", IMAGE_PLATFORM="linux/arm64")
    assert (build["buildStatus"], _failed(build)["phaseType"]) == ("FAILED", "BUILD")
    assert _build(emulator, setup, "v1-amd64")["buildStatus"] == "SUCCEEDED"
    # The environment of one build (the serving image's architecture) runs that architecture's builds.
    arm = {
        "environmentTypeOverride": "ARM_CONTAINER",
        "imageOverride": "aws/codebuild/amazonlinux-aarch64-standard:3.0",
    }
    build = _build(emulator, setup, "v2-arm64", start=arm, IMAGE_PLATFORM="linux/arm64")
    assert (build["buildStatus"], build["environment"]["type"]) == ("SUCCEEDED", "ARM_CONTAINER")
    assert build["environment"]["image"] == arm["imageOverride"]


def test_an_unprivileged_environment_has_no_docker(emulator: Emulator, setup: dict) -> None:
    _project(emulator, setup, privilegedMode=False)
    assert _build(emulator, setup, "v1-arm64")["buildStatus"] == "FAILED"


def test_fault_on_request_fails_the_build(emulator: Emulator, setup: dict) -> None:
    _project(emulator, setup)
    with emulator.faults(f"fail=codebuild_build:{setup['name']}") as setting:
        assert setting["fail"] == [f"codebuild_build:{setup['name']}"]
        build = _build(emulator, setup, "v1-arm64")
    assert (build["buildStatus"], _failed(build)["phaseType"]) == ("FAILED", "BUILD")
    assert _failed(build)["contexts"][0]["statusCode"] == "COMMAND_EXECUTION_ERROR"
    ecr = client(emulator, "ecr")
    assert ecr.describe_images(repositoryName=f"{setup['name']}/app")["imageDetails"] == []


def test_update_project_keeps_aws_shape(emulator: Emulator, setup: dict) -> None:
    name = _project(emulator, setup)
    codebuild = client(emulator, "codebuild")
    [before] = codebuild.batch_get_projects(names=[name])["projects"]
    assert "lastModified" in before and before["tags"] == [{"key": "mlflow:stack", "value": "s"}]
    updated = codebuild.update_project(name=name, environment={**before["environment"], **ENVIRONMENTS["amd64"]})
    assert updated["project"]["environment"]["type"] == "LINUX_CONTAINER"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        codebuild.update_project(name=f"{name}-none", timeoutInMinutes=5)


def test_arm_compute_types_and_untrusted_roles_are_refused(emulator: Emulator, setup: dict) -> None:
    with pytest.raises(ClientError, match="not supported for ARM_CONTAINER"):
        _project(emulator, setup, computeType="BUILD_GENERAL1_MEDIUM")
    untrusted = client(emulator, "iam").create_role(
        RoleName=f"{setup['name']}-x", AssumeRolePolicyDocument=json.dumps({**TRUST, "Statement": []})
    )["Role"]["Arn"]
    with pytest.raises(ClientError, match="not authorized to perform: sts:AssumeRole"):
        _project(emulator, {**setup, "role": untrusted})


def test_faults_parser() -> None:
    parsed = faults.parse("fail=codebuild_build; fail=a,b other=1")
    assert parsed.failures == {"codebuild_build", "a", "b"}
    assert parsed.fails("codebuild_build", "any") and parsed.fails("a")
    assert not faults.parse("").fails("codebuild_build")
    scoped = faults.parse("fail=codebuild_build:p")
    assert scoped.fails("codebuild_build", "p") and not scoped.fails("codebuild_build", "q")
    assert faults.parse("nonsense other=x").other == (("other", "x"),)
