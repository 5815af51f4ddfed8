"""Deleting a target group in use is refused as AWS does; moto 5.2.5 enforces this rule itself."""

from __future__ import annotations

from emulator import launcher
from tests.emulator.strict_support import Network, client, recorded, refused, unique


def test_target_group_used_by_listener(emulator: launcher.Emulator) -> None:
    net = Network(emulator)
    elbv2 = client(emulator, "elbv2")
    lb_arn = net.load_balancer()
    tg_arn = elbv2.create_target_group(
        Name=unique("tg")[:32], Protocol="HTTP", Port=80, VpcId=net.vpc_id, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    listener_arn = elbv2.create_listener(
        LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}]
    )["Listeners"][0]["ListenerArn"]
    with recorded(emulator) as entries:
        error = refused(elbv2.delete_target_group, "ResourceInUse", TargetGroupArn=tg_arn)
    assert "is currently in use by a listener or a rule" in error.response["Error"]["Message"]
    assert [(e["action"], e["status"], e["answered_by"]) for e in entries] == [("DeleteTargetGroup", 400, "moto")]
    elbv2.delete_listener(ListenerArn=listener_arn)
    elbv2.delete_target_group(TargetGroupArn=tg_arn)
    refused(elbv2.describe_target_groups, "TargetGroupNotFound", TargetGroupArns=[tg_arn])


def test_target_group_used_by_rule(emulator: launcher.Emulator) -> None:
    net = Network(emulator)
    elbv2 = client(emulator, "elbv2")
    lb_arn = net.load_balancer()
    default_tg, rule_tg = (
        elbv2.create_target_group(Name=unique(name)[:32], Protocol="HTTP", Port=80, VpcId=net.vpc_id)["TargetGroups"][
            0
        ]["TargetGroupArn"]
        for name in ("default", "rule")
    )
    listener_arn = elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": default_tg}],
    )["Listeners"][0]["ListenerArn"]
    rule_arn = elbv2.create_rule(
        ListenerArn=listener_arn,
        Priority=10,
        Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": rule_tg}],
    )["Rules"][0]["RuleArn"]
    refused(elbv2.delete_target_group, "ResourceInUse", TargetGroupArn=rule_tg)
    elbv2.delete_rule(RuleArn=rule_arn)
    elbv2.delete_target_group(TargetGroupArn=rule_tg)
