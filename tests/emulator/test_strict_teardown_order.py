"""The strict emulator accepts a whole stack torn down in playbooks/teardown.yml's order, refusing nothing.

The rules must not be stricter than AWS: a teardown in the right order goes through without one refusal.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError

from emulator import launcher
from tests.emulator.strict_support import (
    Network,
    aurora_cluster,
    aws_time_passes,
    client,
    fargate_task_definition,
    recorded,
    service_drained,
    unique,
)
from tests.support.teardown_order import teardown_steps

LISTENER_PORT = 80


class Stack:
    """The resources of the five tiers that take part in delete ordering, built as the deploy would."""

    def __init__(self, emulator: launcher.Emulator) -> None:
        self.emulator = emulator
        self.net = Network(emulator)
        self.ec2 = self.net.ec2
        self._network()
        self._security_groups()
        self._database()
        self._service()
        self._http_api()

    def _network(self) -> None:
        self.igw_id = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=self.igw_id, VpcId=self.net.vpc_id)
        self.allocation_id = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.nat_id = self.ec2.create_nat_gateway(SubnetId=self.net.subnet_id, AllocationId=self.allocation_id)[
            "NatGateway"
        ]["NatGatewayId"]
        self.route_table_id = self.ec2.create_route_table(VpcId=self.net.vpc_id)["RouteTable"]["RouteTableId"]
        self.ec2.create_route(
            RouteTableId=self.route_table_id, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=self.nat_id
        )
        self.association_id = self.ec2.associate_route_table(
            RouteTableId=self.route_table_id, SubnetId=self.net.subnet_ids[1]
        )["AssociationId"]

    def _security_groups(self) -> None:
        self.groups = {tier: self.net.security_group(tier) for tier in ("link", "alb", "service", "db")}
        self.permissions = {
            "alb": self._allow(self.groups["link"], 80),
            "service": self._allow(self.groups["alb"], 80),
            "db": self._allow(self.groups["service"], 3306),
        }
        for tier, permission in self.permissions.items():
            self.ec2.authorize_security_group_ingress(GroupId=self.groups[tier], IpPermissions=[permission])

    @staticmethod
    def _allow(source: str, port: int) -> dict[str, Any]:
        return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": source}]}

    def _database(self) -> None:
        rds = client(self.emulator, "rds")
        self.db_subnet_group = unique("dbsubnets")
        rds.create_db_subnet_group(
            DBSubnetGroupName=self.db_subnet_group, DBSubnetGroupDescription="db", SubnetIds=self.net.subnet_ids
        )
        self.db_cluster = aurora_cluster(
            rds, DBSubnetGroupName=self.db_subnet_group, VpcSecurityGroupIds=[self.groups["db"]]
        )
        self.db_instance = unique("writer")
        rds.create_db_instance(
            DBInstanceIdentifier=self.db_instance,
            DBClusterIdentifier=self.db_cluster,
            DBInstanceClass="db.serverless",
            Engine="aurora-mysql",
            DBSubnetGroupName=self.db_subnet_group,
        )

    def _service(self) -> None:
        elbv2 = client(self.emulator, "elbv2")
        self.lb_arn = elbv2.create_load_balancer(
            Name=unique("alb")[:32], Subnets=self.net.subnet_ids, SecurityGroups=[self.groups["alb"]], Scheme="internal"
        )["LoadBalancers"][0]["LoadBalancerArn"]
        self.tg_arn = elbv2.create_target_group(
            Name=unique("tg")[:32], Protocol="HTTP", Port=80, VpcId=self.net.vpc_id, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        self.listener_arn = elbv2.create_listener(
            LoadBalancerArn=self.lb_arn,
            Protocol="HTTP",
            Port=LISTENER_PORT,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": self.tg_arn}],
        )["Listeners"][0]["ListenerArn"]
        cloudmap = client(self.emulator, "servicediscovery")
        namespace = unique("ns")
        cloudmap.create_http_namespace(Name=namespace)
        self.namespace_id = next(n["Id"] for n in cloudmap.list_namespaces()["Namespaces"] if n["Name"] == namespace)
        self.discovery_id = cloudmap.create_service(Name="mlflow", NamespaceId=self.namespace_id)["Service"]["Id"]
        ecs = client(self.emulator, "ecs")
        self.cluster = unique("cluster")
        ecs.create_cluster(clusterName=self.cluster)
        self.family = fargate_task_definition(ecs, container="nginx", cpu="1024", memory="2048")
        ecs.create_service(
            cluster=self.cluster,
            serviceName="mlflow",
            taskDefinition=self.family,
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {"subnets": self.net.subnet_ids, "securityGroups": [self.groups["service"]]}
            },
        )

    def _http_api(self) -> None:
        apigw = client(self.emulator, "apigatewayv2")
        self.link_id = apigw.create_vpc_link(
            Name=unique("link"), SubnetIds=self.net.subnet_ids, SecurityGroupIds=[self.groups["link"]]
        )["VpcLinkId"]
        self.api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
        self.integration_id = apigw.create_integration(
            ApiId=self.api_id,
            IntegrationType="HTTP_PROXY",
            IntegrationMethod="ANY",
            IntegrationUri=self.listener_arn,
            ConnectionType="VPC_LINK",
            ConnectionId=self.link_id,
            PayloadFormatVersion="1.0",
        )["IntegrationId"]
        self.route_id = apigw.create_route(
            ApiId=self.api_id, RouteKey="ANY /{proxy+}", Target=f"integrations/{self.integration_id}"
        )["RouteId"]


def _delete_steps(stack: Stack) -> dict[str, Callable[[], None]]:
    """What each delete step of the roles does to this stack, by the role and module that do it.

    SageMaker, scaling, logs, IAM, ECR, secrets and buckets take no part in delete ordering here.
    """
    emulator, ec2 = stack.emulator, stack.ec2
    apigw, ecs, elbv2 = client(emulator, "apigatewayv2"), client(emulator, "ecs"), client(emulator, "elbv2")
    cloudmap, rds = client(emulator, "servicediscovery"), client(emulator, "rds")
    return {
        "http_api mlops.mlflow_aws.apigatewayv2_route:absent": lambda: apigw.delete_route(
            ApiId=stack.api_id, RouteId=stack.route_id
        ),
        "http_api mlops.mlflow_aws.apigatewayv2_integration:absent": lambda: apigw.delete_integration(
            ApiId=stack.api_id, IntegrationId=stack.integration_id
        ),
        "http_api mlops.mlflow_aws.apigatewayv2_api:absent": lambda: apigw.delete_api(ApiId=stack.api_id),
        "http_api mlops.mlflow_aws.apigatewayv2_vpc_link:absent": lambda: apigw.delete_vpc_link(
            VpcLinkId=stack.link_id
        ),
        "ecs_service community.aws.ecs_service:absent": lambda: _delete_ecs_service(ecs, stack),
        "ecs_service community.aws.ecs_taskdefinition:absent": lambda: ecs.deregister_task_definition(
            taskDefinition=f"{stack.family}:1"
        ),
        "ecs_service amazon.aws.elb_application_lb:absent": lambda: _delete_load_balancer(elbv2, stack),
        "ecs_service community.aws.elb_target_group:absent": lambda: elbv2.delete_target_group(
            TargetGroupArn=stack.tg_arn
        ),
        "ecs_service mlops.mlflow_aws.servicediscovery_service:absent": lambda: cloudmap.delete_service(
            Id=stack.discovery_id
        ),
        "ecs_service mlops.mlflow_aws.servicediscovery_namespace:absent": lambda: cloudmap.delete_namespace(
            Id=stack.namespace_id
        ),
        "ecs_service community.aws.ecs_cluster:absent": lambda: ecs.delete_cluster(cluster=stack.cluster),
        "aurora amazon.aws.rds_instance:absent": lambda: _waited(
            stack, rds.delete_db_instance, DBInstanceIdentifier=stack.db_instance
        ),
        "aurora amazon.aws.rds_cluster:absent": lambda: _waited(
            stack, rds.delete_db_cluster, DBClusterIdentifier=stack.db_cluster, SkipFinalSnapshot=True
        ),
        "aurora amazon.aws.rds_subnet_group:absent": lambda: rds.delete_db_subnet_group(
            DBSubnetGroupName=stack.db_subnet_group
        ),
        "vpc amazon.aws.ec2_vpc_nat_gateway:absent": lambda: _delete_nat_gateway(ec2, stack),
        "vpc amazon.aws.ec2_eip:absent": lambda: ec2.release_address(AllocationId=stack.allocation_id),
        "vpc amazon.aws.ec2_vpc_route_table:absent": lambda: _delete_route_table(ec2, stack),
        "vpc amazon.aws.ec2_vpc_igw:absent": lambda: _delete_internet_gateway(ec2, stack),
        # The rules go before any group (the module is called with no rules, state present).
        "vpc amazon.aws.ec2_security_group:present": lambda: _revoke_rules(ec2, stack),
        "vpc amazon.aws.ec2_security_group:absent": lambda: _each(
            ec2.delete_security_group, "GroupId", stack.groups.values()
        ),
        "vpc amazon.aws.ec2_vpc_subnet:absent": lambda: _each(ec2.delete_subnet, "SubnetId", stack.net.subnet_ids),
        "vpc amazon.aws.ec2_vpc_net:absent": lambda: ec2.delete_vpc(VpcId=stack.net.vpc_id),
    }


def _delete_ecs_service(ecs: Any, stack: Stack) -> None:
    ecs.update_service(cluster=stack.cluster, service="mlflow", desiredCount=0)
    ecs.delete_service(cluster=stack.cluster, service="mlflow")
    service_drained(stack.emulator, stack.cluster, "mlflow")


def _waited(stack: Stack, delete: Callable[..., Any], **identifier: Any) -> None:
    """A delete the role waits for (wait: true): AWS takes minutes to finish it."""
    delete(**identifier)
    aws_time_passes(stack.emulator)


def _delete_nat_gateway(ec2: Any, stack: Stack) -> None:
    ec2.delete_nat_gateway(NatGatewayId=stack.nat_id)
    stack.net.nat_gateway_gone(stack.nat_id)


def _delete_load_balancer(elbv2: Any, stack: Stack) -> None:
    elbv2.delete_listener(ListenerArn=stack.listener_arn)
    elbv2.delete_load_balancer(LoadBalancerArn=stack.lb_arn)


def _delete_route_table(ec2: Any, stack: Stack) -> None:
    ec2.disassociate_route_table(AssociationId=stack.association_id)
    ec2.delete_route_table(RouteTableId=stack.route_table_id)


def _delete_internet_gateway(ec2: Any, stack: Stack) -> None:
    ec2.detach_internet_gateway(InternetGatewayId=stack.igw_id, VpcId=stack.net.vpc_id)
    ec2.delete_internet_gateway(InternetGatewayId=stack.igw_id)


def _revoke_rules(ec2: Any, stack: Stack) -> None:
    for tier, permission in stack.permissions.items():
        ec2.revoke_security_group_ingress(GroupId=stack.groups[tier], IpPermissions=[permission])


def _each(call: Callable[..., Any], key: str, values: Iterable[str]) -> None:
    for value in values:
        call(**{key: value})


def _tear_down(stack: Stack) -> None:
    """The steps in the order playbooks/teardown.yml and the roles' delete paths run them."""
    order = teardown_steps()
    steps = _delete_steps(stack)
    missing = set(steps) - set(order)
    assert not missing, f"the teardown no longer has these steps: {sorted(missing)}"
    for step in sorted(steps, key=order.index):
        steps[step]()


