# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SageMaker notebook instance lifecycle configurations: scripts run when an instance is created or starts."""

from __future__ import annotations

import base64
from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import call
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker import (
    apply_tag_plan,
    describe_validated,
    with_tags,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_list

ARN = "NotebookInstanceLifecycleConfigArn"
HOOKS = {"on_create": "OnCreate", "on_start": "OnStart"}


def encoded(script: str | None) -> list[dict[str, str]]:
    """A script as the API takes it: none, or one hook whose content is base64."""
    return [{"Content": base64.b64encode(script.encode()).decode()}] if script else []


def decoded(hooks: list[dict[str, str]] | None) -> str:
    return "".join(base64.b64decode(hook.get("Content", "")).decode() for hook in hooks or [])


def describe_lifecycle_config(aws: Any, name: str) -> dict | None:
    return describe_validated(
        aws,
        "describe_notebook_instance_lifecycle_config",
        "does not exist",
        f"describe notebook instance lifecycle configuration {name}",
        NotebookInstanceLifecycleConfigName=name,
    )


class LifecycleConfigManager(ResourceManager):
    result_key = "lifecycle_config"
    service = "sagemaker"

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.name = self.params["name"]

    def find(self) -> dict | None:
        return with_tags(self.client, describe_lifecycle_config(self.client, self.name), ARN)

    def view(self, resource: Any) -> dict:
        if not resource:
            return {}
        view = {"name": self.name, "arn": resource.get(ARN)}
        view.update({option: decoded(resource.get(key)) for option, key in HOOKS.items()})
        view["tags"] = dict(resource.get("Tags") or {})
        return view

    def _scripts(self) -> dict[str, list[dict[str, str]]]:
        return {key: encoded(self.params[option]) for option, key in HOOKS.items()}

    def plan_create(self) -> dict:
        return {**self._scripts(), "Tags": dict(self.params.get("tags") or {})}

    def create(self) -> dict | None:
        request: dict[str, Any] = {"NotebookInstanceLifecycleConfigName": self.name, **self._scripts()}
        if self.params.get("tags"):
            request["Tags"] = tag_list(self.params["tags"])
        call(
            self.client,
            "create_notebook_instance_lifecycle_config",
            f"create lifecycle configuration {self.name}",
            **request,
        )
        return self.find()

    def plan_update(self, current: dict) -> dict | None:
        scripts = self._scripts()
        self.scripts_changed = any(decoded(current.get(key)) != decoded(hooks) for key, hooks in scripts.items())
        self.tags = TagPlan.of(current["Tags"], self.params.get("tags"), self.params["purge_tags"])
        if not (self.scripts_changed or self.tags.changed):
            return None
        return {**current, **scripts, "Tags": self.tags.after}

    def update(self, current: dict, planned: dict) -> dict | None:
        if self.scripts_changed:
            call(
                self.client,
                "update_notebook_instance_lifecycle_config",
                f"update lifecycle configuration {self.name}",
                NotebookInstanceLifecycleConfigName=self.name,
                **self._scripts(),
            )
        apply_tag_plan(self.client, current[ARN], self.tags)
        return self.find()

    def delete(self, current: dict) -> None:
        call(
            self.client,
            "delete_notebook_instance_lifecycle_config",
            f"delete lifecycle configuration {self.name}",
            NotebookInstanceLifecycleConfigName=self.name,
        )
