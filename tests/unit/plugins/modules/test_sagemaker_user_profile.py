"""sagemaker_user_profile and sagemaker_user_profile_info against the emulator (moto has no user profiles)."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import sagemaker_user_profile as module
from ansible_collections.mlops.mlflow_aws.plugins.modules import sagemaker_user_profile_info as info_module
from botocore.exceptions import ClientError

from tests.support.docs import ansible_doc_renders
from tests.support.modules import run_module
from tests.support.sagemaker import OTHER_ROLE, ROLE

TAGS = {"mlflow:stack": "test"}


def _args(domain_id: str, **extra: object) -> dict:
    return {"domain_id": domain_id, "user_profile_name": "mlflow-user", "execution_role": ROLE, "tags": TAGS, **extra}


def _tags(studio, arn: str) -> dict:
    return {tag["Key"]: tag["Value"] for tag in studio.client.list_tags(ResourceArn=arn)["Tags"]}


def _running_app(studio, domain_id: str, name: str = "default") -> None:
    studio.client.create_app(DomainId=domain_id, UserProfileName="mlflow-user", AppType="JupyterServer", AppName=name)
    while (
        studio.client.describe_app(
            DomainId=domain_id, UserProfileName="mlflow-user", AppType="JupyterServer", AppName=name
        )["Status"]
        != "InService"
    ):
        pass


@pytest.mark.parametrize("check_mode", [False, True])
def test_failed_profile_is_an_error_with_aws_reason(studio, capsys, check_mode):
    """A user profile AWS left Failed is reported with AWS's reason, never adopted as present."""
    domain_id = studio.new_domain()
    run_module(module.main, _args(domain_id), capsys)
    studio.fail(domain_id, "The execution role cannot be assumed by SageMaker", user_profile_name="mlflow-user")
    studio.clear_requests()

    result = run_module(module.main, _args(domain_id), capsys, check_mode=check_mode)

    reason = "The execution role cannot be assumed by SageMaker"
    message = f"SageMaker user profile mlflow-user of domain {domain_id} is Failed: {reason}"
    studio.assert_reported_failed(result, "user_profile", message)


def test_create_noop_update_and_delete(studio, capsys):
    domain_id = studio.new_domain()

    created = run_module(module.main, _args(domain_id), capsys)
    assert created["changed"] is True
    profile = created["user_profile"]
    assert profile["status"] == "InService"  # waited through Pending
    assert profile["user_settings"] == {"execution_role": ROLE}
    assert profile["tags"] == TAGS
    assert profile["user_profile_arn"].endswith(f"user-profile/{domain_id}/mlflow-user")
    assert created["diff"]["before"] == {}
    stored = studio.client.describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    assert stored["UserSettings"] == {"ExecutionRole": ROLE}
    assert _tags(studio, profile["user_profile_arn"]) == TAGS

    again = run_module(module.main, _args(domain_id), capsys)
    assert again["changed"] is False
    assert again["user_profile"] == profile

    updated = run_module(
        module.main,
        _args(domain_id, execution_role=OTHER_ROLE, user_settings={"security_groups": ["sg-1"]}, tags={"owner": "ml"}),
        capsys,
    )
    assert updated["changed"] is True
    assert updated["diff"]["before"]["user_settings"] == {"execution_role": ROLE}
    assert updated["user_profile"]["user_settings"] == {"execution_role": OTHER_ROLE, "security_groups": ["sg-1"]}
    assert updated["user_profile"]["status"] == "InService"  # waited through Updating
    stored = studio.client.describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    assert stored["UserSettings"] == {"ExecutionRole": OTHER_ROLE, "SecurityGroups": ["sg-1"]}
    assert _tags(studio, profile["user_profile_arn"]) == {"owner": "ml"}  # purge_tags defaults to true

    deleted = run_module(module.main, {"domain_id": domain_id, "name": "mlflow-user", "state": "absent"}, capsys)
    assert deleted["changed"] is True
    assert deleted["deleted_apps"] == []
    assert deleted["diff"]["after"] == {}
    with pytest.raises(ClientError, match="ResourceNotFound"):
        studio.client.describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")

    absent = run_module(module.main, {"domain_id": domain_id, "name": "mlflow-user", "state": "absent"}, capsys)
    assert absent["changed"] is False
    assert absent["user_profile"] == {}


