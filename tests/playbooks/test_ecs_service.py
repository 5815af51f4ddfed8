"""site.yml's ecs_service tier against the emulator, checked through boto3 (issue 3)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.mlops.mlflow_aws.plugins.lookup.content_digest import content_digest

from emulator.launcher import Emulator
from tests.support.names import names
from tests.support.playbooks import PlaybookRun, client, record_figure, run_playbook

pytestmark = pytest.mark.playbook

STACK = "svc"
NAMES = names(STACK)
ACCOUNT = "123456789012"
BUCKET = names(STACK, ACCOUNT, "us-east-1")["bucket"]
# The tiers up to ecs_service: the http_api tier is added by one test, to see the origin refresh.
UP_TO_ECS_SERVICE = ("--skip-tags", "http_api,sagemaker_studio")
FILES = Path(__file__).resolve().parents[2] / "files"
REGISTRY = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
BUILDS_BUCKET = names(STACK, ACCOUNT, "us-east-1")["builds_bucket"]
MLFLOW_ENVIRONMENT = {
    "BUCKET",
    "HOST",
    "PORT",
    "DATABASE",
    "MLFLOW_WORKERS",
    "MLFLOW_SQLALCHEMYSTORE_POOL_SIZE",
    "MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW",
    "MLFLOW_SERVER_ENABLE_JOB_EXECUTION",
    "MLFLOW_CORS_ALLOWED_ORIGINS",
    "MLFLOW_AUTH_DEFAULT_PERMISSION",
    "MLFLOW_SAGEMAKER_PERMISSION",
    "MLFLOW_VERSION",
}
# The MLflow version the role deploys by default (the image's pinned one).
MLFLOW_VERSION = yaml.safe_load((FILES.parent / "roles/ecs_service/defaults/main.yml").read_text())[
    "ecs_service_mlflow_version"
]


@pytest.fixture(scope="module")
def deployed(emulator: Emulator) -> PlaybookRun:
    run = run_playbook(emulator, "site.yml", *UP_TO_ECS_SERVICE, extra_vars={"mlflow_stack_name": STACK})
    assert not run.failed, run.output[-5000:]
    record_figure("first deploy (vpc to ecs_service)", run)
    return run


def _secret(emulator: Emulator, name: str) -> tuple[str, dict[str, Any]]:
    secrets = client(emulator, "secretsmanager")
    return secrets.describe_secret(SecretId=name)["ARN"], json.loads(
        secrets.get_secret_value(SecretId=name)["SecretString"]
    )


def _task_definition(emulator: Emulator) -> dict[str, Any]:
    return client(emulator, "ecs").describe_task_definition(taskDefinition=NAMES["task_family"])["taskDefinition"]


def _service(emulator: Emulator) -> dict[str, Any]:
    return client(emulator, "ecs").describe_services(cluster=STACK, services=[NAMES["ecs_service"]])["services"][0]


def _groups(emulator: Emulator) -> dict[str, str]:
    groups = client(emulator, "ec2").describe_security_groups(
        Filters=[{"Name": "tag:mlflow:stack", "Values": [STACK]}]
    )["SecurityGroups"]
    return {g["GroupName"].removeprefix(f"{STACK}-"): g["GroupId"] for g in groups}


def _private_subnets(emulator: Emulator) -> set[str]:
    subnets = client(emulator, "ec2").describe_subnets(
        Filters=[
            {"Name": "tag:mlflow:stack", "Values": [STACK]},
            {"Name": "tag:mlflow:subnet-tier", "Values": ["private"]},
        ]
    )["Subnets"]
    return {s["SubnetId"] for s in subnets}


def test_artifact_bucket(emulator: Emulator, deployed: PlaybookRun) -> None:
    s3 = client(emulator, "s3")
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(
        block[key] for key in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    )
    rules = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    [deny] = policy["Statement"]
    assert deny["Effect"] == "Deny" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(deny["Resource"]) == {f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"}


def test_image_repositories(emulator: Emulator, deployed: PlaybookRun) -> None:
    ecr = client(emulator, "ecr")
    repositories = ecr.describe_repositories(
        repositoryNames=[NAMES["repository_nginx"], NAMES["repository_mlflow"], NAMES["repository_serving"]]
    )
    assert len(repositories["repositories"]) == 3
    for repository in repositories["repositories"]:
        assert repository["imageTagMutability"] == "IMMUTABLE"
        assert repository["imageScanningConfiguration"]["scanOnPush"] is True
        tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"])["tags"]
        assert {"Key": "mlflow:stack", "Value": STACK} in tags
    assert "No Docker engine is reachable" not in deployed.output


def test_mlflow_credentials_are_generated_and_never_printed(emulator: Emulator, deployed: PlaybookRun) -> None:
    _arn, credentials = _secret(emulator, NAMES["mlflow_secret"])
    assert credentials["username"] == "admin"
    assert len(credentials["password"]) == 32
    assert credentials["password"] not in deployed.output
    # Its own secret, not the admin's: the SageMaker execution role may read it.
    _arn, sagemaker = _secret(emulator, NAMES["mlflow_sagemaker_secret"])
    assert sagemaker["username"] == "sagemaker"
    assert len(sagemaker["password"]) == 32 and sagemaker["password"] != credentials["password"]
    assert sagemaker["password"] not in deployed.output


def test_roles_reach_only_their_resources(emulator: Emulator, deployed: PlaybookRun) -> None:
    iam = client(emulator, "iam")
    db_arn = _secret(emulator, NAMES["db_secret"])[0]
    mlflow_arn = _secret(emulator, NAMES["mlflow_secret"])[0]
    flask_arn = _secret(emulator, NAMES["mlflow_flask_secret"])[0]
    sagemaker_arn = _secret(emulator, NAMES["mlflow_sagemaker_secret"])[0]
    execution = NAMES["execution_role"]
    managed = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=execution)["AttachedPolicies"]]
    assert managed == ["AmazonECSTaskExecutionRolePolicy"]
    [read] = iam.get_role_policy(RoleName=execution, PolicyName="read-mlflow-secrets")["PolicyDocument"]["Statement"]
    assert read["Action"] == "secretsmanager:GetSecretValue"
    assert sorted(read["Resource"]) == sorted([db_arn, mlflow_arn, sagemaker_arn, flask_arn])

    task = NAMES["task_role"]
    assert iam.list_attached_role_policies(RoleName=task)["AttachedPolicies"] == []
    assert iam.list_role_policies(RoleName=task)["PolicyNames"] == ["mlflow-artifacts"]
    statements = iam.get_role_policy(RoleName=task, PolicyName="mlflow-artifacts")["PolicyDocument"]["Statement"]
    resources = {r for s in statements for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])}
    assert resources == {f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"}
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert all(action.startswith("s3:") and "*" not in action for action in actions)


def test_task_definition_holds_no_plaintext_secret(emulator: Emulator, deployed: PlaybookRun) -> None:
    definition = _task_definition(emulator)
    assert (definition["cpu"], definition["memory"], definition["networkMode"]) == ("1024", "2048", "awsvpc")
    assert definition["requiresCompatibilities"] == ["FARGATE"]
    containers = {c["name"]: c for c in definition["containerDefinitions"]}
    assert set(containers) == {"nginx", "mlflow"}
    nginx, mlflow = containers["nginx"], containers["mlflow"]
    assert [(p["containerPort"], p.get("protocol")) for p in nginx["portMappings"]] == [(80, "tcp")]
    assert not mlflow.get("portMappings"), "MLflow is reached only through nginx"
    assert nginx["essential"] and mlflow["essential"]
    assert nginx.get("healthCheck") and mlflow.get("healthCheck")
    assert {e["name"] for e in mlflow["environment"]} <= MLFLOW_ENVIRONMENT
    assert not nginx.get("environment")
    # The image has no defaults for these: the role's (2 workers, pools of 2 + 3, no job runner) reach MLflow from here.
    settings = {e["name"]: e["value"] for e in mlflow["environment"]}
    assert (settings["MLFLOW_WORKERS"], settings["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"]) == ("2", "false")
    pools = (settings["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"], settings["MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"])
    assert pools == ("2", "3")

    db_arn, db = _secret(emulator, NAMES["db_secret"])
    mlflow_arn, web = _secret(emulator, NAMES["mlflow_secret"])
    flask_arn, flask = _secret(emulator, NAMES["mlflow_flask_secret"])
    sagemaker_arn, sagemaker = _secret(emulator, NAMES["mlflow_sagemaker_secret"])
    referenced = {s["valueFrom"].rsplit(":", 3)[0] for c in containers.values() for s in c.get("secrets", [])}
    assert referenced == {db_arn, mlflow_arn, sagemaker_arn, flask_arn}
    # nginx holds no credentials: MLflow's auth app checks them.
    assert not nginx.get("secrets")
    sources = {s["name"]: s["valueFrom"] for s in mlflow["secrets"]}
    assert sources["MLFLOW_AUTH_ADMIN_USERNAME"] == f"{mlflow_arn}:username::"
    assert sources["MLFLOW_AUTH_ADMIN_PASSWORD"] == f"{mlflow_arn}:password::"
    assert sources["MLFLOW_FLASK_SERVER_SECRET_KEY"] == f"{flask_arn}:key::"
    assert sources["MLFLOW_SAGEMAKER_PASSWORD"] == f"{sagemaker_arn}:password::"
    assert {s["name"] for s in mlflow["secrets"]} == {
        "USERNAME",
        "PASSWORD",
        "MLFLOW_AUTH_ADMIN_USERNAME",
        "MLFLOW_AUTH_ADMIN_PASSWORD",
        "MLFLOW_FLASK_SERVER_SECRET_KEY",
        "MLFLOW_SAGEMAKER_USERNAME",
        "MLFLOW_SAGEMAKER_PASSWORD",
    }
    assert settings["MLFLOW_AUTH_DEFAULT_PERMISSION"] == "READ"
    assert settings["MLFLOW_SAGEMAKER_PERMISSION"] == "EDIT"
    assert len(flask["key"]) == 64
    plain = json.dumps(definition)
    for password in (db["password"], web["password"], sagemaker["password"], flask["key"]):
        assert password not in plain


def test_gc_task_gets_the_db_secret_by_reference_and_a_schedule_runs_it(
    emulator: Emulator, deployed: PlaybookRun
) -> None:
    ecs = client(emulator, "ecs")
    definition = ecs.describe_task_definition(taskDefinition=NAMES["gc_task_family"], include=["TAGS"])
    [gc] = definition["taskDefinition"]["containerDefinitions"]
    assert (gc["name"], gc["command"], gc["image"]) == ("gc", ["gc"], _images(_task_definition(emulator))["mlflow"])
    assert {e["name"]: e["value"] for e in gc["environment"]}["MLFLOW_GC_OLDER_THAN"] == "30d"
    db_arn, db = _secret(emulator, NAMES["db_secret"])
    assert {s["name"]: s["valueFrom"] for s in gc["secrets"]} == {
        "USERNAME": f"{db_arn}:username::",
        "PASSWORD": f"{db_arn}:password::",
    }
    assert db["password"] not in json.dumps(definition)
    assert {"key": "mlflow:stack", "value": STACK} in definition["tags"]

    # The schema migration: the same image and secrets, run once before the service was created.
    migration = ecs.describe_task_definition(taskDefinition=NAMES["migrate_task_family"], include=["TAGS"])
    [migrate] = migration["taskDefinition"]["containerDefinitions"]
    assert (migrate["name"], migrate["command"], migrate["image"]) == ("migrate", ["migrate"], gc["image"])
    assert {e["name"]: e["value"] for e in migrate["environment"]}["MLFLOW_VERSION"] == MLFLOW_VERSION
    assert {s["name"]: s["valueFrom"] for s in migrate["secrets"]} == {s["name"]: s["valueFrom"] for s in gc["secrets"]}
    assert {"key": "mlflow:stack", "value": STACK} in migration["tags"]
    assert _migration_then_service(deployed) == ["RunTask", "CreateService"]

    scheduler = client(emulator, "scheduler")
    group = scheduler.get_schedule_group(Name=NAMES["gc_schedule_group"])
    assert {"Key": "mlflow:stack", "Value": STACK} in scheduler.list_tags_for_resource(ResourceArn=group["Arn"])["Tags"]
    schedule = scheduler.get_schedule(Name=NAMES["gc_schedule"], GroupName=NAMES["gc_schedule_group"])
    assert (schedule["ScheduleExpression"], schedule["State"]) == ("rate(1 day)", "ENABLED")
    target = schedule["Target"]
    assert target["Arn"].endswith(f":cluster/{STACK}")
    assert target["RoleArn"].endswith(f":role/{NAMES['gc_scheduler_role']}")
    assert target["EcsParameters"]["TaskDefinitionArn"].endswith(f":task-definition/{NAMES['gc_task_family']}")
    network = target["EcsParameters"]["NetworkConfiguration"]["awsvpcConfiguration"]
    assert set(network["Subnets"]) == _private_subnets(emulator)
    assert network["SecurityGroups"] == [_groups(emulator)["service"]]
    assert network["AssignPublicIp"] == "DISABLED"

    iam = client(emulator, "iam")
    trust = iam.get_role(RoleName=NAMES["gc_scheduler_role"])["Role"]["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "scheduler.amazonaws.com"}]
    [run, pass_role] = iam.get_role_policy(RoleName=NAMES["gc_scheduler_role"], PolicyName="run-mlflow-gc")[
        "PolicyDocument"
    ]["Statement"]
    assert run["Action"] == "ecs:RunTask"
    assert all(f":task-definition/{NAMES['gc_task_family']}" in arn for arn in run["Resource"])
    assert run["Condition"]["ArnEquals"]["ecs:cluster"] == target["Arn"]
    assert pass_role["Action"] == "iam:PassRole"
    assert {arn.rsplit("/", 1)[-1] for arn in pass_role["Resource"]} == {NAMES["execution_role"], NAMES["task_role"]}
    # Its role was created seconds before: the scheduler refused it until IAM had propagated it (retried).
    creates = [r["status"] for r in deployed.requests if r["method"] == "POST" and r["path"].startswith("/schedules/")]
    assert creates[0] == 400 and creates[-1] == 200, creates


def test_load_balancer(emulator: Emulator, deployed: PlaybookRun) -> None:
    elb = client(emulator, "elbv2")
    alb = elb.describe_load_balancers(Names=[NAMES["alb"]])["LoadBalancers"][0]
    assert alb["Scheme"] == "internal"
    assert {z["SubnetId"] for z in alb["AvailabilityZones"]} == _private_subnets(emulator)
    assert alb["SecurityGroups"] == [_groups(emulator)["alb"]]
    [listener] = elb.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    assert (listener["Protocol"], listener["Port"]) == ("HTTP", 80)
    group = elb.describe_target_groups(Names=[NAMES["target_group"]])["TargetGroups"][0]
    assert listener["DefaultActions"][0]["TargetGroupArn"] == group["TargetGroupArn"]
    assert (group["TargetType"], group["Protocol"], group["Port"]) == ("ip", "HTTP", 80)
    assert group["HealthCheckPath"] == "/elb-status"


def test_service(emulator: Emulator, deployed: PlaybookRun) -> None:
    service = _service(emulator)
    assert service["desiredCount"] == 2
    assert service["launchType"] == "FARGATE"
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    assert set(network["subnets"]) == _private_subnets(emulator)
    assert network["securityGroups"] == [_groups(emulator)["service"]]
    assert network["assignPublicIp"] == "DISABLED"
    breaker = service["deploymentConfiguration"]["deploymentCircuitBreaker"]
    assert breaker == {"enable": True, "rollback": True}
    [balancer] = service["loadBalancers"]
    assert (balancer["containerName"], balancer["containerPort"]) == ("nginx", 80)
    discovery = client(emulator, "servicediscovery")
    namespaces = discovery.list_namespaces()["Namespaces"]
    namespace = next(n for n in namespaces if n["Name"] == NAMES["namespace"])
    services = discovery.list_services(Filters=[{"Name": "NAMESPACE_ID", "Values": [namespace["Id"]]}])["Services"]
    registry = next(s for s in services if s["Name"] == "mlflow")
    assert [r["registryArn"] for r in service["serviceRegistries"]] == [registry["Arn"]]


def test_scaling(emulator: Emulator, deployed: PlaybookRun) -> None:
    scaling = client(emulator, "application-autoscaling")
    resource = NAMES["scaling_resource"]
    [target] = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 6)
    [policy] = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]
    config = policy["TargetTrackingScalingPolicyConfiguration"]
    assert config["TargetValue"] == 70
    assert config["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ECSServiceAverageCPUUtilization"
    assert (config["ScaleInCooldown"], config["ScaleOutCooldown"]) == (60, 60)


def test_outputs_are_published(emulator: Emulator, deployed: PlaybookRun) -> None:
    ssm = client(emulator, "ssm")
    parameters = {
        p["Name"]: p["Value"]
        for p in ssm.get_parameters_by_path(Path=f"{NAMES['parameter_path']}/", Recursive=True)["Parameters"]
    }
    # The admin's, as before the SageMaker user existed; programs on the SageMaker role read the other one.
    assert parameters[f"{NAMES['parameter_path']}/credentials-secret-name"] == NAMES["mlflow_secret"]
    sagemaker_secret = parameters[f"{NAMES['parameter_path']}/sagemaker-credentials-secret-name"]
    assert sagemaker_secret == NAMES["mlflow_sagemaker_secret"]
    assert parameters[f"{NAMES['parameter_path']}/artifact-bucket"] == BUCKET
    assert parameters[f"{NAMES['parameter_path']}/ecs-service"] == NAMES["ecs_service"]
    assert parameters[f"{NAMES['parameter_path']}/serving-image-uri"] == SERVING_IMAGE


def _registered_targets(emulator: Emulator) -> set[str]:
    elb = client(emulator, "elbv2")
    group = elb.describe_target_groups(Names=[NAMES["target_group"]])["TargetGroups"][0]
    return {
        t["Target"]["Id"]
        for t in elb.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    }


def _register_task_address(emulator: Emulator) -> str:
    """What ECS does for a task of the service: its address becomes a target of the group."""
    elb = client(emulator, "elbv2")
    group = elb.describe_target_groups(Names=[NAMES["target_group"]])["TargetGroups"][0]
    address = "10.0.3.77"
    elb.register_targets(TargetGroupArn=group["TargetGroupArn"], Targets=[{"Id": address, "Port": 80}])
    return address


def test_second_run_changes_nothing(emulator: Emulator, deployed: PlaybookRun) -> None:
    revision = _task_definition(emulator)["revision"]
    task_address = _register_task_address(emulator)
    run = run_playbook(emulator, "site.yml", *UP_TO_ECS_SERVICE, extra_vars={"mlflow_stack_name": STACK})
    assert not run.failed, run.output[-5000:]
    record_figure("no-op re-run (vpc to ecs_service)", run)
    assert run.changed == 0, run.output[-8000:]
    # The tasks ECS registered stay in the group: a re-run must not take the service out of the ALB.
    assert task_address in _registered_targets(emulator)
    assert _started_builds(run) == 0, "images whose tag is in ECR are never built again"
    assert _task_definition(emulator)["revision"] == revision
    assert _migration_then_service(run) == [], "the same image migrates nothing"


def test_http_api_tier_allows_its_origin_and_rolls_the_service(emulator: Emulator, deployed: PlaybookRun) -> None:
    before = _task_definition(emulator)["revision"]
    run = run_playbook(emulator, "site.yml", "--tags", "http_api", extra_vars={"mlflow_stack_name": STACK})
    assert not run.failed, run.output[-5000:]
    apis = client(emulator, "apigatewayv2").get_apis()["Items"]
    [endpoint] = [api["ApiEndpoint"] for api in apis if api["Name"] == NAMES["api"]]
    definition = _task_definition(emulator)
    assert definition["revision"] == before + 1
    [mlflow] = [c for c in definition["containerDefinitions"] if c["name"] == "mlflow"]
    environment = {e["name"]: e["value"] for e in mlflow["environment"]}
    assert environment["MLFLOW_CORS_ALLOWED_ORIGINS"] == endpoint
    assert _service(emulator)["taskDefinition"].endswith(f":{before + 1}")

    again = run_playbook(emulator, "site.yml", "--tags", "http_api", extra_vars={"mlflow_stack_name": STACK})
    assert not again.failed, again.output[-5000:]
    assert again.changed == 0, again.output[-8000:]


def test_ecs_service_tag_on_an_empty_account_names_vpc(emulator: Emulator) -> None:
    run = run_playbook(emulator, "site.yml", "--tags", "ecs_service", extra_vars={"mlflow_stack_name": "nosvc"})
    assert run.failed
    assert "Run the vpc tier first" in run.output
    assert not any(r["action"] and r["action"].startswith("Create") for r in run.requests)


# Images (issue 13): built in the account by the emulated CodeBuild, ARM64 by default.


def _ref(name: str, directory: Path = FILES, arch: str = "arm64") -> str:
    version = f"-{MLFLOW_VERSION}" if name == "mlflow" else ""
    return f"{REGISTRY}/{STACK}/{name}:{content_digest(directory / name, 16)}{version}-{arch}"


# MLflow's serving image for SageMaker endpoints: x86-64 (SageMaker's default instance types) by default.
SERVING_IMAGE = f"{REGISTRY}/{NAMES['repository_serving']}:{content_digest(FILES / 'mlflow-serving', 16)}-x86_64"


def _images(definition: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["image"] for c in definition["containerDefinitions"]}


def _started_builds(run: PlaybookRun) -> int:
    return sum(1 for r in run.requests if r["service"] == "codebuild" and r["action"] == "StartBuild")


def _service_changes(run: PlaybookRun) -> list[str]:
    return [
        r["action"]
        for r in run.requests
        if r["service"] == "ecs" and r["action"] in ("RegisterTaskDefinition", "CreateService", "UpdateService")
    ]


def _migration_then_service(run: PlaybookRun) -> list[str]:
    """RunTask (the schema migration, the only one-off task site.yml runs) and the service's create or update."""
    return [
        r["action"]
        for r in run.requests
        if r["service"] == "ecs" and r["action"] in ("RunTask", "CreateService", "UpdateService")
    ]


