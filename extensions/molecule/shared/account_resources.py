"""Print, as JSON, every resource in the emulator's account that a stack could have made.

The scenarios each run their own emulator, so whatever this lists beyond the account's defaults (the
default VPC and its pieces) belongs to the stack under test. Run with the emulator's client environment.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import boto3


def _ec2(ec2: Any) -> dict[str, Any]:
    vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    ids = [v["VpcId"] for v in vpcs]
    in_vpcs = [{"Name": "vpc-id", "Values": ids}]
    if not ids:
        subnets: list[Any] = []
        tables: list[Any] = []
        groups: list[Any] = []
    else:
        subnets = ec2.describe_subnets(Filters=in_vpcs)["Subnets"]
        tables = ec2.describe_route_tables(Filters=in_vpcs)["RouteTables"]
        groups = ec2.describe_security_groups(Filters=in_vpcs)["SecurityGroups"]
    default_vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")}
    igws = ec2.describe_internet_gateways()["InternetGateways"]
    nats = ec2.describe_nat_gateways()["NatGateways"]
    return {
        "vpcs": ids,
        "subnets": [s["SubnetId"] for s in subnets],
        "route_tables": [
            t["RouteTableId"] for t in tables if not any(a.get("Main") for a in t.get("Associations", []))
        ],
        "security_groups": [g["GroupName"] for g in groups if g["GroupName"] != "default"],
        "internet_gateways": [
            g["InternetGatewayId"] for g in igws if not {a["VpcId"] for a in g.get("Attachments", [])} & default_vpcs
        ],
        "nat_gateways": [n["NatGatewayId"] for n in nats if n["State"] not in ("deleted", "failed")],
        "eips": [a["PublicIp"] for a in ec2.describe_addresses()["Addresses"]],
    }


def _rds(rds: Any) -> dict[str, Any]:
    return {
        "db_clusters": [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]],
        "db_instances": [i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]],
        "db_subnet_groups": [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]],
        "db_cluster_snapshots": [
            s["DBClusterSnapshotIdentifier"]
            for s in rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
        ],
    }


def _secrets(sm: Any) -> dict[str, Any]:
    secrets = sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]
    return {
        "secrets": sorted(s["Name"] for s in secrets if "DeletedDate" not in s),
        "secrets_scheduled_for_deletion": sorted(s["Name"] for s in secrets if "DeletedDate" in s),
    }


def _schedules(scheduler: Any) -> dict[str, Any]:
    groups = scheduler.list_schedule_groups()["ScheduleGroups"]
    return {
        # "default" is AWS's own; a group being deleted is on its way out with its schedules.
        "schedule_groups": [g["Name"] for g in groups if g["Name"] != "default" and g.get("State") != "DELETING"],
        "schedules": [s["Name"] for s in scheduler.list_schedules()["Schedules"]],
    }


def _sagemaker(sagemaker: Any) -> dict[str, Any]:
    """The Studio tier's and what the examples deploy (endpoints, their configurations, models)."""
    return {
        "studio_domains": [d["DomainName"] for d in sagemaker.list_domains()["Domains"]],
        "notebook_instances": [
            n["NotebookInstanceName"] for n in sagemaker.list_notebook_instances()["NotebookInstances"]
        ],
        "notebook_lifecycle_configs": [
            c["NotebookInstanceLifecycleConfigName"]
            for c in sagemaker.list_notebook_instance_lifecycle_configs()["NotebookInstanceLifecycleConfigs"]
        ],
        "sagemaker_endpoints": [e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]],
        "sagemaker_endpoint_configs": [
            c["EndpointConfigName"] for c in sagemaker.list_endpoint_configs()["EndpointConfigs"]
        ],
        "sagemaker_models": [m["ModelName"] for m in sagemaker.list_models()["Models"]],
    }


def _service_tier(session: boto3.session.Session) -> dict[str, Any]:
    ecs = session.client("ecs")
    clusters = ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
    return {
        "ecs_clusters": [c["clusterName"] for c in clusters if c["status"] == "ACTIVE"],
        "task_definitions": ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"],
        "load_balancers": [
            lb["LoadBalancerName"] for lb in session.client("elbv2").describe_load_balancers()["LoadBalancers"]
        ],
        "target_groups": [
            tg["TargetGroupName"] for tg in session.client("elbv2").describe_target_groups()["TargetGroups"]
        ],
        "namespaces": [n["Name"] for n in session.client("servicediscovery").list_namespaces()["Namespaces"]],
        "log_groups": [g["logGroupName"] for g in session.client("logs").describe_log_groups()["logGroups"]],
        "iam_roles": [
            r["RoleName"] for r in session.client("iam").list_roles(PathPrefix="/")["Roles"] if r["Path"] == "/"
        ],
        "ecr_repositories": [
            r["repositoryName"] for r in session.client("ecr").describe_repositories()["repositories"]
        ],
        "scalable_targets": [
            t["ResourceId"]
            for t in session.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
                "ScalableTargets"
            ]
        ],
        "buckets": [b["Name"] for b in session.client("s3").list_buckets()["Buckets"]],
        "codebuild_projects": session.client("codebuild").list_projects()["projects"],
        **_schedules(session.client("scheduler")),
        "ssm_parameters": [
            p["Name"]
            for p in session.client("ssm").describe_parameters()["Parameters"]
            if p["Name"].startswith("/mlflow/")
        ],
    }


def main() -> int:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if not re.match(r"^http://127\.0\.0\.1:[0-9]+$", endpoint):
        print(f"AWS_ENDPOINT_URL must be the emulator on loopback, not {endpoint!r}", file=sys.stderr)
        return 2
    # The purge scenario runs with injected faults: retry them as the plays do (botocore's standard mode).
    os.environ.setdefault("AWS_RETRY_MODE", "standard")
    os.environ.setdefault("AWS_MAX_ATTEMPTS", "10")
    session = boto3.session.Session()
    resources = {
        **_ec2(session.client("ec2")),
        **_rds(session.client("rds")),
        **_secrets(session.client("secretsmanager")),
        **_service_tier(session),
        **_sagemaker(session.client("sagemaker")),
    }
    json.dump(resources, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
