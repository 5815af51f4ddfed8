# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which resources of a given name belong to a stack: each service's own tag read, one kind at a time.

A teardown goes by the names of docs/naming.md, which anyone can give their resources; only the
``mlflow:stack`` tag says a resource is ours. A lookup never fails on a missing resource: absent is an
answer. The reads are the services' native ones (not the Resource Groups Tagging API, which is eventually
consistent and does not cover every kind here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import client as retrying_client

STACK_TAG = "mlflow:stack"

# A found resource: (name, arn, tags); a lookup returns every one found for the name it is given.
Found = tuple[str, str, dict[str, str]]
Lookup = Callable[[Callable[[str], Any], str], list[Found]]


def _ecs_tags(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return boto3_tag_list_to_ansible_dict(tags or [], tag_name_key_name="key", tag_value_key_name="value")


def _ecs_cluster(client: Callable[[str], Any], name: str) -> list[Found]:
    found = client("ecs").describe_clusters(clusters=[name], include=["TAGS"], aws_retry=True)["clusters"]
    return [
        (c["clusterName"], c["clusterArn"], _ecs_tags(c.get("tags"))) for c in found if c.get("status") != "INACTIVE"
    ]


def _ecs_service(client: Callable[[str], Any], name: str) -> list[Found]:
    cluster, service = name.split("/", 1)
    try:
        found = client("ecs").describe_services(cluster=cluster, services=[service], include=["TAGS"], aws_retry=True)
    except is_boto3_error_code("ClusterNotFoundException"):
        return []
    return [
        (name, s["serviceArn"], _ecs_tags(s.get("tags"))) for s in found["services"] if s.get("status") != "INACTIVE"
    ]


def _ecs_task_definition(client: Callable[[str], Any], family: str) -> list[Found]:
    ecs = client("ecs")
    arns: list[str] = []
    for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix=family, status="ACTIVE"):
        # familyPrefix matches every family that starts with it: keep the exact family only.
        arns += [arn for arn in page["taskDefinitionArns"] if arn.rsplit("/", 1)[-1].rsplit(":", 1)[0] == family]
    found = []
    for arn in arns:
        described = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"], aws_retry=True)
        found.append((arn.rsplit("/", 1)[-1], arn, _ecs_tags(described.get("tags"))))
    return found


def _elbv2(kind: str) -> Lookup:
    describe, key, missing = {
        "load_balancer": ("describe_load_balancers", "LoadBalancers", "LoadBalancerNotFound"),
        "target_group": ("describe_target_groups", "TargetGroups", "TargetGroupNotFound"),
    }[kind]
    arn_key = "LoadBalancerArn" if kind == "load_balancer" else "TargetGroupArn"

    def lookup(client: Callable[[str], Any], name: str) -> list[Found]:
        elbv2 = client("elbv2")
        try:
            items = getattr(elbv2, describe)(Names=[name], aws_retry=True)[key]
        except is_boto3_error_code(missing):
            return []
        found = []
        for item in items:
            described = elbv2.describe_tags(ResourceArns=[item[arn_key]], aws_retry=True)["TagDescriptions"]
            tags = described[0].get("Tags", []) if described else []
            found.append((name, item[arn_key], boto3_tag_list_to_ansible_dict(tags)))
        return found

    return lookup


def _log_group(client: Callable[[str], Any], name: str) -> list[Found]:
    logs = client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix=name, aws_retry=True)["logGroups"]
    found = []
    for group in (g for g in groups if g["logGroupName"] == name):
        tags = logs.list_tags_log_group(logGroupName=name, aws_retry=True).get("tags", {})
        found.append((name, group["arn"].removesuffix(":*"), tags))
    return found


def _iam_role(client: Callable[[str], Any], name: str) -> list[Found]:
    try:
        role = client("iam").get_role(RoleName=name, aws_retry=True)["Role"]
    except is_boto3_error_code("NoSuchEntity"):
        return []
    return [(name, role["Arn"], boto3_tag_list_to_ansible_dict(role.get("Tags", [])))]


