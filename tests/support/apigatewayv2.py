"""In-process moto for the apigatewayv2 module tests, with two stage behaviours of AWS that moto 5.2.5 lacks.

- moto answers UpdateStage with NotImplementedError: it is added with AWS's semantics (the fields given
  replace the stage's).
- moto keeps a stage's tags from CreateStage apart from those set by TagResource/UntagResource on the
  stage's ARN, and GetStage shows only the former; in AWS they are one set. Stages here keep their tags
  in moto's tagging service, so GetStage shows what TagResource did.
Both last only for one test, so the stage module's update paths run against a backend that keeps state
instead of canned answers. DeleteAccessLogSettings is missing too, and moto does not route its URL, so
that call is not covered.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import boto3
import pytest
from moto import mock_aws
from moto.apigatewayv2 import models
from moto.apigatewayv2.responses import ApiGatewayV2Response

REGION = "us-east-1"

_STAGE_UPDATES = {
    "autoDeploy": "auto_deploy",
    "description": "description",
    "defaultRouteSettings": "default_route_settings",
    "accessLogSettings": "access_log_settings",
    "stageVariables": "stage_variables",
}


def _stage(response: ApiGatewayV2Response) -> Any:
    parts = response.path.split("/")
    api_id, stage_name = parts[-3], unquote(parts[-1])
    return response.apigatewayv2_backend.get_stage(api_id, stage_name)


def _update_stage(self: ApiGatewayV2Response) -> tuple[int, dict, str]:
    stage = _stage(self)
    for key, attribute in _STAGE_UPDATES.items():
        value = json.loads(self.body).get(key)
        if value is not None:
            setattr(stage, attribute, value)
    return 200, {}, json.dumps(stage.to_json())


_moto_stage_init = models.Stage.__init__
_moto_stage_to_json = models.Stage.to_json


def _stage_init(self: models.Stage, api: models.Api, config: dict[str, Any]) -> None:
    _moto_stage_init(self, api, config)
    self.tagged_arn = f"{api.arn}/stages/{self.name}"
    self.tagging_backend = api.backend
    api.backend.tag_resource(self.tagged_arn, config.get("tags") or {})


def _stage_to_json(self: models.Stage) -> dict[str, Any]:
    return {**_moto_stage_to_json(self), "tags": self.tagging_backend.get_tags(self.tagged_arn)}


def mocked_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A mocked AWS account (dummy credentials, us-east-1); yields an apigatewayv2 boto3 client.

    Test modules wrap it in their own ``aws`` fixture: ``yield from mocked_aws(monkeypatch)``.
    """
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_URL", "EC2_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(ApiGatewayV2Response, "update_stage", _update_stage, raising=False)
    monkeypatch.setattr(models.Stage, "__init__", _stage_init)
    monkeypatch.setattr(models.Stage, "to_json", _stage_to_json)
    with mock_aws():
        yield boto3.client("apigatewayv2", region_name=REGION)


def ansible_doc_renders(module: str) -> None:
    """Fail unless ``ansible-doc -t module mlops.mlflow_aws.<module>`` renders the module's documentation."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(root / ".collections"), ANSIBLE_NOCOLOR="1")
    ansible_doc = Path(sys.executable).parent / "ansible-doc"
    done = subprocess.run(
        [str(ansible_doc), "-t", "module", "mlops.mlflow_aws." + module],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "mlops.mlflow_aws." + module in done.stdout
    assert "[WARNING]" not in done.stderr, done.stderr
