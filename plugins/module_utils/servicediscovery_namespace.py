# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cloud Map private DNS namespaces, identified by name and VPC (a namespace's VPC cannot change)."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import (
    AwsError,
    aws_errors,
    call,
    call_or_none,
    error_code,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.servicediscovery import (
    PRIVATE_DNS,
    Namespace,
    apply_tag_plan,
    describe_namespace,
    find_namespaces,
    list_namespaces,
    list_services,
    route53_client,
    sd_client,
    split_by_vpc,
    wait_for_operation,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan, tag_list


class NamespaceManager(ResourceManager):
    """state=present/absent of a private DNS namespace; the diff is in the module's option names."""

    result_key = "namespace"
    service = "servicediscovery"

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.route53 = route53_client(module)

    def ensure(self) -> dict:
        with aws_errors(f"manage Cloud Map namespace {self.params['name']}"):
            candidates = find_namespaces(self.client, self.route53, self.params["name"], PRIVATE_DNS)
            matches, others = split_by_vpc(candidates, self.params["vpc_id"])
            if self.params["state"] == "absent":
                return self._absent(matches)
            return self._present(matches, others)

    def view(self, resource: Namespace | None) -> dict:
        if resource is None:
            return {}
        vpc_ids = resource.vpc_ids
        wanted = self.params["vpc_id"]
        return {
            "name": resource.raw.get("Name"),
            "type": resource.raw.get("Type"),
            "vpc_id": wanted if wanted in vpc_ids else (vpc_ids[0] if vpc_ids else None),
            "description": resource.raw.get("Description", ""),
            "tags": dict(resource.tags),
        }

    def returned(self, resource: Namespace | None) -> dict:
        return resource.to_result() if resource else {}

    def _desired_view(self, current: Namespace | None, tags: TagPlan | None) -> dict:
        description = self.params["description"]
        if description is None:
            description = current.raw.get("Description", "") if current else ""
        return {
            "name": self.params["name"],
            "type": PRIVATE_DNS,
            "vpc_id": self.params["vpc_id"],
            "description": description,
            "tags": tags.after if tags else dict(self.params["tags"] or {}),
        }

    def _ensure_no_services(self, namespace: Namespace, action: str) -> None:
        services = list_services(self.client, namespace.id)
        if services:
            names = ", ".join(sorted(srv.get("Name", srv.get("Id", "?")) for srv in services))
            raise AwsError(
                f"Cannot {action} Cloud Map namespace {namespace.raw.get('Name')} ({namespace.id}): it still has "
                f"{len(services)} service(s): {names}. Delete them first "
                "(mlops.mlflow_aws.servicediscovery_service with state=absent)."
            )

    def delete(self, current: Namespace, wait: bool | None = None) -> None:
        self._ensure_no_services(current, "delete")
        try:
            response = call_or_none(
                self.client, "delete_namespace", "NamespaceNotFound", f"delete namespace {current.id}", Id=current.id
            )
        except AwsError as e:
            if error_code(e.cause) != "ResourceInUse":
                raise
            raise AwsError(
                f"Cannot delete Cloud Map namespace {current.id}: AWS reports it is still in use by services",
                cause=e.cause,
            ) from e
        if response is None:
            return
        self.extra["operation_id"] = response.get("OperationId")
        wait = self.params["wait"] if wait is None else wait
        if wait and response.get("OperationId"):
            wait_for_operation(self.client, response["OperationId"], self.params["wait_timeout"])

    def create(self) -> Namespace | None:
        request: dict[str, Any] = {"Name": self.params["name"], "Vpc": self.params["vpc_id"]}
        if self.params["description"] is not None:
            request["Description"] = self.params["description"]
        if self.params["tags"]:
            request["Tags"] = tag_list(self.params["tags"])
        operation_id = call(self.client, "create_private_dns_namespace", "create namespace", **request)["OperationId"]
        self.extra["operation_id"] = operation_id
        if not self.params["wait"]:
            return None
        operation = wait_for_operation(self.client, operation_id, self.params["wait_timeout"])
        namespace_id = operation.get("Targets", {}).get("NAMESPACE")
        if not namespace_id:
            raise AwsError(f"Cloud Map operation {operation_id} succeeded but names no namespace")
        return describe_namespace(self.client, self.route53, namespace_id)

    def _update(self, current: Namespace, tags: TagPlan) -> Namespace:
        description = self.params["description"]
        if description is not None and description != current.raw.get("Description", ""):
            operation_id = call(
                self.client,
                "update_private_dns_namespace",
                "update namespace",
                Id=current.id,
                Namespace={"Description": description},
            )["OperationId"]
            self.extra["operation_id"] = operation_id
            if self.params["wait"]:
                wait_for_operation(self.client, operation_id, self.params["wait_timeout"])
        apply_tag_plan(self.client, current.arn, tags)
        return describe_namespace(self.client, self.route53, current.id) or current

    def _other_vpc(self, others: list[Namespace]) -> Namespace | None:
        """Handle namespaces of this name in other VPCs; returns the one to replace, if any."""
        action = self.params["on_other_vpc"]
        if action == "ignore":
            return None
        where = ", ".join(f"{ns.id} in {'/'.join(ns.vpc_ids) or 'no VPC'}" for ns in others)
        if action == "fail":
            raise AwsError(
                f"Cloud Map namespace {self.params['name']} exists in another VPC ({where}) but not in "
                f"{self.params['vpc_id']}. A namespace's VPC cannot be changed. Set on_other_vpc=replace to delete "
                "it and create it in the new VPC, or on_other_vpc=ignore to create a separate namespace of that name."
            )
        if len(others) > 1:
            raise AwsError(
                f"on_other_vpc=replace: several namespaces named {self.params['name']} exist in other VPCs "
                f"({where}); refusing to choose one."
            )
        self._ensure_no_services(others[0], "replace (vpc_id changed)")
        return others[0]

    def _present(self, matches: list[Namespace], others: list[Namespace]) -> dict:
        if len(matches) > 1:
            raise AwsError(
                f"Several Cloud Map namespaces named {self.params['name']} match VPC {self.params['vpc_id']}: "
                f"{', '.join(ns.id for ns in matches)}; refusing to choose one."
            )
        if matches:
            current = matches[0]
            tags = TagPlan.of(current.tags, self.params["tags"], self.params["purge_tags"])
            after = self._desired_view(current, tags)
            before = self.view(current)
            description = self.params["description"]
            self.changed = tags.changed or (description is not None and description != before["description"])
            if self.changed and not self.check_mode:
                current = self._update(current, tags)
            return self.result(self.returned(current), before, after)

        replaced = self._other_vpc(others) if others else None
        before = self.view(replaced) if replaced else {}
        after = self._desired_view(None, None)
        self.changed = True
        if replaced:
            self.extra["replaced"] = True
        if self.check_mode:
            return self.result({}, before, after)
        if replaced:
            # The old namespace must be gone before its name is reused, whatever wait says.
            self.delete(replaced, wait=True)
        return self.result(self.returned(self.create()), before, after)

    def _absent(self, matches: list[Namespace]) -> dict:
        if not matches:
            return self.result({}, {}, {})
        if len(matches) > 1:
            raise AwsError(
                f"Several Cloud Map namespaces named {self.params['name']} match: "
                f"{', '.join(ns.id for ns in matches)}; set vpc_id to choose one."
            )
        return self.absent(matches[0])


def namespace_info(module: Any) -> list[dict[str, Any]]:
    aws = sd_client(module)
    route53 = route53_client(module)
    params = module.params
    if params["id"]:
        namespace = describe_namespace(aws, route53, params["id"])
        found = [namespace] if namespace else []
    elif params["name"]:
        found = find_namespaces(aws, route53, params["name"], params["type"])
    else:
        described = (describe_namespace(aws, route53, s["Id"]) for s in list_namespaces(aws, params["type"]))
        found = [ns for ns in described if ns is not None]
    if params["vpc_id"]:
        found, _others = split_by_vpc(found, params["vpc_id"])
    return [ns.to_result() for ns in found]
