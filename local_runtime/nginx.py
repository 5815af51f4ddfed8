"""Debian's nginx serving the project's files/nginx config, started as the emulator's data plane starts
the container (emulator.dataplane.images): one way to run it, here on a free loopback port."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emulator.dataplane import images
from local_runtime.processes import LocalRuntimeError, Service, free_port, http_status, spawn, wait_until

START_TIMEOUT_S = 30.0


@dataclass
class Nginx:
    service: Service
    port: int
    conf_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start(base_dir: Path, upstream: str, base_env: dict[str, str]) -> Nginx:
    """The nginx container as the data plane starts it (emulator.dataplane.images), on a free port."""
    host, upstream_port = upstream.rsplit(":", 1)
    port = free_port()
    image = images.image_of("local/nginx:local")
    try:
        command, runtime_env = images.launch(
            image, None, base_dir, {80: ("127.0.0.1", port), 5000: (host, int(upstream_port))}
        )
    except images.ImageError as error:
        raise LocalRuntimeError(str(error)) from None
    env = {**base_env, **images.dockerfile_env(image.source / "Dockerfile"), **runtime_env}
    service = spawn("nginx", command, env, base_dir / "nginx.log", cwd=base_dir)
    nginx = Nginx(service=service, port=port, conf_dir=base_dir / "conf")
    wait_until(service, lambda: http_status(f"{nginx.url}/elb-status") == 200, START_TIMEOUT_S, "200 on /elb-status")
    return nginx
