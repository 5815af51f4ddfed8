# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SageMaker Studio: what the domain and user profile helpers (sagemaker_domain.py, sagemaker_user_profile.py)
share: lookups, tags, settings comparison and the status waiter.

A resource dict here is a Describe* answer with its tags added under ``Tags`` (as a dict).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import (
    AwsError,
    call,
    call_or_none,
    client,
    error_code,
    paginate,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import to_snake as _snake
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_dict, tag_list
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import Waiter, status_is

# Seconds between two status polls: Studio resources take minutes on AWS.
POLL_SECONDS = 15
FAILED = ("Failed", "Update_Failed", "Delete_Failed")
TRANSITIONAL = ("Pending", "Updating")
in_service = status_is("InService")


def sagemaker_client(module: Any) -> Any:
    return client(module, "sagemaker")


def to_snake(resource: dict | None) -> dict:
    """The module's view of a resource: snake_case, tags as a plain dict under ``tags``."""
    if not resource:
        return {}
    snaked = _snake({k: v for k, v in resource.items() if k != "Tags"})
    if "Tags" in resource:
        snaked["tags"] = dict(resource["Tags"])
    return snaked


def settings_to_aws(settings: dict | None) -> dict:
    """A snake_case settings dict as the API's CamelCase (execution_role -> ExecutionRole)."""
    return snake_dict_to_camel_dict(settings or {}, capitalize_first=True)


def contains(current: Any, wanted: Any) -> bool:
    """True when every value given in ``wanted`` is already in ``current`` (AWS fills in other settings)."""
    if isinstance(wanted, dict):
        return isinstance(current, dict) and all(contains(current.get(key), value) for key, value in wanted.items())
    if isinstance(wanted, list) and isinstance(current, list):
        if all(not isinstance(item, (dict, list)) for item in wanted + current):
            return sorted(map(str, wanted)) == sorted(map(str, current))
        return len(wanted) == len(current) and all(contains(c, w) for c, w in zip(current, wanted))  # noqa: B905 - lengths checked
    return current == wanted


def get_tags(aws: Any, arn: str) -> dict[str, str]:
    return tag_dict(paginate(aws, "list_tags", "Tags", f"list the tags of {arn}", ResourceArn=arn))


def with_tags(aws: Any, resource: dict | None, arn_key: str) -> dict | None:
    if resource is None:
        return None
    resource = {k: v for k, v in resource.items() if k != "ResponseMetadata"}
    resource["Tags"] = get_tags(aws, resource[arn_key])
    return resource


def apply_tag_plan(aws: Any, arn: str, plan: TagPlan) -> None:
    plan.apply(
        lambda keys: call(aws, "delete_tags", f"update the tags of {arn}", ResourceArn=arn, TagKeys=keys),
        lambda tags: call(aws, "add_tags", f"update the tags of {arn}", ResourceArn=arn, Tags=tag_list(tags)),
    )


def failure(resource: dict | None) -> str | None:
    """AWS's account of a failed resource, for the waiter and for a resource found failed."""
    if resource is None or resource.get("Status") not in FAILED:
        return None
    return "is {}: {}".format(resource["Status"], resource.get("FailureReason") or "no reason given")


def waiter(what: str, describe: Callable[[], Any], done: Callable[[Any], bool], goal: str, timeout: float) -> Waiter:
    return Waiter(
        what=what, goal=goal, describe=describe, done=done, failure=failure, timeout=timeout, interval=POLL_SECONDS
    )


class StudioManager(ResourceManager):
    """What the domain and user profile managers share: the SageMaker client, the snake_case view, and waits
    bounded by ``wait_timeout``."""

    service = "sagemaker"

    def view(self, resource: Any) -> dict:
        return to_snake(resource)

    def wait_for(self, what: str, describe: Callable[[], Any], done: Callable[[Any], bool], goal: str) -> Any:
        return waiter(what, describe, done, goal, self.params["wait_timeout"]).wait()


def describe_validated(aws: Any, operation: str, missing: str, description: str, **kwargs: Any) -> dict | None:
    """Describe calls that say a resource is missing with a ValidationException (notebook instances and their
    lifecycle configurations): None when its message contains ``missing``, else the answer or an AwsError."""
    try:
        return call(aws, operation, description, **kwargs)
    except AwsError as error:
        if error_code(error.cause) == "ValidationException" and missing in str(error.cause):
            return None
        raise


def describe_domain(aws: Any, domain_id: str) -> dict | None:
    return call_or_none(aws, "describe_domain", "ResourceNotFound", f"describe domain {domain_id}", DomainId=domain_id)


def list_domains(aws: Any) -> list[dict]:
    return paginate(aws, "list_domains", "Domains", "list domains")


def describe_user_profile(aws: Any, domain_id: str, name: str) -> dict | None:
    return call_or_none(
        aws,
        "describe_user_profile",
        "ResourceNotFound",
        f"describe user profile {name} of domain {domain_id}",
        DomainId=domain_id,
        UserProfileName=name,
    )


def list_user_profiles(aws: Any, domain_id: str | None) -> list[dict]:
    kwargs = {"DomainIdEquals": domain_id} if domain_id else {}
    return paginate(aws, "list_user_profiles", "UserProfiles", "list user profiles", **kwargs)


def list_apps(aws: Any, domain_id: str, name: str) -> list[dict]:
    return paginate(
        aws,
        "list_apps",
        "Apps",
        f"list the apps of user profile {name}",
        DomainIdEquals=domain_id,
        UserProfileNameEquals=name,
    )
