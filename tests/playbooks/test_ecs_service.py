"""site.yml's ecs_service tier against the emulator, checked through boto3 (issue 3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.launcher import Emulator
from tests.support.playbooks import PlaybookRun, client, record_figure, run_playbook

pytestmark = pytest.mark.playbook

STACK = "svc"
ACCOUNT = "123456789012"
BUCKET = f"{STACK}-artifacts-{ACCOUNT}-us-east-1"
# The tiers up to ecs_service: the http_api tier is added by one test, to see the origin refresh.
UP_TO_ECS_SERVICE = ("--skip-tags", "http_api,sagemaker_studio")
MLFLOW_ENVIRONMENT = {"BUCKET", "HOST", "PORT", "DATABASE", "MLFLOW_WORKERS", "MLFLOW_CORS_ALLOWED_ORIGINS"}


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
    return client(emulator, "ecs").describe_task_definition(taskDefinition=f"{STACK}-mlflow")["taskDefinition"]


def _service(emulator: Emulator) -> dict[str, Any]:
    return client(emulator, "ecs").describe_services(cluster=STACK, services=[f"{STACK}-mlflow"])["services"][0]


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
    repositories = ecr.describe_repositories(repositoryNames=[f"{STACK}/nginx", f"{STACK}/mlflow"])
    for repository in repositories["repositories"]:
        assert repository["imageTagMutability"] == "IMMUTABLE"
        assert repository["imageScanningConfiguration"]["scanOnPush"] is True
        tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"])["tags"]
        assert {"Key": "mlflow:stack", "Value": STACK} in tags
    assert "No Docker engine is reachable" not in deployed.output


def test_mlflow_credentials_are_generated_and_never_printed(emulator: Emulator, deployed: PlaybookRun) -> None:
    _arn, credentials = _secret(emulator, f"{STACK}/mlflow-credentials")
    assert credentials["username"] == "admin"
    assert len(credentials["password"]) == 32
    assert credentials["password"] not in deployed.output


def test_roles_reach_only_their_resources(emulator: Emulator, deployed: PlaybookRun) -> None:
    iam = client(emulator, "iam")
    db_arn = _secret(emulator, f"{STACK}/db-credentials")[0]
    mlflow_arn = _secret(emulator, f"{STACK}/mlflow-credentials")[0]
    execution = f"{STACK}-task-execution"
    managed = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=execution)["AttachedPolicies"]]
    assert managed == ["AmazonECSTaskExecutionRolePolicy"]
    [read] = iam.get_role_policy(RoleName=execution, PolicyName="read-mlflow-secrets")["PolicyDocument"]["Statement"]
    assert read["Action"] == "secretsmanager:GetSecretValue"
    assert sorted(read["Resource"]) == sorted([db_arn, mlflow_arn])

    task = f"{STACK}-task"
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

    db_arn, db = _secret(emulator, f"{STACK}/db-credentials")
    mlflow_arn, web = _secret(emulator, f"{STACK}/mlflow-credentials")
    referenced = {
        s["valueFrom"].split(":username::")[0].split(":password::")[0]
        for c in containers.values()
        for s in c["secrets"]
    }
    assert referenced == {db_arn, mlflow_arn}
    assert {s["name"] for s in nginx["secrets"]} == {"MLFLOW_USERNAME", "MLFLOW_PASSWORD"}
    assert {s["name"] for s in mlflow["secrets"]} == {"USERNAME", "PASSWORD"}
    plain = json.dumps(definition)
    for password in (db["password"], web["password"]):
        assert password not in plain


def test_load_balancer(emulator: Emulator, deployed: PlaybookRun) -> None:
    elb = client(emulator, "elbv2")
    alb = elb.describe_load_balancers(Names=[f"{STACK}-alb"])["LoadBalancers"][0]
    assert alb["Scheme"] == "internal"
    assert {z["SubnetId"] for z in alb["AvailabilityZones"]} == _private_subnets(emulator)
    assert alb["SecurityGroups"] == [_groups(emulator)["alb"]]
    [listener] = elb.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    assert (listener["Protocol"], listener["Port"]) == ("HTTP", 80)
    group = elb.describe_target_groups(Names=[f"{STACK}-tg"])["TargetGroups"][0]
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
    namespace = next(n for n in namespaces if n["Name"] == f"{STACK}.mlflow.internal")
    services = discovery.list_services(Filters=[{"Name": "NAMESPACE_ID", "Values": [namespace["Id"]]}])["Services"]
    registry = next(s for s in services if s["Name"] == "mlflow")
    assert [r["registryArn"] for r in service["serviceRegistries"]] == [registry["Arn"]]


def test_scaling(emulator: Emulator, deployed: PlaybookRun) -> None:
    scaling = client(emulator, "application-autoscaling")
    resource = f"service/{STACK}/{STACK}-mlflow"
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
        for p in ssm.get_parameters_by_path(Path=f"/mlflow/{STACK}/", Recursive=True)["Parameters"]
    }
    assert parameters[f"/mlflow/{STACK}/credentials-secret-name"] == f"{STACK}/mlflow-credentials"
    assert parameters[f"/mlflow/{STACK}/artifact-bucket"] == BUCKET
    assert parameters[f"/mlflow/{STACK}/ecs-service"] == f"{STACK}-mlflow"


def test_second_run_changes_nothing(emulator: Emulator, deployed: PlaybookRun) -> None:
    revision = _task_definition(emulator)["revision"]
    run = run_playbook(emulator, "site.yml", *UP_TO_ECS_SERVICE, extra_vars={"mlflow_stack_name": STACK})
    assert not run.failed, run.output[-5000:]
    record_figure("no-op re-run (vpc to ecs_service)", run)
    assert run.changed == 0, run.output[-8000:]
    assert _task_definition(emulator)["revision"] == revision


def test_http_api_tier_allows_its_origin_and_rolls_the_service(emulator: Emulator, deployed: PlaybookRun) -> None:
    before = _task_definition(emulator)["revision"]
    run = run_playbook(emulator, "site.yml", "--tags", "http_api", extra_vars={"mlflow_stack_name": STACK})
    assert not run.failed, run.output[-5000:]
    apis = client(emulator, "apigatewayv2").get_apis()["Items"]
    [endpoint] = [api["ApiEndpoint"] for api in apis if api["Name"] == f"{STACK}-api"]
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
