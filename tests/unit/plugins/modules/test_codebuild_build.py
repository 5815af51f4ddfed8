"""codebuild_build, codebuild_project_info and ecr_image_info: what they say and what they call."""

from __future__ import annotations

import json

import boto3
import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils import codebuild
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError
from ansible_collections.mlops.mlflow_aws.plugins.modules import codebuild_build, ecr_image_info

from emulator.launcher import Emulator
from tests.support.clock import FakeClock
from tests.support.modules import run_module

REGION = "us-east-1"


@pytest.fixture
def moto_aws(fake_aws: Emulator) -> None:
    """The worker's emulator for module tests (boto3 reaches it through the environment fake_aws sets)."""


FAILED_BUILD = {
    "id": "s-images:42",
    "projectName": "s-images",
    "buildStatus": "FAILED",
    "currentPhase": "COMPLETED",
    "phases": [
        {"phaseType": "PRE_BUILD", "phaseStatus": "SUCCEEDED"},
        {
            "phaseType": "BUILD",
            "phaseStatus": "FAILED",
            "contexts": [{"statusCode": "COMMAND_EXECUTION_ERROR", "message": "exit status 1"}],
        },
        {"phaseType": "FINALIZING", "phaseStatus": "SUCCEEDED"},
        {"phaseType": "COMPLETED"},
    ],
    "logs": {"groupName": "/aws/codebuild/s-images", "streamName": "42", "deepLink": "https://console/x"},
}


class _Builds:
    """A CodeBuild client whose build is IN_PROGRESS for two looks, then ``ends`` (the last state repeats)."""

    def __init__(self, ends: dict) -> None:
        self.answers = [{**RUNNING, "currentPhase": "PROVISIONING"}, {**RUNNING, "currentPhase": "BUILD"}, ends]
        self.looks = 0

    def batch_get_builds(self, aws_retry: bool, ids: list[str]) -> dict:
        assert aws_retry and ids == [RUNNING["id"]]
        self.looks += 1
        return {"builds": [self.answers[min(self.looks, len(self.answers)) - 1]]}


RUNNING = {"id": "s-images:42", "projectName": "s-images", "buildStatus": "IN_PROGRESS", "logs": FAILED_BUILD["logs"]}


def wait(builds: _Builds, clock: FakeClock, timeout: float = 600) -> dict:
    waiter = codebuild.build_waiter(builds, RUNNING, timeout, True, clock=clock.time, sleep=clock.sleep)
    return waiter.wait()


def test_wait_polls_with_growing_delays_until_the_build_succeeds() -> None:
    clock = FakeClock()
    builds = _Builds({**RUNNING, "buildStatus": "SUCCEEDED", "currentPhase": "COMPLETED"})
    assert wait(builds, clock)["buildStatus"] == "SUCCEEDED"
    assert (builds.looks, clock.sleeps) == (3, [1, 2])


@pytest.mark.parametrize("status", ["FAILED", "FAULT", "TIMED_OUT", "STOPPED"])
def test_a_build_that_ends_otherwise_is_an_error_with_phase_reason_and_logs(status: str) -> None:
    clock = FakeClock()
    with pytest.raises(AwsError) as raised:
        wait(_Builds({**FAILED_BUILD, "buildStatus": status}), clock)
    assert raised.value.message == (
        f"CodeBuild build s-images:42 of project s-images ended {status} in phase BUILD "
        "(COMMAND_EXECUTION_ERROR: exit status 1); logs: CloudWatch Logs group /aws/codebuild/s-images, "
        "stream 42 (https://console/x)"
    )
    build = raised.value.result["build"]
    assert (build["build_status"], build["failed_phase"], raised.value.result["changed"]) == (status, "BUILD", True)
    assert build["failure_contexts"] == [{"status_code": "COMMAND_EXECUTION_ERROR", "message": "exit status 1"}]
    assert build["logs"]["stream_name"] == "42"
    assert clock.sleeps == [1, 2]


def test_wait_gives_up_at_the_timeout_without_real_sleeping() -> None:
    clock = FakeClock()
    with pytest.raises(AwsError) as raised:
        wait(_Builds({**RUNNING, "currentPhase": "BUILD"}), clock, timeout=20)
    assert raised.value.message == (
        "Timed out waiting for CodeBuild build s-images:42 of project s-images to complete: still IN_PROGRESS in "
        "phase BUILD (logs: CloudWatch Logs group /aws/codebuild/s-images, stream 42 (https://console/x)) after 20 s; "
        "raise wait_timeout to wait longer"
    )
    assert raised.value.result["build"]["build_status"] == "IN_PROGRESS"
    assert clock.sleeps == [1, 2, 4, 8, 5]  # growing delays, the last one cut to the time left


@pytest.mark.parametrize(
    ("reference", "registry", "repository", "tag"),
    [
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/s/nginx:abc-arm64", "123456789012", "s/nginx", "abc-arm64"),
        ("s/mlflow:v1", None, "s/mlflow", "v1"),
    ],
)
def test_parse_reference(reference: str, registry: str | None, repository: str, tag: str) -> None:
    parts = codebuild.parse_reference(reference)
    assert (parts["registry_id"], parts["repository_name"], parts["image_tag"]) == (registry, repository, tag)


def test_reference_without_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="has no tag"):
        codebuild.parse_reference("123456789012.dkr.ecr.us-east-1.amazonaws.com/s/nginx")


def test_ecr_image_info_lists_the_missing(moto_aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    ecr = boto3.client("ecr", region_name=REGION)
    ecr.create_repository(repositoryName="s/nginx")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "layers": []}
    ecr.put_image(repositoryName="s/nginx", imageManifest=json.dumps(manifest), imageTag="v1")
    there, absent, no_repo = "s/nginx:v1", "s/nginx:v2", "s/none:v1"
    result = run_module(ecr_image_info.main, {"images": [there, absent, no_repo], "region": REGION}, capsys)
    assert result["changed"] is False
    assert result["missing"] == [absent, no_repo]
    assert [image["exists"] for image in result["images"]] == [True, False, False]
    assert result["images"][0]["image_digest"].startswith("sha256:")


def test_check_mode_starts_nothing(moto_aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_module(codebuild_build.main, {"project_name": "none", "region": REGION}, capsys, check_mode=True)
    assert (result["changed"], result["build"]) == (True, {})
    assert boto3.client("codebuild", region_name=REGION).list_builds()["ids"] == []


def test_build_id_and_project_are_exclusive(moto_aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_module(codebuild_build.main, {"project_name": "p", "build_id": "p:1", "region": REGION}, capsys)
    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"]
