"""The emulator, as seen by the sagemaker_* modules run in-process: environment, client, request log.

moto in-process has no SageMaker user profiles, apps or UpdateDomain; the emulator's sagemaker_studio
extension has. ``studio_for`` (behind each test file's ``studio`` fixture) points the modules (through
AWS_ENDPOINT_URL and dummy credentials) and a boto3 client at the session's emulator, and makes the
modules' status polls immediate.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import boto3
import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils import sagemaker as utils

from emulator import launcher

ROOT = Path(__file__).resolve().parents[2]
WRITE_PREFIXES = ("Create", "Update", "Delete", "Add")
ROLE = "arn:aws:iam::123456789012:role/studio-execution"


@dataclass
class Studio:
    client: Any
    url: str

    def clear_requests(self) -> None:
        request = urllib.request.Request(f"{self.url}/__emulator/requests", method="DELETE")
        urllib.request.urlopen(request).close()

    def sagemaker_writes(self) -> list[str]:
        with urllib.request.urlopen(f"{self.url}/__emulator/requests") as response:
            entries = json.load(response)
        return [
            entry["action"]
            for entry in entries
            if entry["service"] == "sagemaker" and str(entry["action"]).startswith(WRITE_PREFIXES)
        ]

    def new_domain(self) -> str:
        """A ready domain made with boto3, for the profile tests."""
        domain_id = self.client.create_domain(
            DomainName=unique("studio"),
            AuthMode="IAM",
            DefaultUserSettings={"ExecutionRole": ROLE},
            SubnetIds=["subnet-a"],
            VpcId="vpc-1",
        )["DomainId"]
        while self.client.describe_domain(DomainId=domain_id)["Status"] != "InService":
            pass
        return domain_id


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid4().hex[:10]}"


def studio_for(emulator: launcher.Emulator, monkeypatch: pytest.MonkeyPatch) -> Studio:
    for name in ("AWS_PROFILE", "AWS_URL", "EC2_URL"):
        monkeypatch.delenv(name, raising=False)
    env = emulator.environment()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(utils, "POLL_DELAY", 0)
    client = boto3.client(
        "sagemaker",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    return Studio(client=client, url=emulator.url)


def ansible_doc(module: str) -> subprocess.CompletedProcess[str]:
    """``ansible-doc`` for one of our modules, finding the collection through the checkout's .collections."""
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".collections")}
    return subprocess.run(
        [str(Path(sys.executable).parent / "ansible-doc"), "-t", "module", f"mlops.mlflow_aws.{module}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