def _ecr_repository(client: Callable[[str], Any], name: str) -> list[Found]:
    ecr = client("ecr")
    try:
        repository = ecr.describe_repositories(repositoryNames=[name], aws_retry=True)["repositories"][0]
    except is_boto3_error_code("RepositoryNotFoundException"):
        return []
    tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"], aws_retry=True).get("tags", [])
    return [(name, repository["repositoryArn"], boto3_tag_list_to_ansible_dict(tags))]


def _secret(client: Callable[[str], Any], name: str) -> list[Found]:
    try:
        secret = client("secretsmanager").describe_secret(SecretId=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return []
    return [(secret["Name"], secret["ARN"], boto3_tag_list_to_ansible_dict(secret.get("Tags", [])))]


def _schedule_group(client: Callable[[str], Any], name: str) -> list[Found]:
    scheduler = client("scheduler")
    try:
        group = scheduler.get_schedule_group(Name=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return []
    if group.get("State") == "DELETING":
        return []
    tags = scheduler.list_tags_for_resource(ResourceArn=group["Arn"], aws_retry=True).get("Tags", [])
    return [(name, group["Arn"], boto3_tag_list_to_ansible_dict(tags))]


def _bucket(client: Callable[[str], Any], name: str) -> list[Found]:
    s3 = client("s3")
    try:
        s3.head_bucket(Bucket=name, aws_retry=True)
    except is_boto3_error_code(["404", "NoSuchBucket", "NotFound"]):
        return []
    except is_boto3_error_code(["403", "AccessDenied"]):
        # Bucket names are global: one we cannot read is another account's, never ours.
        return [(name, _bucket_arn(s3, name), {})]
    try:
        tags = s3.get_bucket_tagging(Bucket=name, aws_retry=True).get("TagSet", [])
    except is_boto3_error_code("NoSuchTagSet"):
        tags = []
    return [(name, _bucket_arn(s3, name), boto3_tag_list_to_ansible_dict(tags))]


def _bucket_arn(s3: Any, name: str) -> str:
    return f"arn:{s3.meta.partition}:s3:::{name}"


def _rds_tags(rds: Any, arn: str) -> dict[str, str]:
    return boto3_tag_list_to_ansible_dict(rds.list_tags_for_resource(ResourceName=arn, aws_retry=True)["TagList"])


def _rds_named(operation: str, name_param: str, key: str, arn_key: str, missing: str) -> Callable[..., list[Found]]:
    """A finder for an RDS resource looked up by name, whose tags are read by its ARN."""

    def find(client: Callable[[str], Any], name: str) -> list[Found]:
        rds = client("rds")
        try:
            resource = getattr(rds, operation)(aws_retry=True, **{name_param: name})[key][0]
        except is_boto3_error_code(missing):
            return []
        return [(name, resource[arn_key], _rds_tags(rds, resource[arn_key]))]

    return find


_db_subnet_group = _rds_named(
    "describe_db_subnet_groups", "DBSubnetGroupName", "DBSubnetGroups", "DBSubnetGroupArn", "DBSubnetGroupNotFoundFault"
)
_db_cluster = _rds_named(
    "describe_db_clusters", "DBClusterIdentifier", "DBClusters", "DBClusterArn", "DBClusterNotFoundFault"
)


def _db_cluster_snapshots(client: Callable[[str], Any], cluster: str) -> list[Found]:
    rds = client("rds")
    snapshots = rds.describe_db_cluster_snapshots(DBClusterIdentifier=cluster, SnapshotType="manual", aws_retry=True)
    return [
        (s["DBClusterSnapshotIdentifier"], s["DBClusterSnapshotArn"], _rds_tags(rds, s["DBClusterSnapshotArn"]))
        for s in snapshots["DBClusterSnapshots"]
    ]


def _ssm_parameters(client: Callable[[str], Any], path: str, stack: str) -> list[Found]:
    """Every parameter below the path; only those not the stack's have their tags read one by one (for the
    reason), where a ListTagsForResource per parameter was most of a no-op run's SSM requests."""
    ssm = client("ssm")
    owned = _stack_parameters(ssm, path, stack)
    found = []
    for page in ssm.get_paginator("get_parameters_by_path").paginate(Path=path, Recursive=True):
        for parameter in page["Parameters"]:
            name = parameter["Name"]
            tags = {STACK_TAG: stack} if name in owned else _parameter_tags(ssm, name)
            found.append((name, parameter["ARN"], tags))
    return found


def _stack_parameters(ssm: Any, path: str, stack: str) -> set[str]:
    """The names of the stack's parameters below the path: SSM filters by the tag, in pages of up to 50."""
    filters = [
        {"Key": "Path", "Option": "Recursive", "Values": [path]},
        {"Key": f"tag:{STACK_TAG}", "Values": [stack]},
    ]
    pages = ssm.get_paginator("describe_parameters").paginate(
        ParameterFilters=filters, PaginationConfig={"PageSize": 50}
    )
    return {parameter["Name"] for page in pages for parameter in page["Parameters"]}


def _parameter_tags(ssm: Any, name: str) -> dict[str, str]:
    listed = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name, aws_retry=True)
    return boto3_tag_list_to_ansible_dict(listed["TagList"])


def _codebuild_project(client: Callable[[str], Any], name: str) -> list[Found]:
    projects = client("codebuild").batch_get_projects(names=[name], aws_retry=True).get("projects", [])
    return [(p["name"], p["arn"], boto3_tag_list_to_ansible_dict(p.get("tags", []), "key", "value")) for p in projects]


def _sagemaker_tags(sagemaker: Any, arn: str) -> dict[str, str]:
    tags = []
    for page in sagemaker.get_paginator("list_tags").paginate(ResourceArn=arn):
        tags += page.get("Tags", [])
    return boto3_tag_list_to_ansible_dict(tags)


def _sagemaker_named(operation: str, name_param: str, name_key: str, arn_key: str) -> Lookup:
    """A SageMaker resource by name; AWS answers ValidationException for a missing one."""

    def lookup(client: Callable[[str], Any], name: str) -> list[Found]:
        sagemaker = client("sagemaker")
        try:
            found = getattr(sagemaker, operation)(aws_retry=True, **{name_param: name})
        except is_boto3_error_code("ValidationException") as error:
            if "RecordNotFound" in str(error) or "does not exist" in str(error):
                return []
            raise
        return [(found[name_key], found[arn_key], _sagemaker_tags(sagemaker, found[arn_key]))]

    return lookup


def _sagemaker_listed(operation: str, key: str, name_key: str, arn_key: str) -> Lookup:
    """Every SageMaker resource of a kind whose name contains the query (an empty query: all of them), for
    what the stack's examples create under names of their own."""

    def lookup(client: Callable[[str], Any], contains: str) -> list[Found]:
        sagemaker = client("sagemaker")
        items = []
        for page in sagemaker.get_paginator(operation).paginate(**({"NameContains": contains} if contains else {})):
            items += page[key]
        return [(i[name_key], i[arn_key], _sagemaker_tags(sagemaker, i[arn_key])) for i in items]

    return lookup


LOOKUPS: dict[str, Lookup] = {
    "codebuild_project": _codebuild_project,
    "ecs_cluster": _ecs_cluster,
    "ecs_service": _ecs_service,
    "ecs_task_definition": _ecs_task_definition,
    "elbv2_load_balancer": _elbv2("load_balancer"),
    "elbv2_target_group": _elbv2("target_group"),
    "logs_log_group": _log_group,
    "iam_role": _iam_role,
    "ecr_repository": _ecr_repository,
    "secretsmanager_secret": _secret,
    "s3_bucket": _bucket,
    "scheduler_schedule_group": _schedule_group,
    "rds_db_subnet_group": _db_subnet_group,
    "rds_db_cluster": _db_cluster,
    "rds_db_cluster_snapshots": _db_cluster_snapshots,
    "sagemaker_notebook_instance": _sagemaker_named(
        "describe_notebook_instance", "NotebookInstanceName", "NotebookInstanceName", "NotebookInstanceArn"
    ),
    "sagemaker_notebook_lifecycle_config": _sagemaker_named(
        "describe_notebook_instance_lifecycle_config",
        "NotebookInstanceLifecycleConfigName",
        "NotebookInstanceLifecycleConfigName",
        "NotebookInstanceLifecycleConfigArn",
    ),
    "sagemaker_endpoints": _sagemaker_listed("list_endpoints", "Endpoints", "EndpointName", "EndpointArn"),
    "sagemaker_endpoint_configs": _sagemaker_listed(
        "list_endpoint_configs", "EndpointConfigs", "EndpointConfigName", "EndpointConfigArn"
    ),
    "sagemaker_models": _sagemaker_listed("list_models", "Models", "ModelName", "ModelArn"),
}


# Kinds whose service filters by the stack's tag itself: the lookup takes the stack too.
StackLookup = Callable[[Callable[[str], Any], str, str], list[Found]]
STACK_LOOKUPS: dict[str, StackLookup] = {"ssm_parameters": _ssm_parameters}
KINDS = sorted((*LOOKUPS, *STACK_LOOKUPS))


def _lookup(client: Callable[[str], Any], kind: str, name: str, stack: str) -> list[Found]:
    if kind in STACK_LOOKUPS:
        return STACK_LOOKUPS[kind](client, name, stack)
    return LOOKUPS[kind](client, name)


def verdict(stack: str, tags: dict[str, str]) -> tuple[bool, str]:
    """Owned, or why not: the reason names what the resource carries instead."""
    value = tags.get(STACK_TAG)
    if value == stack:
        return True, ""
    if value is None:
        return False, f"it has no {STACK_TAG} tag"
    return False, f"it is tagged {STACK_TAG}={value}"


def describe(kind: str, query: str, stack: str, found: Found) -> dict[str, Any]:
    name, arn, tags = found
    owned, reason = verdict(stack, tags)
    return {"kind": kind, "query": query, "name": name, "arn": arn, "tags": tags, "owned": owned, "reason": reason}


def ownership(client: Callable[[str], Any], stack: str, wanted: list[dict[str, str]]) -> dict[str, Any]:
    """Every resource found for the wanted (kind, name) pairs, whether each is the stack's, and a summary."""
    resources: list[dict[str, Any]] = []
    for item in wanted:
        for found in _lookup(client, item["kind"], item["name"], stack):
            resources.append(describe(item["kind"], item["name"], stack, found))
    owned: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for resource in resources:
        if resource["owned"]:
            owned[resource["kind"]].append(resource["name"])
    skipped = [
        {"kind": r["kind"], "name": r["name"], "reason": f"{r['reason']}, so it is not stack {stack}'s"}
        for r in resources
        if not r["owned"]
    ]
    return {"resources": resources, "owned": owned, "skipped": skipped}


def ownership_info(module: Any) -> dict[str, Any]:
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = retrying_client(module, service)
        return clients[service]

    try:
        result = ownership(client, module.params["stack"], module.params["resources"])
    except (BotoCoreError, ClientError) as error:  # anything but "not found" is an error worth the user's eyes
        raise AwsError("Failed to read whether the resources belong to the stack", cause=error) from error
    if module.params["warn"]:
        for item in result["skipped"]:
            module.warn(f"Left alone: {item['kind']} {item['name']} ({item['reason']}).")
    return {"changed": False, **result}