@pytest.fixture
def images_copy(tmp_path: Path) -> Path:
    """The image sources in a directory of the test's own, to change without touching files/."""
    copy = tmp_path / "files"
    shutil.copytree(FILES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def failing_builds(emulator: Emulator) -> Iterator[None]:
    """Every CodeBuild build fails (MLFLOW_EMULATOR_FAULTS), for one test."""
    with emulator.faults("fail=codebuild_build"):
        yield


def test_images_are_built_by_codebuild_for_arm64(emulator: Emulator, deployed: PlaybookRun) -> None:
    assert "docker" not in {r["service"] for r in deployed.requests}
    # Its role was created seconds before: CodeBuild refused it until IAM had propagated it (retried).
    creates = [r["status"] for r in deployed.requests if r["action"] == "CreateProject"]
    assert creates[0] == 400 and creates[-1] == 200, creates
    assert _started_builds(deployed) == 3
    ecr = client(emulator, "ecr")
    for reference in (_ref("nginx"), _ref("mlflow"), SERVING_IMAGE):
        repository, tag = reference.split("/", 1)[1].rsplit(":", 1)
        [image] = ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])["imageDetails"]
        assert image["imageManifestMediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
    definition = _task_definition(emulator)
    assert definition["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    assert _images(definition) == {"nginx": _ref("nginx"), "mlflow": _ref("mlflow")}

    codebuild = client(emulator, "codebuild")
    [project] = codebuild.batch_get_projects(names=[NAMES["build_project"]])["projects"]
    environment = project["environment"]
    assert (environment["type"], environment["computeType"]) == ("ARM_CONTAINER", "BUILD_GENERAL1_SMALL")
    assert "aarch64" in environment["image"] and environment["privilegedMode"] is True
    assert {"name": "IMAGE_PLATFORM", "value": "linux/arm64"} in [
        {"name": v["name"], "value": v["value"]} for v in environment["environmentVariables"]
    ]
    assert {"key": "mlflow:stack", "value": STACK} in project["tags"]
    ids = codebuild.list_builds_for_project(projectName=NAMES["build_project"])["ids"]
    builds = codebuild.batch_get_builds(ids=ids)["builds"]
    assert {b["buildStatus"] for b in builds} == {"SUCCEEDED"}
    # The serving image builds on an x86-64 host of the same project (CodeBuild hosts emulate no other).
    platforms = {
        v["value"] for b in builds for v in b["environment"]["environmentVariables"] if v["name"] == "IMAGE_PLATFORM"
    }
    assert platforms == {"linux/arm64", "linux/amd64"}
    serving = [b for b in builds if "/mlflow-serving/" in b["source"]["location"]]
    assert [b["environment"]["type"] for b in serving] == ["LINUX_CONTAINER"]
    assert sorted(b["environment"]["type"] for b in builds if b not in serving) == ["ARM_CONTAINER"] * 2
    assert {b["source"]["location"].split("/", 1)[0] for b in builds} == {BUILDS_BUCKET}
    logs = client(emulator, "logs")
    events = logs.get_log_events(logGroupName=NAMES["build_log_group"], logStreamName=builds[0]["logs"]["streamName"])
    assert any("Phase complete: BUILD State: SUCCEEDED" in e["message"] for e in events["events"])


def test_codebuild_role_reaches_only_its_resources(emulator: Emulator, deployed: PlaybookRun) -> None:
    iam = client(emulator, "iam")
    role = iam.get_role(RoleName=NAMES["build_role"])["Role"]
    assert {"Key": "mlflow:stack", "Value": STACK} in role["Tags"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "codebuild.amazonaws.com"}
    assert iam.list_attached_role_policies(RoleName=NAMES["build_role"])["AttachedPolicies"] == []
    statements = iam.get_role_policy(RoleName=NAMES["build_role"], PolicyName="build-mlflow-images")["PolicyDocument"][
        "Statement"
    ]
    resources = {r for s in statements for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])}
    assert resources == {
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{NAMES['build_log_group']}",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{NAMES['build_log_group']}:log-stream:*",
        f"arn:aws:s3:::{BUILDS_BUCKET}/contexts/*",
        f"arn:aws:s3:::{BUILDS_BUCKET}",
        "*",  # ecr:GetAuthorizationToken takes no resource
        f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{NAMES['repository_nginx']}",
        f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{NAMES['repository_mlflow']}",
        f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{NAMES['repository_serving']}",
    }
    [wildcard] = [s for s in statements if s["Resource"] == "*"]
    assert wildcard["Action"] == "ecr:GetAuthorizationToken"
    group = client(emulator, "logs").describe_log_groups(logGroupNamePrefix=NAMES["build_log_group"])
    assert group["logGroups"][0]["retentionInDays"] == 30


