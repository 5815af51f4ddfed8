"""Teardown touches only what carries mlflow:stack=<stack> (issue 10).

Next to a deployed stack, another team's resources carry the names of a stack "prod" that was never ours
(untagged, or tagged for another stack). The default and the purging teardown of "prod" leave every one
of them, data included; the teardown of the deployed stack removes its own and still leaves them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.launcher import Emulator
from tests.support.names import names
from tests.support.network import two_zone_network
from tests.support.playbooks import OUTPUTS, PlaybookRun, client, run_playbook

pytestmark = pytest.mark.playbook

OURS = "own"
OURS_NAMES = names(OURS)
FOREIGN = "prod"
FOREIGN_NAMES = names(FOREIGN)
ACCOUNT = "123456789012"
REGION = "us-east-1"
OTHER_TEAM = [{"Key": "mlflow:stack", "Value": "data-science"}]


def _ok(run: PlaybookRun) -> PlaybookRun:
    assert not run.failed, run.output[-5000:]
    return run


@dataclass(frozen=True)
class Check:
    """A resource and how to tell that it (and its data) are still there."""

    kind: str
    name: str
    present: Callable[[Emulator], bool]


def _exists(call: Callable[[], Any], *missing: str) -> bool:
    try:
        call()
    except ClientError as error:
        if error.response["Error"]["Code"] in missing:
            return False
        raise
    return True


def _foreign_network(aws: Emulator) -> tuple[str, list[str]]:
    return two_zone_network(client(aws, "ec2"), "10.77", REGION)


def _foreign_ecs(aws: Emulator) -> None:
    ecs = client(aws, "ecs")
    other = [{"key": "mlflow:stack", "value": "data-science"}]
    ecs.create_cluster(clusterName=FOREIGN, tags=other)
    ecs.register_task_definition(
        family=FOREIGN_NAMES["task_family"], containerDefinitions=[{"name": "app", "image": "nginx", "memory": 256}]
    )
    ecs.create_service(
        cluster=FOREIGN,
        serviceName=FOREIGN_NAMES["ecs_service"],
        taskDefinition=FOREIGN_NAMES["task_family"],
        desiredCount=1,
    )


def _foreign_data(aws: Emulator) -> str:
    bucket = names(FOREIGN, ACCOUNT, REGION)["bucket"]
    s3 = client(aws, "s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="mlruns/1/model.pkl", Body=b"their model")
    secrets = client(aws, "secretsmanager")
    secrets.create_secret(Name=FOREIGN_NAMES["db_secret"], SecretString='{"password": "theirs"}')
    secrets.create_secret(Name=FOREIGN_NAMES["mlflow_secret"], SecretString='{"password": "theirs"}', Tags=OTHER_TEAM)
    ssm = client(aws, "ssm")
    for key in ("tracking-uri", "db-endpoint", "artifact-bucket"):
        ssm.put_parameter(Name=f"{FOREIGN_NAMES['parameter_path']}/{key}", Value="theirs", Type="String")
    return bucket


def _foreign_rest(aws: Emulator, vpc: str, subnets: list[str]) -> None:
    elbv2 = client(aws, "elbv2")
    elbv2.create_load_balancer(Name=FOREIGN_NAMES["alb"], Subnets=subnets, Scheme="internal")
    elbv2.create_target_group(
        Name=FOREIGN_NAMES["target_group"], Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip", Tags=OTHER_TEAM
    )
    iam = client(aws, "iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    iam.create_role(RoleName=FOREIGN_NAMES["task_role"], AssumeRolePolicyDocument=trust)
    iam.create_role(RoleName=FOREIGN_NAMES["execution_role"], AssumeRolePolicyDocument=trust, Tags=OTHER_TEAM)
    ecr = client(aws, "ecr")
    for name in ("nginx", "mlflow"):
        ecr.create_repository(repositoryName=f"{FOREIGN}/{name}")
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"})
        ecr.put_image(repositoryName=f"{FOREIGN}/{name}", imageManifest=manifest, imageTag="v1")
    logs = client(aws, "logs")
    logs.create_log_group(logGroupName=FOREIGN_NAMES["service_log_group"])
    logs.create_log_group(logGroupName=FOREIGN_NAMES["api_log_group"], tags={"mlflow:stack": "data-science"})
    rds = client(aws, "rds")
    rds.create_db_subnet_group(
        DBSubnetGroupName=FOREIGN_NAMES["db_subnet_group"], DBSubnetGroupDescription="theirs", SubnetIds=subnets
    )
    rds.create_db_cluster(
        DBClusterIdentifier=FOREIGN_NAMES["db_cluster"],
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword="their-password-1",
        DBSubnetGroupName=FOREIGN_NAMES["db_subnet_group"],
        Tags=OTHER_TEAM,
    )


def _checks(bucket: str) -> list[Check]:
    def secret_alive(name: str) -> Callable[[Emulator], bool]:
        return lambda aws: "DeletedDate" not in client(aws, "secretsmanager").describe_secret(SecretId=name)

    def image(repository: str) -> Callable[[Emulator], bool]:
        return lambda aws: len(client(aws, "ecr").list_images(repositoryName=repository)["imageIds"]) == 1

    def role(name: str) -> Callable[[Emulator], bool]:
        return lambda aws: _exists(lambda: client(aws, "iam").get_role(RoleName=name), "NoSuchEntity")

    def log_group(name: str) -> Callable[[Emulator], bool]:
        return lambda aws: any(
            g["logGroupName"] == name
            for g in client(aws, "logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        )

    def ecs_cluster(aws: Emulator) -> bool:
        return client(aws, "ecs").describe_clusters(clusters=[FOREIGN])["clusters"][0]["status"] == "ACTIVE"

    return [
        Check(
            "ALB",
            FOREIGN_NAMES["alb"],
            lambda aws: _exists(
                lambda: client(aws, "elbv2").describe_load_balancers(Names=[FOREIGN_NAMES["alb"]]),
                "LoadBalancerNotFound",
            ),
        ),
        Check(
            "target group",
            FOREIGN_NAMES["target_group"],
            lambda aws: _exists(
                lambda: client(aws, "elbv2").describe_target_groups(Names=[FOREIGN_NAMES["target_group"]]),
                "TargetGroupNotFound",
            ),
        ),
        Check("ECS cluster", FOREIGN, ecs_cluster),
        Check(
            "ECS service",
            FOREIGN_NAMES["ecs_service"],
            lambda aws: (
                client(aws, "ecs").describe_services(cluster=FOREIGN, services=[FOREIGN_NAMES["ecs_service"]])[
                    "services"
                ][0]["status"]
                == "ACTIVE"
            ),
        ),
        Check(
            "task definition",
            FOREIGN_NAMES["ecs_service"],
            lambda aws: (
                client(aws, "ecs").describe_task_definition(taskDefinition=FOREIGN_NAMES["task_family"])[
                    "taskDefinition"
                ]["status"]
                == "ACTIVE"
            ),
        ),
        Check("IAM role", FOREIGN_NAMES["task_role"], role(FOREIGN_NAMES["task_role"])),
        Check("IAM role", FOREIGN_NAMES["execution_role"], role(FOREIGN_NAMES["execution_role"])),
        Check("ECR image", FOREIGN_NAMES["repository_nginx"], image(FOREIGN_NAMES["repository_nginx"])),
        Check("ECR image", FOREIGN_NAMES["repository_mlflow"], image(FOREIGN_NAMES["repository_mlflow"])),
        Check("log group", FOREIGN_NAMES["service_log_group"], log_group(FOREIGN_NAMES["service_log_group"])),
        Check("log group", FOREIGN_NAMES["api_log_group"], log_group(FOREIGN_NAMES["api_log_group"])),
        Check("secret", FOREIGN_NAMES["db_secret"], secret_alive(FOREIGN_NAMES["db_secret"])),
        Check("secret", FOREIGN_NAMES["mlflow_secret"], secret_alive(FOREIGN_NAMES["mlflow_secret"])),
        Check(
            "bucket object",
            bucket,
            lambda aws: (
                client(aws, "s3").get_object(Bucket=bucket, Key="mlruns/1/model.pkl")["Body"].read() == b"their model"
            ),
        ),
        Check(
            "DB subnet group",
            FOREIGN_NAMES["db_cluster"],
            lambda aws: _exists(
                lambda: client(aws, "rds").describe_db_subnet_groups(
                    DBSubnetGroupName=FOREIGN_NAMES["db_subnet_group"]
                ),
                "DBSubnetGroupNotFoundFault",
            ),
        ),
        Check(
            "DB cluster",
            FOREIGN_NAMES["db_cluster"],
            lambda aws: _exists(
                lambda: client(aws, "rds").describe_db_clusters(DBClusterIdentifier=FOREIGN_NAMES["db_cluster"]),
                "DBClusterNotFoundFault",
            ),
        ),
        Check(
            "SSM parameters",
            f"{FOREIGN_NAMES['parameter_path']}/",
            lambda aws: (
                len(
                    client(aws, "ssm").get_parameters_by_path(Path=FOREIGN_NAMES["parameter_path"], Recursive=True)[
                        "Parameters"
                    ]
                )
                == 3
            ),
        ),
    ]


@pytest.fixture(scope="module")
def world(emulator: Emulator) -> list[Check]:
    """Our stack deployed, and another team's resources under the names of stack "prod"."""
    _ok(run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": OURS}))
    vpc, subnets = _foreign_network(emulator)
    _foreign_ecs(emulator)
    bucket = _foreign_data(emulator)
    _foreign_rest(emulator, vpc, subnets)
    checks = _checks(bucket)
    assert _missing(emulator, checks) == []
    return checks


def _missing(aws: Emulator, checks: list[Check]) -> list[str]:
    return [f"{check.kind} {check.name}" for check in checks if not check.present(aws)]


def _deletes(run: PlaybookRun) -> list[str]:
    words = ("Delete", "Deregister", "Remove", "Detach", "Release", "Revoke", "Disassociate", "Stop")
    return [f"{r['service']} {r['action']}" for r in run.requests if r["action"] and r["action"].startswith(words)]


@pytest.mark.parametrize("purge", [False, True], ids=["default", "purge"])
def test_teardown_of_a_stack_we_never_had_leaves_every_foreign_resource(
    emulator: Emulator, world: list[Check], purge: bool
) -> None:
    run = _ok(
        run_playbook(
            emulator, "teardown.yml", extra_vars={"mlflow_stack_name": FOREIGN, "mlflow_teardown_purge_data": purge}
        )
    )
    assert _missing(emulator, world) == []
    assert _deletes(run) == [], "nothing of stack prod is ours to delete"
    flat = " ".join(run.output.split())
    for name in (
        FOREIGN_NAMES["alb"],
        FOREIGN_NAMES["db_secret"],
        names(FOREIGN, ACCOUNT, REGION)["bucket"],
        FOREIGN_NAMES["db_cluster"],
    ):
        assert name in flat.split("Left alone:", 1)[-1], f"the summary must name {name}"
    assert "it is tagged mlflow:stack=data-science" in flat
    assert "it has no mlflow:stack tag" in flat


def test_a_partial_teardown_republishes_what_remains(emulator: Emulator, world: list[Check]) -> None:
    ssm = client(emulator, "ssm")
    before = {
        p["Name"] for p in ssm.get_parameters_by_path(Path=OURS_NAMES["parameter_path"], Recursive=True)["Parameters"]
    }
    assert (
        f"{OURS_NAMES['parameter_path']}/tracking-uri" in before
        and f"{OURS_NAMES['parameter_path']}/db-endpoint" in before
    )
    _ok(run_playbook(emulator, "teardown.yml", "--tags", "http_api", extra_vars={"mlflow_stack_name": OURS}))
    after = {
        p["Name"] for p in ssm.get_parameters_by_path(Path=OURS_NAMES["parameter_path"], Recursive=True)["Parameters"]
    }
    # The outputs that lead to the HTTP API go with it; the others stay published.
    of_the_api = {
        f"{OURS_NAMES['parameter_path']}/{key}" for key in ("tracking-uri", "iam-tracking-uri", "iam-tracking-auth")
    }
    assert of_the_api <= before
    assert not of_the_api & after
    assert before - of_the_api <= after
    outputs = json.loads((OUTPUTS / f"{OURS}.json").read_text())
    assert outputs["tracking_uri"] is None and outputs["iam_tracking_uri"] is None
    assert outputs["db_endpoint"] and outputs["artifact_bucket"] == names(OURS, ACCOUNT, REGION)["bucket"]


def test_teardown_of_our_stack_removes_ours_and_leaves_theirs(emulator: Emulator, world: list[Check]) -> None:
    _ok(
        run_playbook(
            emulator, "teardown.yml", extra_vars={"mlflow_stack_name": OURS, "mlflow_teardown_purge_data": True}
        )
    )
    assert _missing(emulator, world) == []
    assert not _exists(
        lambda: client(emulator, "elbv2").describe_load_balancers(Names=[OURS_NAMES["alb"]]), "LoadBalancerNotFound"
    )
    assert not _exists(lambda: client(emulator, "iam").get_role(RoleName=OURS_NAMES["task_role"]), "NoSuchEntity")
    assert not _exists(
        lambda: client(emulator, "secretsmanager").describe_secret(SecretId=OURS_NAMES["mlflow_secret"]),
        "ResourceNotFoundException",
    )
    assert not _exists(lambda: client(emulator, "s3").head_bucket(Bucket=names(OURS, ACCOUNT, REGION)["bucket"]), "404")
    assert (
        client(emulator, "ssm").get_parameters_by_path(Path=OURS_NAMES["parameter_path"], Recursive=True)["Parameters"]
        == []
    )
    assert not (OUTPUTS / f"{OURS}.json").exists()
