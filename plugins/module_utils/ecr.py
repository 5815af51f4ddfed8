# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECR: registry credentials from GetAuthorizationToken, decoded for docker login; repository tags
(community.aws.ecs_ecr takes none)."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call, call_or_none, client
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_dict, tag_list


class TokenFormatError(AwsError):
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


def authorization_data(aws: Any, registry_ids: list[str] | None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {}
    if registry_ids:
        params["registryIds"] = registry_ids
    response = call(aws, "get_authorization_token", "get an ECR authorization token", **params)
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
    entries = authorization_data(client(module, "ecr"), module.params["registry_ids"])
    if not entries:
        raise AwsError("ECR returned no authorization data")
    first = entries[0]
    return {
        "changed": False,
        "authorization_data": entries,
        **{key: first[key] for key in ("registry", "proxy_endpoint", "username", "password", "expires_at")},
    }


class RepositoryTagsManager(ResourceManager):
    """The tags of an existing repository (community.aws.ecs_ecr creates it); the diff shows the tags only."""

    result_key = "repository"
    service = "ecr"

    @property
    def name(self) -> str:
        return self.params["name"]

    def find(self) -> dict[str, Any] | None:
        found = call_or_none(
            self.client,
            "describe_repositories",
            "RepositoryNotFoundException",
            f"tag ECR repository {self.name}",
            repositoryNames=[self.name],
        )
        if not found or not found["repositories"]:
            return None
        repository = found["repositories"][0]
        arn = repository["repositoryArn"]
        tags = call(self.client, "list_tags_for_resource", f"tag ECR repository {self.name}", resourceArn=arn)
        return dict(repository, tags=tag_dict(tags["tags"]))

    def view(self, resource: dict[str, Any]) -> dict:
        return {"tags": dict(resource["tags"])}

    def returned(self, resource: dict[str, Any]) -> dict:
        return {
            "repository_name": resource["repositoryName"],
            "repository_arn": resource["repositoryArn"],
            "repository_uri": resource["repositoryUri"],
            "registry_id": resource["registryId"],
            "tags": dict(resource["tags"]),
        }

    def present(self, current: dict[str, Any] | None) -> dict:
        if current is None:
            # In check mode the repository may be one an earlier task would have created.
            if self.check_mode:
                self.changed = True
                return self.result({}, {}, {"tags": self.params["tags"]})
            raise AwsError(f"ECR repository {self.name} does not exist; create it first (community.aws.ecs_ecr)")
        return super().present(current)

    def plan_update(self, current: dict[str, Any]) -> dict[str, Any] | None:
        self.tags = TagPlan.of(current["tags"], self.params["tags"], self.params["purge_tags"])
        return dict(current, tags=self.tags.after) if self.tags.changed else None

    def update(self, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any]:
        arn = current["repositoryArn"]
        description = f"tag ECR repository {self.name}"
        self.tags.apply(
            lambda keys: call(self.client, "untag_resource", description, resourceArn=arn, tagKeys=keys),
            lambda tags: call(self.client, "tag_resource", description, resourceArn=arn, tags=tag_list(tags)),
        )
        return planned
