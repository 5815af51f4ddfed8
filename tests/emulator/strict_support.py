"""What the strict-emulator tests share: clients on the session emulator, a fresh VPC, error and log checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import launcher
from tests.support.network import two_zone_network


def client(emulator: launcher.Emulator, service: str, **credentials: str) -> Any:
    return emulator.client(service, **credentials)


def unique(prefix: str) -> str:
    """A name no other test uses: tests share one emulator and never reset it."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def refused(call: Callable[..., Any], code: str, **kwargs: Any) -> ClientError:
    """Call and expect AWS's refusal with exactly ``code``."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    assert caught.value.response["Error"]["Code"] == code, caught.value.response
    return caught.value


@contextmanager
def recorded(emulator: launcher.Emulator) -> Any:
    """Yields a list filled, on exit, with the request-log entries made inside the block."""
    before = len(emulator.requests())
    entries: list[dict[str, Any]] = []
    yield entries
    entries.extend(emulator.requests()[before:])


# Long enough for every leftover AWS keeps after a delete (emulator.lifecycle's slow profile).
AWS_CLEANUP_S = 3600


def aws_time_passes(emulator: launcher.Emulator) -> None:
    """Modeled time for AWS to finish what a delete started (interfaces, mapped addresses, draining)."""
    emulator.advance(AWS_CLEANUP_S)


def service_drained(emulator: launcher.Emulator, cluster: str, service: str) -> None:
    """After DeleteService: the service drains (DRAINING, seen once) until INACTIVE, and its tasks stop."""
    ecs = client(emulator, "ecs")
    ecs.describe_services(cluster=cluster, services=[service])
    aws_time_passes(emulator)
    status = ecs.describe_services(cluster=cluster, services=[service])["services"][0]["status"]
    assert status == "INACTIVE", status
    aws_time_passes(emulator)


class Network:
    """A VPC with two subnets in two zones, made fresh for one test."""

    def __init__(self, emulator: launcher.Emulator) -> None:
        self.emulator = emulator
        self.ec2 = client(emulator, "ec2")
        self.vpc_id, self.subnet_ids = two_zone_network(self.ec2, "10.20")

    def nat_gateway_gone(self, nat_id: str) -> None:
        """After DeleteNatGateway: AWS's deletion time and the EIP's unmapping pass (two describes: a
        client sees ``deleting`` at least once)."""
        aws_time_passes(self.emulator)
        for _attempt in range(2):
            self.ec2.describe_nat_gateways(NatGatewayIds=[nat_id])
        aws_time_passes(self.emulator)

    @property
    def subnet_id(self) -> str:
        return self.subnet_ids[0]

    def security_group(self, name: str = "sg") -> str:
        return self.ec2.create_security_group(GroupName=unique(name), Description="test", VpcId=self.vpc_id)["GroupId"]

    def load_balancer(self, groups: list[str] | None = None, scheme: str = "internal") -> str:
        """An application load balancer in both subnets (a fresh group unless ``groups``); returns its ARN."""
        return client(self.emulator, "elbv2").create_load_balancer(
            Name=unique("alb")[:32],
            Subnets=self.subnet_ids,
            SecurityGroups=groups or [self.security_group()],
            Scheme=scheme,
            Type="application",
        )["LoadBalancers"][0]["LoadBalancerArn"]


_MASTER = {"MasterUsername": "admin", "MasterUserPassword": "not-a-secret-1"}


def aurora_cluster(rds: Any, **placement: Any) -> str:
    """An Aurora MySQL cluster placed by ``placement`` (subnet group, security groups); returns its id."""
    cluster = unique("aurora")
    rds.create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-mysql", **_MASTER, **placement)
    return cluster


def mysql_instance(rds: Any, **placement: Any) -> str:
    """A stand-alone MySQL instance placed by ``placement``; returns its id."""
    instance = unique("mysql")
    options = {"DBInstanceClass": "db.t3.micro", "Engine": "mysql", "AllocatedStorage": 20}
    rds.create_db_instance(DBInstanceIdentifier=instance, **options, **_MASTER, **placement)
    return instance


def fargate_task_definition(
    ecs: Any, container: str = "app", cpu: str = "256", memory: str = "512", **definition: Any
) -> str:
    """A Fargate (awsvpc) task definition of one essential container (nginx unless ``definition`` says
    otherwise: image, command, ...); returns its family."""
    family = unique("task")
    ecs.register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu=cpu,
        memory=memory,
        containerDefinitions=[{"name": container, "image": "nginx", "essential": True, **definition}],
    )
    return family
