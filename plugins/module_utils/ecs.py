# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS tasks as DescribeTasks shows them: what community.aws.ecs_task does not read back once started."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import call, client, to_snake

# DescribeTasks takes at most 100 tasks a call.
DESCRIBE_TASKS_MAX = 100


def describe_tasks(aws: Any, cluster: str, tasks: list[str]) -> list[dict[str, Any]]:
    """The tasks that exist, in snake_case (tasks ECS no longer knows are left out, as AWS reports them)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(tasks), DESCRIBE_TASKS_MAX):
        batch = tasks[start : start + DESCRIBE_TASKS_MAX]
        answer = call(aws, "describe_tasks", f"describe the tasks of cluster {cluster}", cluster=cluster, tasks=batch)
        found.extend(to_snake(task) for task in answer.get("tasks", []))
    return found


def task_info(module: Any) -> dict[str, Any]:
    tasks = describe_tasks(client(module, "ecs"), module.params["cluster"], module.params["tasks"])
    return {"tasks": tasks}