def _delete_task_role(emulator: Emulator) -> list[str]:
    """Deleted as IAM requires (its inline policies and instance profiles first); the profiles' names."""
    iam, role = client(emulator, "iam"), NAMES["task_role"]
    for policy in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        iam.delete_role_policy(RoleName=role, PolicyName=policy)
    listed = iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]
    profiles = [profile["InstanceProfileName"] for profile in listed]
    for profile in profiles:
        iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
        iam.delete_instance_profile(InstanceProfileName=profile)
    iam.delete_role(RoleName=role)
    return profiles


def test_changed_mlflow_source_rebuilds_mlflow_only_and_rolls_the_service(
    emulator: Emulator, deployed: PlaybookRun, images_copy: Path
) -> None:
    """Its task role deleted out of band, the run creates it again seconds before the rollout: ECS fails to
    launch the new tasks until IAM has propagated the role, and the deploy waits that out (no rollback). The
    other roles, changed out of band meanwhile, are put back as planned."""
    before = _task_definition(emulator)
    _delete_task_role(emulator)
    planned = _change_roles_out_of_band(emulator)
    with (images_copy / "mlflow" / "requirements.txt").open("a") as requirements:
        requirements.write("# a change to the MLflow image\n")
    run = run_playbook(
        emulator,
        "site.yml",
        *UP_TO_ECS_SERVICE,
        extra_vars={"mlflow_stack_name": STACK, "ecs_service_images_directory": str(images_copy)},
    )
    assert not run.failed, run.output[-5000:]
    assert _started_builds(run) == 1
    after = _task_definition(emulator)
    assert after["revision"] == before["revision"] + 1
    assert _images(after) == {"nginx": _ref("nginx"), "mlflow": _ref("mlflow", images_copy)}
    assert _images(after)["mlflow"] != _images(before)["mlflow"]
    service = _service(emulator)
    assert service["taskDefinition"].endswith(f":{after['revision']}")
    assert [(d["taskDefinition"], d["rolloutState"]) for d in service["deployments"]] == [
        (after["taskDefinitionArn"], "COMPLETED")
    ]
    role = after["taskRoleArn"]
    assert role.endswith(f"/{NAMES['task_role']}")
    # A new MLflow image migrates the schemas before the service changes: the migrate task's RunTask is refused
    # while ECS cannot assume the new task role, and asked again until it is taken (so the service, updated after
    # it, no longer meets the refusal); the same version takes no snapshot.
    migration = _migration_then_service(run)
    assert migration[-2:] == ["RunTask", "UpdateService"] and set(migration[:-1]) == {"RunTask"}, migration
    runs = [(r["status"], r["answered_by"]) for r in run.requests if r["action"] == "RunTask"]
    assert len(runs) >= 2 and runs[-1][0] == 200 and set(runs[:-1]) == {(400, "iam_role_propagation")}, runs
    assert not [r for r in run.requests if r["action"] == "CreateDBClusterSnapshot"]
    # The roles changed out of band are as planned again (a re-run reads each role once, and writes only then).
    assert _roles_as_changed(emulator) == planned


