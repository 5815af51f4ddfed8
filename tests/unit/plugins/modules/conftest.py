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
def ecs_service(fake_aws: launcher.Emulator) -> str:
    """An ECS service to scale (AWS and moto register scalable targets only for an existing one); its resource id."""
    ecs = fake_aws.client("ecs")
    ecs.create_cluster(clusterName="alpha")
    ecs.register_task_definition(
        family="alpha-mlflow", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}]
    )
    ecs.create_service(cluster="alpha", serviceName="alpha-mlflow", taskDefinition="alpha-mlflow", desiredCount=2)
    return "service/alpha/alpha-mlflow"


@pytest.fixture
def studio(fake_aws: launcher.Emulator) -> Studio:
    """The emulator's SageMaker Studio side, for the sagemaker_* module tests."""
    return studio_for(fake_aws)
