"""files/mlflow/entrypoint.py as a local process, configured the way the ECS task configures it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emulator.dataplane import images
from local_runtime.processes import Service, free_port, http_status, spawn, wait_until

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A fresh database takes MLflow's whole migration history.
START_TIMEOUT_S = 240.0


@dataclass
class MlflowServer:
    service: Service
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def healthy(self) -> bool:
        return http_status(f"{self.url}/health") == 200


def spawn_server(env: dict[str, str], log: Path, cwd: Path, port: int | None = None) -> MlflowServer:
    """Start the entrypoint without waiting; ``env`` carries what ECS would inject."""
    port = port or free_port()
    # The container as the emulator's data plane starts it (emulator.dataplane.images).
    image = images.image_of("local/mlflow:local")
    command, runtime_env = images.launch(image, None, cwd, {5000: ("127.0.0.1", port)})
    environment = {**images.dockerfile_env(image.source / "Dockerfile"), **env, **runtime_env}
    service = spawn("mlflow", command, environment, log, cwd)
    return MlflowServer(service=service, port=port)


def wait_ready(server: MlflowServer, timeout: float = START_TIMEOUT_S) -> None:
    wait_until(server.service, server.healthy, timeout, "200 on /health")


def start(env: dict[str, str], log: Path, cwd: Path, port: int | None = None) -> MlflowServer:
    server = spawn_server(env, log, cwd, port)
    wait_ready(server)
    return server
