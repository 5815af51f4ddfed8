# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SageMaker endpoints, endpoint configurations and models deleted in the order AWS needs: an endpoint is
waited for until gone (it holds its configuration's instances), then the configurations, then the models."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError, call
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.sagemaker import (
    describe_validated,
    sagemaker_client,
    waiter,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import gone

# Each kind: the describe and delete operations, the name parameter, and the message of a missing one.
KINDS = {
    "endpoints": ("describe_endpoint", "delete_endpoint", "EndpointName", "Could not find endpoint"),
    "endpoint_configs": (
        "describe_endpoint_config",
        "delete_endpoint_config",
        "EndpointConfigName",
        "Could not find endpoint configuration",
    ),
    "models": ("describe_model", "delete_model", "ModelName", "Could not find model"),
}


def _describe(aws: Any, kind: str, name: str) -> dict | None:
    operation, _delete, parameter, missing = KINDS[kind]
    found = describe_validated(aws, operation, missing, f"describe {kind[:-1]} {name}", **{parameter: name})
    if found is not None and kind == "endpoints":
        found["Status"] = found.get("EndpointStatus")
    return found


def _delete_all(module: Any, aws: Any, kind: str) -> list[str]:
    _describe_op, operation, parameter, _missing = KINDS[kind]
    present = [name for name in module.params[kind] or [] if _describe(aws, kind, name) is not None]
    if module.check_mode:
        return present
    for name in present:
        try:
            call(aws, operation, f"delete {kind[:-1]} {name}", **{parameter: name})
        except AwsError as error:
            if _describe(aws, kind, name) is not None:  # gone meanwhile (a concurrent delete) is fine
                raise error
    return present


def _wait_for_endpoints(module: Any, aws: Any, names: list[str]) -> None:
    for name in names:
        waiter(
            f"endpoint {name}",
            lambda name=name: _describe(aws, "endpoints", name),
            gone,
            "be deleted",
            module.params["wait_timeout"],
        ).wait()


def cleanup(module: Any) -> dict:
    aws = sagemaker_client(module)
    deleted: dict[str, list[str]] = {}
    deleted["endpoints"] = _delete_all(module, aws, "endpoints")
    if not module.check_mode:
        _wait_for_endpoints(module, aws, deleted["endpoints"])
    deleted["endpoint_configs"] = _delete_all(module, aws, "endpoint_configs")
    deleted["models"] = _delete_all(module, aws, "models")
    return {"changed": any(deleted.values()), "deleted": deleted}
