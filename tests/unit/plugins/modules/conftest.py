"""Fixtures the module tests share."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import launcher
from tests.support.sagemaker import Studio, studio_for


@pytest.fixture
def apigw(fake_aws: launcher.Emulator) -> Any:
    """The emulator's API Gateway v2 client, for the apigatewayv2_* module tests to arrange and check state."""
    return fake_aws.client("apigatewayv2")


@pytest.fixture
def studio(fake_aws: launcher.Emulator) -> Studio:
    """The emulator's SageMaker Studio side, for the sagemaker_* module tests."""
    return studio_for(fake_aws)
