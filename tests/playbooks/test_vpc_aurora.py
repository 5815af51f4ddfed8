"""site.yml's vpc and aurora tiers against the emulator, checked through boto3 (issue 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.launcher import Emulator
from tests.support.names import names
from tests.support.playbooks import OUTPUTS, PlaybookRun, client, record_figure, run_playbook

pytestmark = pytest.mark.playbook

STACK = "alpha"
NAMES = names(STACK)
OTHER_STACK = "beta"


def _tag_filter(stack: str) -> list[dict[str, Any]]:
    return [{"Name": "tag:mlflow:stack", "Values": [stack]}]


def _db_secret(emulator: Emulator, stack: str) -> dict[str, Any]:
    value = client(emulator, "secretsmanager").get_secret_value(SecretId=names(stack)["db_secret"])
    return json.loads(value["SecretString"])


def _stack_snapshot(emulator: Emulator, stack: str) -> dict[str, Any]:
    """Everything of a stack that a run of another stack must leave alone."""
    ec2 = client(emulator, "ec2")
    rds = client(emulator, "rds")
    secret = client(emulator, "secretsmanager").describe_secret(SecretId=names(stack)["db_secret"])
    return {
        "vpcs": ec2.describe_vpcs(Filters=_tag_filter(stack))["Vpcs"],
        "subnets": sorted(s["SubnetId"] for s in ec2.describe_subnets(Filters=_tag_filter(stack))["Subnets"]),
        "route_tables": ec2.describe_route_tables(Filters=_tag_filter(stack))["RouteTables"],
        "security_groups": ec2.describe_security_groups(Filters=_tag_filter(stack))["SecurityGroups"],
        "cluster": rds.describe_db_clusters(DBClusterIdentifier=names(stack)["db_cluster"])["DBClusters"][0][
            "DBClusterArn"
        ],
        "secret_versions": secret["VersionIdsToStages"],
    }


@pytest.fixture(scope="module")
def working_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the user runs ansible-playbook from: not the checkout, as with an installed collection."""
    return tmp_path_factory.mktemp("user")


@pytest.fixture(scope="module")
def first_deploy(emulator: Emulator, working_directory: Path) -> PlaybookRun:
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": STACK}, cwd=working_directory)
    assert not run.failed, run.output[-4000:]
    record_figure("first deploy (vpc, aurora)", run)
    return run


def test_first_deploy_changes_and_writes_outputs(
    emulator: Emulator, first_deploy: PlaybookRun, working_directory: Path
) -> None:
    assert first_deploy.changed > 0
    assert not (OUTPUTS / f"{STACK}.json").exists()  # nothing beside the playbooks
    outputs = json.loads((working_directory / "outputs" / f"{STACK}.json").read_text())
    vpc = client(emulator, "ec2").describe_vpcs(Filters=_tag_filter(STACK))["Vpcs"][0]
    assert outputs["vpc_id"] == vpc["VpcId"]
    assert outputs["db_secret_name"] == NAMES["db_secret"]
    assert len(outputs["subnet_ids"]["isolated"]) == 2


def test_vpc_and_subnets(emulator: Emulator, first_deploy: PlaybookRun) -> None:
    ec2 = client(emulator, "ec2")
    vpc = ec2.describe_vpcs(Filters=_tag_filter(STACK))["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        value = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
        assert value[attribute[0].upper() + attribute[1:]]["Value"] is True
    subnets = ec2.describe_subnets(Filters=_tag_filter(STACK))["Subnets"]
    by_tier: dict[str, list[dict[str, Any]]] = {}
    for subnet in subnets:
        tier = {t["Key"]: t["Value"] for t in subnet["Tags"]}["mlflow:subnet-tier"]
        by_tier.setdefault(tier, []).append(subnet)
    expected = {
        "public": {"10.0.0.0/24", "10.0.1.0/24"},
        "private": {"10.0.2.0/26", "10.0.2.64/26"},
        "isolated": {"10.0.2.128/28", "10.0.2.144/28"},
    }
    assert {tier: {s["CidrBlock"] for s in subs} for tier, subs in by_tier.items()} == expected
    for tier, subs in by_tier.items():
        assert len({s["AvailabilityZone"] for s in subs}) == 2, f"{tier} subnets must span two AZs"
        assert all(s["MapPublicIpOnLaunch"] is (tier == "public") for s in subs)


def _routes_of(emulator: Emulator, subnet_id: str) -> list[dict[str, Any]]:
    tables = client(emulator, "ec2").describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
    )["RouteTables"]
    assert len(tables) == 1
    return tables[0]["Routes"]


