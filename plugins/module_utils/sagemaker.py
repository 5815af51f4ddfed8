# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SageMaker Studio domains and user profiles for the sagemaker_* modules: lookups, waits, tags, changes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict, snake_dict_to_camel_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

# Seconds between two status polls; Studio resources take minutes on AWS (tests set it to 0).
POLL_DELAY = 15
DOMAIN_IMMUTABLE = (("vpc_id", "VpcId"), ("auth_mode", "AuthMode"))
FAILED = ("Failed", "Update_Failed", "Delete_Failed")
APP_DONE = ("Deleted",)


def sagemaker_client(module: Any) -> Any:
    return module.client("sagemaker", retry_decorator=AWSRetry.jittered_backoff())


def fail_aws(module: Any, error: Exception, action: str) -> None:
    module.fail_json_aws(error, msg=f"Failed to {action}")


def _paged(call: Callable[..., dict], key: str, **kwargs: Any) -> list[dict]:
    items: list[dict] = []
    while True:
        page = call(aws_retry=True, **kwargs)
        items.extend(page.get(key, []))
        if not page.get("NextToken"):
            return items
        kwargs["NextToken"] = page["NextToken"]


def to_snake(resource: dict | None, tags: dict[str, str] | None = None) -> dict:
    if not resource:
        return {}
    snaked = camel_dict_to_snake_dict({k: v for k, v in resource.items() if k != "ResponseMetadata"})
    if tags is not None:
        snaked["tags"] = tags
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
        return len(wanted) == len(current) and all(contains(c, w) for c, w in zip(current, wanted))  # noqa: B905 - lengths checked; strict= needs 3.10
    return current == wanted


# Tags


def get_tags(module: Any, client: Any, arn: str) -> dict[str, str]:
    try:
        return boto3_tag_list_to_ansible_dict(_paged(client.list_tags, "Tags", ResourceArn=arn))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        fail_aws(module, e, f"list the tags of {arn}")
    return {}


