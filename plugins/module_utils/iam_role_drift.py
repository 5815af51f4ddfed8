# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether an IAM role and one inline policy of it are as planned, read with three or four requests.

amazon.aws.iam_role and iam_policy read a role with nine requests between them even when nothing differs;
a role runs them only when this says something does. The comparison is theirs: a setting left out (None)
is not compared, the policies are compared as AWS policies, and every managed policy not planned is a
difference (purge_policies).
"""

from __future__ import annotations

import json
from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import call, call_or_none
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import client as retrying_client


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _role_differences(iam: Any, role: dict[str, Any], params: dict[str, Any]) -> list[str]:
    name = role["RoleName"]
    differences = []
    if params["description"] is not None and role.get("Description", "") != params["description"]:
        differences.append("description")
    trust = params["assume_role_policy_document"]
    if trust is not None and compare_policies(role.get("AssumeRolePolicyDocument"), _json(trust)):
        differences.append("trust policy")
    tags = params["tags"]
    if tags is not None and boto3_tag_list_to_ansible_dict(role.get("Tags", [])) != {
        k: str(v) for k, v in tags.items()
    }:
        differences.append("tags")
    if params["managed_policies"] is not None and _managed_policies(iam, name) != set(params["managed_policies"]):
        differences.append("managed policies")
    if params["instance_profile"] and not _has_instance_profile(iam, name):
        differences.append("instance profile")
    return differences


def _managed_policies(iam: Any, name: str) -> set[str]:
    # The few policies a role of the stack has fit one page (AWS's default of 100).
    listed = call(iam, "list_attached_role_policies", f"list the managed policies of role {name}", RoleName=name)
    if listed.get("IsTruncated"):
        return {"<more than one page>"}
    return {policy["PolicyArn"] for policy in listed["AttachedPolicies"]}


def _has_instance_profile(iam: Any, name: str) -> bool:
    listed = call(iam, "list_instance_profiles_for_role", f"list the instance profiles of role {name}", RoleName=name)
    return any(profile["InstanceProfileName"] == name for profile in listed["InstanceProfiles"])


def _policy_as_planned(iam: Any, name: str, policy_name: str | None, document: Any) -> bool:
    if policy_name is None:
        return True
    found = call_or_none(
        iam,
        "get_role_policy",
        "NoSuchEntity",
        f"read policy {policy_name} of role {name}",
        RoleName=name,
        PolicyName=policy_name,
    )
    return found is not None and not compare_policies(found["PolicyDocument"], _json(document))


def role_drift(module: Any) -> dict[str, Any]:
    params = module.params
    iam = retrying_client(module, "iam")
    name = params["name"]
    found = call_or_none(iam, "get_role", "NoSuchEntity", f"read role {name}", RoleName=name)
    if found is None:
        return {
            "exists": False,
            "arn": None,
            "role_as_planned": False,
            "policy_as_planned": False,
            "differences": ["role"],
        }
    differences = _role_differences(iam, found["Role"], params)
    policy_as_planned = _policy_as_planned(iam, name, params["policy_name"], params["policy_document"])
    return {
        "exists": True,
        "arn": found["Role"]["Arn"],
        "role_as_planned": not differences,
        "policy_as_planned": policy_as_planned,
        "differences": differences + ([] if policy_as_planned else [f"inline policy {params['policy_name']}"]),
    }
