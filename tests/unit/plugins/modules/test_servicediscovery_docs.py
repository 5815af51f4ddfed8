"""ansible-doc renders the Cloud Map and ECR token modules, and their documented options match their argument specs."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

ROOT = Path(__file__).resolve().parents[4]
ANSIBLE_DOC = Path(sys.executable).parent / "ansible-doc"
MODULES = [
    "servicediscovery_namespace",
    "servicediscovery_namespace_info",
    "servicediscovery_service",
    "servicediscovery_service_info",
    "ecr_authorization_token_info",
]


class _Captured(Exception):
    def __init__(self, kwargs: dict[str, Any]) -> None:
        super().__init__("argument spec captured")
        self.kwargs = kwargs


def argument_spec(name: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    module = importlib.import_module(f"ansible_collections.mlops.mlflow_aws.plugins.modules.{name}")

    def capture(**kwargs: Any) -> None:
        raise _Captured(kwargs)

    monkeypatch.setattr(module, "AnsibleAWSModule", capture)
    with pytest.raises(_Captured) as captured:
        module.main()
    return {**aws_argument_spec(), **captured.value.kwargs["argument_spec"]}


def ansible_doc(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".collections"), "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run(
        [str(ANSIBLE_DOC), "-t", "module", *args], capture_output=True, text=True, env=env, check=False, timeout=120
    )


def test_every_module_renders_as_text() -> None:
    result = ansible_doc(*(f"mlops.mlflow_aws.{name}" for name in MODULES))
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr
    for name in MODULES:
        assert f"mlops.mlflow_aws.{name}" in result.stdout
    assert result.stdout.count("EXAMPLES:") == len(MODULES)
    assert result.stdout.count("RETURN VALUES:") == len(MODULES)


@pytest.fixture(scope="module")
def docs() -> dict[str, Any]:
    result = ansible_doc("-j", *(f"mlops.mlflow_aws.{name}" for name in MODULES))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", MODULES)
def test_documented_options_match_the_argument_spec(docs: dict, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = docs[f"mlops.mlflow_aws.{name}"]
    spec = argument_spec(name, monkeypatch)
    assert set(doc["doc"]["options"]) == set(spec)
    for option, definition in spec.items():
        documented = doc["doc"]["options"][option]
        assert documented.get("type", "str") == definition.get("type", "str"), option
        assert documented.get("default") == definition.get("default"), option
        assert documented.get("choices") == definition.get("choices"), option
    assert doc["examples"].strip()
    assert doc["return"]