def _subnets(emulator: Emulator, stack: str, tier: str) -> list[dict[str, Any]]:
    filters = [*_tag_filter(stack), {"Name": "tag:mlflow:subnet-tier", "Values": [tier]}]
    return client(emulator, "ec2").describe_subnets(Filters=filters)["Subnets"]


def test_routes_per_tier(emulator: Emulator, first_deploy: PlaybookRun) -> None:
    ec2 = client(emulator, "ec2")
    nats = ec2.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": [_vpc_id(emulator, STACK)]}])["NatGateways"]
    live = [n for n in nats if n["State"] in ("pending", "available")]
    assert len(live) == 1
    public_ids = {s["SubnetId"] for s in _subnets(emulator, STACK, "public")}
    assert live[0]["SubnetId"] in public_ids
    for subnet in _subnets(emulator, STACK, "public"):
        assert any(r.get("GatewayId", "").startswith("igw-") for r in _routes_of(emulator, subnet["SubnetId"]))
    for subnet in _subnets(emulator, STACK, "private"):
        default = [r for r in _routes_of(emulator, subnet["SubnetId"]) if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        assert [r.get("NatGatewayId") for r in default] == [live[0]["NatGatewayId"]]
    for subnet in _subnets(emulator, STACK, "isolated"):
        routes = _routes_of(emulator, subnet["SubnetId"])
        assert [r["GatewayId"] for r in routes] == ["local"], "isolated subnets have no route out"


def _vpc_id(emulator: Emulator, stack: str) -> str:
    return client(emulator, "ec2").describe_vpcs(Filters=_tag_filter(stack))["Vpcs"][0]["VpcId"]


def _groups(emulator: Emulator, stack: str) -> dict[str, dict[str, Any]]:
    groups = client(emulator, "ec2").describe_security_groups(Filters=_tag_filter(stack))["SecurityGroups"]
    return {g["GroupName"].removeprefix(f"{stack}-"): g for g in groups}


def _ingress(group: dict[str, Any]) -> list[tuple[str, int, int, tuple[str, ...], tuple[str, ...]]]:
    return [
        (
            p["IpProtocol"],
            p.get("FromPort", -1),
            p.get("ToPort", -1),
            tuple(sorted(pair["GroupId"] for pair in p.get("UserIdGroupPairs", []))),
            tuple(sorted(r["CidrIp"] for r in p.get("IpRanges", []))),
        )
        for p in group["IpPermissions"]
    ]


def test_security_group_matrix(emulator: Emulator, first_deploy: PlaybookRun) -> None:
    groups = _groups(emulator, STACK)
    assert set(groups) == {"vpclink", "alb", "service", "db"}
    ids = {name: group["GroupId"] for name, group in groups.items()}
    assert _ingress(groups["vpclink"]) == []
    assert _ingress(groups["alb"]) == [("tcp", 80, 80, (ids["vpclink"],), ())]
    assert _ingress(groups["service"]) == [("tcp", 80, 80, (ids["alb"],), ())]
    assert _ingress(groups["db"]) == [("tcp", 3306, 3306, (ids["service"],), ())]
    assert groups["db"]["IpPermissionsEgress"] == []
    for group in groups.values():
        for permission in group["IpPermissions"] + group["IpPermissionsEgress"]:
            assert not (permission.get("FromPort", 0) <= 5000 <= permission.get("ToPort", -1)), "port 5000 is open"


def test_aurora_cluster(emulator: Emulator, first_deploy: PlaybookRun) -> None:
    rds = client(emulator, "rds")
    cluster = rds.describe_db_clusters(DBClusterIdentifier=NAMES["db_cluster"])["DBClusters"][0]
    assert cluster["Engine"] == "aurora-mysql"
    assert cluster["EngineVersion"].startswith("8.0.mysql_aurora.3.")
    assert cluster["EngineMode"] == "provisioned"
    assert cluster["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 8.0}
    assert cluster["StorageEncrypted"] is True
    assert cluster["DeletionProtection"] is True
    assert cluster["BackupRetentionPeriod"] == 7
    assert cluster["DatabaseName"] == "mlflowdb"
    assert [g["VpcSecurityGroupId"] for g in cluster["VpcSecurityGroups"]] == [
        _groups(emulator, STACK)["db"]["GroupId"]
    ]
    group = rds.describe_db_subnet_groups(DBSubnetGroupName=cluster["DBSubnetGroup"])["DBSubnetGroups"][0]
    isolated = {s["SubnetId"] for s in _subnets(emulator, STACK, "isolated")}
    assert {s["SubnetIdentifier"] for s in group["Subnets"]} == isolated
    instances = rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [NAMES["db_cluster"]]}])[
        "DBInstances"
    ]
    assert [(i["DBInstanceIdentifier"], i["DBInstanceClass"]) for i in instances] == [
        (NAMES["db_instance"], "db.serverless")
    ]
    tags = {t["Key"]: t["Value"] for t in cluster["TagList"]}
    assert tags["mlflow:stack"] == STACK