def _change_roles_out_of_band(emulator: Emulator) -> dict[str, Any]:
    """The execution role's inline policy emptied, a stack tag and a managed policy gone, a description edited;
    what they were."""
    iam = client(emulator, "iam")
    planned = _roles_as_changed(emulator)
    statement = {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
    iam.put_role_policy(
        RoleName=NAMES["execution_role"],
        PolicyName="read-mlflow-secrets",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )
    for arn in planned["execution_managed"]:
        iam.detach_role_policy(RoleName=NAMES["execution_role"], PolicyArn=arn)
    iam.untag_role(RoleName=NAMES["gc_scheduler_role"], TagKeys=["mlflow:stack"])
    iam.update_role(RoleName=NAMES["build_role"], Description="edited by hand")
    assert _roles_as_changed(emulator) != planned
    return planned


def _roles_as_changed(emulator: Emulator) -> dict[str, Any]:
    iam = client(emulator, "iam")
    execution, scheduler, build = NAMES["execution_role"], NAMES["gc_scheduler_role"], NAMES["build_role"]
    return {
        "execution_policy": iam.get_role_policy(RoleName=execution, PolicyName="read-mlflow-secrets")["PolicyDocument"],
        "execution_managed": [
            p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=execution)["AttachedPolicies"]
        ],
        "scheduler_tags": iam.get_role(RoleName=scheduler)["Role"].get("Tags", []),
        "build_description": iam.get_role(RoleName=build)["Role"].get("Description"),
    }


