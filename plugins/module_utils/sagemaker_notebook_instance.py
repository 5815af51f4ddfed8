# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SageMaker notebook instances: created and waited for, updated while stopped, stopped before deletion.

AWS updates an instance only while it is ``Stopped`` and deletes it only once ``Stopped`` (or ``Failed``), so
an update of a running instance stops it, updates it and starts it again, and a delete stops it first.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker import (
    StudioManager,
    apply_tag_plan,
    describe_validated,
    failure,
    to_snake,
    with_tags,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_list
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import gone, status_is

ARN = "NotebookInstanceArn"
SETTLED = ("InService", "Stopped", "Failed")
in_service, stopped, settled = status_is("InService"), status_is("Stopped"), status_is(*SETTLED)
# Option -> API field, for the settings UpdateNotebookInstance can change.
UPDATABLE = {
    "instance_type": "InstanceType",
    "role_arn": "RoleArn",
    "volume_size_in_gb": "VolumeSizeInGB",
    "lifecycle_config_name": "LifecycleConfigName",
    "root_access": "RootAccess",
}
# And those only a new instance can change (the Describe field, when it differs from the request's).
FIXED = {
    "subnet_id": "SubnetId",
    "security_group_ids": "SecurityGroups",
    "direct_internet_access": "DirectInternetAccess",
}
DESCRIBED = {"LifecycleConfigName": "NotebookInstanceLifecycleConfigName"}


def describe_notebook_instance(aws: Any, name: str) -> dict | None:
    """The instance with ``Status`` (its NotebookInstanceStatus) for the waiter, or None."""
    found = describe_validated(
        aws,
        "describe_notebook_instance",
        "RecordNotFound",
        f"describe notebook instance {name}",
        NotebookInstanceName=name,
    )
    if found is None:
        return None
    return {k: v for k, v in found.items() if k != "ResponseMetadata"} | {"Status": found["NotebookInstanceStatus"]}


class NotebookInstanceManager(StudioManager):
    result_key = "notebook_instance"

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.name = self.params["name"]

    def find(self) -> dict | None:
        return with_tags(self.client, describe_notebook_instance(self.client, self.name), ARN)

    def view(self, resource: Any) -> dict:
        return to_snake({k: v for k, v in (resource or {}).items() if k != "Status"})

    def _wait(self, done: Any, goal: str) -> dict | None:
        self.wait_for(
            f"notebook instance {self.name}", lambda: describe_notebook_instance(self.client, self.name), done, goal
        )
        return self.find()

    def _call(self, operation: str, verb: str, **kwargs: Any) -> None:
        call(self.client, operation, f"{verb} notebook instance {self.name}", NotebookInstanceName=self.name, **kwargs)

    # present

    def present(self, current: dict | None) -> dict:
        if current is not None and not self.check_mode:
            if current["Status"] == "Deleting":
                current = self._wait(gone, "be deleted")
            elif current["Status"] not in SETTLED:
                current = self._wait(settled, "become InService or Stopped")
        reason = failure(current)
        if reason is not None:
            # A failed instance is not the instance asked for: AWS's reason, never adopted.
            raise AwsError(f"SageMaker notebook instance {self.name} {reason}", notebook_instance=self.view(current))
        return super().present(current)

    def _wanted(self) -> dict[str, Any]:
        wanted = {
            key: self.params[option]
            for option, key in {**UPDATABLE, **FIXED}.items()
            if self.params[option] is not None
        }
        if "SecurityGroups" in wanted:
            wanted["SecurityGroupIds"] = wanted.pop("SecurityGroups")
        return wanted

    def plan_create(self) -> dict:
        return {"NotebookInstanceName": self.name, **self._wanted(), "Tags": dict(self.params.get("tags") or {})}

    def create(self) -> dict | None:
        request: dict[str, Any] = self._wanted()
        if self.params.get("tags"):
            request["Tags"] = tag_list(self.params["tags"])
        self._call("create_notebook_instance", "create", **request)
        return self._wait(in_service, "become InService") if self.params["wait"] else self.find()

    def _differences(self, current: dict) -> dict[str, Any]:
        fixed = [
            option
            for option, key in FIXED.items()
            if self.params[option] is not None and _comparable(current.get(key)) != _comparable(self.params[option])
        ]
        if fixed:
            raise AwsError(
                f"Notebook instance {self.name} differs in {', '.join(fixed)}, which AWS cannot change on an instance: "
                "delete it (it is stopped first) and run again"
            )
        return {
            key: self.params[option]
            for option, key in UPDATABLE.items()
            if self.params[option] is not None and current.get(DESCRIBED.get(key, key)) != self.params[option]
        }

    def plan_update(self, current: dict) -> dict | None:
        self.changes = self._differences(current)
        self.tags = TagPlan.of(current["Tags"], self.params.get("tags"), self.params["purge_tags"])
        if not (self.changes or self.tags.changed):
            return None
        described = {DESCRIBED.get(key, key): value for key, value in self.changes.items()}
        return {**current, **described, "Tags": self.tags.after}

    def update(self, current: dict, planned: dict) -> dict | None:
        if self.changes:
            running = current["Status"] == "InService"
            if running:
                self._call("stop_notebook_instance", "stop")
                self._wait(stopped, "stop before its update")
            self._call("update_notebook_instance", "update", **self.changes)
            if running:
                self._call("start_notebook_instance", "start")
                self._wait(in_service, "become InService again")
        apply_tag_plan(self.client, current[ARN], self.tags)
        return self.find()

    # absent

    def absent(self, current: dict | None) -> dict:
        if current is not None and current["Status"] == "Deleting":
            if self.params["wait"] and not self.check_mode:
                self._wait(gone, "be deleted")
            return self.result({}, self.view(current), {})
        return super().absent(current)

    def delete(self, current: dict) -> None:
        status = current["Status"]
        if status == "Deleting":
            self._wait(gone, "be deleted")
            return
        if status == "Pending":  # AWS stops only an InService instance
            status = self._wait(settled, "become InService before it is stopped")["Status"]
        if status == "InService":
            self._call("stop_notebook_instance", "stop")
        if status not in ("Stopped", "Failed"):
            self._wait(status_is("Stopped", "Failed"), "stop before its deletion")
        self._call("delete_notebook_instance", "delete")
        if self.params["wait"]:
            self._wait(gone, "be deleted")


def _comparable(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value