def test_credentials_secret(emulator: Emulator, first_deploy: PlaybookRun) -> None:
    secret = _db_secret(emulator, STACK)
    cluster = client(emulator, "rds").describe_db_clusters(DBClusterIdentifier=NAMES["db_cluster"])["DBClusters"][0]
    assert set(secret) == {"engine", "username", "password", "host", "port", "dbname", "dbClusterIdentifier"}
    assert secret["username"] == cluster["MasterUsername"] == "mlflow"
    assert secret["host"] == cluster["Endpoint"]
    assert (secret["port"], secret["dbname"], secret["dbClusterIdentifier"]) == (
        3306,
        "mlflowdb",
        NAMES["db_cluster"],
    )
    assert len(secret["password"]) == 32
    assert not set(secret["password"]) & set('/@" ')
    assert secret["password"] not in first_deploy.output, "the password must never be printed"


def test_second_run_changes_nothing_and_keeps_the_password(
    emulator: Emulator, first_deploy: PlaybookRun, working_directory: Path
) -> None:
    before = _db_secret(emulator, STACK)
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": STACK}, cwd=working_directory)
    assert not run.failed, run.output[-4000:]
    record_figure("no-op re-run (vpc, aurora)", run)
    assert run.changed == 0, run.output[-6000:]
    assert _db_secret(emulator, STACK) == before
    writes = [r for r in run.requests if r["action"] and r["action"].startswith(("Create", "Modify", "Put", "Update"))]
    assert writes == []


def test_check_mode_on_a_deployed_stack_changes_nothing(
    emulator: Emulator, first_deploy: PlaybookRun, working_directory: Path
) -> None:
    run = run_playbook(emulator, "site.yml", "--check", extra_vars={"mlflow_stack_name": STACK}, cwd=working_directory)
    assert not run.failed, run.output[-4000:]
    assert run.changed == 0, run.output[-6000:]


