"""sagemaker_domain and sagemaker_domain_info against the emulator (moto plus its sagemaker_studio extension)."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.modules import sagemaker_domain as module
from ansible_collections.mlops.mlflow_aws.plugins.modules import sagemaker_domain_info as info_module
from botocore.exceptions import ClientError

from tests.support.docs import ansible_doc_renders
from tests.support.modules import run_module
from tests.support.sagemaker import OTHER_ROLE, ROLE, unique

TAGS = {"mlflow:stack": "test"}


def _args(name: str, **extra: object) -> dict:
    return {
        "domain_name": name,
        "vpc_id": "vpc-1",
        "subnet_ids": ["subnet-b", "subnet-a"],
        "default_user_settings": {"execution_role": ROLE},
        "tags": TAGS,
        **extra,
    }


def _domain_names(studio) -> list[str]:
    return [domain["DomainName"] for domain in studio.client.list_domains()["Domains"]]


def test_create_noop_update_and_delete(studio, capsys):
    name = unique("studio")

    created = run_module(module.main, _args(name), capsys)
    assert created["changed"] is True
    domain = created["domain"]
    assert domain["status"] == "InService"  # waited through Pending
    assert domain["domain_name"] == name
    assert domain["default_user_settings"] == {"execution_role": ROLE}
    assert domain["tags"] == TAGS
    assert created["diff"]["before"] == {}
    stored = studio.client.describe_domain(DomainId=domain["domain_id"])
    assert (stored["VpcId"], sorted(stored["SubnetIds"]), stored["AuthMode"]) == (
        "vpc-1",
        ["subnet-a", "subnet-b"],
        "IAM",
    )

    again = run_module(module.main, _args(name, subnet_ids=["subnet-a", "subnet-b"]), capsys)
    assert again["changed"] is False
    assert again["domain"]["domain_id"] == domain["domain_id"]

    updated = run_module(
        module.main,
        _args(
            name,
            default_user_settings={"execution_role": OTHER_ROLE, "security_groups": ["sg-1"]},
            app_network_access_type="VpcOnly",
            tags={"owner": "ml"},
            purge_tags=False,
        ),
        capsys,
    )
    assert updated["changed"] is True
    assert updated["diff"]["before"]["default_user_settings"] == {"execution_role": ROLE}
    assert updated["domain"]["default_user_settings"] == {"execution_role": OTHER_ROLE, "security_groups": ["sg-1"]}
    assert updated["domain"]["status"] == "InService"  # waited through Updating
    stored = studio.client.describe_domain(DomainId=domain["domain_id"])
    assert stored["DefaultUserSettings"]["ExecutionRole"] == OTHER_ROLE
    assert stored["AppNetworkAccessType"] == "VpcOnly"
    tags = studio.client.list_tags(ResourceArn=domain["domain_arn"])["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {**TAGS, "owner": "ml"}

    by_id = run_module(module.main, {"domain_id": domain["domain_id"], "tags": TAGS}, capsys)
    assert by_id["changed"] is True  # purges "owner"
    assert studio.client.list_tags(ResourceArn=domain["domain_arn"])["Tags"] == [
        {"Key": "mlflow:stack", "Value": "test"}
    ]

    deleted = run_module(module.main, {"domain_name": name, "state": "absent"}, capsys)
    assert deleted["changed"] is True
    assert deleted["diff"]["after"] == {}
    with pytest.raises(ClientError, match="ResourceNotFound"):
        studio.client.describe_domain(DomainId=domain["domain_id"])
    retained = [r for r in studio.home_efs() if r["DomainId"] == domain["domain_id"]]
    assert [r["HomeEfsFileSystem"] for r in retained] == ["Retain"]

    absent = run_module(module.main, {"domain_name": name, "state": "absent"}, capsys)
    assert absent["changed"] is False


def test_delete_with_home_efs_deleted(studio, capsys):
    name = unique("studio")
    domain_id = run_module(module.main, _args(name), capsys)["domain"]["domain_id"]

    deleted = run_module(
        module.main,
        {"domain_id": domain_id, "state": "absent", "retention_policy": {"home_efs_file_system": "Delete"}},
        capsys,
    )

    assert deleted["changed"] is True
    retained = [r for r in studio.home_efs() if r["DomainId"] == domain_id]
    assert [r["HomeEfsFileSystem"] for r in retained] == ["Delete"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"vpc_id": "vpc-2"}, "vpc_id"),
        ({"subnet_ids": ["subnet-a", "subnet-c"]}, "subnet_ids"),
        ({"auth_mode": "SSO"}, "auth_mode"),
    ],
)
def test_immutable_fields_fail_without_change(studio, capsys, change, named):
    name = unique("studio")
    domain_id = run_module(module.main, _args(name), capsys)["domain"]["domain_id"]
    studio.clear_requests()

    result = run_module(
        module.main, _args(name, default_user_settings={"execution_role": OTHER_ROLE}, **change), capsys
    )

    assert result["failed"] is True
    assert named in result["msg"]
    assert "cannot be changed in place" in result["msg"]
    assert studio.sagemaker_writes() == []
    stored = studio.client.describe_domain(DomainId=domain_id)
    assert (stored["VpcId"], stored["AuthMode"], stored["DefaultUserSettings"]["ExecutionRole"]) == (
        "vpc-1",
        "IAM",
        ROLE,
    )


def test_check_mode_writes_nothing(studio, capsys):
    name = unique("studio")
    studio.clear_requests()

    planned = run_module(module.main, _args(name), capsys, check_mode=True)
    assert planned["changed"] is True
    assert planned["domain"]["domain_name"] == name
    assert planned["diff"]["after"]["tags"] == TAGS
    assert name not in _domain_names(studio)
    assert studio.sagemaker_writes() == []

    domain = run_module(module.main, _args(name), capsys)["domain"]
    assert studio.sagemaker_writes() == ["CreateDomain"]  # the request log does see writes
    studio.clear_requests()
    update = run_module(
        module.main, _args(name, default_user_settings={"execution_role": OTHER_ROLE}, tags={}), capsys, check_mode=True
    )
    assert update["changed"] is True
    assert update["diff"]["after"]["default_user_settings"]["execution_role"] == OTHER_ROLE
    assert update["diff"]["after"]["tags"] == {}
    delete = run_module(module.main, {"domain_name": name, "state": "absent"}, capsys, check_mode=True)
    assert delete["changed"] is True
    assert studio.sagemaker_writes() == []
    stored = studio.client.describe_domain(DomainId=domain["domain_id"])
    assert stored["DefaultUserSettings"]["ExecutionRole"] == ROLE
    assert studio.client.list_tags(ResourceArn=domain["domain_arn"])["Tags"] == [
        {"Key": "mlflow:stack", "Value": "test"}
    ]


def test_clear_failures(studio, capsys):
    studio.clear_requests()
    missing = run_module(module.main, {"domain_name": unique("studio")}, capsys)
    assert missing["failed"] is True
    assert "needs vpc_id, subnet_ids, default_user_settings" in missing["msg"]
    unknown = run_module(module.main, {"domain_id": "d-doesnotexist"}, capsys)
    assert unknown["failed"] is True
    assert "d-doesnotexist does not exist" in unknown["msg"]
    neither = run_module(module.main, {}, capsys)
    assert neither["failed"] is True
    assert "domain_name" in neither["msg"]
    assert studio.sagemaker_writes() == []


def test_delete_refused_while_profiles_exist(studio, capsys):
    name = unique("studio")
    domain_id = run_module(module.main, _args(name), capsys)["domain"]["domain_id"]
    studio.client.create_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")

    result = run_module(module.main, {"domain_name": name, "state": "absent"}, capsys)

    assert result["failed"] is True
    assert "mlflow-user" in result["msg"]
    assert studio.client.describe_domain(DomainId=domain_id)["DomainId"] == domain_id


def test_info_by_name_id_and_all(studio, capsys):
    name = unique("studio")
    domain = run_module(module.main, _args(name), capsys)["domain"]

    by_name = run_module(info_module.main, {"domain_name": name}, capsys)
    by_id = run_module(info_module.main, {"domain_id": domain["domain_id"]}, capsys)
    every = run_module(info_module.main, {}, capsys)
    none = run_module(info_module.main, {"domain_name": unique("missing")}, capsys)

    assert by_name["changed"] is False
    assert [d["domain_id"] for d in by_name["domains"]] == [domain["domain_id"]]
    assert by_name["domains"][0]["tags"] == TAGS
    assert by_id["domains"] == by_name["domains"]
    assert domain["domain_id"] in [d["domain_id"] for d in every["domains"]]
    assert none["domains"] == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_failed_domain_is_an_error_with_aws_reason(studio, capsys, check_mode):
    """A domain AWS left Failed is reported with AWS's reason, never adopted as the domain asked for."""
    name = unique("studio")
    domain_id = run_module(module.main, _args(name), capsys)["domain"]["domain_id"]
    studio.fail(domain_id, "Unable to create the home EFS: subnet-a has no free IP addresses")
    studio.clear_requests()

    result = run_module(module.main, _args(name), capsys, check_mode=check_mode)

    reason = "Unable to create the home EFS: subnet-a has no free IP addresses"
    studio.assert_reported_failed(result, "domain", f"SageMaker domain {name} ({domain_id}) is Failed: {reason}")
    by_id = run_module(module.main, {"domain_id": domain_id}, capsys, check_mode=check_mode)
    assert by_id["failed"] is True and "no free IP addresses" in by_id["msg"]


def test_failed_domain_can_be_deleted(studio, capsys):
    name = unique("studio")
    domain_id = run_module(module.main, _args(name), capsys)["domain"]["domain_id"]
    studio.fail(domain_id, "KMS key disabled")

    deleted = run_module(module.main, {"domain_name": name, "state": "absent"}, capsys)

    assert deleted["changed"] is True
    assert deleted["diff"]["before"]["status"] == "Failed"
    assert name not in _domain_names(studio)


@pytest.mark.parametrize("name", ["sagemaker_domain", "sagemaker_domain_info"])
def test_ansible_doc_renders(name):
    assert "domain_name" in ansible_doc_renders(name)