def test_gc_retries_run_task_while_ecs_cannot_assume_a_new_task_role(emulator: Emulator, deployed: PlaybookRun) -> None:
    """The task role created again seconds before playbooks/gc.yml: RunTask refuses the task until IAM has
    propagated it, and the play asks again until ECS takes it. (Without the data plane the emulator ends a
    one-off task at once with exit code 0, so the play then succeeds as a gc run would.)"""
    iam = client(emulator, "iam")
    role = iam.get_role(RoleName=NAMES["task_role"])["Role"]
    policies = {
        name: iam.get_role_policy(RoleName=NAMES["task_role"], PolicyName=name)["PolicyDocument"]
        for name in iam.list_role_policies(RoleName=NAMES["task_role"])["PolicyNames"]
    }
    profiles = _delete_task_role(emulator)
    trust = json.dumps(role["AssumeRolePolicyDocument"])
    iam.create_role(RoleName=NAMES["task_role"], Path=role["Path"], AssumeRolePolicyDocument=trust, Tags=role["Tags"])
    for name, document in policies.items():
        iam.put_role_policy(RoleName=NAMES["task_role"], PolicyName=name, PolicyDocument=json.dumps(document))
    for profile in profiles:
        iam.create_instance_profile(InstanceProfileName=profile, Path=role["Path"])
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=NAMES["task_role"])

    run = run_playbook(emulator, "gc.yml", extra_vars={"mlflow_stack_name": STACK})

    runs = [(r["status"], r["answered_by"]) for r in run.requests if r["action"] == "RunTask"]
    assert len(runs) >= 2 and set(runs[:-1]) == {(400, "iam_role_propagation")} and runs[-1][0] == 200, runs
    assert not run.failed, run.output[-3000:]


