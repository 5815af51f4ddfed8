# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECR: registry credentials from GetAuthorizationToken, decoded for docker login; repository tags
(community.aws.ecs_ecr takes none)."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)


class TokenFormatError(Exception):
    """An authorization token that is not base64 of ``user:password``."""


def decode_token(token: str) -> tuple[str, str]:
    """Split a base64 ``user:password`` token; the message never includes the token."""
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TokenFormatError("ECR returned an authorization token that is not valid base64 text") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username or not password:
        raise TokenFormatError("ECR returned an authorization token that is not of the form user:password")
    return username, password


def registry_host(proxy_endpoint: str) -> str:
    """``https://123.dkr.ecr.us-east-1.amazonaws.com`` -> ``123.dkr.ecr.us-east-1.amazonaws.com``."""
    host = proxy_endpoint.split("://", 1)[-1]
    return host.rstrip("/")


def _expiry(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value) if value is not None else None


def authorization_data(client: Any, registry_ids: list[str] | None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {}
    if registry_ids:
        params["registryIds"] = registry_ids
    response = client.get_authorization_token(aws_retry=True, **params)
    entries = []
    for item in response.get("authorizationData", []):
        username, password = decode_token(item["authorizationToken"])
        endpoint = item.get("proxyEndpoint", "")
        host = registry_host(endpoint)
        entries.append(
            {
                "registry_id": host.split(".", 1)[0],
                "proxy_endpoint": endpoint,
                "registry": host,
                "username": username,
                "password": password,
                "expires_at": _expiry(item.get("expiresAt")),
            }
        )
    return entries


def token_info(module: Any) -> dict[str, Any]:
    """The module result: every registry's credentials, and the first one's at the top level."""
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    try:
        entries = authorization_data(client, module.params["registry_ids"])
    except TokenFormatError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to get an ECR authorization token")
    if not entries:
        module.fail_json(msg="ECR returned no authorization data")
    first = entries[0]
    return {
        "changed": False,
        "authorization_data": entries,
        "registry": first["registry"],
        "proxy_endpoint": first["proxy_endpoint"],
        "username": first["username"],
        "password": first["password"],
        "expires_at": first["expires_at"],
    }


def _repository(client: Any, name: str) -> dict[str, Any] | None:
    try:
        found = client.describe_repositories(aws_retry=True, repositoryNames=[name])["repositories"]
    except is_boto3_error_code("RepositoryNotFoundException"):
        return None
    return found[0] if found else None


def _repository_result(repository: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    return {
        "repository_name": repository["repositoryName"],
        "repository_arn": repository["repositoryArn"],
        "repository_uri": repository["repositoryUri"],
        "registry_id": repository["registryId"],
        "tags": tags,
    }


def _retag(client: Any, arn: str, to_set: dict[str, str], to_remove: list[str]) -> None:
    if to_remove:
        client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_remove)
    if to_set:
        client.tag_resource(aws_retry=True, resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(to_set))


def ensure_repository_tags(module: Any) -> dict[str, Any]:
    """The module result: the repository's tags made equal to (or, without purge, a superset of) ``tags``."""
    name, wanted, purge = module.params["name"], module.params["tags"], module.params["purge_tags"]
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    try:
        repository = _repository(client, name)
        if repository is None:
            # In check mode the repository may be one an earlier task would have created.
            if module.check_mode:
                return {"changed": True, "repository": {}, "diff": {"before": {}, "after": {"tags": wanted}}}
            module.fail_json(msg=f"ECR repository {name} does not exist; create it first (community.aws.ecs_ecr)")
        arn = repository["repositoryArn"]
        current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, resourceArn=arn)["tags"])
        to_set, to_remove = compare_aws_tags(current, wanted, purge_tags=purge)
        if not module.check_mode:
            _retag(client, arn, to_set, to_remove)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to tag ECR repository {name}")
    after = {key: value for key, value in {**current, **to_set}.items() if key not in to_remove}
    return {
        "changed": bool(to_set or to_remove),
        "repository": _repository_result(repository, after),
        "diff": {"before": {"tags": current}, "after": {"tags": after}},
    }
