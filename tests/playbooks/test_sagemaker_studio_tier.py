"""site.yml's sagemaker_studio tier and its delete path against the emulator, checked through boto3 (issue 4)."""

from __future__ import annotations

import base64
import fnmatch
import json
import urllib.request
from typing import Any

import boto3
import pytest

from emulator.launcher import Emulator
from tests.support.names import names
from tests.support.playbooks import PlaybookRun, client, record_figure, run_playbook

pytestmark = pytest.mark.playbook

ACCOUNT = "123456789012"
REGION = "us-east-1"
NEW = "sm-new"  # the tier creates its own domain in the default VPC
NEW_NAMES = names(NEW)
GIVEN = "sm-given"  # the tier adds its profile to a domain created beforehand
GIVEN_NAMES = names(GIVEN)
STACK_NET = "sm-net"  # the tier creates its own domain in the stack's private subnets
STACK_NET_NAMES = names(STACK_NET)
DELETE = "../tests/playbooks/files/sagemaker_studio_delete.yml"
DOMAIN_WRITES = {"CreateDomain", "UpdateDomain", "DeleteDomain", "AddTags", "DeleteTags"}
SAGEMAKER_FULL_ACCESS = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
# The new domain's stack also has a notebook instance (issue 18): created, re-run and deleted with it.
NOTEBOOK = {"sagemaker_studio_notebook_instance": {"enabled": True, "volume_size_in_gb": 10}}


def _deploy(emulator: Emulator, stack: str, *tags: str, **extra: Any) -> PlaybookRun:
    run = run_playbook(
        emulator,
        "site.yml",
        "--tags",
        ",".join(tags or ("sagemaker_studio",)),
        extra_vars={"mlflow_stack_name": stack, **extra},
    )
    assert not run.failed, run.output[-5000:]
    return run


def _delete(emulator: Emulator, stack: str, **extra: Any) -> PlaybookRun:
    run = run_playbook(emulator, DELETE, extra_vars={"mlflow_stack_name": stack, **extra})
    assert not run.failed, run.output[-5000:]
    return run


def _domains_named(emulator: Emulator, name: str) -> list[dict[str, Any]]:
    return [d for d in client(emulator, "sagemaker").list_domains()["Domains"] if d["DomainName"] == name]


def _domain(emulator: Emulator, name: str) -> dict[str, Any]:
    (summary,) = _domains_named(emulator, name)
    return client(emulator, "sagemaker").describe_domain(DomainId=summary["DomainId"])


def _tags(emulator: Emulator, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in client(emulator, "sagemaker").list_tags(ResourceArn=arn)["Tags"]}


def _profiles(emulator: Emulator, domain_id: str) -> list[str]:
    profiles = client(emulator, "sagemaker").list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]
    return sorted(p["UserProfileName"] for p in profiles)


def _role_exists(emulator: Emulator, name: str) -> bool:
    roles = client(emulator, "iam").list_roles()["Roles"]
    return name in {r["RoleName"] for r in roles}


def _home_efs(emulator: Emulator) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{emulator.url}/__sagemaker_studio/home-efs") as response:
        return json.load(response)


def _mount_targets(emulator: Emulator, file_system_id: str) -> list[dict[str, Any]]:
    return list(client(emulator, "efs").describe_mount_targets(FileSystemId=file_system_id)["MountTargets"])


def _assert_home_kept_unmounted_and_nfs_groups_gone(emulator: Emulator, domain: dict[str, Any]) -> None:
    """Retained: the users' files stay on the file system; nothing of it holds the network any more."""
    assert _mount_targets(emulator, domain["HomeEfsFileSystemId"]) == []
    nfs = [f"security-group-for-{way}-nfs-{domain['DomainId']}" for way in ("inbound", "outbound")]
    groups = client(emulator, "ec2").describe_security_groups(Filters=[{"Name": "group-name", "Values": nfs}])
    assert groups["SecurityGroups"] == []


def _in_service(emulator: Emulator, describe: Any) -> dict[str, Any]:
    """Describe until InService: Pending after a create, for minutes of modeled time (a domain: 4-10)."""
    for _attempt in range(30):
        current = describe()
        if current["Status"] == "InService":
            return current
        emulator.advance(60)
    raise AssertionError(f"never InService: {current}")