def test_failed_build_stops_the_play_before_the_service(
    emulator: Emulator, deployed: PlaybookRun, images_copy: Path, failing_builds: None
) -> None:
    before = _service(emulator)["taskDefinition"]
    (images_copy / "nginx" / "mlflow.conf.template").write_text("# broken on purpose\n", encoding="utf-8")
    extra = {"mlflow_stack_name": STACK, "ecs_service_images_directory": str(images_copy)}
    run = run_playbook(emulator, "site.yml", *UP_TO_ECS_SERVICE, extra_vars=extra)
    assert run.failed
    assert f"of project {NAMES['build_project']} ended FAILED in phase BUILD" in run.output
    assert f"CloudWatch Logs group {NAMES['build_log_group']}, stream " in run.output
    assert _service_changes(run) == []

    # The origin refresh after the http_api tier builds nothing: it refuses the missing image instead.
    refresh = run_playbook(emulator, "site.yml", "--tags", "http_api", extra_vars=extra)
    assert refresh.failed
    assert f"Not in ECR: {_ref('nginx', images_copy)}" in refresh.output
    assert "--tags images" in refresh.output
    assert _service_changes(refresh) == []
    assert _service(emulator)["taskDefinition"] == before


def test_docker_builder_without_an_engine_fails_early(emulator: Emulator, deployed: PlaybookRun) -> None:
    run = run_playbook(
        emulator,
        "site.yml",
        "--tags",
        "ecs_service",
        extra_vars={"mlflow_stack_name": STACK, "ecs_service_image_builder": "docker"},
        env_overrides={"DOCKER_HOST": "unix:///nonexistent/docker.sock"},
    )
    assert run.failed
    assert "ecs_service_image_builder is docker, but no Docker engine is reachable from this host" in run.output
    assert [r for r in run.requests if r["service"] not in ("sts",)] == []


