"""Headless Chromium (Debian's package) driven over the DevTools protocol: pages with extra headers."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import websocket

START_TIMEOUT_S = 30.0


class Page:
    def __init__(self, socket: websocket.WebSocket) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.responses: list[tuple[int, str]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self.ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("method") == "Network.responseReceived":
                response = message["params"]["response"]
                self.responses.append((int(response["status"]), str(response["url"])))
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    def text(self) -> str:
        result = self.call("Runtime.evaluate", expression="document.body ? document.body.innerText : ''")
        return str(result.get("result", {}).get("value", ""))

    def wait_for_text(self, needle: str, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return True
            time.sleep(0.5)
        return False

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def open_page(headers: dict[str, str]) -> Iterator[Page]:
    """A blank page whose every request carries ``headers`` (e.g. Authorization)."""
    binary = chromium()
    assert binary, "chromium is missing: tools/install-system-deps"
    profile = Path(tempfile.mkdtemp(prefix="chromium-"))
    process = subprocess.Popen(
        [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--window-size=1400,900",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = _devtools_port(profile)
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
        target = next((t for t in targets if t.get("type") == "page"), None)
        if target is None:
            raise RuntimeError(f"Chromium shows no page to drive: {targets}")
        socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30)
        page = Page(socket)
        page.call("Network.enable")
        page.call("Network.setExtraHTTPHeaders", headers=headers)
        page.call("Page.enable")
        yield page
        socket.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_port(profile: Path) -> int:
    deadline = time.monotonic() + START_TIMEOUT_S
    marker = profile / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if marker.is_file() and marker.read_text().strip():
            return int(marker.read_text().splitlines()[0])
        time.sleep(0.2)
    raise RuntimeError("chromium did not open its DevTools port")
