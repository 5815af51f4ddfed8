"""ecr_authorization_token_info against the emulator, and the token decoding it relies on."""

from __future__ import annotations

import base64

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.ecr import TokenFormatError, decode_token
from ansible_collections.mlops.mlflow_aws.plugins.modules import ecr_authorization_token_info

from tests.support.modules import run_module

ACCOUNT = "123456789012"  # moto's default account


@pytest.mark.usefixtures("fake_aws")
@pytest.mark.parametrize("check_mode", [False, True])
def test_default_registry_credentials(capsys: pytest.CaptureFixture[str], check_mode: bool) -> None:
    result = run_module(ecr_authorization_token_info.main, {}, capsys, check_mode=check_mode)
    assert result["changed"] is False
    assert result["registry"] == f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
    assert result["proxy_endpoint"] == f"https://{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
    assert result["username"] == "AWS"
    assert result["password"] == f"{ACCOUNT}-auth-token"  # moto's token is base64("AWS:<account>-auth-token")
    assert result["expires_at"].startswith("2015-01-01T00:00:00")
    assert result["authorization_data"][0]["registry_id"] == ACCOUNT
    assert "diff" not in result


@pytest.mark.usefixtures("fake_aws")
def test_several_registries(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_module(ecr_authorization_token_info.main, {"registry_ids": ["111111111111", "222222222222"]}, capsys)
    assert [entry["registry_id"] for entry in result["authorization_data"]] == ["111111111111", "222222222222"]
    assert result["authorization_data"][1]["password"] == "222222222222-auth-token"  # noqa: S105 - moto's fake token
    assert result["registry"] == "111111111111.dkr.ecr.us-east-1.amazonaws.com"


@pytest.mark.usefixtures("fake_aws")
def test_bad_registry_id_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_module(ecr_authorization_token_info.main, {"registry_ids": ["12345"]}, capsys)
    assert result.get("failed") is True
    assert "12-digit" in result["msg"]


def test_decode_token_splits_at_the_first_colon() -> None:
    token = base64.b64encode(b"AWS:pa:ss").decode()
    assert decode_token(token) == ("AWS", "pa:ss")


@pytest.mark.parametrize(
    "token", ["not base64!", base64.b64encode(b"no-colon").decode(), base64.b64encode(b":x").decode()]
)
def test_bad_tokens_are_refused_without_echoing_them(token: str) -> None:
    with pytest.raises(TokenFormatError) as error:
        decode_token(token)
    assert token not in str(error.value)