SCHEDULE = {"timezone": "Europe/Paris", "start": "cron(0 7 ? * MON-FRI *)", "stop": "cron(0 20 ? * MON-FRI *)"}
SCALABLE_TARGET = {
    "ServiceNamespace": "ecs",
    "ResourceId": NAMES["scaling_resource"],
    "ScalableDimension": "ecs:service:DesiredCount",
}


def _scheduled_actions(emulator: Emulator) -> dict[str, dict[str, Any]]:
    actions = client(emulator, "application-autoscaling").describe_scheduled_actions(**SCALABLE_TARGET)
    return {a["ScheduledActionName"]: a for a in actions["ScheduledActions"]}


def _capacity_range(emulator: Emulator) -> tuple[int, int]:
    scaling = client(emulator, "application-autoscaling")
    [target] = scaling.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[NAMES["scaling_resource"]], ScalableDimension="ecs:service:DesiredCount"
    )["ScalableTargets"]
    return target["MinCapacity"], target["MaxCapacity"]


# Two more runs of the tier (several minutes): make soak, to keep make test under its hour.
@pytest.mark.soak
def test_off_hours_schedule_and_a_rerun_while_it_holds_the_service_at_zero(
    emulator: Emulator, deployed: PlaybookRun
) -> None:
    """Before the teardown test, which checks that the actions go with the scalable target."""
    scheduled = {"mlflow_stack_name": STACK, "ecs_service_schedule": SCHEDULE}
    run = run_playbook(emulator, "site.yml", "--tags", "ecs_service", extra_vars=scheduled)
    assert not run.failed, run.output[-5000:]
    actions = _scheduled_actions(emulator)
    stop, start = actions[NAMES["schedule_stop"]], actions[NAMES["schedule_start"]]
    assert (stop["Schedule"], stop["Timezone"]) == (SCHEDULE["stop"], "Europe/Paris")
    assert stop["ScalableTargetAction"] == {"MinCapacity": 0, "MaxCapacity": 0}
    assert (start["Schedule"], start["Timezone"]) == (SCHEDULE["start"], "Europe/Paris")
    assert start["ScalableTargetAction"] == {"MinCapacity": 2, "MaxCapacity": 6}
    assert _service(emulator)["desiredCount"] == 2, "in the hours, nothing stops before the stop action"

    # The emulator never fires a schedule: what AWS does at the stop time, the range to 0 and the service with it.
    client(emulator, "application-autoscaling").register_scalable_target(
        MinCapacity=0, MaxCapacity=0, **SCALABLE_TARGET
    )
    client(emulator, "ecs").update_service(cluster=STACK, service=NAMES["ecs_service"], desiredCount=0)
    night = run_playbook(emulator, "site.yml", "--tags", "ecs_service", extra_vars=scheduled)
    assert not night.failed, night.output[-5000:]
    assert night.changed == 0, night.output[-8000:]
    assert _service(emulator)["desiredCount"] == 0
    assert _capacity_range(emulator) == (0, 0)
    assert "the service stays at 0 tasks" in " ".join(night.output.split())


