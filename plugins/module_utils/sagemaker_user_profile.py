# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SageMaker Studio user profiles: created, updated in place and deleted with their apps."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call, call_or_none
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.role_propagation import SAGEMAKER, call_passing_role
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker import (
    TRANSITIONAL,
    StudioManager,
    apply_tag_plan,
    contains,
    describe_domain,
    describe_user_profile,
    failure,
    in_service,
    list_apps,
    list_user_profiles,
    sagemaker_client,
    settings_to_aws,
    to_snake,
    with_tags,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_list
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import gone

APP_DONE = ("Deleted",)


class UserProfileManager(StudioManager):
    result_key = "user_profile"

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.domain_id = self.params["domain_id"]
        self.name = self.params["user_profile_name"]

    def _describe(self) -> dict | None:
        return with_tags(self.client, describe_user_profile(self.client, self.domain_id, self.name), "UserProfileArn")

    def _wait(self, done: Any, goal: str) -> dict | None:
        what = f"user profile {self.name} of domain {self.domain_id}"

        def describe() -> dict | None:
            return describe_user_profile(self.client, self.domain_id, self.name)

        self.wait_for(what, describe, done, goal)
        return self._describe()

    def find(self) -> dict | None:
        return self._describe()

    def _settings(self) -> dict | None:
        settings = settings_to_aws(self.params.get("user_settings"))
        if self.params.get("execution_role"):
            settings["ExecutionRole"] = self.params["execution_role"]
        return settings or None

    # present

    def present(self, current: dict | None) -> dict:
        if current and current["Status"] == "Deleting":
            if self.check_mode or not self.params["wait"]:
                raise AwsError(f"User profile {self.name} is being deleted; run again once it is gone")
            current = self._wait(gone, "be deleted")
        if current is not None and current["Status"] in TRANSITIONAL and self.params["wait"]:
            current = self._wait(in_service, "become InService")
        reason = failure(current)
        if reason is not None:
            # A failed profile is not the profile asked for: report AWS's reason, never adopt it.
            raise AwsError(
                f"SageMaker user profile {self.name} of domain {self.domain_id} {reason}",
                user_profile=to_snake(current),
            )
        return super().present(current)

    def _create_request(self) -> dict:
        request: dict = {"DomainId": self.domain_id, "UserProfileName": self.name}
        settings = self._settings()
        if settings:
            request["UserSettings"] = settings
        return request

    def plan_create(self) -> dict:
        if describe_domain(self.client, self.domain_id) is None:
            raise AwsError(f"Domain {self.domain_id} does not exist")
        return dict(self._create_request(), Tags=dict(self.params.get("tags") or {}))

    def create(self) -> dict | None:
        request = self._create_request()
        if self.params.get("tags"):
            request["Tags"] = tag_list(self.params["tags"])
        call_passing_role(self.client, "create_user_profile", f"create user profile {self.name}", SAGEMAKER, **request)
        if self.params["wait"]:
            return self._wait(in_service, "become InService")
        return self._describe()

    def plan_update(self, current: dict) -> dict | None:
        settings = self._settings()
        self.settings = (
            settings if settings is not None and not contains(current.get("UserSettings"), settings) else None
        )
        self.tags = TagPlan.of(current["Tags"], self.params.get("tags"), self.params["purge_tags"])
        if not (self.settings or self.tags.changed):
            return None
        planned = dict(current, Tags=self.tags.after)
        if self.settings:
            planned["UserSettings"] = {**(current.get("UserSettings") or {}), **self.settings}
        return planned

    def update(self, current: dict, planned: dict) -> dict | None:
        if self.settings:
            call(
                self.client,
                "update_user_profile",
                f"update user profile {self.name}",
                DomainId=self.domain_id,
                UserProfileName=self.name,
                UserSettings=self.settings,
            )
        apply_tag_plan(self.client, current["UserProfileArn"], self.tags)
        if self.settings and self.params["wait"]:
            return self._wait(in_service, "become InService")
        return self._describe()

    # absent

    def absent(self, current: dict | None) -> dict:
        self.extra["deleted_apps"] = []
        if current is None:
            return self.result({}, {}, {})
        before = self.view(current)
        if current["Status"] == "Deleting":
            if self.params["wait"] and not self.check_mode:
                self._wait(gone, "be deleted")
            return self.result(before, before, before)
        apps = self._live_apps()
        self.extra["deleted_apps"] = [to_snake(app) for app in apps]
        self.changed = True
        if not self.check_mode:
            self._delete_apps(apps)
            self.delete(current)
        return self.result(before, before, {})

    def delete(self, current: dict) -> None:
        call(
            self.client,
            "delete_user_profile",
            f"delete user profile {self.name}",
            DomainId=self.domain_id,
            UserProfileName=self.name,
        )
        if self.params["wait"]:
            self._wait(gone, "be deleted")

    def _live_apps(self) -> list[dict]:
        return [app for app in list_apps(self.client, self.domain_id, self.name) if app["Status"] not in APP_DONE]

    def _delete_apps(self, apps: list[dict]) -> None:
        for app in apps:
            if app["Status"] == "Deleting":
                continue
            call_or_none(
                self.client,
                "delete_app",
                "ResourceNotFound",
                "delete app {} ({})".format(app["AppName"], app["AppType"]),
                DomainId=self.domain_id,
                UserProfileName=app["UserProfileName"],
                AppType=app["AppType"],
                AppName=app["AppName"],
            )

        def remaining() -> dict | None:
            live = self._live_apps()
            return {"Apps": live, "Status": "Deleting"} if live else None

        self.wait_for(f"the apps of user profile {self.name}", remaining, gone, "be deleted")


def user_profiles_info(module: Any) -> list[dict]:
    aws = sagemaker_client(module)
    domain_id, name = module.params.get("domain_id"), module.params.get("user_profile_name")
    summaries = [{"DomainId": domain_id, "UserProfileName": name}] if name else list_user_profiles(aws, domain_id)
    results = []
    for summary in summaries:
        profile = describe_user_profile(aws, summary["DomainId"], summary["UserProfileName"])
        if profile is None:
            continue
        result = to_snake(with_tags(aws, profile, "UserProfileArn"))
        apps = list_apps(aws, profile["DomainId"], profile["UserProfileName"])
        result["apps"] = [to_snake(app) for app in apps]
        results.append(result)
    return results
