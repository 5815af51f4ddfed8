"""The emulator process: moto's WSGI application behind the project's middleware, on loopback."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

from emulator import settings

LOOPBACK = "127.0.0.1"


def build_app(extension_names: tuple[str, ...] | None = None, dataplane: Any = None) -> Any:
    settings.apply()
    # Imported late: moto reads its settings from the environment at import time.
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from emulator import behaviours
    from emulator.middleware import EmulatorMiddleware

    loaded = behaviours.load(behaviours.selected() if extension_names is None else extension_names)
    if dataplane is not None:
        loaded.append(dataplane)
    return EmulatorMiddleware(DomainDispatcherApplication(create_backend_app), loaded)


def serve(state_file: Path, port: int = 0) -> None:
    """Serve until SIGTERM/SIGINT; the URL is published in ``state_file`` once the socket listens."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from emulator import dataplane as dataplane_package

    server = make_server(LOOPBACK, port, None, threaded=True, request_handler=MotoRequestHandler)
    url = f"http://{LOOPBACK}:{server.server_port}"
    plane = None
    if dataplane_package.enabled():
        from emulator.dataplane.runner import DataPlane

        # Tasks' containers reach AWS (S3, Secrets Manager) here, as they would through the VPC.
        plane = DataPlane(state_file.parent / "dataplane", url)
    server.app = build_app(dataplane=plane)
    if plane is not None:
        plane.start()
    _write_state(state_file, {"pid": os.getpid(), "url": url})

    def shutdown(_signum: int, _frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    try:
        server.serve_forever()
    finally:
        if plane is not None:
            plane.stop()
        state_file.unlink(missing_ok=True)


def _write_state(state_file: Path, state: dict[str, Any]) -> None:
    state_file.parent.mkdir(parents=True, exist_ok=True)
    partial = state_file.with_suffix(".tmp")
    partial.write_text(json.dumps(state))
    partial.replace(state_file)
