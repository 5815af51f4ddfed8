"""An extension that changes moto only through its models (patched when the extension is built)."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.wrappers import Response

from emulator.request import AwsRequest


@dataclass(frozen=True)
class ModelPatches:
    """Answers nothing itself: the patched models answer as AWS does, through moto."""

    name: str

    def handle(self, request: AwsRequest) -> Response | None:
        return None
