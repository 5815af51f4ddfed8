# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One pattern for the modules that manage a resource: find, create, update, delete, view.

The manager owns what every such module must get right the same way: check mode (nothing is written,
the result says what would be), the diff (``before`` and ``after`` of one shape, ``{}`` for a resource
that does not exist) and the result dict (``changed``, the resource under ``result_key``, ``diff``,
and any ``extra`` keys). Subclasses supply the AWS side through the hooks.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import client


class ResourceManager:
    result_key = "resource"
    service = ""  # the boto3 service of ``self.client``; none when empty

    def __init__(self, module: Any) -> None:
        self.module = module
        self.client = client(module, self.service) if self.service else None
        self.params = module.params
        self.check_mode = bool(module.check_mode)
        self.changed = False
        self.extra: dict[str, Any] = {}

    # ------------------------------------------------------------------ hooks

    def find(self) -> Any | None:
        """The resource as AWS reports it, or None."""
        raise NotImplementedError

    def view(self, resource: Any) -> dict:
        """The fields of ``resource`` the diff shows; the same shape for every state."""
        raise NotImplementedError

    def returned(self, resource: Any) -> dict:
        """What the module returns for ``resource`` (by default its view)."""
        return self.view(resource)

    def plan_create(self) -> Any:
        """The resource a create would make, as far as it is known without AWS (check mode shows it)."""
        raise NotImplementedError

    def plan_update(self, current: Any) -> Any | None:
        """The resource once updated, or None when ``current`` already is what the arguments ask for."""
        raise NotImplementedError

    def create(self) -> Any:
        raise NotImplementedError

    def update(self, current: Any, planned: Any) -> Any:
        """Make ``current`` into ``planned``; returns the resource as AWS reports it afterwards."""
        raise NotImplementedError

    def delete(self, current: Any) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ engine

    def ensure(self) -> dict:
        current = self.find()
        if self.params.get("state", "present") == "absent":
            return self.absent(current)
        return self.present(current)

    def present(self, current: Any | None) -> dict:
        if current is None:
            planned = self.plan_create()
            return self.apply({}, planned, self.create)
        before = self.view(current)
        planned = self.plan_update(current)
        if planned is None:
            return self.result(self.returned(current), before, before)
        return self.apply(before, planned, lambda: self.update(current, planned))

    def absent(self, current: Any | None) -> dict:
        if current is None:
            return self.result({}, {}, {})
        before = self.view(current)
        self.changed = True
        if not self.check_mode:
            self.delete(current)
        return self.result({}, before, {})

    def apply(self, before: dict, planned: Any, write: Any) -> dict:
        """A change: in check mode the planned resource, else what ``write`` made of it."""
        self.changed = True
        if self.check_mode:
            return self.result(self.returned(planned), before, self.view(planned))
        made = write()
        return self.result(self.returned(made), before, self.view(made))

    def result(self, resource: dict, before: dict, after: dict) -> dict:
        return {
            "changed": self.changed,
            self.result_key: resource,
            "diff": {"before": before, "after": after},
            **self.extra,
        }
