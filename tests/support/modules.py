"""Run an Ansible module's main() in-process and return what it exited with."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from ansible.module_utils.testing import patch_module_args


class ModuleExit(Exception):
    """Raised in place of the process exit; ``result`` is the module's JSON result."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result.get("msg", ""))
        self.result = result


def run_module(
    main: Callable[[], None], args: dict[str, Any], capsys: pytest.CaptureFixture[str], check_mode: bool = False
) -> dict[str, Any]:
    """Call ``main`` with ``args``; returns the result of exit_json and fail_json alike (``failed`` tells)."""
    module_args = dict(args)
    if check_mode:
        module_args["_ansible_check_mode"] = True
    module_args.setdefault("_ansible_diff", True)
    capsys.readouterr()
    with patch_module_args(module_args), pytest.raises(SystemExit):
        main()
    return json.loads(capsys.readouterr().out)