def _start_app(emulator: Emulator, domain_id: str, profile: str) -> None:
    sagemaker = client(emulator, "sagemaker")
    app = {"DomainId": domain_id, "UserProfileName": profile, "AppType": "JupyterServer", "AppName": "default"}
    sagemaker.create_app(**app)
    _in_service(emulator, lambda: sagemaker.describe_app(**app))


# New domain in the default VPC


@pytest.fixture(scope="module")
def new_domain(emulator: Emulator) -> PlaybookRun:
    run = _deploy(emulator, NEW, **NOTEBOOK)
    record_figure("sagemaker_studio first deploy (new domain)", run)
    return run


def test_new_domain_in_the_default_vpc(emulator: Emulator, new_domain: PlaybookRun) -> None:
    assert new_domain.changed > 0
    ec2 = client(emulator, "ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}, {"Name": "default-for-az", "Values": ["true"]}]
    )["Subnets"]
    domain = _domain(emulator, NEW_NAMES["studio_domain"])
    assert domain["AuthMode"] == "IAM"
    assert domain["VpcId"] == vpc["VpcId"]
    assert sorted(domain["SubnetIds"]) == sorted(s["SubnetId"] for s in subnets)
    assert domain["AppNetworkAccessType"] == "PublicInternetOnly"
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{NEW_NAMES['sagemaker_role']}"
    assert domain["DefaultUserSettings"]["ExecutionRole"] == role_arn
    assert _tags(emulator, domain["DomainArn"])["mlflow:stack"] == NEW
    # The role was created seconds before: SageMaker refused it until IAM had propagated it (retried).
    creates = [r["status"] for r in new_domain.requests if r["action"] == "CreateDomain"]
    assert creates[0] == 400 and creates[-1] == 200, creates


def test_user_profile_runs_with_the_execution_role(emulator: Emulator, new_domain: PlaybookRun) -> None:
    domain = _domain(emulator, NEW_NAMES["studio_domain"])
    profile = client(emulator, "sagemaker").describe_user_profile(
        DomainId=domain["DomainId"], UserProfileName="mlflow-user"
    )
    assert profile["Status"] == "InService"
    assert profile["UserSettings"]["ExecutionRole"] == f"arn:aws:iam::{ACCOUNT}:role/{NEW_NAMES['sagemaker_role']}"
    assert _tags(emulator, profile["UserProfileArn"])["mlflow:stack"] == NEW


