"""AWS's dependency rules on deletes, which moto does not enforce: the shared part of the ``strict_*`` extensions.

Each ``strict_<service>`` extension maps an action to a rule. A rule reads moto's state and returns AWS's
error response while a dependent exists, or None to let moto perform the delete.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from werkzeug.wrappers import Response

from emulator.request import AwsRequest

STRICT_ENV = "MLFLOW_EMULATOR_STRICT"
_OFF = {"0", "false", "no", "off"}

Rule = Callable[[AwsRequest], Response | None]


def strict_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Strict unless ``MLFLOW_EMULATOR_STRICT`` says off (0, false, no, off)."""
    value = (os.environ if environ is None else environ).get(STRICT_ENV, "1")
    return value.strip().lower() not in _OFF


@dataclass(frozen=True)
class DeleteRules:
    """An extension answering some actions of one service (its SigV4 signing name) with refusals."""

    name: str
    service: str
    rules: Mapping[str, Rule]

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != self.service or request.action is None:
            return None
        rule = self.rules.get(request.action)
        return rule(request) if rule else None
