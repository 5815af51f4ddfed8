"""stack_names builds every name of docs/naming.md; owned_by reads the stack tag of any tag shape; timezone."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.mlops.mlflow_aws.plugins.filter.stack_names import FilterModule
from ansible_collections.mlops.mlflow_aws.plugins.test.owned_by import owned_by
from ansible_collections.mlops.mlflow_aws.plugins.test.timezone import timezone

stack_names = FilterModule().filters()["stack_names"]


def test_names_follow_the_naming_contract() -> None:
    names = stack_names("team-a", account="123456789012", region="eu-west-1", partition="aws-cn")
    assert names["alb"] == "team-a-alb" and names["target_group"] == "team-a-tg"
    assert names["bucket"] == "team-a-artifacts-123456789012-eu-west-1"
    assert (names["db_secret"], names["mlflow_secret"]) == ("team-a/db-credentials", "team-a/mlflow-credentials")
    assert names["task_role_arn"] == "arn:aws-cn:iam::123456789012:role/team-a-task"
    assert names["build_role_arn"] == "arn:aws-cn:iam::123456789012:role/team-a-codebuild"
    assert names["bucket_arn"] == "arn:aws-cn:s3:::team-a-artifacts-123456789012-eu-west-1"
    assert names["scaling_resource"] == "service/team-a/team-a-mlflow"


def test_the_longest_stack_name_fits_the_32_character_names() -> None:
    names = stack_names("a" * 20)
    assert all(len(names[key]) <= 32 for key in ("alb", "target_group", "ecs_service", "db_instance"))


def test_names_needing_the_account_are_none_without_it() -> None:
    names = stack_names("s")
    assert names["bucket"] is None and names["task_role_arn"] is None


def test_a_missing_stack_name_is_an_error() -> None:
    with pytest.raises(AnsibleFilterError, match="needs a stack name"):
        stack_names("")


@pytest.mark.parametrize(
    "resource",
    [
        {"mlflow:stack": "s"},
        {"tags": {"mlflow:stack": "s", "x": "y"}},
        {"Tags": [{"Key": "mlflow:stack", "Value": "s"}]},
        {"TagList": [{"Key": "mlflow:stack", "Value": "s"}]},
        {"tags": [{"key": "mlflow:stack", "value": "s"}]},
        [{"Key": "mlflow:stack", "Value": "s"}],
    ],
)
def test_owned_by_reads_every_tag_shape(resource: object) -> None:
    assert owned_by(resource, "s") is True
    assert owned_by(resource, "other") is False


@pytest.mark.parametrize("resource", [{}, {"tags": {}}, {"tags": {"mlflow:stack": "s2"}}, None, "s"])
def test_owned_by_refuses_untagged_and_foreign(resource: object) -> None:
    assert owned_by(resource, "s") is False


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Europe/Paris", True),
        ("UTC", True),
        ("Etc/GMT+9", True),
        ("Europe/Parris", False),
        ("CET+1", False),
        ("", False),
        (7, False),
    ],
)
def test_timezone_takes_iana_names_only(name: object, expected: bool) -> None:
    assert timezone(name) is expected