def test_execution_role_is_trusted_by_sagemaker_and_scoped(emulator: Emulator, new_domain: PlaybookRun) -> None:
    iam = client(emulator, "iam")
    name = NEW_NAMES["sagemaker_role"]
    role = iam.get_role(RoleName=name)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    assert {t["Key"]: t["Value"] for t in role["Tags"]}["mlflow:stack"] == NEW
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [SAGEMAKER_FULL_ACCESS]
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["mlflow-access"]
    document = iam.get_role_policy(RoleName=name, PolicyName="mlflow-access")["PolicyDocument"]
    if isinstance(document, str):
        document = json.loads(document)
    grants = {s["Sid"]: (sorted(_as_list(s["Action"])), sorted(_as_list(s["Resource"]))) for s in document["Statement"]}
    bucket = f"arn:aws:s3:::{names(NEW, ACCOUNT, REGION)['bucket']}"
    parameters = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{NEW_NAMES['parameter_path']}"
    assert grants == {
        "ReadMlflowSagemakerCredentials": (
            ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            [f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{NEW_NAMES['mlflow_sagemaker_secret']}-??????"],
        ),
        "ReadMlflowParameters": (
            ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
            [parameters, f"{parameters}/*"],
        ),
        "ListArtifactBucket": (["s3:ListBucket"], [bucket]),
        "UseArtifacts": (["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], [f"{bucket}/*"]),
    }
    assert all(s["Effect"] == "Allow" for s in document["Statement"])
    # As IAM matches ARNs ('?' one character, '*' any): the SageMaker user's secret, never the admin's.
    readable = [r for s in document["Statement"] for r in _as_list(s["Resource"]) if ":secretsmanager:" in r]
    secret_arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{{}}-AbC123"
    assert any(fnmatch.fnmatchcase(secret_arn.format(NEW_NAMES["mlflow_sagemaker_secret"]), r) for r in readable)
    for other in ("mlflow_secret", "db_secret", "mlflow_flask_secret"):
        assert not any(fnmatch.fnmatchcase(secret_arn.format(NEW_NAMES[other]), r) for r in readable), other


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_notebook_instance_runs_with_the_execution_role_and_exports_mlflow_settings(
    emulator: Emulator, new_domain: PlaybookRun
) -> None:
    sagemaker = client(emulator, "sagemaker")
    notebook = sagemaker.describe_notebook_instance(NotebookInstanceName=NEW_NAMES["notebook_instance"])
    assert notebook["NotebookInstanceStatus"] == "InService"
    assert (notebook["InstanceType"], notebook["VolumeSizeInGB"]) == ("ml.t3.medium", 10)
    assert notebook["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{NEW_NAMES['sagemaker_role']}"
    # Studio in the default VPC: the notebook in SageMaker's own network, with its internet access.
    assert "SubnetId" not in notebook and notebook["DirectInternetAccess"] == "Enabled"
    assert notebook["NotebookInstanceLifecycleConfigName"] == NEW_NAMES["notebook_lifecycle_config"]
    assert _tags(emulator, notebook["NotebookInstanceArn"])["mlflow:stack"] == NEW
    config = sagemaker.describe_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=NEW_NAMES["notebook_lifecycle_config"]
    )
    assert _tags(emulator, config["NotebookInstanceLifecycleConfigArn"])["mlflow:stack"] == NEW
    [hook] = config["OnStart"]
    script = base64.b64decode(hook["Content"]).decode()
    assert f"PARAMETERS={NEW_NAMES['parameter_path']}" in script
    assert "MLFLOW_TRACKING_URI=tracking-uri" in script and "jupyter-server" in script
    # Created after the outputs it reads at start, in AWS's order.
    actions = [r["action"] for r in new_domain.requests if r["action"]]
    assert actions.index("PutParameter") < actions.index("CreateNotebookInstance")
    assert actions.index("CreateNotebookInstanceLifecycleConfig") < actions.index("CreateNotebookInstance")


def test_new_domain_rerun_changes_nothing(emulator: Emulator, new_domain: PlaybookRun) -> None:
    run = _deploy(emulator, NEW, **NOTEBOOK)
    record_figure("sagemaker_studio no-op re-run", run)
    assert run.changed == 0, run.output[-6000:]
    writes = [r["action"] for r in run.requests if r["action"] and r["action"].startswith(("Create", "Update", "Put"))]
    assert writes == []


def test_delete_path_removes_a_profile_with_a_running_app_and_our_domain(
    emulator: Emulator, new_domain: PlaybookRun
) -> None:
    domain = _domain(emulator, NEW_NAMES["studio_domain"])
    _start_app(emulator, domain["DomainId"], "mlflow-user")
    ours = _inference(emulator, "lab", {"mlflow:stack": NEW})
    foreign = _inference(emulator, "other", {"mlflow:stack": "another-stack"}) + _inference(emulator, "untagged", {})

    run = _delete(emulator, NEW)
    actions = [r["action"] for r in run.requests if r["service"] == "sagemaker"]
    assert actions.index("DeleteApp") < actions.index("DeleteUserProfile") < actions.index("DeleteDomain")
    # The notebook instance is stopped before it is deleted, and its configuration goes once it is gone.
    assert actions.index("StopNotebookInstance") < actions.index("DeleteNotebookInstance")
    assert actions.index("DeleteNotebookInstance") < actions.index("DeleteNotebookInstanceLifecycleConfig")
    assert actions.index("DeleteEndpoint") < actions.index("DeleteEndpointConfig") < actions.index("DeleteModel")
    sagemaker = client(emulator, "sagemaker")
    assert sagemaker.list_notebook_instances()["NotebookInstances"] == []
    assert sagemaker.list_notebook_instance_lifecycle_configs()["NotebookInstanceLifecycleConfigs"] == []
    assert set(_inference_left(emulator)).isdisjoint(ours), "the examples' endpoint, config and model are gone"
    assert sorted(_inference_left(emulator)) == sorted(foreign), "other stacks' and untagged ones are left alone"
    _remove_inference(emulator, foreign)
    assert _domains_named(emulator, NEW_NAMES["studio_domain"]) == []
    assert not _role_exists(emulator, NEW_NAMES["sagemaker_role"])
    (efs,) = [e for e in _home_efs(emulator) if e["DomainId"] == domain["DomainId"]]
    assert efs["HomeEfsFileSystem"] == "Retain", "the users' home EFS is kept unless data is purged"
    _assert_home_kept_unmounted_and_nfs_groups_gone(emulator, domain)

    # A role of the same name that is not the stack's (no mlflow:stack tag) is left alone.
    trust = {"Version": "2012-10-17", "Statement": []}
    client(emulator, "iam").create_role(
        RoleName=NEW_NAMES["sagemaker_role"], AssumeRolePolicyDocument=json.dumps(trust)
    )
    again = _delete(emulator, NEW)
    assert again.changed == 0, again.output[-6000:]
    assert not [r for r in again.requests if r["action"] and r["action"].startswith("Delete")]
    assert _role_exists(emulator, NEW_NAMES["sagemaker_role"])


def _inference(emulator: Emulator, name: str, tags: dict[str, str]) -> list[str]:
    """What the examples deploy (issue 18a): a model, an endpoint configuration and an endpoint."""
    sagemaker = client(emulator, "sagemaker")
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    role = f"arn:aws:iam::{ACCOUNT}:role/{NEW_NAMES['sagemaker_role']}"
    image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{NEW_NAMES['repository_serving']}:tag"
    container = {"Image": image, "ModelDataUrl": f"s3://{name}-bucket/model.tar.gz"}
    sagemaker.create_model(ModelName=f"{name}-model", ExecutionRoleArn=role, PrimaryContainer=container, Tags=tag_list)
    variant = {"VariantName": "AllTraffic", "ModelName": f"{name}-model", "InstanceType": "ml.m5.large"}
    sagemaker.create_endpoint_config(
        EndpointConfigName=f"{name}-config", ProductionVariants=[{**variant, "InitialInstanceCount": 1}], Tags=tag_list
    )
    sagemaker.create_endpoint(EndpointName=f"{name}-endpoint", EndpointConfigName=f"{name}-config", Tags=tag_list)
    return [f"{name}-model", f"{name}-config", f"{name}-endpoint"]


def _inference_left(emulator: Emulator) -> list[str]:
    sagemaker = client(emulator, "sagemaker")
    return (
        [m["ModelName"] for m in sagemaker.list_models()["Models"]]
        + [c["EndpointConfigName"] for c in sagemaker.list_endpoint_configs()["EndpointConfigs"]]
        + [e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]]
    )


def _remove_inference(emulator: Emulator, names: list[str]) -> None:
    """The test's own, once checked: the session's emulator serves the other tests."""
    sagemaker = client(emulator, "sagemaker")
    for name in reversed(names):  # endpoints first
        kind = name.rsplit("-", 1)[1]
        parameter = {"model": "ModelName", "config": "EndpointConfigName", "endpoint": "EndpointName"}[kind]
        getattr(sagemaker, {"config": "delete_endpoint_config"}.get(kind, f"delete_{kind}"))(**{parameter: name})


# Existing domain: used, never modified


@pytest.fixture(scope="module")
def given_domain(emulator: Emulator) -> dict[str, Any]:
    """A domain created outside the stack, with its own tags and settings."""
    ec2 = client(emulator, "ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"][0]
    sagemaker = client(emulator, "sagemaker")
    created = sagemaker.create_domain(
        DomainName="team-studio",
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": f"arn:aws:iam::{ACCOUNT}:role/team-role"},
        SubnetIds=[subnet["SubnetId"]],
        VpcId=vpc["VpcId"],
        Tags=[{"Key": "owner", "Value": "data-team"}],
    )
    return _in_service(emulator, lambda: sagemaker.describe_domain(DomainId=created["DomainId"]))


def _assert_untouched(emulator: Emulator, domain: dict[str, Any], run: PlaybookRun) -> None:
    now = client(emulator, "sagemaker").describe_domain(DomainId=domain["DomainId"])
    now.pop("ResponseMetadata")
    assert now == {k: v for k, v in domain.items() if k != "ResponseMetadata"}
    assert _tags(emulator, domain["DomainArn"]) == {"owner": "data-team"}
    assert not [r for r in run.requests if r["action"] in DOMAIN_WRITES], "the given domain was written to"


def test_existing_domain_gets_only_the_profile(emulator: Emulator, given_domain: dict[str, Any]) -> None:
    domain_id = given_domain["DomainId"]
    run = _deploy(emulator, GIVEN, sagemaker_studio_domain_id=domain_id)
    assert run.changed > 0
    _assert_untouched(emulator, given_domain, run)
    assert _domains_named(emulator, GIVEN_NAMES["studio_domain"]) == []
    profile = client(emulator, "sagemaker").describe_user_profile(DomainId=domain_id, UserProfileName="mlflow-user")
    assert profile["UserSettings"]["ExecutionRole"] == f"arn:aws:iam::{ACCOUNT}:role/{GIVEN_NAMES['sagemaker_role']}"
    assert _tags(emulator, profile["UserProfileArn"])["mlflow:stack"] == GIVEN

    again = _deploy(emulator, GIVEN, sagemaker_studio_domain_id=domain_id)
    assert again.changed == 0, again.output[-6000:]
    _assert_untouched(emulator, given_domain, again)

    deleted = _delete(emulator, GIVEN, sagemaker_studio_domain_id=domain_id)
    assert deleted.changed > 0
    _assert_untouched(emulator, given_domain, deleted)
    assert _profiles(emulator, domain_id) == []
    assert not _role_exists(emulator, GIVEN_NAMES["sagemaker_role"])


def test_a_foreign_profile_of_the_same_name_is_refused(emulator: Emulator, given_domain: dict[str, Any]) -> None:
    domain_id = given_domain["DomainId"]
    client(emulator, "sagemaker").create_user_profile(DomainId=domain_id, UserProfileName="alice")
    run = run_playbook(
        emulator,
        "site.yml",
        "--tags",
        "sagemaker_studio",
        extra_vars={
            "mlflow_stack_name": GIVEN,
            "sagemaker_studio_domain_id": domain_id,
            "sagemaker_studio_user_profile_name": "alice",
        },
    )
    assert run.failed
    assert "already has a user profile alice that is not tagged mlflow:stack=sm-given" in run.output
    assert not [r for r in run.requests if r["action"] and r["action"].startswith(("Create", "Update", "Delete"))]
    _assert_untouched(emulator, given_domain, run)


# New domain in the stack's private subnets


def test_stack_network_puts_a_vpc_only_domain_in_the_private_subnets(emulator: Emulator) -> None:
    net = {"sagemaker_studio_network": "stack"}
    run = _deploy(emulator, STACK_NET, "vpc", "sagemaker_studio", **net)
    record_figure("vpc and sagemaker_studio (stack network)", run)
    ec2 = client(emulator, "ec2")
    stack_filter = {"Name": "tag:mlflow:stack", "Values": [STACK_NET]}
    vpc = ec2.describe_vpcs(Filters=[stack_filter])["Vpcs"][0]
    private = ec2.describe_subnets(Filters=[stack_filter, {"Name": "tag:mlflow:subnet-tier", "Values": ["private"]}])
    (group,) = ec2.describe_security_groups(
        Filters=[stack_filter, {"Name": "group-name", "Values": [STACK_NET_NAMES["security_group_studio"]]}]
    )["SecurityGroups"]
    domain = _domain(emulator, STACK_NET_NAMES["studio_domain"])
    assert domain["VpcId"] == vpc["VpcId"]
    assert sorted(domain["SubnetIds"]) == sorted(s["SubnetId"] for s in private["Subnets"])
    assert domain["AppNetworkAccessType"] == "VpcOnly"
    assert domain["DefaultUserSettings"]["SecurityGroups"] == [group["GroupId"]]
    assert group["VpcId"] == vpc["VpcId"]
    egress = {
        (
            p["FromPort"],
            p["ToPort"],
            tuple(r["CidrIp"] for r in p.get("IpRanges", [])),
            tuple(g["GroupId"] for g in p.get("UserIdGroupPairs", [])),
        )
        for p in group["IpPermissionsEgress"]
    }
    own = (group["GroupId"],)
    assert egress == {(443, 443, ("0.0.0.0/0",), ()), (2049, 2049, (), own), (8192, 65535, (), own)}
    ingress = {
        (p["FromPort"], p["ToPort"], tuple(g["GroupId"] for g in p["UserIdGroupPairs"])) for p in group["IpPermissions"]
    }
    assert ingress == {(2049, 2049, own), (8192, 65535, own)}, "only Studio's own interfaces get in"

    again = _deploy(emulator, STACK_NET, **net)
    assert again.changed == 0, again.output[-6000:]

    # SageMaker's home EFS is mounted in the private subnets, with its two NFS groups: the VPC goes all the same.
    assert len(_mount_targets(emulator, domain["HomeEfsFileSystemId"])) == 2
    # A user's app has an interface in the Studio group that outlives the app for minutes (T5).
    _start_app(emulator, domain["DomainId"], "mlflow-user")
    teardown = run_playbook(
        emulator, "teardown.yml", "--tags", "sagemaker_studio,vpc", extra_vars={"mlflow_stack_name": STACK_NET, **net}
    )
    assert not teardown.failed, teardown.output[-5000:]
    assert "FAILED - RETRYING: [localhost]: Delete the Studio security group" in teardown.output
    assert _domains_named(emulator, STACK_NET_NAMES["studio_domain"]) == []
    assert ec2.describe_vpcs(Filters=[stack_filter])["Vpcs"] == []
    _assert_home_kept_unmounted_and_nfs_groups_gone(emulator, domain)
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [STACK_NET_NAMES["security_group_studio"]]}]
    )
    assert groups["SecurityGroups"] == []


def test_stack_network_without_the_vpc_tier_names_it(emulator: Emulator) -> None:
    run = run_playbook(
        emulator,
        "site.yml",
        "--tags",
        "sagemaker_studio",
        extra_vars={"mlflow_stack_name": "sm-novpc", "sagemaker_studio_network": "stack"},
    )
    assert run.failed
    assert "needs the vpc tier of stack sm-novpc" in run.output
    assert "--tags vpc" in run.output
    assert not [r for r in run.requests if r["action"] and r["action"].startswith("Create")]


def test_no_default_vpc_fails_clearly(emulator: Emulator) -> None:
    region = "eu-north-1"
    env = emulator.environment()
    ec2 = boto3.client(
        "ec2",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=region,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    for vpc in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
        for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        for gateway in ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}]
        )["InternetGateways"]:
            ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc["VpcId"])
            ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
        ec2.delete_vpc(VpcId=vpc["VpcId"])
    run = run_playbook(
        emulator,
        "site.yml",
        "--tags",
        "sagemaker_studio",
        extra_vars={"mlflow_stack_name": "sm-nodefault", "mlflow_stack_region": region},
    )
    assert run.failed
    assert f"sagemaker_studio_network is default_vpc but region {region} has no default VPC" in run.output
    assert not [r for r in run.requests if r["action"] and r["action"].startswith("Create")]


@pytest.mark.parametrize(
    ("extra_vars", "message"),
    [
        ({"sagemaker_studio_domain_id": "domain-1"}, 'such as d-abcdefghijkl; got "domain-1"'),
        # A choice of the argument spec: Ansible's own message names the variable and the value.
        (
            {"sagemaker_studio_network": "private"},
            "sagemaker_studio_network must be one of: default_vpc, stack, got: private",
        ),
        (
            {"sagemaker_studio_user_profile_name": "mlflow_user"},
            'starting and ending with a letter or digit; got "mlflow_user"',
        ),
        (
            {"sagemaker_studio_notebook_instance": {"enabled": True, "volume_size_in_gb": 2}},
            'volume_size_in_gb (5 to 16384); got {"enabled": true, "volume_size_in_gb": 2}',
        ),
    ],
    ids=["domain-id", "network", "profile-name", "notebook-volume"],
)
def test_bad_input_fails_before_any_aws_request(emulator: Emulator, extra_vars: dict[str, Any], message: str) -> None:
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": "sm-bad", **extra_vars})
    assert run.failed
    assert message in run.output, run.output[-3000:]
    assert run.requests == []


def test_check_mode_on_a_fresh_stack_writes_nothing(emulator: Emulator) -> None:
    run = run_playbook(
        emulator, "site.yml", "--check", "--tags", "sagemaker_studio", extra_vars={"mlflow_stack_name": "sm-dry"}
    )
    assert not run.failed, run.output[-5000:]
    assert run.changed > 0
    writes = [r["action"] for r in run.requests if r["action"] and r["action"].startswith(("Create", "Put", "Attach"))]
    assert writes == []
    assert _domains_named(emulator, "sm-dry-studio") == []
    assert not _role_exists(emulator, "sm-dry-sagemaker-execution")
