"""The emulator's SageMaker Studio extension, through boto3: user profiles, apps, UpdateDomain, refusals, tags."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from botocore.exceptions import ClientError

from emulator import launcher
from tests.support.network import two_zone_network


def _client(emulator: launcher.Emulator) -> Any:
    """Each call an hour of modeled time after the last: past every Studio duration, so states move one
    per observation (the timing itself: test_studio_waits_for_its_modeled_time)."""
    client = emulator.client("sagemaker")
    client.meta.events.register("before-call.sagemaker", lambda **_kwargs: _an_hour_later(emulator))
    return client


def _an_hour_later(emulator: launcher.Emulator) -> None:
    emulator.advance(3600)


@pytest.fixture
def sm(emulator: launcher.Emulator) -> Any:
    return _client(emulator)


def _create_domain(sm: Any, **extra: Any) -> str:
    return str(
        sm.create_domain(
            DomainName=f"studio-{uuid4().hex[:10]}",
            AuthMode="IAM",
            DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/default"},
            **{"SubnetIds": ["subnet-1"], "VpcId": "vpc-1", **extra},
        )["DomainId"]
    )


def _new_domain(sm: Any, **extra: Any) -> str:
    domain_id = _create_domain(sm, **extra)
    while sm.describe_domain(DomainId=domain_id)["Status"] != "InService":
        pass
    return domain_id


@pytest.fixture
def domain_id(sm: Any) -> str:
    return _new_domain(sm)


def _code(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"]


def _profile_status(sm: Any, domain_id: str, name: str) -> str:
    return sm.describe_user_profile(DomainId=domain_id, UserProfileName=name)["Status"]


def _app_status(sm: Any, domain_id: str, profile: str, name: str = "default") -> str:
    return sm.describe_app(DomainId=domain_id, UserProfileName=profile, AppType="JupyterServer", AppName=name)["Status"]


def _ready_profile(sm: Any, domain_id: str, name: str = "mlflow-user") -> str:
    sm.create_user_profile(DomainId=domain_id, UserProfileName=name)
    while _profile_status(sm, domain_id, name) != "InService":
        pass
    return name


def test_user_profile_create_describe_list(sm: Any, domain_id: str) -> None:
    arn = sm.create_user_profile(
        DomainId=domain_id,
        UserProfileName="mlflow-user",
        UserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/exec"},
    )["UserProfileArn"]
    assert arn == f"arn:aws:sagemaker:us-east-1:123456789012:user-profile/{domain_id}/mlflow-user"

    first = sm.describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    second = sm.describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")

    assert (first["Status"], second["Status"]) == ("Pending", "InService")
    assert second["UserProfileArn"] == arn
    assert second["DomainId"] == domain_id
    assert second["UserProfileName"] == "mlflow-user"
    assert second["UserSettings"] == {"ExecutionRole": "arn:aws:iam::123456789012:role/exec"}
    assert second["HomeEfsFileSystemUid"].isdigit()
    assert second["CreationTime"] == second["LastModifiedTime"]
    listed = sm.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]
    assert [(p["UserProfileName"], p["Status"], p["DomainId"]) for p in listed] == [
        ("mlflow-user", "InService", domain_id)
    ]


def test_list_user_profiles_advances_state_and_pages(sm: Any, domain_id: str) -> None:
    for name in ("a-user", "b-user", "c-user"):
        sm.create_user_profile(DomainId=domain_id, UserProfileName=name)

    first = sm.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]
    page = sm.list_user_profiles(DomainIdEquals=domain_id, MaxResults=2, SortOrder="Ascending")
    rest = sm.list_user_profiles(
        DomainIdEquals=domain_id, MaxResults=2, SortOrder="Ascending", NextToken=page["NextToken"]
    )

    assert {p["Status"] for p in first} == {"Pending"}
    assert [p["UserProfileName"] for p in page["UserProfiles"] + rest["UserProfiles"]] == ["a-user", "b-user", "c-user"]
    assert {p["Status"] for p in page["UserProfiles"]} == {"InService"}
    assert "NextToken" not in rest
    assert sm.list_user_profiles(DomainIdEquals=domain_id, UserProfileNameContains="b-")["UserProfiles"][0][
        "UserProfileName"
    ] == ("b-user")


def test_user_profile_update_goes_through_updating(sm: Any, domain_id: str) -> None:
    sm.create_user_profile(
        DomainId=domain_id,
        UserProfileName="mlflow-user",
        UserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/old", "SecurityGroups": ["sg-1"]},
    )
    assert _code(
        lambda: sm.update_user_profile(
            DomainId=domain_id,
            UserProfileName="mlflow-user",
            UserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/x"},
        )
    ) == ("ResourceInUse")
    _profile_status(sm, domain_id, "mlflow-user")

    arn = sm.update_user_profile(
        DomainId=domain_id,
        UserProfileName="mlflow-user",
        UserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/new"},
    )["UserProfileArn"]

    updating = sm.describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    assert arn.endswith(f"user-profile/{domain_id}/mlflow-user")
    assert updating["Status"] == "Updating"
    assert updating["UserSettings"] == {
        "ExecutionRole": "arn:aws:iam::123456789012:role/new",
        "SecurityGroups": ["sg-1"],
    }
    assert _profile_status(sm, domain_id, "mlflow-user") == "InService"


def test_user_profile_delete_goes_deleting_then_gone(sm: Any, domain_id: str) -> None:
    _ready_profile(sm, domain_id)

    assert (
        sm.delete_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )

    assert _profile_status(sm, domain_id, "mlflow-user") == "Deleting"
    assert _code(lambda: _profile_status(sm, domain_id, "mlflow-user")) == "ResourceNotFound"
    assert sm.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"] == []


def test_user_profile_refusals(sm: Any, domain_id: str) -> None:
    assert _code(lambda: sm.create_user_profile(DomainId="d-nosuchdomain", UserProfileName="u")) == "ResourceNotFound"
    sm.create_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    assert _code(lambda: sm.create_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")) == "ResourceInUse"
    assert _code(lambda: _profile_status(sm, domain_id, "nobody")) == "ResourceNotFound"
    assert (
        _code(lambda: sm.update_user_profile(DomainId=domain_id, UserProfileName="nobody", UserSettings={}))
        == "ResourceNotFound"
    )
    assert _code(lambda: sm.delete_user_profile(DomainId=domain_id, UserProfileName="nobody")) == "ResourceNotFound"
    sm.delete_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    assert _code(lambda: sm.delete_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")) == "ResourceInUse"


def test_app_lifecycle_and_profile_delete_refusal(sm: Any, domain_id: str) -> None:
    profile = _ready_profile(sm, domain_id)
    arn = sm.create_app(
        DomainId=domain_id,
        UserProfileName=profile,
        AppType="JupyterServer",
        AppName="default",
        ResourceSpec={"InstanceType": "system"},
    )["AppArn"]
    assert arn == f"arn:aws:sagemaker:us-east-1:123456789012:app/{domain_id}/{profile}/jupyterserver/default"

    pending = sm.describe_app(DomainId=domain_id, UserProfileName=profile, AppType="JupyterServer", AppName="default")
    running = sm.describe_app(DomainId=domain_id, UserProfileName=profile, AppType="JupyterServer", AppName="default")
    assert (pending["Status"], running["Status"]) == ("Pending", "InService")
    assert (running["AppArn"], running["AppType"], running["AppName"], running["UserProfileName"]) == (
        arn,
        "JupyterServer",
        "default",
        profile,
    )
    assert running["ResourceSpec"] == {"InstanceType": "system"}
    listed = sm.list_apps(DomainIdEquals=domain_id, UserProfileNameEquals=profile)["Apps"]
    assert [(a["AppName"], a["AppType"], a["Status"]) for a in listed] == [("default", "JupyterServer", "InService")]

    assert _code(lambda: sm.delete_user_profile(DomainId=domain_id, UserProfileName=profile)) == "ResourceInUse"
    sm.delete_app(DomainId=domain_id, UserProfileName=profile, AppType="JupyterServer", AppName="default")
    # An app still Deleting keeps blocking its profile's deletion.
    assert _code(lambda: sm.delete_user_profile(DomainId=domain_id, UserProfileName=profile)) == "ResourceInUse"
    assert _app_status(sm, domain_id, profile) == "Deleting"
    assert _app_status(sm, domain_id, profile) == "Deleted"
    assert [a["Status"] for a in sm.list_apps(DomainIdEquals=domain_id)["Apps"]] == ["Deleted"]

    sm.delete_user_profile(DomainId=domain_id, UserProfileName=profile)
    assert _profile_status(sm, domain_id, profile) == "Deleting"
    assert _code(lambda: _profile_status(sm, domain_id, profile)) == "ResourceNotFound"
    assert sm.list_apps(DomainIdEquals=domain_id)["Apps"] == []


def test_app_refusals(sm: Any, domain_id: str) -> None:
    profile = _ready_profile(sm, domain_id)

    def create(name: str = "default", user: str = profile, app_type: str = "JupyterServer") -> Any:
        return sm.create_app(DomainId=domain_id, UserProfileName=user, AppType=app_type, AppName=name)

    assert _code(lambda: create(user="nobody")) == "ResourceNotFound"
    assert _code(lambda: create(app_type="NoSuchType")) == "ValidationException"

    def space_app() -> object:
        return sm.create_app(DomainId=domain_id, SpaceName="shared", AppType="JupyterLab", AppName="default")

    assert _code(space_app) == "ValidationException"  # spaces are not emulated: refused, not half-made
    assert _code(lambda: _app_status(sm, domain_id, profile)) == "ResourceNotFound"
    create()
    assert _code(create) == "ResourceInUse"
    sm.delete_app(DomainId=domain_id, UserProfileName=profile, AppType="JupyterServer", AppName="default")

    def delete() -> object:
        return sm.delete_app(DomainId=domain_id, UserProfileName=profile, AppType="JupyterServer", AppName="default")

    assert _code(delete) == "ResourceInUse"
    _app_status(sm, domain_id, profile)
    assert _app_status(sm, domain_id, profile) == "Deleted"
    assert _code(delete) == "ResourceNotFound"
    # A Deleted app's name can be used again, as in AWS.
    create()
    assert _app_status(sm, domain_id, profile) == "Pending"


def test_create_domain_answers_like_aws(sm: Any) -> None:
    name = f"studio-{uuid4().hex[:10]}"
    settings = {"ExecutionRole": "arn:aws:iam::123456789012:role/default"}
    created = sm.create_domain(
        DomainName=name, AuthMode="IAM", DefaultUserSettings=settings, SubnetIds=["s"], VpcId="v"
    )

    statuses = [sm.describe_domain(DomainId=created["DomainId"])["Status"] for _attempt in range(3)]
    assert created["DomainArn"].endswith(f":domain/{created['DomainId']}")
    assert statuses == ["Pending", "InService", "InService"]
    assert (
        _code(lambda: sm.create_domain(DomainName=name, AuthMode="IAM", DefaultUserSettings=settings))
        == "ResourceInUse"
    )
    assert _code(lambda: sm.describe_domain(DomainId="d-nosuchdomain")) == "ResourceNotFound"


def test_domain_with_profiles_cannot_be_deleted(sm: Any) -> None:
    domain_id = _new_domain(sm)
    profile = _ready_profile(sm, domain_id)

    assert _code(lambda: sm.delete_domain(DomainId=domain_id)) == "ResourceInUse"
    assert sm.describe_domain(DomainId=domain_id)["DomainId"] == domain_id

    sm.delete_user_profile(DomainId=domain_id, UserProfileName=profile)
    # Still Deleting: the domain still has it.
    assert _code(lambda: sm.delete_domain(DomainId=domain_id)) == "ResourceInUse"
    _profile_status(sm, domain_id, profile)
    _code(lambda: _profile_status(sm, domain_id, profile))
    sm.delete_domain(DomainId=domain_id)

    assert _code(lambda: sm.describe_domain(DomainId=domain_id)) == "ResourceNotFound"
    assert _code(lambda: sm.delete_domain(DomainId=domain_id)) == "ResourceNotFound"


def test_delete_domain_records_home_efs_retention(sm: Any, emulator: launcher.Emulator) -> None:
    kept, purged = _new_domain(sm), _new_domain(sm)
    kept_efs = sm.describe_domain(DomainId=kept)["HomeEfsFileSystemId"]

    sm.delete_domain(DomainId=kept)
    sm.delete_domain(DomainId=purged, RetentionPolicy={"HomeEfsFileSystem": "Delete"})

    with urllib.request.urlopen(f"{emulator.url}/__sagemaker_studio/home-efs") as response:
        records = {record["DomainId"]: record for record in json.load(response)}
    assert records[kept]["HomeEfsFileSystem"] == "Retain"
    assert records[kept]["HomeEfsFileSystemId"] == kept_efs
    assert records[purged]["HomeEfsFileSystem"] == "Delete"
    invalid = _new_domain(sm)
    assert (
        _code(lambda: sm.delete_domain(DomainId=invalid, RetentionPolicy={"HomeEfsFileSystem": "Keep"}))
        == "ValidationException"
    )


def test_update_domain_goes_through_updating(sm: Any, domain_id: str) -> None:
    arn = sm.update_domain(
        DomainId=domain_id,
        DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/new", "SecurityGroups": ["sg-2"]},
    )["DomainArn"]

    updating = sm.describe_domain(DomainId=domain_id)
    assert arn == updating["DomainArn"]
    assert updating["Status"] == "Updating"
    assert updating["DefaultUserSettings"] == {
        "ExecutionRole": "arn:aws:iam::123456789012:role/new",
        "SecurityGroups": ["sg-2"],
    }
    assert sm.describe_domain(DomainId=domain_id)["Status"] == "InService"
    assert _code(lambda: sm.update_domain(DomainId="d-nosuchdomain", DefaultUserSettings={})) == "ResourceNotFound"


def test_tags_on_profiles_apps_and_domains(sm: Any, domain_id: str) -> None:
    profile_arn = sm.create_user_profile(
        DomainId=domain_id, UserProfileName="tagged", Tags=[{"Key": "team", "Value": "ml"}]
    )["UserProfileArn"]
    while _profile_status(sm, domain_id, "tagged") != "InService":
        pass
    app_arn = sm.create_app(
        DomainId=domain_id, UserProfileName="tagged", AppType="JupyterServer", AppName="default", Tags=[]
    )["AppArn"]
    domain_arn = sm.describe_domain(DomainId=domain_id)["DomainArn"]

    for arn in (profile_arn, app_arn, domain_arn):
        sm.add_tags(ResourceArn=arn, Tags=[{"Key": "team", "Value": "data"}, {"Key": "stack", "Value": "mlflow"}])
        sm.delete_tags(ResourceArn=arn, TagKeys=["stack"])
        assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "data"}], arn

    missing = f"arn:aws:sagemaker:us-east-1:123456789012:user-profile/{domain_id}/nobody"
    assert _code(lambda: sm.list_tags(ResourceArn=missing)) == "ResourceNotFound"


def test_tags_of_other_resources_still_reach_moto(sm: Any) -> None:
    name = f"exp-{uuid4().hex[:8]}"
    arn = sm.create_experiment(ExperimentName=name)["ExperimentArn"]
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])

    assert sm.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]


def test_reset_wipes_profiles_and_apps(tmp_path: Path) -> None:
    own = launcher.start(tmp_path)
    try:
        sm = _client(own)
        domain_id = _new_domain(sm)
        profile = _ready_profile(sm, domain_id)
        sm.create_app(DomainId=domain_id, UserProfileName=profile, AppType="JupyterServer", AppName="default")

        reset = urllib.request.Request(f"{own.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset)

        assert sm.list_user_profiles()["UserProfiles"] == []
        assert sm.list_apps()["Apps"] == []
        assert _code(lambda: _profile_status(sm, domain_id, profile)) == "ResourceNotFound"
        assert _code(lambda: sm.create_user_profile(DomainId=domain_id, UserProfileName=profile)) == "ResourceNotFound"
    finally:
        launcher.stop(tmp_path)


def test_fail_endpoint_leaves_a_domain_and_a_profile_failed_with_a_reason(emulator: launcher.Emulator, sm: Any) -> None:
    domain_id = _new_domain(sm)
    sm.create_user_profile(DomainId=domain_id, UserProfileName="alice")
    emulator.control("POST", "/__sagemaker_studio/fail", {"DomainId": domain_id, "FailureReason": "no ENIs left"})
    emulator.control(
        "POST",
        "/__sagemaker_studio/fail",
        {"DomainId": domain_id, "UserProfileName": "alice", "FailureReason": "role", "Status": "Update_Failed"},
    )

    for _observation in range(3):  # a failed status stays: it is not a step towards InService
        domain = sm.describe_domain(DomainId=domain_id)
        assert (domain["Status"], domain["FailureReason"]) == ("Failed", "no ENIs left")
        profile = sm.describe_user_profile(DomainId=domain_id, UserProfileName="alice")
        assert (profile["Status"], profile["FailureReason"]) == ("Update_Failed", "role")
    assert [d["Status"] for d in sm.list_domains()["Domains"] if d["DomainId"] == domain_id] == ["Failed"]
    with pytest.raises(urllib.error.HTTPError):
        emulator.control("POST", "/__sagemaker_studio/fail", {"DomainId": domain_id, "Status": "InService"})


def test_studio_waits_for_its_modeled_time(emulator: launcher.Emulator) -> None:
    sm = emulator.client("sagemaker")  # no hour between calls here
    domain_id = _create_domain(sm)

    early = [sm.describe_domain(DomainId=domain_id)["Status"] for _attempt in range(3)]
    emulator.advance(239)  # the typical profile's shortest domain creation is 4 minutes
    still = sm.describe_domain(DomainId=domain_id)["Status"]
    emulator.advance(600)

    assert early == ["Pending"] * 3
    assert still == "Pending"
    assert sm.describe_domain(DomainId=domain_id)["Status"] == "InService"


def test_a_studio_domain_named_in_the_faults_fails_with_a_reason(emulator: launcher.Emulator) -> None:
    with emulator.faults("fail=studio_domain"):
        sm = _client(emulator)
        domain_id = _create_domain(sm)
        statuses = [sm.describe_domain(DomainId=domain_id) for _attempt in range(3)]

    assert [described["Status"] for described in statuses] == ["Pending", "Failed", "Failed"]
    assert "insufficient free IP addresses" in statuses[-1]["FailureReason"]


def _network(emulator: launcher.Emulator) -> tuple[str, list[str]]:
    return two_zone_network(emulator.client("ec2"), "10.9")


def _nfs_groups(emulator: launcher.Emulator, domain: str) -> list[str]:
    names = [f"security-group-for-{way}-nfs-{domain}" for way in ("inbound", "outbound")]
    groups = emulator.client("ec2").describe_security_groups(Filters=[{"Name": "group-name", "Values": names}])
    return sorted(group["GroupName"] for group in groups["SecurityGroups"])


def test_a_domain_puts_its_home_efs_and_nfs_groups_in_its_subnets(sm: Any, emulator: launcher.Emulator) -> None:
    """As SageMaker does; they hold the subnets and the VPC until whoever deletes the VPC removes them."""
    vpc, subnets = _network(emulator)
    kept, purged = (_new_domain(sm, SubnetIds=subnets, VpcId=vpc) for _round in range(2))
    efs, ec2 = emulator.client("efs"), emulator.client("ec2")
    kept_home = sm.describe_domain(DomainId=kept)["HomeEfsFileSystemId"]
    purged_home = sm.describe_domain(DomainId=purged)["HomeEfsFileSystemId"]
    targets = efs.describe_mount_targets(FileSystemId=kept_home)["MountTargets"]
    assert sorted(target["SubnetId"] for target in targets) == sorted(subnets)
    assert _nfs_groups(emulator, kept) == [
        f"security-group-for-inbound-nfs-{kept}",
        f"security-group-for-outbound-nfs-{kept}",
    ]
    assert _code(lambda: ec2.delete_subnet(SubnetId=subnets[0])) == "DependencyViolation"

    sm.delete_domain(DomainId=kept)
    sm.delete_domain(DomainId=purged, RetentionPolicy={"HomeEfsFileSystem": "Delete"})

    assert len(efs.describe_mount_targets(FileSystemId=kept_home)["MountTargets"]) == 2, "Retain keeps it all"
    assert _code(lambda: efs.describe_file_systems(FileSystemId=purged_home)) == "FileSystemNotFound"
    assert len(_nfs_groups(emulator, purged)) == 2, "the groups outlive the domain either way"
    assert _code(lambda: ec2.delete_vpc(VpcId=vpc)) == "DependencyViolation"
