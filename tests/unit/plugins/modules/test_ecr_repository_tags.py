"""ecr_repository_tags: tags an existing repository, idempotently, with check mode, diff and purge."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import ecr_repository_tags

from tests.support.modules import run_module

REGION = "us-east-1"  # the emulator's region
NAME = "s/nginx"


@pytest.fixture
def ecr(fake_aws):
    client = fake_aws.client("ecr")
    client.create_repository(repositoryName=NAME, tags=[{"Key": "owner", "Value": "someone"}])
    return client


def _tags(ecr) -> dict[str, str]:
    arn = ecr.describe_repositories(repositoryNames=[NAME])["repositories"][0]["repositoryArn"]
    return {t["Key"]: t["Value"] for t in ecr.list_tags_for_resource(resourceArn=arn)["tags"]}


def _run(capsys: pytest.CaptureFixture[str], check_mode: bool = False, **args) -> dict:
    return run_module(ecr_repository_tags.main, {"name": NAME, "region": REGION, **args}, capsys, check_mode)


def test_sets_tags_then_reports_no_change(ecr, capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(capsys, tags={"mlflow:stack": "s"})
    assert first["changed"] is True
    assert first["diff"] == {"before": {"tags": {"owner": "someone"}}, "after": {"tags": {"mlflow:stack": "s"}}}
    assert first["repository"]["tags"] == {"mlflow:stack": "s"}
    assert first["repository"]["repository_uri"].endswith("/" + NAME)
    assert _tags(ecr) == {"mlflow:stack": "s"}
    assert _run(capsys, tags={"mlflow:stack": "s"})["changed"] is False


def test_without_purge_keeps_other_tags(ecr, capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(capsys, tags={"mlflow:stack": "s"}, purge_tags=False)
    assert result["changed"] is True
    assert _tags(ecr) == {"owner": "someone", "mlflow:stack": "s"}


def test_changes_a_value(ecr, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, tags={"mlflow:stack": "s", "owner": "someone"})
    result = _run(capsys, tags={"mlflow:stack": "s", "owner": "team"})
    assert result["changed"] is True
    assert _tags(ecr) == {"mlflow:stack": "s", "owner": "team"}


def test_check_mode_changes_nothing(ecr, capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(capsys, check_mode=True, tags={"mlflow:stack": "s"})
    assert result["changed"] is True
    assert result["repository"]["tags"] == {"mlflow:stack": "s"}
    assert _tags(ecr) == {"owner": "someone"}


def test_missing_repository_fails_clearly(ecr, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_module(ecr_repository_tags.main, {"name": "s/none", "region": REGION, "tags": {"a": "b"}}, capsys)
    assert result["failed"] is True
    assert result["msg"] == "ECR repository s/none does not exist; create it first (community.aws.ecs_ecr)"


def test_missing_repository_in_check_mode_is_a_change(ecr, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_module(
        ecr_repository_tags.main, {"name": "s/none", "region": REGION, "tags": {"a": "b"}}, capsys, check_mode=True
    )
    assert (result["changed"], result["repository"], result.get("failed", False)) == (True, {}, False)
