"""SageMaker notebook instances and their lifecycle configurations, on AWS's time and with AWS's refusals.

moto 5.2.5 reports a new notebook instance ``InService`` at once, stops it at once, cannot update it, and
keeps no tags, update or list for lifecycle configurations. This extension answers, in AWS's JSON shapes:
Create/Describe/List/Update/Start/Stop/DeleteNotebookInstance, Create/Describe/List/Update/Delete
NotebookInstanceLifecycleConfig, and AddTags/ListTags/DeleteTags for their ARNs (the Studio extension
answers the other ARNs first).

An instance is ``Pending`` for minutes before ``InService`` (``Failed`` with AWS's reason when the faults name
``notebook_instance``); StopNotebookInstance takes an ``InService`` one through ``Stopping`` to ``Stopped``;
StartNotebookInstance a ``Stopped`` or ``Failed`` one back through ``Pending``; DeleteNotebookInstance a
``Stopped`` or ``Failed`` one through ``Deleting`` until it is gone. Each is refused, as AWS does, from any
other status, and UpdateNotebookInstance unless ``Stopped``. Durations come from emulator.lifecycle (kinds
``notebook_instance``, ``notebook_instance_stop``, ``notebook_instance_delete``); with lifecycles off each
step takes one observation. State is kept per account and region and wiped by ``POST /moto-api/reset``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Response

from emulator.behaviours.sagemaker_studio import (
    GONE,
    Handler,
    Lifecycle,
    StudioError,
    _invalid,
    _tags_dict,
    _tags_list,
    dispatch,
    timed,
)
from emulator.request import AwsRequest

RESET_PATH = "/moto-api/reset"
CREATE, STOP, DELETE = "notebook_instance", "notebook_instance_stop", "notebook_instance_delete"
# The instance types AWS offers for notebook instances (a sample of the families; AWS validates the enum).
INSTANCE_FAMILIES = (
    "t2",
    "t3",
    "m4",
    "m5",
    "m5d",
    "m6i",
    "m7i",
    "c4",
    "c5",
    "c6i",
    "c7i",
    "r5",
    "r6i",
    "g4dn",
    "g5",
    "p3",
)
SCRIPT_LIMIT = 16384  # base64 characters of one lifecycle script


@dataclass
class Notebook:
    name: str
    arn: str
    settings: dict[str, Any]
    tags: dict[str, str]
    created: float
    modified: float
    lifecycle: Lifecycle

    def describe(self, region: str) -> dict[str, Any]:
        status = self.lifecycle.status
        described = {
            "NotebookInstanceArn": self.arn,
            "NotebookInstanceName": self.name,
            "NotebookInstanceStatus": status,
            "InstanceType": self.settings["InstanceType"],
            "RoleArn": self.settings["RoleArn"],
            "DirectInternetAccess": self.settings.get("DirectInternetAccess", "Enabled"),
            "VolumeSizeInGB": self.settings.get("VolumeSizeInGB", 5),
            "RootAccess": self.settings.get("RootAccess", "Enabled"),
            "PlatformIdentifier": self.settings.get("PlatformIdentifier", "notebook-al2-v3"),
            "CreationTime": self.created,
            "LastModifiedTime": self.modified,
        }
        if status == "InService":
            described["Url"] = f"{self.name}.notebook.{region}.sagemaker.aws"
        for key in ("SubnetId", "KmsKeyId"):
            if self.settings.get(key):
                described[key] = self.settings[key]
        if self.settings.get("SecurityGroupIds"):
            described["SecurityGroups"] = list(self.settings["SecurityGroupIds"])
        if self.settings.get("LifecycleConfigName"):
            described["NotebookInstanceLifecycleConfigName"] = self.settings["LifecycleConfigName"]
        if self.lifecycle.failure_reason:
            described["FailureReason"] = self.lifecycle.failure_reason
        return described

    def summary(self, region: str) -> dict[str, Any]:
        keep = (
            "NotebookInstanceArn",
            "NotebookInstanceName",
            "NotebookInstanceStatus",
            "Url",
            "InstanceType",
            "CreationTime",
            "LastModifiedTime",
            "NotebookInstanceLifecycleConfigName",
        )
        return {k: v for k, v in self.describe(region).items() if k in keep}


@dataclass
class LifecycleConfig:
    name: str
    arn: str
    on_create: list[dict[str, str]]
    on_start: list[dict[str, str]]
    tags: dict[str, str]
    created: float
    modified: float

    def describe(self) -> dict[str, Any]:
        return {
            "NotebookInstanceLifecycleConfigArn": self.arn,
            "NotebookInstanceLifecycleConfigName": self.name,
            "OnCreate": self.on_create,
            "OnStart": self.on_start,
            "CreationTime": self.created,
            "LastModifiedTime": self.modified,
        }


@dataclass
class RegionState:
    notebooks: dict[str, Notebook] = field(default_factory=dict)
    configs: dict[str, LifecycleConfig] = field(default_factory=dict)


def _not_transitionable(notebook: Notebook, allowed: str, target: str) -> StudioError:
    return _invalid(
        f"Status ({notebook.lifecycle.status}) not in ([{allowed}]). Unable to transition to ({target}) "
        f"for Notebook Instance ({notebook.arn})."
    )


def _constraint(field: str, rule: str) -> StudioError:
    return _invalid(f"1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must {rule}")


def _check_scripts(params: dict[str, Any]) -> None:
    for key in ("OnCreate", "OnStart"):
        hooks = params.get(key) or []
        if len(hooks) > 1:
            raise _constraint(key.lower(), "have length less than or equal to 1")
        if any(len(hook.get("Content", "")) > SCRIPT_LIMIT for hook in hooks):
            raise _constraint(f"{key.lower()}.1.member.content", f"have length less than or equal to {SCRIPT_LIMIT}")


def _check_instance(params: dict[str, Any], configs: dict[str, LifecycleConfig]) -> None:
    family = str(params.get("InstanceType", "")).split(".")
    if len(family) != 3 or family[0] != "ml" or family[1] not in INSTANCE_FAMILIES:
        raise _constraint("instanceType", "satisfy enum value set")
    size = params.get("VolumeSizeInGB", 5)
    if not 5 <= int(size) <= 16384:
        raise _invalid(f"Invalid range for parameter VolumeSizeInGB, value: {size}, valid range: 5-16384")
    if params.get("SubnetId") and not params.get("SecurityGroupIds"):
        raise _invalid("SecurityGroupIds must be specified when SubnetId is specified.")
    if params.get("DirectInternetAccess") == "Disabled" and not params.get("SubnetId"):
        raise _invalid("DirectInternetAccess can only be disabled when a SubnetId is specified.")
    config = params.get("LifecycleConfigName")
    if config and config not in configs:
        raise _invalid(f"Notebook Instance Lifecycle Config {config} does not exist.")


class SageMakerNotebooks:
    name = "sagemaker_notebooks"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._regions: dict[tuple[str, str], RegionState] = {}
        handlers = {
            "CreateNotebookInstance": self._create,
            "DescribeNotebookInstance": self._describe,
            "ListNotebookInstances": self._list,
            "UpdateNotebookInstance": self._update,
            "StartNotebookInstance": self._start,
            "StopNotebookInstance": self._stop,
            "DeleteNotebookInstance": self._delete,
            "CreateNotebookInstanceLifecycleConfig": self._create_config,
            "DescribeNotebookInstanceLifecycleConfig": self._describe_config,
            "ListNotebookInstanceLifecycleConfigs": self._list_configs,
            "UpdateNotebookInstanceLifecycleConfig": self._update_config,
            "DeleteNotebookInstanceLifecycleConfig": self._delete_config,
            "AddTags": self._add_tags,
            "ListTags": self._list_tags,
            "DeleteTags": self._delete_tags,
        }
        self._handlers = {action: self._in_region(handler) for action, handler in handlers.items()}

    def handle(self, request: AwsRequest) -> Response | None:
        if request.path == RESET_PATH and request.method == "POST":
            with self._lock:
                self._regions.clear()
            return None
        return dispatch(request, self._handlers, self._lock)

    def _in_region(self, handler: Callable[..., dict[str, Any] | None]) -> Handler:
        """``handler`` given the state of the request's account and region first."""

        def call(account: str, region: str, params: dict[str, Any]) -> dict[str, Any] | None:
            return handler(self._regions.setdefault((account, region), RegionState()), account, region, params)

        return call

    # Notebook instances

    def _notebook(self, state: RegionState, name: str) -> Notebook:
        notebook = state.notebooks.get(name)
        if notebook is not None:
            notebook.lifecycle.settle()
            if notebook.lifecycle.status == GONE:
                del state.notebooks[name]
                notebook = None
        if notebook is None:
            raise _invalid("RecordNotFound")
        return notebook

    def _observed(self, state: RegionState, notebook: Notebook) -> None:
        notebook.lifecycle.observed()
        if notebook.lifecycle.status == GONE:
            state.notebooks.pop(notebook.name, None)

    def _create(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        name = params["NotebookInstanceName"]
        arn = f"arn:aws:sagemaker:{region}:{account}:notebook-instance/{name.lower()}"
        if name in state.notebooks:
            raise _invalid(f"Cannot create a duplicate Notebook Instance ({arn})")
        params["RoleArn"]
        _check_instance(params, state.configs)
        now = time.time()
        settings = {k: v for k, v in params.items() if k not in ("NotebookInstanceName", "Tags")}
        state.notebooks[name] = Notebook(
            name, arn, settings, _tags_dict(params.get("Tags")), now, now, timed("Pending", "InService", (CREATE, arn))
        )
        return {"NotebookInstanceArn": arn}

    def _describe(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        notebook = self._notebook(state, params["NotebookInstanceName"])
        described = notebook.describe(region)
        self._observed(state, notebook)
        return described

    def _list(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        contains, status = params.get("NameContains") or "", params.get("StatusEquals")
        found = []
        for name in sorted(state.notebooks):
            try:
                notebook = self._notebook(state, name)
            except StudioError:
                continue
            if contains in name and status in (None, notebook.lifecycle.status):
                found.append(notebook.summary(region))
        return {"NotebookInstances": found}

    def _update(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        notebook = self._notebook(state, params["NotebookInstanceName"])
        if notebook.lifecycle.status != "Stopped":
            raise _not_transitionable(notebook, "Stopped", "Updating")
        changes = {
            k: v
            for k, v in params.items()
            if k in ("InstanceType", "RoleArn", "VolumeSizeInGB", "LifecycleConfigName", "RootAccess")
        }
        if params.get("DisassociateLifecycleConfig"):
            notebook.settings.pop("LifecycleConfigName", None)
        _check_instance({**notebook.settings, **changes}, state.configs)
        notebook.settings.update(changes)
        notebook.modified = time.time()
        return {}

    def _start(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        notebook = self._notebook(state, params["NotebookInstanceName"])
        if notebook.lifecycle.status not in ("Stopped", "Failed"):
            raise _not_transitionable(notebook, "Stopped, Failed", "Pending")
        notebook.lifecycle.move("Pending", "InService", timer=(CREATE, notebook.arn))
        return {}

    def _stop(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        notebook = self._notebook(state, params["NotebookInstanceName"])
        if notebook.lifecycle.status != "InService":
            raise _not_transitionable(notebook, "InService", "Stopping")
        notebook.lifecycle.move("Stopping", "Stopped", timer=(STOP, notebook.arn))
        return {}

    def _delete(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        notebook = self._notebook(state, params["NotebookInstanceName"])
        if notebook.lifecycle.status not in ("Stopped", "Failed"):
            raise _not_transitionable(notebook, "Stopped, Failed", "Deleting")
        notebook.lifecycle.move("Deleting", GONE, timer=(DELETE, notebook.arn))
        return {}

    # Lifecycle configurations

    def _config(self, state: RegionState, name: str, account: str, region: str, verb: str) -> LifecycleConfig:
        config = state.configs.get(name)
        if config is None:
            arn = f"arn:aws:sagemaker:{region}:{account}:notebook-instance-lifecycle-config/{name.lower()}"
            raise _invalid(
                f"Unable to {verb} Notebook Instance Lifecycle Config '{arn}'. "
                "(Details: Notebook Instance Lifecycle Config does not exist.)"
            )
        return config

    def _create_config(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        name = params["NotebookInstanceLifecycleConfigName"]
        arn = f"arn:aws:sagemaker:{region}:{account}:notebook-instance-lifecycle-config/{name.lower()}"
        if name in state.configs:
            raise _invalid(
                f"Unable to create Notebook Instance Lifecycle Config '{arn}'. "
                "(Details: Notebook Instance Lifecycle Config already exists.)"
            )
        _check_scripts(params)
        now = time.time()
        state.configs[name] = LifecycleConfig(
            name,
            arn,
            params.get("OnCreate") or [],
            params.get("OnStart") or [],
            _tags_dict(params.get("Tags")),
            now,
            now,
        )
        return {"NotebookInstanceLifecycleConfigArn": arn}

    def _describe_config(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        return self._config(
            state, params["NotebookInstanceLifecycleConfigName"], account, region, "describe"
        ).describe()

    def _list_configs(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        contains = params.get("NameContains") or ""
        configs = [state.configs[name].describe() for name in sorted(state.configs) if contains in name]
        keep = (
            "NotebookInstanceLifecycleConfigArn",
            "NotebookInstanceLifecycleConfigName",
            "CreationTime",
            "LastModifiedTime",
        )
        return {"NotebookInstanceLifecycleConfigs": [{k: c[k] for k in keep} for c in configs]}

    def _update_config(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        config = self._config(state, params["NotebookInstanceLifecycleConfigName"], account, region, "update")
        _check_scripts(params)
        config.on_create = params.get("OnCreate") or []
        config.on_start = params.get("OnStart") or []
        config.modified = time.time()
        return {}

    def _delete_config(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        name = params["NotebookInstanceLifecycleConfigName"]
        self._config(state, name, account, region, "delete")
        del state.configs[name]
        return {}

    # Tags of both kinds, by ARN

    def _tagged(self, state: RegionState, arn: str) -> dict[str, str] | None:
        for resource in [*state.notebooks.values(), *state.configs.values()]:
            if resource.arn == arn:
                return resource.tags
        return None

    def _add_tags(self, state: RegionState, account: str, region: str, params: dict[str, Any]) -> dict[str, Any] | None:
        tags = self._tagged(state, params["ResourceArn"])
        if tags is None:
            return None
        tags.update(_tags_dict(params.get("Tags")))
        return {"Tags": _tags_list(tags)}

    def _list_tags(
        self, state: RegionState, account: str, region: str, params: dict[str, Any]
    ) -> dict[str, Any] | None:
        tags = self._tagged(state, params["ResourceArn"])
        return None if tags is None else {"Tags": _tags_list(tags)}

    def _delete_tags(
        self, state: RegionState, account: str, region: str, params: dict[str, Any]
    ) -> dict[str, Any] | None:
        tags = self._tagged(state, params["ResourceArn"])
        if tags is None:
            return None
        for key in params.get("TagKeys") or []:
            tags.pop(key, None)
        return {}


def build() -> SageMakerNotebooks:
    return SageMakerNotebooks()
