"""The emulator's data plane: what the control plane describes runs on loopback.

ECS services run their tasks' containers from files/<image> (ecs, task, images, secrets); Aurora
clusters are MariaDB servers (aurora); ALB target groups are health-checked and listeners forward
(alb); HTTP APIs are served with API Gateway's limits (http_api). One reconciler thread compares
moto's state with what runs, about once a second. On with MLFLOW_EMULATOR_DATAPLANE=1.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ENABLE_VARIABLE = "MLFLOW_EMULATOR_DATAPLANE"


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get(ENABLE_VARIABLE, "0") == "1"