def test_drift_in_the_network_and_the_credentials_secret_is_put_back_alone(
    emulator: Emulator, first_deploy: PlaybookRun, working_directory: Path
) -> None:
    """A re-run skips the VPC, subnets, route tables, groups and secret fields it finds as planned: each drift below
    must still be found and put right, and nothing else touched."""
    ec2 = client(emulator, "ec2")
    private = _subnets(emulator, STACK, "private")[0]["SubnetId"]
    table = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [private]}])["RouteTables"][
        0
    ]
    ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0")
    isolated = _subnets(emulator, STACK, "isolated")[0]
    name = next(t["Value"] for t in isolated["Tags"] if t["Key"] == "Name")
    ec2.create_tags(Resources=[isolated["SubnetId"]], Tags=[{"Key": "Name", "Value": "renamed"}])
    [isolated_table] = ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [isolated["SubnetId"]]}]
    )["RouteTables"]
    ec2.create_tags(Resources=[isolated_table["RouteTableId"]], Tags=[{"Key": "owner", "Value": "someone"}])
    db = _groups(emulator, STACK)["db"]
    ec2.revoke_security_group_ingress(GroupId=db["GroupId"], IpPermissions=db["IpPermissions"])
    vpc_id = _vpc_id(emulator, STACK)
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": False})
    # A re-run rewrites the credentials secret only when its connection fields are not as planned.
    secret = _db_secret(emulator, STACK)
    without_host = {key: value for key, value in secret.items() if key != "host"}
    secrets = client(emulator, "secretsmanager")
    description = secrets.describe_secret(SecretId=names(STACK)["db_secret"])["Description"]
    secrets.put_secret_value(SecretId=names(STACK)["db_secret"], SecretString=json.dumps(without_host))
    secrets.update_secret(SecretId=names(STACK)["db_secret"], Description="edited by hand")
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": STACK}, cwd=working_directory)
    assert not run.failed, run.output[-4000:]
    assert run.changed == 6, run.output[-6000:]
    assert _db_secret(emulator, STACK) == secret
    assert secrets.describe_secret(SecretId=names(STACK)["db_secret"])["Description"] == description
    assert [r["action"] for r in run.requests if r["action"] in ("CreateRoute", "ReplaceRoute", "DeleteRoute")] == [
        "CreateRoute"
    ]
    assert any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in _routes_of(emulator, private))
    [again] = [s for s in _subnets(emulator, STACK, "isolated") if s["SubnetId"] == isolated["SubnetId"]]
    assert {t["Key"]: t["Value"] for t in again["Tags"]}["Name"] == name
    [isolated_table] = ec2.describe_route_tables(RouteTableIds=[isolated_table["RouteTableId"]])["RouteTables"]
    assert "owner" not in {t["Key"] for t in isolated_table["Tags"]}
    assert _groups(emulator, STACK)["db"]["IpPermissions"] == db["IpPermissions"]
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]
    modified = {r["action"] for r in run.requests if r["action"] and r["action"].startswith(("Authorize", "Revoke"))}
    assert modified == {"AuthorizeSecurityGroupIngress"}, "only the db group's rule is put back"


def test_aurora_tag_alone_after_a_full_run(
    emulator: Emulator, first_deploy: PlaybookRun, working_directory: Path
) -> None:
    run = run_playbook(
        emulator, "site.yml", "--tags", "aurora", extra_vars={"mlflow_stack_name": STACK}, cwd=working_directory
    )
    assert not run.failed, run.output[-4000:]
    assert run.changed == 0, run.output[-6000:]
    assert not any(r["action"] == "DescribeAvailabilityZones" for r in run.requests), "the vpc tier must not run"


def test_zero_acus_pause_the_database_and_back(
    emulator: Emulator, first_deploy: PlaybookRun, working_directory: Path
) -> None:
    def aurora(**extra_vars: Any) -> PlaybookRun:
        variables = {"mlflow_stack_name": STACK, **extra_vars}
        run = run_playbook(emulator, "site.yml", "--tags", "aurora", extra_vars=variables, cwd=working_directory)
        assert not run.failed, run.output[-4000:]
        return run

    def scaling() -> dict[str, Any]:
        rds = client(emulator, "rds")
        cluster = rds.describe_db_clusters(DBClusterIdentifier=names(STACK)["db_cluster"])["DBClusters"][0]
        return cluster["ServerlessV2ScalingConfiguration"]

    # A re-run with the same pause changes nothing: tests/unit/plugins/modules/test_rds_cluster_scaling.py.
    assert aurora(aurora_min_capacity=0, aurora_seconds_until_auto_pause=3600).changed == 1
    assert scaling() == {"MinCapacity": 0.0, "MaxCapacity": 8.0, "SecondsUntilAutoPause": 3600}
    assert aurora().changed == 1
    assert scaling()["MinCapacity"] == 0.5


def test_aurora_tag_alone_on_an_empty_account_names_vpc(emulator: Emulator) -> None:
    run = run_playbook(emulator, "site.yml", "--tags", "aurora", extra_vars={"mlflow_stack_name": "gamma"})
    assert run.failed
    assert "needs the vpc tier of stack gamma" in run.output
    assert "--tags vpc" in run.output
    assert not any(r["action"] and r["action"].startswith("Create") for r in run.requests)


