"""The order in which playbooks/teardown.yml changes AWS, read from the playbook and its roles' delete paths."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
_COLLECTION = "mlops.mlflow_aws."
_INCLUDES = ("ansible.builtin.import_tasks", "ansible.builtin.include_tasks")
_ROLE_IMPORTS = ("ansible.builtin.import_role", "ansible.builtin.include_role")


def teardown_steps(playbook: Path = ROOT / "playbooks" / "teardown.yml") -> list[str]:
    """``<role> <module FQCN>:<state>`` of every task that writes to AWS, in the order the teardown runs them.

    Reads and finders (``*_info`` modules, ``ansible.builtin``) are left out; a module with no ``state``
    is ``present`` (for example the removal of a security group's rules before the group).
    """
    steps: list[str] = []
    for play in yaml.safe_load(playbook.read_text()):
        for role, task in _flatten(play.get("tasks", []), playbook.parent, ""):
            step = _step(task)
            if step and f"{role} {step}" not in steps:
                steps.append(f"{role} {step}")
    return steps


def _flatten(tasks: list[dict[str, Any]], directory: Path, role: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for task in tasks:
        if "block" in task:
            yield from _flatten(task["block"], directory, role)
        elif any(key in task for key in _INCLUDES):
            path = directory / _first(task, _INCLUDES)
            yield from _flatten(_load(path), path.parent, role)
        elif any(key in task for key in _ROLE_IMPORTS):
            imported = _first(task, _ROLE_IMPORTS)
            name = imported["name"].removeprefix(_COLLECTION)
            path = ROOT / "roles" / name / "tasks" / f"{imported.get('tasks_from', 'main')}.yml"
            yield from _flatten(_load(path), path.parent, name)
        else:
            yield role, task


def _first(task: dict[str, Any], keys: Iterable[str]) -> Any:
    return next(task[key] for key in keys if key in task)


def _load(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text()) or []


def _step(task: dict[str, Any]) -> str | None:
    module = next((key for key in task if key.count(".") == 2 and isinstance(task[key], dict)), None)
    if module is None or module.startswith("ansible.builtin.") or module.endswith("_info"):
        return None
    return f"{module}:{task[module].get('state', 'present')}"
