# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SageMaker Studio domains: found by id or name, created, updated in place, never replaced, deleted."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.role_propagation import SAGEMAKER, call_passing_role
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker import (
    TRANSITIONAL,
    StudioManager,
    apply_tag_plan,
    contains,
    describe_domain,
    failure,
    in_service,
    list_domains,
    list_user_profiles,
    sagemaker_client,
    settings_to_aws,
    to_snake,
    with_tags,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_list
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import gone

DOMAIN_IMMUTABLE = (("vpc_id", "VpcId"), ("auth_mode", "AuthMode"))


def find_domain(aws: Any, domain_id: str | None, domain_name: str | None) -> dict | None:
    """The domain (with its tags) by id, else the one named ``domain_name`` (names are unique in a region)."""
    if domain_id:
        domain = describe_domain(aws, domain_id)
        if domain and domain_name and domain["DomainName"] != domain_name:
            raise AwsError("Domain {} is named {}, not {}".format(domain_id, domain["DomainName"], domain_name))
        return with_tags(aws, domain, "DomainArn")
    for summary in list_domains(aws):
        if summary["DomainName"] == domain_name:
            return with_tags(aws, describe_domain(aws, summary["DomainId"]), "DomainArn")
    return None


class DomainManager(StudioManager):
    result_key = "domain"

    def find(self) -> dict | None:
        return find_domain(self.client, self.params.get("domain_id"), self.params.get("domain_name"))

    def _wait(self, domain_id: str, done: Any, goal: str) -> dict | None:
        def describe() -> dict | None:
            return describe_domain(self.client, domain_id)

        found = self.wait_for(f"SageMaker domain {domain_id}", describe, done, goal)
        return with_tags(self.client, found, "DomainArn")

    def _wanted(self) -> dict:
        """The CreateDomain parameters the module arguments ask for."""
        params = self.params
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

    # present

    def present(self, current: dict | None) -> dict:
        if current is None:
            if self.params.get("domain_id"):
                raise AwsError(
                    "Domain {} does not exist; give domain_name (not domain_id) to create a domain".format(
                        self.params["domain_id"]
                    )
                )
            return super().present(None)
        if current.get("Status") in TRANSITIONAL and self.params["wait"]:
            current = self._wait(current["DomainId"], in_service, "become InService")
        self._refuse_unusable(current)
        return super().present(current)

    def _refuse_unusable(self, domain: dict) -> None:
        reason = failure(domain)
        if reason is not None:
            # A failed domain is not the domain asked for: report AWS's reason, never adopt it.
            raise AwsError(
                "SageMaker domain {} ({}) {}".format(domain["DomainName"], domain["DomainId"], reason),
                domain=to_snake(domain),
            )
        if domain.get("Status") == "Deleting":
            raise AwsError("Domain {} is being deleted; run again once it is gone".format(domain["DomainId"]))
        conflicts = self._immutable_conflicts(domain)
        if conflicts:
            raise AwsError(
                "Domain {} cannot be changed in place: {}. AWS cannot change these, and replacing a domain "
                "destroys its users' data: delete it deliberately (state=absent) or use the existing values.".format(
                    domain["DomainId"], "; ".join(conflicts)
                ),
                domain=to_snake(domain),
            )

    def _immutable_conflicts(self, domain: dict) -> list[str]:
        conflicts = []
        for option, key in DOMAIN_IMMUTABLE:
            if self.params.get(option) and self.params[option] != domain.get(key):
                conflicts.append(f"{option} is {domain.get(key)!r}, not {self.params[option]!r}")
        subnets = self.params.get("subnet_ids")
        if subnets and sorted(subnets) != sorted(domain.get("SubnetIds") or []):
            conflicts.append("subnet_ids is {!r}, not {!r}".format(domain.get("SubnetIds"), subnets))
        return conflicts

    def plan_create(self) -> dict:
        missing = [name for name in ("vpc_id", "subnet_ids", "default_user_settings") if not self.params.get(name)]
        if missing:
            raise AwsError("Creating domain {} needs {}".format(self.params["domain_name"], ", ".join(missing)))
        return dict(self._wanted(), Tags=dict(self.params.get("tags") or {}))

    def create(self) -> dict:
        request = self._wanted()
        if self.params.get("tags"):
            request["Tags"] = tag_list(self.params["tags"])
        description = "create domain {}".format(self.params["domain_name"])
        domain_id = call_passing_role(self.client, "create_domain", description, SAGEMAKER, **request)["DomainId"]
        if self.params["wait"]:
            return self._wait(domain_id, in_service, "become InService")
        return with_tags(self.client, describe_domain(self.client, domain_id), "DomainArn")

    def plan_update(self, current: dict) -> dict | None:
        wanted = self._wanted()
        self.updates: dict = {}
        if "DefaultUserSettings" in wanted and not contains(
            current.get("DefaultUserSettings"), wanted["DefaultUserSettings"]
        ):
            self.updates["DefaultUserSettings"] = wanted["DefaultUserSettings"]
        if "AppNetworkAccessType" in wanted and wanted["AppNetworkAccessType"] != current.get("AppNetworkAccessType"):
            self.updates["AppNetworkAccessType"] = wanted["AppNetworkAccessType"]
        self.tags = TagPlan.of(current["Tags"], self.params.get("tags"), self.params["purge_tags"])
        if not (self.updates or self.tags.changed):
            return None
        planned = dict(current, **self.updates, Tags=self.tags.after)
        if "DefaultUserSettings" in self.updates:
            planned["DefaultUserSettings"] = {
                **(current.get("DefaultUserSettings") or {}),
                **self.updates["DefaultUserSettings"],
            }
        return planned

    def update(self, current: dict, planned: dict) -> dict | None:
        domain_id = current["DomainId"]
        if self.updates:
            call(self.client, "update_domain", f"update domain {domain_id}", DomainId=domain_id, **self.updates)
        apply_tag_plan(self.client, current["DomainArn"], self.tags)
        if self.updates and self.params["wait"]:
            return self._wait(domain_id, in_service, "become InService")
        return with_tags(self.client, describe_domain(self.client, domain_id), "DomainArn")

    # absent

    def absent(self, current: dict | None) -> dict:
        if current is None:
            return self.result({}, {}, {})
        before = self.view(current)
        if current.get("Status") == "Deleting":
            if self.params["wait"] and not self.check_mode:
                self._wait(current["DomainId"], gone, "be deleted")
            return self.result(before, before, before)
        profiles = sorted(p["UserProfileName"] for p in list_user_profiles(self.client, current["DomainId"]))
        if profiles:
            raise AwsError(
                "Domain {} still has user profiles ({}); delete them first "
                "(mlops.mlflow_aws.sagemaker_user_profile state=absent)".format(
                    current["DomainId"], ", ".join(profiles)
                )
            )
        self.changed = True
        if not self.check_mode:
            self.delete(current)
        return self.result(before, before, {})

    def delete(self, current: dict) -> None:
        domain_id = current["DomainId"]
        retention = {"HomeEfsFileSystem": self.params["retention_policy"]["home_efs_file_system"]}
        call(self.client, "delete_domain", f"delete domain {domain_id}", DomainId=domain_id, RetentionPolicy=retention)
        if self.params["wait"]:
            self._wait(domain_id, gone, "be deleted")


def domains_info(module: Any) -> list[dict]:
    aws = sagemaker_client(module)
    params = module.params
    if params.get("domain_id") or params.get("domain_name"):
        found = find_domain(aws, params.get("domain_id"), params.get("domain_name"))
        domains = [found] if found else []
    else:
        domains = [with_tags(aws, describe_domain(aws, s["DomainId"]), "DomainArn") for s in list_domains(aws)]
    return [to_snake(domain) for domain in domains if domain]
