"""python -m local_runtime up|down|status [--dir DIR]: the two containers as local processes."""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from pathlib import Path

from emulator import launcher
from local_runtime import runtime as runtime_module
from local_runtime.processes import Service

DEFAULT_DIR = runtime_module.PROJECT_ROOT / ".local-runtime"


def _state(directory: Path) -> dict | None:
    try:
        return json.loads((directory / runtime_module.STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def up(directory: Path, stack: str) -> int:
    if _state(directory) is not None:
        print(
            f"already up (see {directory / runtime_module.STATE_FILE}); run: python -m local_runtime down",
            file=sys.stderr,
        )
        return 1
    running = runtime_module.start(base_dir=directory, stack=stack)
    running.save_state()
    print(f"# MLflow behind nginx at {running.url}; stop with: python -m local_runtime down", file=sys.stderr)
    for key, value in running.tracking_environment().items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


def down(directory: Path) -> int:
    state = _state(directory)
    if state is None:
        print("not running")
        return 0
    for name, service in state["services"].items():
        Service(name=name, pid=int(service["pid"]), log=Path(service["log"])).stop()
    if state["emulator"]["own"]:
        launcher.stop(Path(state["emulator"]["state_dir"]))
    shutil.rmtree(directory, ignore_errors=True)
    print("stopped")
    return 0


def status(directory: Path) -> int:
    state = _state(directory)
    if state is None:
        print("not running")
        return 1
    alive = {name: Service(name, int(s["pid"]), Path(s["log"])).alive() for name, s in state["services"].items()}
    print(json.dumps({"url": state["url"], "bucket": state["bucket"], "alive": alive}, indent=2))
    return 0 if all(alive.values()) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_runtime", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="where state, data and logs live")
    parser.add_argument("--stack", default="local", help="stack name for the SSM parameters /mlflow/<stack>/")
    args = parser.parse_args(argv)
    directory = args.dir.resolve()
    if args.command == "up":
        return up(directory, args.stack)
    if args.command == "down":
        return down(directory)
    return status(directory)


if __name__ == "__main__":
    sys.exit(main())