def ensure_tags(module: Any, client: Any, arn: str, current: dict[str, str]) -> bool:
    """Apply ``tags``/``purge_tags``; True when something changes (nothing is written in check mode)."""
    if module.params.get("tags") is None:
        return False
    to_set, to_delete = compare_aws_tags(current, module.params["tags"], module.params["purge_tags"])
    if not (to_set or to_delete) or module.check_mode:
        return bool(to_set or to_delete)
    try:
        if to_delete:
            client.delete_tags(ResourceArn=arn, TagKeys=to_delete, aws_retry=True)
        if to_set:
            client.add_tags(ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        fail_aws(module, e, f"update the tags of {arn}")
    return True


def desired_tags(module: Any, current: dict[str, str]) -> dict[str, str]:
    if module.params.get("tags") is None:
        return dict(current)
    to_set, to_delete = compare_aws_tags(current, module.params["tags"], module.params["purge_tags"])
    merged = {key: value for key, value in current.items() if key not in to_delete}
    merged.update(to_set)
    return merged


# Waiting


def wait_for(
    module: Any, describe: Callable[[], dict | None], done: Callable[[dict | None], bool], what: str
) -> dict | None:
    """Poll ``describe`` until ``done`` says so; fail on a failed state or after ``wait_timeout`` seconds."""
    deadline = time.monotonic() + module.params["wait_timeout"]
    while True:
        current = describe()
        if done(current):
            return current
        status = (current or {}).get("Status")
        if status in FAILED:
            module.fail_json(
                msg="{} is {}: {}".format(what, status, (current or {}).get("FailureReason", "no reason given"))
            )
        if time.monotonic() >= deadline:
            module.fail_json(
                msg="Timed out after {} s waiting for {} (status {})".format(
                    module.params["wait_timeout"], what, status or "gone"
                )
            )
        time.sleep(POLL_DELAY)


def _in_service(current: dict | None) -> bool:
    return bool(current) and current.get("Status") == "InService"


def _gone(current: dict | None) -> bool:
    return not current


# Domains


def describe_domain(module: Any, client: Any, domain_id: str) -> dict | None:
    try:
        return client.describe_domain(DomainId=domain_id, aws_retry=True)
    except is_boto3_error_code("ResourceNotFound"):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        fail_aws(module, e, f"describe domain {domain_id}")
    return None


def list_domains(module: Any, client: Any) -> list[dict]:
    try:
        return _paged(client.list_domains, "Domains")
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        fail_aws(module, e, "list domains")
    return []


def find_domain(module: Any, client: Any, domain_id: str | None, domain_name: str | None) -> dict | None:
    """The domain by id, else the one named ``domain_name`` (names are unique in an account and region)."""
    if domain_id:
        domain = describe_domain(module, client, domain_id)
        if domain and domain_name and domain["DomainName"] != domain_name:
            module.fail_json(msg="Domain {} is named {}, not {}".format(domain_id, domain["DomainName"], domain_name))
        return domain
    for summary in list_domains(module, client):
        if summary["DomainName"] == domain_name:
            return describe_domain(module, client, summary["DomainId"])
    return None


def domain_result(module: Any, client: Any, domain: dict | None) -> dict:
    if not domain:
        return {}
    return to_snake(domain, get_tags(module, client, domain["DomainArn"]))


def _wait_domain(module: Any, client: Any, domain_id: str, done: Callable[[dict | None], bool]) -> dict | None:
    return wait_for(module, lambda: describe_domain(module, client, domain_id), done, f"domain {domain_id}")


def _domain_wanted(module: Any) -> dict:
    """The CreateDomain parameters the module arguments ask for."""
    params = module.params
    wanted: dict = {"DomainName": params["domain_name"], "AuthMode": params["auth_mode"]}
    if params.get("vpc_id"):
        wanted["VpcId"] = params["vpc_id"]
    if params.get("subnet_ids"):
        wanted["SubnetIds"] = params["subnet_ids"]
    if params.get("default_user_settings") is not None:
        wanted["DefaultUserSettings"] = settings_to_aws(params["default_user_settings"])
    if params.get("app_network_access_type"):
        wanted["AppNetworkAccessType"] = params["app_network_access_type"]
    return wanted


def _immutable_conflicts(module: Any, domain: dict) -> list[str]:
    conflicts = []
    for option, key in DOMAIN_IMMUTABLE:
        if module.params.get(option) and module.params[option] != domain.get(key):
            conflicts.append(f"{option} is {domain.get(key)!r}, not {module.params[option]!r}")
    subnets = module.params.get("subnet_ids")
    if subnets and sorted(subnets) != sorted(domain.get("SubnetIds") or []):
        conflicts.append("subnet_ids is {!r}, not {!r}".format(domain.get("SubnetIds"), subnets))
    return conflicts


def _domain_updates(module: Any, domain: dict) -> dict:
    """The UpdateDomain parameters needed to reach the arguments from ``domain`` (empty when none)."""
    updates: dict = {}
    wanted = _domain_wanted(module)
    if "DefaultUserSettings" in wanted and not contains(
        domain.get("DefaultUserSettings"), wanted["DefaultUserSettings"]
    ):
        updates["DefaultUserSettings"] = wanted["DefaultUserSettings"]
    if "AppNetworkAccessType" in wanted and wanted["AppNetworkAccessType"] != domain.get("AppNetworkAccessType"):
        updates["AppNetworkAccessType"] = wanted["AppNetworkAccessType"]
    return updates


def ensure_domain_present(module: Any, client: Any) -> dict:
    params = module.params
    domain = find_domain(module, client, params.get("domain_id"), params.get("domain_name"))
    if domain is None:
        if params.get("domain_id"):
            module.fail_json(
                msg="Domain {} does not exist; give domain_name (not domain_id) to create a domain".format(
                    params["domain_id"]
                )
            )
        return _create_domain(module, client)
    if domain.get("Status") in ("Pending", "Updating") and params["wait"]:
        domain = _wait_domain(module, client, domain["DomainId"], _in_service)
    if domain.get("Status") == "Deleting":
        module.fail_json(msg="Domain {} is being deleted; run again once it is gone".format(domain["DomainId"]))
    conflicts = _immutable_conflicts(module, domain)
    if conflicts:
        module.fail_json(
            msg="Domain {} cannot be changed in place: {}. AWS cannot change these, and replacing a domain "
            "destroys its users' data: delete it deliberately (state=absent) or use the existing values.".format(
                domain["DomainId"], "; ".join(conflicts)
            ),
            domain=domain_result(module, client, domain),
        )
    before = domain_result(module, client, domain)
    updates = _domain_updates(module, domain)
    changed = bool(updates)
    if updates and not module.check_mode:
        try:
            client.update_domain(DomainId=domain["DomainId"], aws_retry=True, **updates)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            fail_aws(module, e, "update domain {}".format(domain["DomainId"]))
    changed |= ensure_tags(module, client, domain["DomainArn"], before.get("tags", {}))
    if module.check_mode:
        planned = dict(domain, **updates)
        if "DefaultUserSettings" in updates:
            planned["DefaultUserSettings"] = dict(
                domain.get("DefaultUserSettings") or {}, **updates["DefaultUserSettings"]
            )
        after = to_snake(planned, desired_tags(module, before.get("tags", {})))
        return {"changed": changed, "domain": after, "diff": {"before": before, "after": after}}
    if updates and params["wait"]:
        _wait_domain(module, client, domain["DomainId"], _in_service)
    after = domain_result(module, client, describe_domain(module, client, domain["DomainId"])) if changed else before
    return {"changed": changed, "domain": after, "diff": {"before": before, "after": after}}


def _create_domain(module: Any, client: Any) -> dict:
    params = module.params
    wanted = _domain_wanted(module)
    missing = [name for name in ("vpc_id", "subnet_ids", "default_user_settings") if not params.get(name)]
    if missing:
        module.fail_json(msg="Creating domain {} needs {}".format(params["domain_name"], ", ".join(missing)))
    if params.get("tags"):
        wanted["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    after = to_snake({k: v for k, v in wanted.items() if k != "Tags"}, params.get("tags") or {})
    if module.check_mode:
        return {"changed": True, "domain": after, "diff": {"before": {}, "after": after}}
    try:
        domain_id = client.create_domain(aws_retry=True, **wanted)["DomainId"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        fail_aws(module, e, "create domain {}".format(params["domain_name"]))
    domain = (
        _wait_domain(module, client, domain_id, _in_service)
        if params["wait"]
        else describe_domain(module, client, domain_id)
    )
    result = domain_result(module, client, domain)
    return {"changed": True, "domain": result, "diff": {"before": {}, "after": result}}


def _profile_names(module: Any, client: Any, domain_id: str) -> list[str]:
    return sorted(profile["UserProfileName"] for profile in list_user_profiles(module, client, domain_id))


def ensure_domain_absent(module: Any, client: Any) -> dict:
    params = module.params
    domain = find_domain(module, client, params.get("domain_id"), params.get("domain_name"))
    if domain is None:
        return {"changed": False, "domain": {}, "diff": {"before": {}, "after": {}}}
    before = domain_result(module, client, domain)
    if domain.get("Status") == "Deleting":
        if params["wait"] and not module.check_mode:
            _wait_domain(module, client, domain["DomainId"], _gone)
        return {"changed": False, "domain": before, "diff": {"before": before, "after": before}}
    profiles = _profile_names(module, client, domain["DomainId"])
    if profiles:
        module.fail_json(
            msg="Domain {} still has user profiles ({}); delete them first "
            "(mlops.mlflow_aws.sagemaker_user_profile state=absent)".format(domain["DomainId"], ", ".join(profiles))
        )
    if not module.check_mode:
        retention = {"HomeEfsFileSystem": params["retention_policy"]["home_efs_file_system"]}
        try:
            client.delete_domain(DomainId=domain["DomainId"], RetentionPolicy=retention, aws_retry=True)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            fail_aws(module, e, "delete domain {}".format(domain["DomainId"]))
        if params["wait"]:
            _wait_domain(module, client, domain["DomainId"], _gone)
    return {"changed": True, "domain": before, "diff": {"before": before, "after": {}}}


def domains_info(module: Any, client: Any) -> list[dict]:
    params = module.params
    if params.get("domain_id") or params.get("domain_name"):
        found = find_domain(module, client, params.get("domain_id"), params.get("domain_name"))
        domains = [found] if found else []
    else:
        domains = [describe_domain(module, client, summary["DomainId"]) for summary in list_domains(module, client)]
    return [domain_result(module, client, domain) for domain in domains if domain]


# User profiles and their apps


def describe_user_profile(module: Any, client: Any, domain_id: str, name: str) -> dict | None:
    try:
        return client.describe_user_profile(DomainId=domain_id, UserProfileName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFound"):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        fail_aws(module, e, f"describe user profile {name} of domain {domain_id}")
    return None


def list_user_profiles(module: Any, client: Any, domain_id: str | None) -> list[dict]:
    kwargs = {"DomainIdEquals": domain_id} if domain_id else {}
    try:
        return _paged(client.list_user_profiles, "UserProfiles", **kwargs)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        fail_aws(module, e, "list user profiles")
    return []


def list_apps(module: Any, client: Any, domain_id: str, name: str) -> list[dict]:
    try:
        return _paged(client.list_apps, "Apps", DomainIdEquals=domain_id, UserProfileNameEquals=name)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        fail_aws(module, e, f"list the apps of user profile {name}")
    return []


def user_profile_result(module: Any, client: Any, profile: dict | None, with_apps: bool = False) -> dict:
    if not profile:
        return {}
    result = to_snake(profile, get_tags(module, client, profile["UserProfileArn"]))
    if with_apps:
        apps = list_apps(module, client, profile["DomainId"], profile["UserProfileName"])
        result["apps"] = [to_snake(app) for app in apps]
    return result


def _wait_profile(module: Any, client: Any, done: Callable[[dict | None], bool]) -> dict | None:
    domain_id, name = module.params["domain_id"], module.params["user_profile_name"]
    return wait_for(
        module,
        lambda: describe_user_profile(module, client, domain_id, name),
        done,
        f"user profile {name} of domain {domain_id}",
    )


def _profile_settings(module: Any) -> dict | None:
    settings = settings_to_aws(module.params.get("user_settings"))
    if module.params.get("execution_role"):
        settings["ExecutionRole"] = module.params["execution_role"]
    return settings or None


def ensure_user_profile_present(module: Any, client: Any) -> dict:
    params = module.params
    domain_id, name = params["domain_id"], params["user_profile_name"]
    profile = describe_user_profile(module, client, domain_id, name)
    if profile and profile["Status"] == "Deleting":
        if module.check_mode or not params["wait"]:
            module.fail_json(msg=f"User profile {name} is being deleted; run again once it is gone")
        profile = _wait_profile(module, client, _gone)
    if profile is None:
        return _create_user_profile(module, client)
    if profile["Status"] in ("Pending", "Updating") and params["wait"]:
        profile = _wait_profile(module, client, _in_service)
    before = user_profile_result(module, client, profile)
    settings = _profile_settings(module)
    update = settings is not None and not contains(profile.get("UserSettings"), settings)
    if update and not module.check_mode:
        try:
            client.update_user_profile(DomainId=domain_id, UserProfileName=name, UserSettings=settings, aws_retry=True)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            fail_aws(module, e, f"update user profile {name}")
    changed = ensure_tags(module, client, profile["UserProfileArn"], before.get("tags", {})) or update
    if module.check_mode:
        after = dict(before, tags=desired_tags(module, before.get("tags", {})))
        if update:
            after["user_settings"] = to_snake(dict(profile.get("UserSettings") or {}, **settings))
        return {"changed": changed, "user_profile": after, "diff": {"before": before, "after": after}}
    if update and params["wait"]:
        _wait_profile(module, client, _in_service)
    after = (
        user_profile_result(module, client, describe_user_profile(module, client, domain_id, name))
        if changed
        else before
    )
    return {"changed": changed, "user_profile": after, "diff": {"before": before, "after": after}}


def _create_user_profile(module: Any, client: Any) -> dict:
    params = module.params
    domain_id, name = params["domain_id"], params["user_profile_name"]
    if describe_domain(module, client, domain_id) is None:
        module.fail_json(msg=f"Domain {domain_id} does not exist")
    request: dict = {"DomainId": domain_id, "UserProfileName": name}
    settings = _profile_settings(module)
    if settings:
        request["UserSettings"] = settings
    if params.get("tags"):
        request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    if module.check_mode:
        after = to_snake({k: v for k, v in request.items() if k != "Tags"}, params.get("tags") or {})
        return {"changed": True, "user_profile": after, "diff": {"before": {}, "after": after}}
    try:
        client.create_user_profile(aws_retry=True, **request)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        fail_aws(module, e, f"create user profile {name}")
    if params["wait"]:
        profile = _wait_profile(module, client, _in_service)
    else:
        profile = describe_user_profile(module, client, domain_id, name)
    result = user_profile_result(module, client, profile)
    return {"changed": True, "user_profile": result, "diff": {"before": {}, "after": result}}


def _delete_apps(module: Any, client: Any, apps: list[dict]) -> None:
    domain_id = module.params["domain_id"]
    for app in apps:
        if app["Status"] in ("Deleting", *APP_DONE):
            continue
        try:
            client.delete_app(
                DomainId=domain_id,
                UserProfileName=app["UserProfileName"],
                AppType=app["AppType"],
                AppName=app["AppName"],
                aws_retry=True,
            )
        except is_boto3_error_code("ResourceNotFound"):
            continue
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            fail_aws(module, e, "delete app {} ({})".format(app["AppName"], app["AppType"]))

    def remaining() -> dict | None:
        live = [
            a
            for a in list_apps(module, client, domain_id, module.params["user_profile_name"])
            if a["Status"] not in APP_DONE
        ]
        return {"Apps": live, "Status": "Deleting"} if live else None

    wait_for(module, remaining, _gone, "the apps of user profile {}".format(module.params["user_profile_name"]))


def ensure_user_profile_absent(module: Any, client: Any) -> dict:
    domain_id, name = module.params["domain_id"], module.params["user_profile_name"]
    profile = describe_user_profile(module, client, domain_id, name)
    if profile is None:
        return {"changed": False, "user_profile": {}, "deleted_apps": [], "diff": {"before": {}, "after": {}}}
    before = user_profile_result(module, client, profile)
    apps = [app for app in list_apps(module, client, domain_id, name) if app["Status"] not in APP_DONE]
    deleted_apps = [to_snake(app) for app in apps]
    if profile["Status"] == "Deleting":
        if module.params["wait"] and not module.check_mode:
            _wait_profile(module, client, _gone)
        return {
            "changed": False,
            "user_profile": before,
            "deleted_apps": [],
            "diff": {"before": before, "after": before},
        }
    if not module.check_mode:
        _delete_apps(module, client, apps)
        try:
            client.delete_user_profile(DomainId=domain_id, UserProfileName=name, aws_retry=True)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            fail_aws(module, e, f"delete user profile {name}")
        if module.params["wait"]:
            _wait_profile(module, client, _gone)
    return {
        "changed": True,
        "user_profile": before,
        "deleted_apps": deleted_apps,
        "diff": {"before": before, "after": {}},
    }


def user_profiles_info(module: Any, client: Any) -> list[dict]:
    domain_id, name = module.params.get("domain_id"), module.params.get("user_profile_name")
    if name:
        summaries = [{"DomainId": domain_id, "UserProfileName": name}]
    else:
        summaries = list_user_profiles(module, client, domain_id)
    profiles = [describe_user_profile(module, client, s["DomainId"], s["UserProfileName"]) for s in summaries]
    return [user_profile_result(module, client, profile, with_apps=True) for profile in profiles if profile]