def test_stack_torn_down_in_order_meets_no_refusal(emulator: launcher.Emulator) -> None:
    stack = Stack(emulator)
    with recorded(emulator) as entries:
        _tear_down(stack)
    assert [e for e in entries if e["status"] >= 400] == []
    assert not stack.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [stack.net.vpc_id]}])["Vpcs"]


def test_stack_torn_down_network_first_is_refused(emulator: launcher.Emulator) -> None:
    """The wrong order fails as on AWS: subnets, groups and the VPC go nowhere while the tiers stand."""
    stack = Stack(emulator)
    ec2 = stack.ec2
    with recorded(emulator) as entries:
        for subnet_id in stack.net.subnet_ids:
            _attempt(ec2.delete_subnet, SubnetId=subnet_id)
        for group_id in stack.groups.values():
            _attempt(ec2.delete_security_group, GroupId=group_id)
        _attempt(ec2.detach_internet_gateway, InternetGatewayId=stack.igw_id, VpcId=stack.net.vpc_id)
        _attempt(ec2.release_address, AllocationId=stack.allocation_id)
        _attempt(ec2.delete_vpc, VpcId=stack.net.vpc_id)
    assert [(e["action"], e["status"], e["answered_by"]) for e in entries] == [
        *[("DeleteSubnet", 400, "strict_ec2")] * 2,
        *[("DeleteSecurityGroup", 400, "strict_ec2")] * 4,
        ("DetachInternetGateway", 400, "strict_ec2"),
        ("ReleaseAddress", 400, "strict_ec2"),
        ("DeleteVpc", 400, "strict_ec2"),
    ]
    _tear_down(stack)


def _attempt(call: Any, **kwargs: Any) -> None:
    """Call, letting a refusal pass: the log tells what happened."""
    with contextlib.suppress(ClientError):
        call(**kwargs)