def test_teardown_removes_the_build_project_and_keeps_the_build_contexts_unless_purging(
    emulator: Emulator, deployed: PlaybookRun
) -> None:
    """Last in this file: tears the stack's service tier down (the http_api tier first, as AWS requires)."""
    tiers = ("--tags", "http_api,ecs_service")
    run = run_playbook(emulator, "teardown.yml", *tiers, extra_vars={"mlflow_stack_name": STACK})
    assert not run.failed, run.output[-5000:]
    # Deregistering the scalable target deleted the off-hours actions of the test before (as AWS does).
    assert _scheduled_actions(emulator) == {}
    assert client(emulator, "codebuild").batch_get_projects(names=[NAMES["build_project"]])["projects"] == []
    assert NAMES["build_role"] not in [r["RoleName"] for r in client(emulator, "iam").list_roles()["Roles"]]
    groups = client(emulator, "logs").describe_log_groups(logGroupNamePrefix=f"/aws/codebuild/{STACK}-")["logGroups"]
    assert groups == []
    buckets = [b["Name"] for b in client(emulator, "s3").list_buckets()["Buckets"]]
    assert BUILDS_BUCKET in buckets, "the build contexts are kept with the data"
    repositories = [r["repositoryName"] for r in client(emulator, "ecr").describe_repositories()["repositories"]]
    assert not [r for r in repositories if r.startswith(f"{STACK}/")], "images are rebuilt from files/"

    purge = run_playbook(
        emulator, "teardown.yml", *tiers, extra_vars={"mlflow_stack_name": STACK, "mlflow_teardown_purge_data": True}
    )
    assert not purge.failed, purge.output[-5000:]
    assert BUILDS_BUCKET not in [b["Name"] for b in client(emulator, "s3").list_buckets()["Buckets"]]
