"""site.yml's http_api tier and its delete path against the emulator, checked through boto3 (issue 3, item 4).

One stack goes through: the vpc and aurora tiers; http_api without an ALB (must fail naming ecs_service); a stand-in
for the ecs_service tier made with boto3 (its ALB, target group and HTTP:80 listener, and its empty ECS cluster,
which site.yml's origin refresh after the http_api tier reads); http_api; a no-op re-run; an update
with new throttling and tags after the listener was recreated; a run refused for an API not tagged with the stack;
the delete path twice (keeping, then purging, the access log group) and a third time with nothing left.
Bad inputs are run first, with --tags vpc: site.yml checks every tier's inputs before any AWS request.
Fixtures are module-scoped and chained, so the runs happen once and in that order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from emulator.launcher import Emulator
from tests.support.names import names
from tests.support.playbooks import PlaybookRun, client, record_figure, run_playbook

pytestmark = pytest.mark.playbook

STACK = "httpapi1"
NAMES = names(STACK)
DELETE_PLAYBOOK = "../tests/playbooks/files/http_api_delete.yml"
LOG_GROUP = NAMES["api_log_group"]
ROUTE_KEYS = {"ANY /{proxy+}", "$default"}
IAM_ROUTE_KEY = "ANY /aws/{proxy+}"
# What files/mlflow/gateway_auth.py reads, in the lower case API Gateway keeps mapping keys in.
IDENTITY_HEADER = "x-mlflow-iam-principal"
EXTRA_TAGS = {"owner": "ml-platform"}


@dataclass(frozen=True)
class Backend:
    """What the ecs_service tier would have made: the ALB and its HTTP:80 listener."""

    alb_arn: str
    listener_arn: str


def _stack_vars(**extra: Any) -> dict[str, Any]:
    return {"mlflow_stack_name": STACK, "mlflow_stack_tags": EXTRA_TAGS, **extra}


def _private_subnet_ids(emulator: Emulator) -> set[str]:
    filters = [
        {"Name": "tag:mlflow:stack", "Values": [STACK]},
        {"Name": "tag:mlflow:subnet-tier", "Values": ["private"]},
    ]
    return {s["SubnetId"] for s in client(emulator, "ec2").describe_subnets(Filters=filters)["Subnets"]}


def _group_id(emulator: Emulator, name: str) -> str:
    filters = [{"Name": "tag:mlflow:stack", "Values": [STACK]}, {"Name": "group-name", "Values": [name]}]
    groups = client(emulator, "ec2").describe_security_groups(Filters=filters)["SecurityGroups"]
    assert len(groups) == 1, f"security group {name}"
    return groups[0]["GroupId"]


def _apis(emulator: Emulator) -> list[dict[str, Any]]:
    return [a for a in client(emulator, "apigatewayv2").get_apis()["Items"] if a["Name"] == NAMES["api"]]


def _vpc_links(emulator: Emulator) -> list[dict[str, Any]]:
    links = client(emulator, "apigatewayv2").get_vpc_links()["Items"]
    return [link for link in links if link["Name"] == NAMES["vpc_link"]]


def _log_groups(emulator: Emulator) -> list[dict[str, Any]]:
    groups = client(emulator, "logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    return [g for g in groups if g["logGroupName"] == LOG_GROUP]


def _the_api(emulator: Emulator) -> dict[str, Any]:
    apis = _apis(emulator)
    assert len(apis) == 1, apis
    return apis[0]


def _stage(emulator: Emulator) -> dict[str, Any]:
    return client(emulator, "apigatewayv2").get_stage(ApiId=_the_api(emulator)["ApiId"], StageName="$default")


def _writes(run: PlaybookRun) -> list[dict[str, Any]]:
    """Requests of a run that may change something: query/JSON actions that do not read, other REST methods."""
    return [
        r
        for r in run.requests
        if (r["action"] is None and r["method"] not in ("GET", "HEAD"))
        or (r["action"] is not None and not r["action"].startswith(("Describe", "List", "Get")))
    ]


def _ok(run: PlaybookRun) -> PlaybookRun:
    assert not run.failed, run.output[-4000:]
    return run


@pytest.fixture(scope="module")
def network(emulator: Emulator) -> PlaybookRun:
    """The tiers before ecs_service: its origin refresh, which --tags http_api also runs, needs aurora."""
    return _ok(run_playbook(emulator, "site.yml", "--tags", "vpc,aurora", extra_vars=_stack_vars()))


@pytest.fixture(scope="module")
def without_alb(emulator: Emulator, network: PlaybookRun) -> PlaybookRun:
    return run_playbook(emulator, "site.yml", "--tags", "http_api", extra_vars=_stack_vars())


@pytest.fixture(scope="module")
def backend(emulator: Emulator, without_alb: PlaybookRun) -> Backend:
    """The ALB S-alb (internal, private subnets, S-alb group), an ip target group, an HTTP:80 listener, cluster S."""
    client(emulator, "ecs").create_cluster(clusterName=STACK, tags=[{"key": "mlflow:stack", "value": STACK}])
    elb = client(emulator, "elbv2")
    alb = elb.create_load_balancer(
        Name=NAMES["alb"],
        Subnets=sorted(_private_subnet_ids(emulator)),
        SecurityGroups=[_group_id(emulator, NAMES["alb"])],
        Scheme="internal",
        Type="application",
        Tags=[{"Key": "mlflow:stack", "Value": STACK}],
    )["LoadBalancers"][0]
    group = elb.create_target_group(
        Name=NAMES["target_group"], Protocol="HTTP", Port=80, VpcId=alb["VpcId"], TargetType="ip"
    )["TargetGroups"][0]
    listener = elb.create_listener(
        LoadBalancerArn=alb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}],
    )["Listeners"][0]
    return Backend(alb["LoadBalancerArn"], listener["ListenerArn"])


@pytest.fixture(scope="module")
def deploy(emulator: Emulator, backend: Backend) -> PlaybookRun:
    run = _ok(run_playbook(emulator, "site.yml", "--tags", "http_api", extra_vars=_stack_vars()))
    record_figure("http_api deploy", run)
    return run


@pytest.fixture(scope="module")
def rerun(emulator: Emulator, deploy: PlaybookRun) -> PlaybookRun:
    run = _ok(run_playbook(emulator, "site.yml", "--tags", "http_api", extra_vars=_stack_vars()))
    record_figure("http_api no-op re-run", run)
    return run


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"http_api_log_retention_days": 1096}, "http_api_log_retention_days must be one of 1, 3, 5"),
        ({"http_api_throttling_burst_limit": 0}, "http_api_throttling_burst_limit must be a positive"),
        ({"http_api_throttling_rate_limit": -5}, "http_api_throttling_rate_limit must be a positive number"),
        (
            {"http_api_access_log_format": {"requestId": "$context.requestId", "user": "$context.authorizer.claims"}},
            "and no authorization, header or cookie variable",
        ),
    ],
    ids=["retention", "burst", "rate", "log-format"],
)
def test_bad_inputs_fail_before_any_aws_request(emulator: Emulator, bad: dict[str, Any], message: str) -> None:
    run = run_playbook(emulator, "site.yml", "--tags", "vpc", extra_vars=_stack_vars(**bad))
    assert run.failed
    assert message in " ".join(run.output.split()), run.output[-3000:]
    assert run.requests == []


def test_without_the_alb_the_tier_fails_naming_ecs_service(emulator: Emulator, without_alb: PlaybookRun) -> None:
    assert without_alb.failed
    assert "--tags ecs_service" in without_alb.output
    assert NAMES["alb"] in without_alb.output
    assert _apis(emulator) == []
    assert _vpc_links(emulator) == []
    # Reads only: the network, the ALB, and whether the link's and API's names are free (the tier's start).
    assert {r["service"] for r in without_alb.requests} <= {"ec2", "elasticloadbalancing", "apigateway"}
    assert _writes(without_alb) == []


def test_vpc_link_in_the_private_subnets_with_the_vpclink_group(emulator: Emulator, deploy: PlaybookRun) -> None:
    links = _vpc_links(emulator)
    assert len(links) == 1
    link = links[0]
    assert set(link["SubnetIds"]) == _private_subnet_ids(emulator)
    assert len(link["SubnetIds"]) == 2
    assert link["SecurityGroupIds"] == [_group_id(emulator, NAMES["vpc_link"])]
    assert link["VpcLinkStatus"] == "AVAILABLE"
    assert link["Tags"] == {"mlflow:stack": STACK, **EXTRA_TAGS}


def test_http_api_is_tagged(emulator: Emulator, deploy: PlaybookRun) -> None:
    api = _the_api(emulator)
    assert api["ProtocolType"] == "HTTP"
    assert api["Tags"] == {"mlflow:stack": STACK, **EXTRA_TAGS}


def _integrations_by_route_auth(emulator: Emulator) -> dict[str, dict[str, Any]]:
    """The integration each kind of route (NONE, AWS_IAM) targets."""
    apigw = client(emulator, "apigatewayv2")
    api_id = _the_api(emulator)["ApiId"]
    integrations = {i["IntegrationId"]: i for i in apigw.get_integrations(ApiId=api_id)["Items"]}
    routes = apigw.get_routes(ApiId=api_id)["Items"]
    return {r.get("AuthorizationType", "NONE"): integrations[r["Target"].removeprefix("integrations/")] for r in routes}


def test_integrations_reach_the_listener_through_the_link(
    emulator: Emulator, deploy: PlaybookRun, backend: Backend
) -> None:
    integrations = client(emulator, "apigatewayv2").get_integrations(ApiId=_the_api(emulator)["ApiId"])["Items"]
    assert len(integrations) == 2
    for integration in integrations:
        assert integration["IntegrationType"] == "HTTP_PROXY"
        assert integration["ConnectionType"] == "VPC_LINK"
        assert integration["ConnectionId"] == _vpc_links(emulator)[0]["VpcLinkId"]
        assert integration["IntegrationUri"] == backend.listener_arn
        assert integration["IntegrationMethod"] == "ANY"
        assert integration["PayloadFormatVersion"] == "1.0"
        assert integration["TimeoutInMillis"] == 30000
    by_auth = _integrations_by_route_auth(emulator)
    # Only the AWS_IAM routes can carry the caller's identity to MLflow, and only as API Gateway set it.
    assert by_auth["NONE"]["RequestParameters"] == {f"remove:header.{IDENTITY_HEADER}": "''"}
    assert by_auth["AWS_IAM"]["RequestParameters"] == {
        f"overwrite:header.{IDENTITY_HEADER}": "$context.identity.userArn",
        "overwrite:path": "/${request.path.proxy}",
    }


def test_routes_are_proxy_and_default_and_the_iam_prefix(emulator: Emulator, deploy: PlaybookRun) -> None:
    routes = client(emulator, "apigatewayv2").get_routes(ApiId=_the_api(emulator)["ApiId"])["Items"]
    auth = {r["RouteKey"]: r.get("AuthorizationType", "NONE") for r in routes}
    assert auth == {**dict.fromkeys(ROUTE_KEYS, "NONE"), IAM_ROUTE_KEY: "AWS_IAM"}
    by_auth = _integrations_by_route_auth(emulator)
    assert by_auth["NONE"]["IntegrationId"] != by_auth["AWS_IAM"]["IntegrationId"]


def test_default_stage_auto_deploys_throttles_and_logs(emulator: Emulator, deploy: PlaybookRun) -> None:
    stage = _stage(emulator)
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 200
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 100.0
    assert stage["Tags"] == {"mlflow:stack": STACK, **EXTRA_TAGS}
    groups = _log_groups(emulator)
    assert len(groups) == 1
    assert groups[0]["retentionInDays"] == 30
    assert stage["AccessLogSettings"]["DestinationArn"] == groups[0]["logGroupArn"]
    assert client(emulator, "logs").list_tags_log_group(logGroupName=LOG_GROUP)["tags"] == {
        "mlflow:stack": STACK,
        **EXTRA_TAGS,
    }


def test_access_log_format_is_json_without_credentials(emulator: Emulator, deploy: PlaybookRun) -> None:
    log_format = _stage(emulator)["AccessLogSettings"]["Format"]
    fields = json.loads(log_format)
    assert fields["requestId"] == "$context.requestId"
    assert {"status", "routeKey", "integrationStatus", "sourceIp"} <= fields.keys()
    assert all(value.startswith("$context.") for value in fields.values())
    for forbidden in ("authoriz", "header", "cookie"):
        assert forbidden not in log_format.lower()


def test_rerun_changes_nothing(rerun: PlaybookRun) -> None:
    assert rerun.changed == 0, rerun.output[-4000:]
    assert _writes(rerun) == []


def _replace_listener(emulator: Emulator, backend: Backend) -> str:
    """What a recreated ecs_service listener looks like to this tier: same ALB, same port, a new ARN."""
    elb = client(emulator, "elbv2")
    old = elb.describe_listeners(LoadBalancerArn=backend.alb_arn)["Listeners"][0]
    elb.delete_listener(ListenerArn=old["ListenerArn"])
    new = elb.create_listener(
        LoadBalancerArn=backend.alb_arn, Protocol="HTTP", Port=80, DefaultActions=old["DefaultActions"]
    )["Listeners"][0]
    assert new["ListenerArn"] != old["ListenerArn"]
    return new["ListenerArn"]


def test_changes_update_the_stage_in_place_and_follow_a_new_listener(
    emulator: Emulator, rerun: PlaybookRun, backend: Backend
) -> None:
    apigw = client(emulator, "apigatewayv2")
    api_id = _the_api(emulator)["ApiId"]
    stage_before = _stage(emulator)
    old_integrations = {i["IntegrationId"] for i in apigw.get_integrations(ApiId=api_id)["Items"]}
    new_listener = _replace_listener(emulator, backend)
    update = _ok(
        run_playbook(
            emulator,
            "site.yml",
            "--tags",
            "http_api",
            extra_vars=_stack_vars(
                http_api_throttling_burst_limit=300,
                http_api_throttling_rate_limit=150.5,
                mlflow_stack_tags={"owner": "data-team"},
                http_api_iam_enabled=False,
            ),
        )
    )
    assert update.changed > 0
    stage = _stage(emulator)
    assert stage["CreatedDate"] == stage_before["CreatedDate"], "the stage is updated, not replaced"
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 300
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 150.5
    assert stage["Tags"] == {"mlflow:stack": STACK, "owner": "data-team"}
    assert stage["AccessLogSettings"] == stage_before["AccessLogSettings"]
    assert any(r["method"] == "PATCH" and r["answered_by"] == "apigatewayv2_stages" for r in update.requests)
    integrations = apigw.get_integrations(ApiId=api_id)["Items"]
    # http_api_iam_enabled: false on this run: the AWS_IAM route and its integration are gone.
    assert [i["IntegrationUri"] for i in integrations] == [new_listener], "the old integrations are deleted"
    assert integrations[0]["IntegrationId"] not in old_integrations
    routes = apigw.get_routes(ApiId=api_id)["Items"]
    assert sorted(r["RouteKey"] for r in routes) == sorted(ROUTE_KEYS)
    assert {r["Target"] for r in routes} == {f"integrations/{integrations[0]['IntegrationId']}"}


def test_an_api_of_the_same_name_not_tagged_with_the_stack_is_not_adopted(
    emulator: Emulator, deploy: PlaybookRun
) -> None:
    apigw = client(emulator, "apigatewayv2")
    ours = _the_api(emulator)
    apigw.untag_resource(ResourceArn=f"arn:aws:apigateway:us-east-1::/apis/{ours['ApiId']}", TagKeys=["mlflow:stack"])
    try:
        run = run_playbook(emulator, "site.yml", "--tags", "http_api", extra_vars=_stack_vars())
    finally:
        apigw.tag_resource(
            ResourceArn=f"arn:aws:apigateway:us-east-1::/apis/{ours['ApiId']}", Tags={"mlflow:stack": STACK}
        )
    assert run.failed
    assert "does not take over" in run.output
    assert _writes(run) == []


@dataclass(frozen=True)
class Deletes:
    keep: PlaybookRun
    left_after_keep: dict[str, list[dict[str, Any]]]
    purge: PlaybookRun
    again: PlaybookRun


@pytest.fixture(scope="module")
def deletes(emulator: Emulator, deploy: PlaybookRun) -> Deletes:
    """Delete keeping the data, then with purge, then once more with nothing left."""
    keep = _ok(run_playbook(emulator, DELETE_PLAYBOOK, extra_vars=_stack_vars()))
    left = {"apis": _apis(emulator), "links": _vpc_links(emulator), "log_groups": _log_groups(emulator)}
    purge = _ok(run_playbook(emulator, DELETE_PLAYBOOK, extra_vars=_stack_vars(mlflow_teardown_purge_data=True)))
    again = _ok(run_playbook(emulator, DELETE_PLAYBOOK, extra_vars=_stack_vars(mlflow_teardown_purge_data=True)))
    return Deletes(keep, left, purge, again)


def test_delete_removes_the_tier_in_order_but_keeps_the_access_logs(deletes: Deletes) -> None:
    assert deletes.keep.changed == 5  # stage, routes (one task), integration, API, VPC link
    assert deletes.left_after_keep["apis"] == []
    assert deletes.left_after_keep["links"] == []
    assert len(deletes.left_after_keep["log_groups"]) == 1
    deleted = [r["path"].split("/")[-2] for r in deletes.keep.requests if r["method"] == "DELETE"]
    assert deleted == ["stages", "routes", "routes", "integrations", "apis", "vpclinks"]


def test_delete_with_purge_removes_the_log_group_and_a_last_delete_changes_nothing(
    emulator: Emulator, deletes: Deletes, backend: Backend
) -> None:
    assert deletes.purge.changed == 1
    assert [r["action"] for r in _writes(deletes.purge)] == ["DeleteLogGroup"]
    assert _log_groups(emulator) == []
    assert deletes.again.changed == 0
    assert _writes(deletes.again) == []
    # Only the tier's own resources went: the ALB and its listener (the ecs_service tier's) are still there.
    listeners = client(emulator, "elbv2").describe_listeners(LoadBalancerArn=backend.alb_arn)["Listeners"]
    assert [(listener["Protocol"], listener["Port"]) for listener in listeners] == [("HTTP", 80)]
