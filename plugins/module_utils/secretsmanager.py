# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets Manager metadata (never values): what community.aws.secretsmanager_secret does not return alone."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict


def describe_secret(client: Any, secret_id: str) -> dict[str, Any] | None:
    """The secret's metadata in snake_case, tags as a dict; None when it does not exist."""
    try:
        secret = client.describe_secret(aws_retry=True, SecretId=secret_id)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    secret.pop("ResponseMetadata", None)
    tags = boto3_tag_list_to_ansible_dict(secret.pop("Tags", []))
    result = camel_dict_to_snake_dict(secret)
    result["tags"] = tags
    result["scheduled_for_deletion"] = "deleted_date" in result
    return result
