"""endpoint_guard: every endpoint source botocore and amazon.aws read is checked, not only AWS_ENDPOINT_URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.plugin_utils.endpoint_guard import is_loopback, problems

LOCAL = "http://127.0.0.1:4566"


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"HOME": str(tmp_path), "AWS_ENDPOINT_URL": LOCAL, **values}


def _config(tmp_path: Path, text: str) -> None:
    (tmp_path / ".aws").mkdir(exist_ok=True)
    (tmp_path / ".aws" / "config").write_text(text)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://127.3.4.5", True),
        ("http://localhost:1/", True),
        ("http://[::1]:80", True),
        ("https://ec2.us-east-1.amazonaws.com", False),
        ("http://10.0.0.1:5000", False),
        ("http://127.0.0.1.evil.example:80", False),
        ("http://localhost.evil.example", False),
    ],
)
def test_loopback_addresses(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_only_loopback_everywhere_is_fine(tmp_path: Path) -> None:
    _config(tmp_path, "[default]\nregion = us-east-1\nendpoint_url = http://localhost:4566\n")
    assert problems(_env(tmp_path, AWS_ENDPOINT_URL_S3="http://127.0.0.1:9000")) == []


def test_no_endpoint_at_all_is_refused(tmp_path: Path) -> None:
    assert problems({"HOME": str(tmp_path)}) == ["AWS_ENDPOINT_URL is not set, so requests would go to AWS"]


@pytest.mark.parametrize(
    "name", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_URL"]
)
def test_a_remote_endpoint_in_the_environment_is_named(tmp_path: Path, name: str) -> None:
    found = problems(_env(tmp_path, **{name: "https://s3.amazonaws.com"}))
    assert found == [f"{name} is 'https://s3.amazonaws.com', not a loopback address"]


def test_ignoring_configured_endpoints_is_refused(tmp_path: Path) -> None:
    found = problems(_env(tmp_path, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS="true"))
    assert any("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" in item for item in found)
    _config(tmp_path, "[default]\nignore_configured_endpoint_urls = true\n")
    assert any("ignore_configured_endpoint_urls" in item for item in problems(_env(tmp_path)))


def test_the_selected_profile_and_its_services_section_are_read(tmp_path: Path) -> None:
    _config(
        tmp_path,
        "[default]\nendpoint_url = http://127.0.0.1:1\n"
        "[profile team]\nendpoint_url = https://api.example.com\nservices = team-services\n"
        "[services team-services]\ns3 =\n  endpoint_url = https://s3.example.com\n"
        "ec2 =\n  endpoint_url = http://127.0.0.1:2\n",
    )
    assert problems(_env(tmp_path)) == []
    found = problems(_env(tmp_path, AWS_PROFILE="team"))
    assert len(found) == 2
    assert "endpoint_url of [profile team]" in found[0] and "https://api.example.com" in found[0]
    assert "s3 endpoint_url of [services team-services]" in found[1] and "https://s3.example.com" in found[1]


def test_aws_config_file_is_honoured(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.ini"
    other.write_text("[default]\nendpoint_url = https://sts.amazonaws.com\n")
    found = problems(_env(tmp_path, AWS_CONFIG_FILE=str(other)))
    assert found and "https://sts.amazonaws.com" in found[0]
