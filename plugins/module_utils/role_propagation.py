# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Calls that hand a service an IAM role: retried while IAM has not propagated a role created seconds ago.

IAM is eventually consistent: for seconds after CreateRole (a minute in AWS's slow cases) a service that
is handed the role refuses the call, each with its own error code and text (``Refusal``). Only that
refusal is retried, for ``PROPAGATION_SECONDS``; any other error fails at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils import waiter
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call, error_code

PROPAGATION_SECONDS = 120.0
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Refusal:
    """How a service says it cannot assume the role yet: an error code and a part of its message."""

    code: str
    text: str

    def matches(self, error: Exception | None) -> bool:
        message = (getattr(error, "response", None) or {}).get("Error", {}).get("Message", "")
        return error_code(error) == self.code and self.text in message


SAGEMAKER = Refusal("ValidationException", "Could not assume role")
SCHEDULER = Refusal("ValidationException", "must allow AWS EventBridge Scheduler to assume the role")


def call_passing_role(
    aws: Any,
    operation: str,
    description: str,
    refusal: Refusal,
    timeout: float = PROPAGATION_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    **kwargs: Any,
) -> dict:
    """``call``, again every few seconds while the service gives ``refusal``, up to ``timeout`` seconds."""
    deadline = clock() + timeout
    while True:
        try:
            return call(aws, operation, description, **kwargs)
        except AwsError as error:
            if not refusal.matches(error.cause) or clock() >= deadline:
                raise
        waiter.sleep(RETRY_SECONDS)
