"""Cloud Map operations on AWS's time: ``SUBMITTED``, then ``PENDING``, then ``SUCCESS`` over 0.5-2 minutes.

moto reports every operation (creating or deleting a namespace, a service's instances) ``SUCCESS`` at once.
Here an operation is ``SUBMITTED`` when created and GetOperation moves it on along the modeled clock
(``cloudmap_operation``, emulator.lifecycle), so a namespace's creation is seen through GetOperation.
"""

from __future__ import annotations

from typing import Any

from emulator.lifecycle import ENGINE, PENDING
from emulator.model_patches import ModelPatches

NAME = "cloudmap_operations"
KIND = "cloudmap_operation"


def _wrap_models() -> None:
    from moto.servicediscovery.models import Operation, ServiceDiscoveryBackend

    if getattr(Operation, "_mlflow_lifecycle", False):
        return
    init, get = Operation.__init__, ServiceDiscoveryBackend.get_operation

    def submitted(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.status = "SUBMITTED"
        ENGINE.track(KIND, self.id)

    def get_operation(self: Any, operation_id: str) -> Any:
        operation = get(self, operation_id)
        if operation.status in ("SUBMITTED", "PENDING"):
            seen = ENGINE.known(KIND, operation.id) and ENGINE.track(KIND, operation.id).seen_pending
            if ENGINE.observe(KIND, operation.id) == PENDING:
                operation.status = "PENDING" if seen else "SUBMITTED"
            else:
                operation.status = "SUCCESS"
        return operation

    Operation.__init__ = submitted  # type: ignore[method-assign]
    ServiceDiscoveryBackend.get_operation = get_operation  # type: ignore[method-assign]
    Operation._mlflow_lifecycle = True  # type: ignore[attr-defined]


def build() -> ModelPatches:
    _wrap_models()
    return ModelPatches(NAME)
