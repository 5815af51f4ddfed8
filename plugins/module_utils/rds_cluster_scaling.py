# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Serverless v2 capacity range of an Aurora cluster, with the auto-pause delay amazon.aws.rds_cluster lacks."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call, call_or_none
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager

# AWS's range of SecondsUntilAutoPause (RDS API reference, ServerlessV2ScalingConfiguration).
PAUSE_RANGE = (300, 86400)


def validate(params: dict[str, Any]) -> None:
    minimum, maximum, pause = params["min_capacity"], params["max_capacity"], params["seconds_until_auto_pause"]
    if not 0 <= minimum <= maximum:
        raise AwsError(f"min_capacity ({minimum}) must be from 0 to max_capacity ({maximum}).")
    if pause is not None and minimum != 0:
        raise AwsError(f"seconds_until_auto_pause applies only with min_capacity 0; got min_capacity {minimum}.")
    if pause is not None and not PAUSE_RANGE[0] <= pause <= PAUSE_RANGE[1]:
        raise AwsError(f"seconds_until_auto_pause must be from {PAUSE_RANGE[0]} to {PAUSE_RANGE[1]}; got {pause}.")


class ClusterScalingManager(ResourceManager):
    """The scaling configuration of an existing cluster; ModifyDBCluster changes it at once."""

    result_key = "scaling"
    service = "rds"

    def find(self) -> dict[str, Any] | None:
        identifier = self.params["db_cluster_identifier"]
        found = call_or_none(
            self.client,
            "describe_db_clusters",
            "DBClusterNotFoundFault",
            f"describe the DB cluster {identifier}",
            DBClusterIdentifier=identifier,
        )
        if not found or not found["DBClusters"]:
            raise AwsError(f"The DB cluster {identifier} does not exist: create it first.")
        return found["DBClusters"][0].get("ServerlessV2ScalingConfiguration") or {}

    def view(self, resource: dict[str, Any] | None) -> dict:
        resource = resource or {}
        shown = {"min_capacity": resource.get("MinCapacity"), "max_capacity": resource.get("MaxCapacity")}
        # AWS reports (and keeps) a pause delay only for a minimum of 0 ACUs.
        if resource.get("MinCapacity") == 0:
            shown["seconds_until_auto_pause"] = resource.get("SecondsUntilAutoPause")
        return shown

    def _wanted(self) -> dict[str, Any]:
        wanted = {"MinCapacity": self.params["min_capacity"], "MaxCapacity": self.params["max_capacity"]}
        if self.params["min_capacity"] == 0:
            wanted["SecondsUntilAutoPause"] = self.params["seconds_until_auto_pause"] or PAUSE_RANGE[0]
        return wanted

    def plan_update(self, current: dict[str, Any]) -> dict[str, Any] | None:
        wanted = self._wanted()
        return None if self.view(current) == self.view(wanted) else wanted

    def update(self, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any]:
        identifier = self.params["db_cluster_identifier"]
        call(
            self.client,
            "modify_db_cluster",
            f"change the capacity range of the DB cluster {identifier}",
            DBClusterIdentifier=identifier,
            ServerlessV2ScalingConfiguration=planned,
            ApplyImmediately=True,
        )
        return self.find() or {}
