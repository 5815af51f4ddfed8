"""The emulator, as the sagemaker_* module tests see it: a boto3 client, the request log, a ready domain.

moto has no SageMaker user profiles, apps or UpdateDomain; the emulator's sagemaker_studio extension has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from emulator import launcher

WRITE_PREFIXES = ("Create", "Update", "Delete", "Add")
ROLE = "arn:aws:iam::123456789012:role/studio-execution"
OTHER_ROLE = "arn:aws:iam::123456789012:role/other-execution"


@dataclass
class Studio:
    emulator: launcher.Emulator
    client: Any

    @property
    def url(self) -> str:
        return self.emulator.url

    def clear_requests(self) -> None:
        self.emulator.clear_requests()

    def sagemaker_writes(self) -> list[str]:
        return [
            entry["action"]
            for entry in self.emulator.requests()
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
            self.emulator.advance(60)  # a domain is Pending for minutes of modeled time
        return domain_id

    def home_efs(self) -> list[dict[str, str]]:
        """The home EFS file systems of deleted domains, with the retention each was deleted with."""
        return self.emulator.control("GET", "/__sagemaker_studio/home-efs")

    def fail(self, domain_id: str, reason: str, user_profile_name: str | None = None) -> None:
        """Drive a domain (or one of its user profiles) to Failed with ``reason``, as AWS may leave it."""
        self.emulator.control(
            "POST",
            "/__sagemaker_studio/fail",
            {"DomainId": domain_id, "UserProfileName": user_profile_name, "FailureReason": reason},
        )

    def assert_reported_failed(self, result: dict, result_key: str, message: str) -> None:
        """The module met a resource AWS left Failed: it failed with ``message`` (AWS's reason), returned the
        resource as Failed and wrote nothing (it did not adopt it as present)."""
        assert result["failed"] is True
        assert result["msg"] == message
        assert result[result_key]["status"] == "Failed"
        assert self.sagemaker_writes() == []


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid4().hex[:10]}"


def studio_for(emulator: launcher.Emulator) -> Studio:
    """``emulator`` is the ``fake_aws`` fixture: already the only AWS the modules reach."""
    return Studio(emulator=emulator, client=emulator.client("sagemaker"))
