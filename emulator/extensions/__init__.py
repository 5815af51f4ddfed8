"""Extensions the launcher puts in front of moto, in the order they see a request.

Each module exposes ``build() -> Extension``. Add a module and list it in ``ENABLED``.
"""

from __future__ import annotations

import importlib

from emulator.middleware import Extension

ENABLED: tuple[str, ...] = ("sagemaker_studio", "apigatewayv2_stages")


def load(names: tuple[str, ...] = ENABLED) -> list[Extension]:
    return [importlib.import_module(f"emulator.extensions.{name}").build() for name in names]
