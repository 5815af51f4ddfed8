# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mount targets of an EFS file system, removed while the file system (and its data) stays.

SageMaker leaves a retained Studio home file system mounted in the domain's subnets; those mount
targets' network interfaces hold the subnets, so the VPC cannot go until they are deleted.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import aws_errors, call_or_none
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import Waiter, gone

# The tag SageMaker puts on a Studio domain's home file system; its value is the domain's ARN.
MANAGED_BY = "ManagedByAmazonSageMakerResource"
# AWS refuses DeleteMountTarget while a target is being created or changed.
_SETTLING = ("creating", "updating")
_GOING = ("deleting", "deleted")


class MountTargetsManager(ResourceManager):
    result_key = "mount_targets"
    service = "efs"

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.file_system_id = self.params["file_system_id"] or self.domain_home()

    def domain_home(self) -> str | None:
        """The home file system of Studio domain ``sagemaker_domain_id``, found by SageMaker's tag."""
        suffix = f":domain/{self.params['sagemaker_domain_id']}"
        with aws_errors("list the EFS file systems"):
            pages = self.client.get_paginator("describe_file_systems").paginate()
            homes = [
                system["FileSystemId"]
                for page in pages
                for system in page["FileSystems"]
                if any(t["Key"] == MANAGED_BY and t["Value"].endswith(suffix) for t in system.get("Tags", []))
            ]
        return homes[0] if homes else None

    def targets(self) -> list[dict] | None:
        """The file system's mount targets still there; None when it has none or does not exist."""
        if self.file_system_id is None:
            return None
        answer = call_or_none(
            self.client,
            "describe_mount_targets",
            "FileSystemNotFound",
            f"describe the mount targets of {self.file_system_id}",
            FileSystemId=self.file_system_id,
        )
        targets = [t for t in (answer or {}).get("MountTargets", []) if t.get("LifeCycleState") != "deleted"]
        return targets or None

    def find(self) -> list[dict] | None:
        return self.targets()

    def view(self, resource: Any) -> dict:
        targets = resource or []
        return {
            "file_system_id": self.file_system_id,
            "mount_targets": sorted(
                ({"mount_target_id": t["MountTargetId"], "subnet_id": t["SubnetId"]} for t in targets),
                key=lambda target: target["mount_target_id"],
            ),
        }

    def delete(self, current: Any) -> None:
        if not _settled(current):
            current = self.waiter("settle", _settled).wait() or []
        for target in current:
            if target.get("LifeCycleState") not in _GOING:
                call_or_none(
                    self.client,
                    "delete_mount_target",
                    "MountTargetNotFound",
                    f"delete mount target {target['MountTargetId']}",
                    MountTargetId=target["MountTargetId"],
                )
        if self.params["wait"]:
            self.waiter("be deleted", gone).wait()

    def waiter(self, goal: str, done: Any) -> Waiter:
        return Waiter(
            what=f"the mount targets of {self.file_system_id}",
            goal=goal,
            describe=self.targets,
            done=done,
            timeout=self.params["wait_timeout"],
            failure=_failed,
            status=_states,
        )


def _settled(targets: list[dict] | None) -> bool:
    return not any(target.get("LifeCycleState") in _SETTLING for target in targets or [])


def _failed(targets: list[dict] | None) -> str | None:
    broken = [t["MountTargetId"] for t in targets or [] if t.get("LifeCycleState") == "error"]
    return f"are in state error: {', '.join(broken)}" if broken else None


def _states(targets: list[dict] | None) -> str:
    return ", ".join(sorted({str(t.get("LifeCycleState")) for t in targets or []})) or "gone"
