"""WSGI middleware in front of moto: request log, control endpoints, and the extension chain."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from werkzeug.wrappers import Response

from emulator import clock, faults
from emulator.request import AwsRequest

CONTROL_PREFIX = "/__emulator/"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Extension(Protocol):
    """Adds to or overrides moto: returns a response to answer a request itself, None to pass it on.

    An extension may also define ``after(request)``: called once moto has handled a request it passed on,
    to complete moto's state where moto drops part of a request (its response is already built).
    """

    name: str

    def handle(self, request: AwsRequest) -> Response | None: ...


class RequestLog:
    """Every AWS request in arrival order, with the status it got: for request counts and ordering tests."""

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, request: AwsRequest, status: int, answered_by: str) -> None:
        with self._lock:
            self._entries.append(
                {
                    "seq": len(self._entries) + 1,
                    "service": request.service,
                    "region": request.region,
                    "action": request.action,
                    "method": request.method,
                    "path": request.path,
                    "auth": request.auth,
                    # Request body size: shows where large payloads went (S3 straight, or through a proxy).
                    "bytes": len(request.body),
                    "status": status,
                    "answered_by": answered_by,
                }
            )

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class EmulatorMiddleware:
    def __init__(self, app: WsgiApp, extensions: Sequence[Extension]) -> None:
        self.app = app
        self.extensions = list(extensions)
        self.log = RequestLog()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, path[len(CONTROL_PREFIX) :])(environ, start_response)
        request = AwsRequest.from_environ(environ)
        clock.CLOCK.request()
        for extension in self.extensions:
            response = extension.handle(request)
            if response is not None:
                self.log.add(request, response.status_code, extension.name)
                return response(environ, start_response)
        try:
            result = self.app(environ, self._logging_start_response(request, start_response))
        except Exception:
            # moto raises for APIs it does not implement; the server answers 500.
            self.log.add(request, 500, "moto")
            raise
        for extension in self.extensions:
            after = getattr(extension, "after", None)
            if after is not None:
                after(request)
        return result

    def _logging_start_response(self, request: AwsRequest, start_response: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            self.log.add(request, int(status.split(" ", 1)[0]), "moto")
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return wrapped

    def _control(self, environ: dict[str, Any], command: str) -> Response:
        method = environ.get("REQUEST_METHOD", "GET")
        if command == "health":
            return _json({"status": "ok", "extensions": [extension.name for extension in self.extensions]})
        if command == "requests" and method == "GET":
            return _json(self.log.entries())
        if command == "requests" and method == "DELETE":
            self.log.clear()
            return _json({"cleared": True})
        if command == "faults":
            return _faults(environ, method)
        if command == "clock":
            return clock.control(environ, method)
        # An extension may publish its own state at /__emulator/<its name> (the data plane does).
        for extension in self.extensions:
            control = getattr(extension, "control", None)
            if command == extension.name and control is not None:
                return control()
        return _json({"error": f"unknown control endpoint {command!r}"}, status=404)


def _faults(environ: dict[str, Any], method: str) -> Response:
    """``PUT`` sets the faults (emulator.faults) while the emulator runs, ``DELETE`` restores the environment's."""
    if method == "PUT":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        faults.SETTING.set(environ["wsgi.input"].read(length).decode() if length else "")
    elif method == "DELETE":
        faults.SETTING.set(None)
    return _json(faults.current().describe())


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")
