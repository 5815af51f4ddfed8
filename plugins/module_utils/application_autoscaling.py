# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application Auto Scaling scalable targets (community.aws manages policies, and leaves their targets behind)."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, aws_errors, call
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager

# The parameters that identify one scalable target, in boto3's spelling.
IDENTITY = (
    ("service_namespace", "ServiceNamespace"),
    ("resource_id", "ResourceId"),
    ("scalable_dimension", "ScalableDimension"),
)
# The services whose resources Application Auto Scaling scales (doc fragment mlops.mlflow_aws.scalable_target).
_NAMESPACES = [
    "ecs",
    "ec2",
    "elasticmapreduce",
    "appstream",
    "dynamodb",
    "rds",
    "sagemaker",
    "custom-resource",
    "comprehend",
    "lambda",
    "cassandra",
    "kafka",
    "elasticache",
    "neptune",
    "workspaces",
]
_COMPARED = ("ServiceNamespace", "ResourceId", "ScalableDimension", "MinCapacity", "MaxCapacity")


def target_options() -> dict:
    """The options that identify a scalable target (doc fragment ``mlops.mlflow_aws.scalable_target``)."""
    return {
        "service_namespace": dict(type="str", required=True, choices=_NAMESPACES),
        "resource_id": dict(type="str", required=True),
        "scalable_dimension": dict(type="str", required=True),
    }


def validate(params: dict[str, Any]) -> None:
    if params["state"] == "present" and not 0 <= params["min_capacity"] <= params["max_capacity"]:
        raise AwsError(
            f"min_capacity ({params['min_capacity']}) must be from 0 to max_capacity ({params['max_capacity']})."
        )


class ScalableTargetManager(ResourceManager):
    """A target is identified by namespace, resource id and dimension; RegisterScalableTarget creates or updates."""

    result_key = "scalable_target"
    service = "application-autoscaling"

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.identity = {boto: self.params[name] for name, boto in IDENTITY}

    def ensure(self) -> dict:
        with aws_errors(f"manage the scalable target {self.params['resource_id']}"):
            return super().ensure()

    def find(self) -> dict[str, Any] | None:
        targets = call(
            self.client,
            "describe_scalable_targets",
            "describe scalable targets",
            ServiceNamespace=self.identity["ServiceNamespace"],
            ResourceIds=[self.identity["ResourceId"]],
            ScalableDimension=self.identity["ScalableDimension"],
        )["ScalableTargets"]
        return targets[0] if targets else None

    def view(self, resource: dict[str, Any] | None) -> dict:
        return camel_dict_to_snake_dict({key: resource[key] for key in _COMPARED}) if resource else {}

    def returned(self, resource: dict[str, Any] | None) -> dict:
        # The planned target of check mode is not one AWS reports: nothing is returned for it.
        return camel_dict_to_snake_dict(resource) if resource and "planned" not in resource else {}

    def _wanted(self) -> dict[str, Any]:
        return {**self.identity, "MinCapacity": self.params["min_capacity"], "MaxCapacity": self.params["max_capacity"]}

    def plan_create(self) -> dict[str, Any]:
        return {**self._wanted(), "planned": True}

    def plan_update(self, current: dict[str, Any]) -> dict[str, Any] | None:
        return None if self.view(current) == self.view(self._wanted()) else self.plan_create()

    def create(self) -> dict[str, Any] | None:
        call(self.client, "register_scalable_target", "register the scalable target", **self._wanted())
        return self.find()

    def update(self, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any] | None:
        return self.create()

    def delete(self, current: dict[str, Any]) -> None:
        # Deregistering also deletes the target's scaling policies and scheduled actions.
        call(self.client, "deregister_scalable_target", "deregister the scalable target", **self.identity)