def test_two_stacks_leave_each_other_alone(
    emulator: Emulator, first_deploy: PlaybookRun, working_directory: Path
) -> None:
    before = _stack_snapshot(emulator, STACK)
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": OTHER_STACK})
    assert not run.failed, run.output[-4000:]
    assert _stack_snapshot(emulator, STACK) == before
    assert _vpc_id(emulator, OTHER_STACK) != _vpc_id(emulator, STACK)
    assert _db_secret(emulator, OTHER_STACK)["password"] != _db_secret(emulator, STACK)["password"]
    again = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": STACK}, cwd=working_directory)
    assert again.changed == 0, again.output[-6000:]


@pytest.mark.parametrize(
    ("extra_vars", "env", "message"),
    [
        ({"vpc_cidr": "10.0.0.300/16"}, {}, "is not a valid IPv4 network"),
        ({"vpc_cidr": "10.0.0.0/24"}, {}, "is too small for the subnet plan"),
        ({"mlflow_stack_name": "MLflow"}, {}, 'mlflow_stack_name "MLflow" is invalid'),
        ({"mlflow_stack_name": "ml_flow"}, {}, 'mlflow_stack_name "ml_flow" is invalid'),
        ({"mlflow_stack_name": "a" * 21}, {}, "is invalid: use 2 to 20 characters"),
        ({"aurora_min_capacity": 4, "aurora_max_capacity": 2}, {}, "got min 4, max 2"),
        ({"mlflow_stack_region": ""}, {"AWS_REGION": None, "AWS_DEFAULT_REGION": None}, "No AWS region is set"),
    ],
    ids=["malformed-cidr", "cidr-too-small", "upper-case-name", "bad-character", "name-too-long", "min-acu", "region"],
)
def test_bad_input_fails_before_any_aws_request(
    emulator: Emulator, extra_vars: dict[str, Any], env: dict[str, str | None], message: str
) -> None:
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": "delta", **extra_vars}, env_overrides=env)
    assert run.failed
    assert message in run.output, run.output[-3000:]
    assert run.requests == []


def test_the_emulator_inventory_refuses_a_non_loopback_endpoint(emulator: Emulator) -> None:
    # Never reached: the guard fails first, and nothing is sent anywhere.
    run = run_playbook(emulator, "site.yml", env_overrides={"AWS_ENDPOINT_URL": "https://ec2.us-east-1.amazonaws.com"})
    assert run.failed
    assert "deploys to the embedded emulator only" in run.output
    assert run.requests == []


def test_first_deploy_asks_for_every_slow_resource_before_the_service_and_rolls_out_once(
    emulator: Emulator, first_deploy: PlaybookRun
) -> None:
    """AWS's long waits overlap (docs/architecture.md, "Deploy order"): Aurora's writer, the Studio domain,
    the NAT gateways, the ALB and the VPC link are all requested before the service, which waits for them, and
    the HTTP API exists before the first task definition, which therefore allows its origin: one revision."""
    actions = [entry["action"] for entry in first_deploy.requests]
    first_service = actions.index("CreateService")
    for slow in ("CreateNatGateway", "CreateDBInstance", "CreateDomain", "CreateLoadBalancer", "CreateVpcLink"):
        assert actions.index(slow) < first_service, slow
    assert actions.count("RegisterTaskDefinition") == 3, "the service's, the gc and the migrate families, once each"
    ecs = client(emulator, "ecs")
    definition = ecs.describe_task_definition(taskDefinition=NAMES["task_family"])["taskDefinition"]
    assert definition["revision"] == 1
    [endpoint] = [
        api["ApiEndpoint"]
        for api in client(emulator, "apigatewayv2").get_apis()["Items"]
        if api["Name"] == NAMES["api"]
    ]
    [mlflow] = [c for c in definition["containerDefinitions"] if c["name"] == "mlflow"]
    assert {e["name"]: e["value"] for e in mlflow["environment"]}["MLFLOW_CORS_ALLOWED_ORIGINS"] == endpoint
