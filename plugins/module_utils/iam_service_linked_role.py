# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An AWS service's service-linked role, created once per account and never deleted here.

A service creates its role on first use, and calls made before the role has propagated fail (ECS's first
CreateService: "Unable to assume the service linked role"). Creating it when a tier starts gives it the
tier's other steps to propagate. Other stacks of the account use the same role, so nothing deletes it.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call, error_code, paginate
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager

# IAM's answers when the role exists already (another run created it meanwhile).
_EXISTS = ("InvalidInput", "EntityAlreadyExists")


class ServiceLinkedRoleManager(ResourceManager):
    result_key = "role"
    service = "iam"

    @property
    def aws_service(self) -> str:
        return str(self.params["aws_service_name"])

    def find(self) -> dict[str, Any] | None:
        roles = paginate(
            self.client,
            "list_roles",
            "Roles",
            f"list the service-linked roles of {self.aws_service}",
            PathPrefix=f"/aws-service-role/{self.aws_service}/",
        )
        return roles[0] if roles else None

    def view(self, resource: Any) -> dict:
        return {
            "aws_service_name": self.aws_service,
            "role_name": resource.get("RoleName"),
            "arn": resource.get("Arn"),
            "path": resource.get("Path", f"/aws-service-role/{self.aws_service}/"),
        }

    def plan_create(self) -> dict[str, Any]:
        return {"Path": f"/aws-service-role/{self.aws_service}/"}

    def plan_update(self, current: Any) -> None:
        return None  # a service-linked role has nothing to change

    def create(self) -> dict[str, Any]:
        try:
            return call(
                self.client,
                "create_service_linked_role",
                f"create the service-linked role of {self.aws_service}",
                AWSServiceName=self.aws_service,
            )["Role"]
        except AwsError as e:
            found = self.find() if error_code(e.cause) in _EXISTS else None
            if found is None:
                raise
            self.changed = False
            return found
