# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets Manager metadata (never values): what community.aws.secretsmanager_secret does not return alone."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import call_or_none, client, to_snake
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import tag_dict


def describe_secret(aws: Any, secret_id: str) -> dict[str, Any] | None:
    """The secret's metadata in snake_case, tags as a dict; None when it does not exist."""
    secret = call_or_none(
        aws, "describe_secret", "ResourceNotFoundException", f"describe secret {secret_id}", SecretId=secret_id
    )
    if secret is None:
        return None
    tags = tag_dict(secret.pop("Tags", []))
    result = to_snake(secret)
    result["tags"] = tags
    result["scheduled_for_deletion"] = "deleted_date" in result
    return result


def secret_info(module: Any) -> dict[str, Any]:
    secret = describe_secret(client(module, "secretsmanager"), module.params["name"])
    return {"changed": False, "exists": secret is not None, "secret": secret or {}}
