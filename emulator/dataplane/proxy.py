"""A small HTTP/1.1 reverse proxy on loopback: the ALB listener and the API Gateway front share it."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHUNK = 64 * 1024
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}


class ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], context: Any) -> None:
        super().__init__(address, handler)
        self.context = context


def close(server: ProxyServer) -> None:
    """Stop serving and release the address: a client then gets a refused connection, not silence."""
    server.shutdown()
    server.server_close()


def serve(address: tuple[str, int], handler: type[BaseHTTPRequestHandler], context: Any) -> ProxyServer:
    server = ProxyServer(address, handler, context)
    threading.Thread(target=server.serve_forever, name=f"proxy-{address[0]}:{address[1]}", daemon=True).start()
    return server


def read_body(handler: BaseHTTPRequestHandler, limit: int | None = None) -> bytes | None:
    """The request body (Content-Length or chunked); None when it is larger than ``limit``."""
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        parts, size = [], 0
        while True:
            length = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if length == 0:
                handler.rfile.readline()
                return b"".join(parts)
            size += length
            if limit is not None and size > limit:
                return None
            parts.append(handler.rfile.read(length))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    if limit is not None and length > limit:
        return None
    return handler.rfile.read(length) if length else b""


def discard_body(handler: BaseHTTPRequestHandler, most: int) -> bool:
    """Read and drop a refused request's body, so a client still sending it can read our answer."""
    length = int(handler.headers.get("Content-Length") or 0)
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked" or length > most:
        return False
    while length > 0:
        chunk = handler.rfile.read(min(CHUNK, length))
        if not chunk:
            return False
        length -= len(chunk)
    return True


def forward(
    handler: BaseHTTPRequestHandler,
    target: tuple[str, int],
    body: bytes,
    timeout: float,
    extra_headers: dict[str, str],
    response_limit: int | None = None,
    request: tuple[str, dict[str, str]] | None = None,
) -> tuple[int, int]:
    """Send the request to ``target`` and relay the answer; returns (status, response bytes).

    ``request`` replaces the client's path and headers (a gateway's parameter mapping). Raises
    TimeoutError when the target does not answer in time and OSError when it cannot be reached;
    ValueError (before anything is relayed) when the response is longer than ``response_limit``.
    """
    path, sent = request if request is not None else (handler.path, dict(handler.headers.items()))
    headers = {k: v for k, v in sent.items() if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"}
    headers.update(extra_headers)
    headers["Content-Length"] = str(len(body))
    connection = http.client.HTTPConnection(*target, timeout=timeout)
    try:
        connection.request(handler.command, path, body=body, headers=headers)
        response = connection.getresponse()
    except TimeoutError as error:
        connection.close()
        raise TimeoutError(str(error)) from None
    try:
        length = response.getheader("Content-Length")
        if response_limit is not None and length is not None and int(length) > response_limit:
            raise ValueError("response too large")
        payload = response.read()
        if response_limit is not None and len(payload) > response_limit:
            raise ValueError("response too large")
    finally:
        connection.close()
    handler.send_response(response.status, response.reason)
    for key, value in response.getheaders():
        if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
            handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(payload)
    return response.status, len(payload)


def reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


class QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def handle_any(self) -> None:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Callable[[], None]:
        if name.startswith("do_"):
            return self.handle_any
        raise AttributeError(name)