def test_delete_removes_running_apps_first(studio, capsys):
    domain_id = studio.new_domain()
    run_module(module.main, _args(domain_id), capsys)
    _running_app(studio, domain_id)
    _running_app(studio, domain_id, name="second")

    deleted = run_module(module.main, {"domain_id": domain_id, "name": "mlflow-user", "state": "absent"}, capsys)

    assert deleted["changed"] is True
    assert sorted(app["app_name"] for app in deleted["deleted_apps"]) == ["default", "second"]
    with pytest.raises(ClientError, match="ResourceNotFound"):
        studio.client.describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    assert studio.client.list_apps(DomainIdEquals=domain_id)["Apps"] == []
    # With its profile gone, the domain can go too.
    studio.client.delete_domain(DomainId=domain_id)


def test_check_mode_writes_nothing(studio, capsys):
    domain_id = studio.new_domain()
    studio.clear_requests()

    planned = run_module(module.main, _args(domain_id), capsys, check_mode=True)
    assert planned["changed"] is True
    assert planned["diff"]["after"]["user_settings"] == {"execution_role": ROLE}
    assert studio.client.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"] == []
    assert studio.sagemaker_writes() == []

    arn = run_module(module.main, _args(domain_id), capsys)["user_profile"]["user_profile_arn"]
    assert studio.sagemaker_writes() == ["CreateUserProfile"]  # the request log does see writes; tags go with it
    _running_app(studio, domain_id)
    studio.clear_requests()

    update = run_module(module.main, _args(domain_id, execution_role=OTHER_ROLE, tags={}), capsys, check_mode=True)
    assert update["changed"] is True
    assert update["diff"]["after"]["user_settings"]["execution_role"] == OTHER_ROLE
    assert update["diff"]["after"]["tags"] == {}
    delete = run_module(module.main, {**_args(domain_id), "state": "absent"}, capsys, check_mode=True)
    assert delete["changed"] is True
    assert [app["app_name"] for app in delete["deleted_apps"]] == ["default"]
    assert studio.sagemaker_writes() == []
    stored = studio.client.describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    assert (stored["Status"], stored["UserSettings"]["ExecutionRole"]) == ("InService", ROLE)
    assert _tags(studio, arn) == TAGS
    [app] = studio.client.list_apps(DomainIdEquals=domain_id)["Apps"]
    assert app["Status"] == "InService"


def test_unknown_domain_fails_clearly(studio, capsys):
    studio.clear_requests()
    result = run_module(module.main, _args("d-doesnotexist"), capsys)

    assert result["failed"] is True
    assert result["msg"] == "Domain d-doesnotexist does not exist"
    assert studio.sagemaker_writes() == []


def test_identity_is_domain_and_name(studio, capsys):
    # Nothing of a profile is immutable but its identity: another name is another profile, never a rename.
    domain_id = studio.new_domain()
    run_module(module.main, _args(domain_id), capsys)

    other = run_module(module.main, _args(domain_id, user_profile_name="second-user"), capsys)

    assert other["changed"] is True
    names = [p["UserProfileName"] for p in studio.client.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]]
    assert sorted(names) == ["mlflow-user", "second-user"]


def test_info_includes_apps_and_tags(studio, capsys):
    domain_id = studio.new_domain()
    run_module(module.main, _args(domain_id), capsys)
    _running_app(studio, domain_id)

    one = run_module(info_module.main, {"domain_id": domain_id, "user_profile_name": "mlflow-user"}, capsys)
    in_domain = run_module(info_module.main, {"domain_id": domain_id}, capsys)
    missing = run_module(info_module.main, {"domain_id": domain_id, "user_profile_name": "nobody"}, capsys)
    without_domain = run_module(info_module.main, {"user_profile_name": "mlflow-user"}, capsys)

    assert one["changed"] is False
    [profile] = one["user_profiles"]
    assert profile["tags"] == TAGS
    assert profile["user_settings"] == {"execution_role": ROLE}
    assert [(a["app_name"], a["app_type"], a["status"]) for a in profile["apps"]] == [
        ("default", "JupyterServer", "InService")
    ]
    assert in_domain["user_profiles"] == one["user_profiles"]
    assert missing["user_profiles"] == []
    assert without_domain["failed"] is True
    assert "domain_id" in without_domain["msg"]


@pytest.mark.parametrize("name", ["sagemaker_user_profile", "sagemaker_user_profile_info"])
def test_ansible_doc_renders(name):
    assert "user_profile_name" in ansible_doc_renders(name)
