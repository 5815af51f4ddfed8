"""MLflow's two containers (files/nginx, files/mlflow) as local processes, with MariaDB and the emulator."""

from local_runtime.processes import LocalRuntimeError
from local_runtime.runtime import Runtime, start

__all__ = ["LocalRuntimeError", "Runtime", "start"]
