"""One ECS task as local processes: its containers started in dependency order, health-checked, stopped.

Containers of a task share its address as in ``awsvpc`` mode. MLflow's host check accepts only
127.0.0.1 (and private VPC ranges), so servers that are reached from inside the task only (no port
mapping) stay on 127.0.0.1 at a port of the data plane's choosing; mapped ports (nginx:80) are on the
task's own address, where the load balancer reaches them. Health check commands reach the same
listeners: their loopback URLs are translated to those addresses, nothing else.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.dataplane import awslogs, images
from emulator.dataplane import secrets as secret_values
from emulator.dataplane.processes import Service, free_port, spawn

POLL_S = 0.5
STOPPED_ESSENTIAL = "Essential container in task exited"
STOPPED_HEALTH = "Task failed container health checks"
_LOOPBACK_URL = re.compile(r"(?P<host>127\.0\.0\.1|localhost)(?::(?P<port>\d+))?(?=[/'\"\s]|$)")


@dataclass
class Container:
    definition: dict[str, Any]
    service: Service | None = None
    health: str = "UNKNOWN"
    started_at: float = 0.0
    failures: int = 0
    next_check: float = 0.0
    exit_code: int | None = None
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    log_target: awslogs.Destination | None = None
    output: awslogs.ContainerOutput | None = None
    build_args: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.definition["name"])

    @property
    def essential(self) -> bool:
        return bool(self.definition.get("essential", True))

    @property
    def status(self) -> str:
        if self.exit_code is not None:
            return "STOPPED"
        return "PENDING" if self.service is None else "RUNNING"


@dataclass
class LocalTask:
    task_id: str
    definition: dict[str, Any]
    address: str
    workdir: Path
    account: str
    region: str
    platform_env: dict[str, str]
    require_images: bool = False
    status: str = "PROVISIONING"
    stopped_reason: str = ""
    listen: dict[int, tuple[str, int]] = field(default_factory=dict)
    containers: dict[str, Container] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    # -- what the control plane reads --------------------------------------------------------
    @property
    def healthy(self) -> bool:
        checked = [c for c in self.containers.values() if c.definition.get("healthCheck")]
        return self.status == "RUNNING" and all(c.health == "HEALTHY" for c in checked)

    def endpoint(self, container_port: int) -> tuple[str, int] | None:
        return self.listen.get(container_port)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"task-{self.task_id}", daemon=True)
        self._thread.start()

    def stop(self, reason: str) -> None:
        if not self.stopped_reason:
            self.stopped_reason = reason
        self._stop.set()

    def wait(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._prepare()
            self.status = "PENDING"
            self._start_containers()
            if not self._stop.is_set():
                self.status = "RUNNING"
            while not self._stop.is_set():
                self._watch()
                self._stop.wait(POLL_S)
        except (images.ImageError, secret_values.SecretError, awslogs.LogDriverError, TaskFailure) as error:
            self.stopped_reason = self.stopped_reason or str(error)
        except Exception as error:  # a data plane bug must still stop the task visibly
            self.stopped_reason = self.stopped_reason or f"InternalError: {type(error).__name__}: {error}"
        finally:
            self.status = "STOPPING"
            for container in self.containers.values():
                if container.service is not None and container.service.alive():
                    container.service.stop(timeout=10)
                _record_exit(container)
                if container.output is not None:
                    container.output.close()
            self.status = "STOPPED"

    def _prepare(self) -> None:
        definitions = self.definition["containerDefinitions"]
        self.containers = {d["name"]: Container(definition=d) for d in definitions}
        # As the ECS agent: every image and secret of the task is fetched before any container starts.
        for container in self.containers.values():
            image = str(container.definition["image"])
            images.image_of(image)
            if self.require_images:
                container.build_args = images.require_in_ecr(image, self.account, self.region)
            container.secrets = secret_values.resolve(
                container.definition.get("secrets", []), self.account, self.region
            )
            container.log_target = awslogs.destination(container.definition, self.task_id, self.account, self.region)
            if container.log_target is not None:
                awslogs.prepare(container.log_target)
        for number in images.IMAGE_PORTS.values():
            self.listen[number] = ("127.0.0.1", free_port())
        for definition in definitions:
            for mapping in definition.get("portMappings", []):
                port = int(mapping["containerPort"])
                self.listen[port] = (self.address, port)

    def _start_containers(self) -> None:
        pending = list(self.containers.values())
        while pending and not self._stop.is_set():
            ready = [c for c in pending if self._dependencies_met(c)]
            for container in ready:
                self._launch(container)
                pending.remove(container)
            if not ready:
                self._watch()
                self._stop.wait(POLL_S)

    def _dependencies_met(self, container: Container) -> bool:
        for dependency in container.definition.get("dependsOn", []):
            other = self.containers[dependency["containerName"]]
            condition = dependency.get("condition", "START")
            if condition == "HEALTHY" and other.health != "HEALTHY":
                return False
            if condition == "START" and other.service is None:
                return False
            if condition in ("COMPLETE", "SUCCESS") and other.exit_code is None:
                return False
        return True

    def _launch(self, container: Container) -> None:
        image = images.image_of(str(container.definition["image"]))
        workdir = self.workdir / container.name
        workdir.mkdir(parents=True, exist_ok=True)
        command = container.definition.get("command")
        argv, runtime_env = images.launch(image, command, workdir, self.listen, container.build_args)
        env = {
            **self.platform_env,
            **images.dockerfile_env(image.source / "Dockerfile"),
            **{item["name"]: item["value"] for item in container.definition.get("environment", [])},
            **container.secrets,
            **runtime_env,
        }
        log = self.workdir / f"{container.name}.log"
        container.service = spawn(container.name, argv, env, log, workdir, piped=True)
        container.output = awslogs.ContainerOutput(log=log, target=container.log_target)
        if container.service.popen is not None and container.service.popen.stdout is not None:
            container.output.follow(container.service.popen.stdout)
        container.started_at = time.monotonic()
        check = container.definition.get("healthCheck")
        container.next_check = container.started_at + (float(check.get("interval", 30)) if check else 0)
        if check:
            container.next_check = container.started_at + 2.0

    def _watch(self) -> None:
        for container in self.containers.values():
            if container.output is not None:
                container.output.flush()
            if container.service is None or container.exit_code is not None:
                continue
            if not container.service.alive():
                popen = container.service.popen
                container.exit_code = _docker_code(popen.returncode) if popen and popen.returncode is not None else -1
                if container.essential:
                    raise TaskFailure(STOPPED_ESSENTIAL)
                continue
            self._health_check(container)

    def _health_check(self, container: Container) -> None:
        check = container.definition.get("healthCheck")
        now = time.monotonic()
        if not check or now < container.next_check:
            return
        interval = float(check.get("interval", 30))
        starting = now - container.started_at < float(check.get("startPeriod", 0)) and container.health != "HEALTHY"
        # Failures that count are `interval` apart, as on ECS: `retries` of them take retries x interval.
        container.next_check = now + (min(interval, 2.0) if starting else interval)
        if self._probe(check):
            container.health, container.failures = "HEALTHY", 0
            return
        if starting:
            return
        container.failures += 1
        if container.failures >= int(check.get("retries", 3)):
            container.health = "UNHEALTHY"
            if container.essential:
                raise TaskFailure(STOPPED_HEALTH)

    def _probe(self, check: dict[str, Any]) -> bool:
        kind, *rest = check["command"]
        argv = ["/bin/sh", "-c", rest[0]] if kind == "CMD-SHELL" else rest
        argv = [self._translate(arg) for arg in argv]
        env = {**self.platform_env}
        try:
            result = subprocess.run(  # noqa: S603 - the task definition's own check
                argv, env=env, timeout=float(check.get("timeout", 5)), capture_output=True, check=False
            )
        except (subprocess.TimeoutExpired, OSError):
            return False
        return result.returncode == 0

    def _translate(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            port = int(match.group("port") or 80)
            if port not in self.listen:
                return match.group(0)
            host, local_port = self.listen[port]
            return f"{host}:{local_port}"

        return _LOOPBACK_URL.sub(replace, text)


def _record_exit(container: Container) -> None:
    # A container stopped with its task exits with the signal's code, as docker reports it (143, 137).
    popen = container.service.popen if container.service is not None else None
    if container.exit_code is None and popen is not None and popen.returncode is not None:
        container.exit_code = _docker_code(popen.returncode)


def _docker_code(returncode: int) -> int:
    # Killed by signal N: Python says -N, docker (and so ECS) 128 + N.
    return 128 - returncode if returncode < 0 else returncode


class TaskFailure(RuntimeError):
    pass
