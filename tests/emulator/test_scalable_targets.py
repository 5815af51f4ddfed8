"""A scalable target's scaling policies and scheduled actions go with it, and need it, as on AWS."""

from __future__ import annotations

from typing import Any

from emulator import launcher
from tests.emulator.strict_support import client, refused, unique

DIMENSION = "ecs:service:DesiredCount"


def _service(emulator: launcher.Emulator) -> str:
    """An ECS service to scale (AWS and moto register targets only for an existing one); its resource id."""
    ecs = client(emulator, "ecs")
    cluster = unique("scale")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(
        family=cluster, containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}]
    )
    ecs.create_service(cluster=cluster, serviceName="mlflow", taskDefinition=cluster, desiredCount=1)
    return f"service/{cluster}/mlflow"


def _target(resource_id: str) -> dict[str, str]:
    return {"ServiceNamespace": "ecs", "ResourceId": resource_id, "ScalableDimension": DIMENSION}


def _dependents(scaling: Any, resource_id: str) -> tuple[list[str], list[str]]:
    target = _target(resource_id)
    policies = scaling.describe_scaling_policies(**target)["ScalingPolicies"]
    actions = scaling.describe_scheduled_actions(**target)["ScheduledActions"]
    return [p["PolicyName"] for p in policies], [a["ScheduledActionName"] for a in actions]


def _add_dependents(scaling: Any, resource_id: str) -> None:
    target = _target(resource_id)
    scaling.put_scaling_policy(
        PolicyName="cpu",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        },
        **target,
    )
    scaling.put_scheduled_action(
        ScheduledActionName="stop",
        Schedule="cron(0 20 ? * MON-FRI *)",
        Timezone="Europe/Paris",
        ScalableTargetAction={"MinCapacity": 0, "MaxCapacity": 0},
        **target,
    )


def test_deregistering_a_target_deletes_its_policies_and_scheduled_actions(emulator: launcher.Emulator) -> None:
    scaling = client(emulator, "application-autoscaling")
    resource_id, other = _service(emulator), _service(emulator)
    for resource in (resource_id, other):
        scaling.register_scalable_target(MinCapacity=1, MaxCapacity=2, **_target(resource))
        _add_dependents(scaling, resource)
    assert _dependents(scaling, resource_id) == (["cpu"], ["stop"])

    scaling.deregister_scalable_target(**_target(resource_id))
    assert _dependents(scaling, resource_id) == ([], [])
    # Registered again, the target starts with none (moto would bring the old ones back).
    scaling.register_scalable_target(MinCapacity=1, MaxCapacity=2, **_target(resource_id))
    assert _dependents(scaling, resource_id) == ([], [])
    assert _dependents(scaling, other) == (["cpu"], ["stop"]), "another target's stay"


def test_policies_and_scheduled_actions_need_a_registered_target(emulator: launcher.Emulator) -> None:
    scaling = client(emulator, "application-autoscaling")
    resource_id = _service(emulator)
    refused(
        scaling.put_scheduled_action,
        "ObjectNotFoundException",
        ScheduledActionName="stop",
        Schedule="cron(0 20 * * ? *)",
        ScalableTargetAction={"MinCapacity": 0, "MaxCapacity": 0},
        **_target(resource_id),
    )
    refused(
        scaling.put_scaling_policy,
        "ObjectNotFoundException",
        PolicyName="cpu",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 70.0},
        **_target(resource_id),
    )
    refused(scaling.deregister_scalable_target, "ValidationException", **_target(resource_id))
    assert _dependents(scaling, resource_id) == ([], [])
