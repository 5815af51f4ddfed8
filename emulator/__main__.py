"""python -m emulator start|stop|status|env|serve [--state-dir DIR]"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from emulator import launcher


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator", description="The project's AWS emulator on loopback.")
    parser.add_argument("command", choices=["start", "stop", "status", "env", "serve", "require-dataplane"])
    parser.add_argument("--state-dir", type=Path, default=launcher.DEFAULT_STATE_DIR)
    args = parser.parse_args(argv)
    state_dir = args.state_dir.resolve()

    if args.command == "serve":
        from emulator.server import serve

        serve(state_dir / launcher.STATE_FILE_NAME)
        return 0
    if args.command == "start":
        emulator = launcher.start(state_dir)
        print(emulator.url)
        return 0
    if args.command == "stop":
        print("stopped" if launcher.stop(state_dir) else "not running")
        return 0
    emulator = launcher.find(state_dir)
    if emulator is None:
        print("the emulator is not running (start it with: make emulator)", file=sys.stderr)
        return 1
    if args.command == "require-dataplane":
        if not launcher.has_dataplane(emulator):
            print("the running emulator has no data plane: make demo-stop, then make demo", file=sys.stderr)
            return 1
        return 0
    if args.command == "status":
        print(f"running, pid {emulator.pid}, {emulator.url}")
    else:
        for key, value in emulator.environment().items():
            print(f"export {key}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
