"""Run the collection's playbooks against the emulator, and read the emulator's request log."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.launcher import Emulator

ROOT = Path(__file__).resolve().parents[2]
# Where the outputs role writes <stack>.json when a run starts in ROOT (the default working directory).
OUTPUTS = ROOT / "outputs"
BIN = Path(sys.executable).parent
_MODELED = re.compile(r"^Modeled AWS time: (\d+\.\d) min$", re.MULTILINE)
_RECAP = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class PlaybookRun:
    returncode: int
    output: str
    seconds: float
    requests: list[dict[str, Any]]

    @property
    def changed(self) -> int:
        return int(self._recap().group(2))

    @property
    def failed(self) -> bool:
        return self.returncode != 0

    @property
    def modeled_minutes(self) -> float:
        """The modeled AWS time the run printed at its end (plugins/callback/modeled_time.py)."""
        match = _MODELED.search(self.output)
        assert match, f"no modeled AWS time at the end of the run:\n{self.output[-2000:]}"
        return float(match.group(1))

    def _recap(self) -> re.Match[str]:
        match = _RECAP.search(self.output)
        assert match, f"no PLAY RECAP in the output:\n{self.output[-3000:]}"
        return match


def playbook_command(
    emulator: Emulator,
    playbook: str,
    *args: str,
    extra_vars: dict[str, Any] | None = None,
    env_overrides: dict[str, str | None] | None = None,
    root: Path = ROOT,
) -> tuple[list[str], dict[str, str]]:
    """The ansible-playbook command line and environment that run ``playbook`` of the checkout ``root``
    (this one unless a test runs another release's) against ``emulator``."""
    env = {**os.environ, **emulator.environment(), "ANSIBLE_CONFIG": str(root / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for key, value in (env_overrides or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    inventory = root / "inventory" / "emulator"
    command = [str(BIN / "ansible-playbook"), str(root / "playbooks" / playbook), "-i", str(inventory), *args]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    return command, env


def run_playbook(
    emulator: Emulator,
    playbook: str,
    *args: str,
    extra_vars: dict[str, Any] | None = None,
    env_overrides: dict[str, str | None] | None = None,
    cwd: Path = ROOT,
    root: Path = ROOT,
    timeout: float = 900,
) -> PlaybookRun:
    """ansible-playbook with the emulator inventory, started in cwd; the request log is cleared first and read after."""
    command, env = playbook_command(
        emulator, playbook, *args, extra_vars=extra_vars, env_overrides=env_overrides, root=root
    )
    emulator.clear_requests()
    started = time.monotonic()
    process = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.monotonic() - started
    return PlaybookRun(process.returncode, process.stdout + process.stderr, seconds, emulator.requests())


def client(emulator: Emulator, service: str) -> Any:
    return emulator.client(service)


def record_figure(name: str, run: PlaybookRun) -> None:
    """Keep wall time and request count of notable runs in tests/output/ for the release notes."""
    path = ROOT / "tests" / "output" / "playbook-figures.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / "playbook-figures.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers record side by side
        figures = json.loads(path.read_text()) if path.exists() else {}
        figures[name] = {
            "seconds": round(run.seconds, 1),
            "modeled_aws_minutes": run.modeled_minutes,
            "aws_requests": len(run.requests),
            "changed": run.changed,
        }
        path.write_text(json.dumps(figures, indent=2) + "\n")
