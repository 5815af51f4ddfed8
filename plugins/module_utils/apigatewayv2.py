# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API Gateway v2 (HTTP APIs): VPC links, APIs, integrations, routes and stages.

The modules in plugins/modules/apigatewayv2_*.py are thin: they declare their argument spec and call one
``ensure_*``/``describe_*`` function here, which returns the module result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing dependency

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# Maps whose keys are data (tag names, parameter mappings), not AWS field names: never snake_cased.
_DATA_KEYS = ["Tags", "RequestParameters", "ResponseParameters", "StageVariables", "RouteSettings"]
_POLL_SECONDS = 5
MAX_INTEGRATION_TIMEOUT_MS = 30000
MIN_INTEGRATION_TIMEOUT_MS = 50


# ---------------------------------------------------------------- shared helpers


def client_for(module: Any) -> Any:
    return module.client("apigatewayv2", retry_decorator=AWSRetry.jittered_backoff())


def call(module: Any, client: Any, operation: str, msg: str, **kwargs: Any) -> dict:
    """Call ``operation`` with retries; fail the module with ``msg`` on any AWS error."""
    try:
        return getattr(client, operation)(aws_retry=True, **kwargs)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=msg)
    return {}  # not reached: fail_json_aws exits


def get_or_none(module: Any, client: Any, operation: str, msg: str, **kwargs: Any) -> dict | None:
    try:
        return getattr(client, operation)(aws_retry=True, **kwargs)
    except is_boto3_error_code("NotFoundException"):
        return None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=msg)
    return None


def list_all(module: Any, client: Any, operation: str, msg: str, **kwargs: Any) -> list[dict]:
    """Every item of a NextToken-paginated Get* call (not all of them have boto3 paginators)."""
    items: list[dict] = []
    while True:
        page = call(module, client, operation, msg, **kwargs)
        items.extend(page.get("Items", []))
        token = page.get("NextToken")
        if not token:
            return items
        kwargs["NextToken"] = token


def strip_none(value: Any) -> Any:
    """Drop None values from (nested) dicts, so only what the user set is sent and compared."""
    if isinstance(value, dict):
        return {k: strip_none(v) for k, v in value.items() if v is not None}
    return value


def _differs(want: Any, have: Any) -> bool:
    if isinstance(want, dict):
        have = have or {}
        return any(_differs(v, have.get(k)) for k, v in want.items())
    if isinstance(want, list):
        return sorted(want) != sorted(have or [])
    if isinstance(want, float) or isinstance(have, float):
        return have is None or float(want) != float(have)
    return want != have


def changed_fields(want: dict, have: dict) -> dict:
    """The fields of ``want`` (already stripped of None) whose value differs from ``have``."""
    return {k: v for k, v in want.items() if _differs(v, have.get(k))}


def merged(have: dict, changes: dict) -> dict:
    """``have`` with ``changes`` applied, nested dicts merged: the predicted state after an update."""
    result = dict(have)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(have.get(key), dict):
            result[key] = {**have[key], **value}
        else:
            result[key] = value
    return result


def snake(resource: dict | None) -> dict:
    if not resource:
        return {}
    resource = {k: v for k, v in resource.items() if k != "ResponseMetadata"}
    return camel_dict_to_snake_dict(resource, ignore_list=_DATA_KEYS)


def view(resource: dict | None, fields: list[str]) -> dict:
    """The snake_cased subset of a resource shown in the diff."""
    if not resource:
        return {}
    return snake({k: resource.get(k) for k in fields if resource.get(k) is not None})


def resource_arn(client: Any, path: str) -> str:
    return f"arn:{client.meta.partition}:apigateway:{client.meta.region_name}::{path}"


def tag_changes(current: dict | None, tags: dict | None, purge_tags: bool) -> tuple[dict, list[str]]:
    if tags is None:
        return {}, []
    return compare_aws_tags(current or {}, tags, purge_tags)


def apply_tags(module: Any, client: Any, arn: str, to_set: dict, to_remove: list[str]) -> None:
    if to_remove:
        call(module, client, "untag_resource", "Could not remove tags", ResourceArn=arn, TagKeys=to_remove)
    if to_set:
        call(module, client, "tag_resource", "Could not set tags", ResourceArn=arn, Tags=to_set)


def tags_after(current: dict | None, to_set: dict, to_remove: list[str]) -> dict:
    result = {k: v for k, v in (current or {}).items() if k not in to_remove}
    result.update(to_set)
    return result


def only_one(module: Any, matches: list[dict], what: str, id_key: str) -> dict | None:
    if len(matches) > 1:
        ids = ", ".join(sorted(m[id_key] for m in matches))
        module.fail_json(msg=f"Found {len(matches)} {what}, expected at most one: {ids}")
    return matches[0] if matches else None


def tags_match(resource_tags: dict | None, wanted: dict | None) -> bool:
    return all((resource_tags or {}).get(k) == v for k, v in (wanted or {}).items())


def outcome(changed: bool, key: str, before: dict, after: dict, resource: dict, **extra: Any) -> dict:
    result = {"changed": changed, key: resource, "diff": {"before": before, "after": after}}
    result.update(extra)
    return result


# ---------------------------------------------------------------- VPC links

_VPC_LINK_FIELDS = ["Name", "SubnetIds", "SecurityGroupIds", "Tags"]


def find_vpc_links(module: Any, client: Any, name: str | None = None) -> list[dict]:
    links = list_all(module, client, "get_vpc_links", "Could not list VPC links")
    return [link for link in links if name is None or link.get("Name") == name]


def wait_vpc_link_available(
    module: Any,
    client: Any,
    link_id: str,
    timeout: int,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict:
    """Poll until the link is AVAILABLE (AWS reports PENDING first); fail on FAILED/INACTIVE or timeout."""
    deadline = clock() + timeout
    while True:
        link = get_or_none(module, client, "get_vpc_link", "Could not read VPC link", VpcLinkId=link_id)
        if link is None:
            module.fail_json(msg=f"VPC link {link_id} disappeared while waiting for it to become AVAILABLE")
        status = link.get("VpcLinkStatus")
        if status == "AVAILABLE":
            return link
        if status in ("FAILED", "INACTIVE", "DELETING"):
            module.fail_json(
                msg="VPC link {} is {}: {}".format(link_id, status, link.get("VpcLinkStatusMessage", "")),
                vpc_link=snake(link),
            )
        if clock() >= deadline:
            module.fail_json(
                msg=f"Timed out after {timeout}s waiting for VPC link {link_id} to become AVAILABLE (status {status})",
                vpc_link=snake(link),
            )
        sleep(_POLL_SECONDS)


def wait_vpc_link_deleted(
    module: Any,
    client: Any,
    link_id: str,
    timeout: int,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    deadline = clock() + timeout
    while True:
        link = get_or_none(module, client, "get_vpc_link", "Could not read VPC link", VpcLinkId=link_id)
        if link is None:
            return
        if clock() >= deadline:
            module.fail_json(
                msg="Timed out after {}s waiting for VPC link {} to be deleted (status {})".format(
                    timeout, link_id, link.get("VpcLinkStatus")
                )
            )
        sleep(_POLL_SECONDS)


def integrations_using(module: Any, client: Any, link_id: str) -> list[dict]:
    """Every integration, in every API of the region, whose connection is the VPC link ``link_id``."""
    users = []
    for api in list_all(module, client, "get_apis", "Could not list APIs"):
        for integration in list_all(
            module, client, "get_integrations", "Could not list integrations", ApiId=api["ApiId"]
        ):
            if integration.get("ConnectionId") == link_id:
                users.append({"api_id": api["ApiId"], "integration_id": integration["IntegrationId"]})
    return users


def _vpc_link_desired(params: dict, current_tags: dict | None) -> dict:
    tags = params["tags"] if params["tags"] is not None else current_tags
    return {
        "Name": params["name"],
        "SubnetIds": sorted(params["subnet_ids"] or []),
        "SecurityGroupIds": sorted(params["security_group_ids"] or []),
        "Tags": tags or {},
    }


def _create_vpc_link(module: Any, client: Any, desired: dict, wait: bool) -> dict:
    link = call(module, client, "create_vpc_link", "Could not create VPC link", **desired)
    if wait:
        return wait_vpc_link_available(module, client, link["VpcLinkId"], module.params["wait_timeout"])
    return link


def _delete_vpc_link(module: Any, client: Any, link_id: str, wait: bool) -> None:
    try:
        client.delete_vpc_link(aws_retry=True, VpcLinkId=link_id)
    except is_boto3_error_code("NotFoundException"):
        return
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not delete VPC link {link_id}")
    if wait:
        wait_vpc_link_deleted(module, client, link_id, module.params["wait_timeout"])


def _replace_vpc_link(module: Any, client: Any, old: dict, desired: dict) -> dict:
    """Create the new link, move the integrations that use the old one onto it, then delete the old one."""
    params = module.params
    users = integrations_using(module, client, old["VpcLinkId"])
    if users and not params["migrate_integrations"]:
        module.fail_json(
            msg=(
                "VPC link {} ({}) must be replaced because its subnets or security groups changed, but "
                "integrations use it and migrate_integrations is false"
            ).format(params["name"], old["VpcLinkId"]),
            integrations=users,
        )
    before = view(old, _VPC_LINK_FIELDS)
    extra = {"replaced": True, "replaced_vpc_link_id": old["VpcLinkId"], "migrated_integrations": users}
    if module.check_mode:
        return outcome(True, "vpc_link", before, view(desired, _VPC_LINK_FIELDS), snake(desired), **extra)
    # The new link must be AVAILABLE before integrations can route through it.
    new = _create_vpc_link(module, client, desired, wait=True)
    for user in users:
        call(
            module,
            client,
            "update_integration",
            "Created VPC link {} but could not move integration {} of API {} onto it; old link {} kept".format(
                new["VpcLinkId"], user["integration_id"], user["api_id"], old["VpcLinkId"]
            ),
            ApiId=user["api_id"],
            IntegrationId=user["integration_id"],
            ConnectionId=new["VpcLinkId"],
        )
    _delete_vpc_link(module, client, old["VpcLinkId"], params["wait"])
    return outcome(True, "vpc_link", before, view(new, _VPC_LINK_FIELDS), snake(new), **extra)


def ensure_vpc_link(module: Any) -> dict:
    params = module.params
    client = client_for(module)
    current = only_one(
        module, find_vpc_links(module, client, params["name"]), "VPC links named " + params["name"], "VpcLinkId"
    )
    if params["state"] == "absent":
        if current is None:
            return outcome(False, "vpc_link", {}, {}, {})
        if not module.check_mode:
            _delete_vpc_link(module, client, current["VpcLinkId"], params["wait"])
        return outcome(True, "vpc_link", view(current, _VPC_LINK_FIELDS), {}, {})

    if current is None:
        desired = _vpc_link_desired(params, None)
        if module.check_mode:
            return outcome(True, "vpc_link", {}, view(desired, _VPC_LINK_FIELDS), snake(desired))
        link = _create_vpc_link(module, client, desired, params["wait"])
        return outcome(True, "vpc_link", {}, view(link, _VPC_LINK_FIELDS), snake(link))

    desired = _vpc_link_desired(params, current.get("Tags"))
    # Security groups are compared only when given: AWS may fill in a default when none were set.
    immutable = {"SubnetIds": desired["SubnetIds"]}
    if params["security_group_ids"] is not None:
        immutable["SecurityGroupIds"] = desired["SecurityGroupIds"]
    else:
        desired["SecurityGroupIds"] = sorted(current.get("SecurityGroupIds") or [])
    if changed_fields(immutable, current):
        return _replace_vpc_link(module, client, current, desired)

    to_set, to_remove = tag_changes(current.get("Tags"), params["tags"], params["purge_tags"])
    changed = bool(to_set or to_remove)
    after = dict(current, Tags=tags_after(current.get("Tags"), to_set, to_remove))
    if not module.check_mode:
        apply_tags(module, client, resource_arn(client, "/vpclinks/" + current["VpcLinkId"]), to_set, to_remove)
        if params["wait"] and current.get("VpcLinkStatus") != "AVAILABLE":
            after = wait_vpc_link_available(module, client, current["VpcLinkId"], params["wait_timeout"])
        elif changed:
            after = call(module, client, "get_vpc_link", "Could not read VPC link", VpcLinkId=current["VpcLinkId"])
    return outcome(changed, "vpc_link", view(current, _VPC_LINK_FIELDS), view(after, _VPC_LINK_FIELDS), snake(after))


def describe_vpc_links(module: Any) -> dict:
    params = module.params
    client = client_for(module)
    if params["vpc_link_id"]:
        link = get_or_none(module, client, "get_vpc_link", "Could not read VPC link", VpcLinkId=params["vpc_link_id"])
        links = [link] if link else []
    else:
        links = find_vpc_links(module, client)
    links = [
        link
        for link in links
        if params["name"] in (None, link.get("Name")) and tags_match(link.get("Tags"), params["tags"])
    ]
    return {"changed": False, "vpc_links": [snake(link) for link in links]}


# ---------------------------------------------------------------- HTTP APIs

_API_FIELDS = ["Name", "Description", "DisableExecuteApiEndpoint", "CorsConfiguration", "Tags"]
_CORS_KEYS = {
    "allow_credentials": "AllowCredentials",
    "allow_headers": "AllowHeaders",
    "allow_methods": "AllowMethods",
    "allow_origins": "AllowOrigins",
    "expose_headers": "ExposeHeaders",
    "max_age": "MaxAge",
}


def find_http_apis(module: Any, client: Any, name: str | None = None) -> list[dict]:
    apis = list_all(module, client, "get_apis", "Could not list APIs")
    return [a for a in apis if a.get("ProtocolType") == "HTTP" and (name is None or a.get("Name") == name)]


def _cors(option: dict | None) -> dict | None:
    """Boto3 CorsConfiguration of the option; {} when the option is given with nothing set (remove CORS)."""
    if option is None:
        return None
    return {boto: option[key] for key, boto in _CORS_KEYS.items() if option.get(key) is not None}


def ensure_http_api(module: Any) -> dict:
    params = module.params
    client = client_for(module)
    apis = find_http_apis(module, client, params["name"])
    current = only_one(module, apis, "HTTP APIs named " + params["name"], "ApiId")
    if params["state"] == "absent":
        if current is None:
            return outcome(False, "api", {}, {}, {})
        if not module.check_mode:
            call(module, client, "delete_api", "Could not delete API", ApiId=current["ApiId"])
        return outcome(True, "api", view(current, _API_FIELDS), {}, {})

    cors = _cors(params["cors_configuration"])
    desired = strip_none(
        {
            "Description": params["description"],
            "DisableExecuteApiEndpoint": params["disable_execute_api_endpoint"],
            "CorsConfiguration": cors or None,
        }
    )
    if current is None:
        create = dict(desired, Name=params["name"], ProtocolType="HTTP", Tags=params["tags"] or {})
        if module.check_mode:
            return outcome(True, "api", {}, view(create, _API_FIELDS), snake(create))
        api = call(module, client, "create_api", "Could not create API", **create)
        return outcome(True, "api", {}, view(api, _API_FIELDS), snake(api))

    api_id = current["ApiId"]
    changes = changed_fields(desired, current)
    remove_cors = cors == {} and bool(current.get("CorsConfiguration"))
    to_set, to_remove = tag_changes(current.get("Tags"), params["tags"], params["purge_tags"])
    changed = bool(changes or remove_cors or to_set or to_remove)
    after = merged(current, changes)
    after["Tags"] = tags_after(current.get("Tags"), to_set, to_remove)
    if remove_cors:
        after.pop("CorsConfiguration", None)
    if changed and not module.check_mode:
        if changes:
            call(module, client, "update_api", "Could not update API", ApiId=api_id, **changes)
        if remove_cors:
            call(module, client, "delete_cors_configuration", "Could not remove CORS", ApiId=api_id)
        apply_tags(module, client, resource_arn(client, "/apis/" + api_id), to_set, to_remove)
        after = call(module, client, "get_api", "Could not read API", ApiId=api_id)
    return outcome(changed, "api", view(current, _API_FIELDS), view(after, _API_FIELDS), snake(after))


def describe_http_apis(module: Any) -> dict:
    params = module.params
    client = client_for(module)
    if params["api_id"]:
        api = get_or_none(module, client, "get_api", "Could not read API", ApiId=params["api_id"])
        apis = [api] if api else []
    else:
        apis = find_http_apis(module, client)
    apis = [a for a in apis if params["name"] in (None, a.get("Name")) and tags_match(a.get("Tags"), params["tags"])]
    return {"changed": False, "apis": [snake(a) for a in apis]}


# ---------------------------------------------------------------- integrations

_INTEGRATION_FIELDS = [
    "IntegrationType",
    "IntegrationUri",
    "IntegrationMethod",
    "ConnectionType",
    "ConnectionId",
    "PayloadFormatVersion",
    "TimeoutInMillis",
    "RequestParameters",
    "Description",
]


def validate_integration(module: Any) -> None:
    """Reject inconsistent input before any AWS call."""
    params = module.params
    timeout = params["timeout_in_millis"]
    if timeout is not None and not MIN_INTEGRATION_TIMEOUT_MS <= timeout <= MAX_INTEGRATION_TIMEOUT_MS:
        module.fail_json(
            msg=f"timeout_in_millis must be between {MIN_INTEGRATION_TIMEOUT_MS} and {MAX_INTEGRATION_TIMEOUT_MS} "
            f"(the HTTP API limit), got {timeout}"
        )
    if params["state"] == "absent":
        if not params["integration_id"] and not params["integration_uri"]:
            module.fail_json(msg="state=absent needs integration_id or integration_uri")
        return
    if params["connection_type"] == "VPC_LINK" and not params["connection_id"]:
        module.fail_json(msg="connection_type=VPC_LINK requires connection_id (the VPC link ID)")
    if params["connection_id"] and params["connection_type"] != "VPC_LINK":
        module.fail_json(msg="connection_id is only valid with connection_type=VPC_LINK")
    if params["integration_type"] == "HTTP_PROXY" and not params["integration_uri"] and not params["integration_id"]:
        module.fail_json(msg="integration_type=HTTP_PROXY requires integration_uri")


def _find_integration(module: Any, client: Any) -> dict | None:
    params = module.params
    api_id = params["api_id"]
    if params["integration_id"]:
        found = get_or_none(
            module,
            client,
            "get_integration",
            "Could not read integration",
            ApiId=api_id,
            IntegrationId=params["integration_id"],
        )
        if found is None and params["state"] == "present":
            module.fail_json(msg="Integration {} not found in API {}".format(params["integration_id"], api_id))
        return found
    matches = [
        i
        for i in list_all(module, client, "get_integrations", "Could not list integrations", ApiId=api_id)
        if i.get("IntegrationUri") == params["integration_uri"] and i.get("ConnectionId") == params["connection_id"]
    ]
    return only_one(module, matches, "integrations with this integration_uri and connection_id", "IntegrationId")


def ensure_integration(module: Any) -> dict:
    validate_integration(module)
    params = module.params
    client = client_for(module)
    api_id = params["api_id"]
    current = _find_integration(module, client)
    if params["state"] == "absent":
        if current is None:
            return outcome(False, "integration", {}, {}, {})
        if not module.check_mode:
            call(
                module,
                client,
                "delete_integration",
                "Could not delete integration",
                ApiId=api_id,
                IntegrationId=current["IntegrationId"],
            )
        return outcome(True, "integration", view(current, _INTEGRATION_FIELDS), {}, {})

    desired = strip_none(
        {
            "IntegrationType": params["integration_type"],
            "IntegrationUri": params["integration_uri"],
            "IntegrationMethod": params["integration_method"],
            "ConnectionType": params["connection_type"],
            "ConnectionId": params["connection_id"],
            "PayloadFormatVersion": params["payload_format_version"],
            "TimeoutInMillis": params["timeout_in_millis"],
            "RequestParameters": params["request_parameters"],
            "Description": params["description"],
        }
    )
    if current is None:
        if module.check_mode:
            return outcome(True, "integration", {}, view(desired, _INTEGRATION_FIELDS), snake(desired))
        created = call(module, client, "create_integration", "Could not create integration", ApiId=api_id, **desired)
        return outcome(True, "integration", {}, view(created, _INTEGRATION_FIELDS), snake(created))

    changes = changed_fields(desired, current)
    after = merged(current, changes)
    if changes and not module.check_mode:
        after = call(
            module,
            client,
            "update_integration",
            "Could not update integration",
            ApiId=api_id,
            IntegrationId=current["IntegrationId"],
            **changes,
        )
    return outcome(
        bool(changes),
        "integration",
        view(current, _INTEGRATION_FIELDS),
        view(after, _INTEGRATION_FIELDS),
        snake(after),
    )


# ---------------------------------------------------------------- routes

_ROUTE_FIELDS = ["RouteKey", "Target", "AuthorizationType", "AuthorizerId"]


def route_target(params: dict) -> str | None:
    if params["integration_id"]:
        return "integrations/" + params["integration_id"]
    return params["target"]


def validate_route(module: Any) -> None:
    params = module.params
    target = params["target"]
    if target and not target.startswith("integrations/"):
        module.fail_json(msg=f"target must be integrations/<integration ID>, got {target!r}")
    authorization = params["authorization_type"]
    if params["state"] == "present" and authorization in ("CUSTOM", "JWT") and not params["authorizer_id"]:
        module.fail_json(msg=f"authorization_type {authorization} requires authorizer_id")


def ensure_route(module: Any) -> dict:
    validate_route(module)
    params = module.params
    client = client_for(module)
    api_id = params["api_id"]
    routes = list_all(module, client, "get_routes", "Could not list routes", ApiId=api_id)
    current = only_one(
        module,
        [r for r in routes if r.get("RouteKey") == params["route_key"]],
        "routes " + params["route_key"],
        "RouteId",
    )
    if params["state"] == "absent":
        if current is None:
            return outcome(False, "route", {}, {}, {})
        if not module.check_mode:
            call(module, client, "delete_route", "Could not delete route", ApiId=api_id, RouteId=current["RouteId"])
        return outcome(True, "route", view(current, _ROUTE_FIELDS), {}, {})

    desired = strip_none(
        {
            "Target": route_target(params),
            "AuthorizationType": params["authorization_type"],
            "AuthorizerId": params["authorizer_id"],
        }
    )
    if current is None:
        create = dict(desired, RouteKey=params["route_key"])
        if module.check_mode:
            return outcome(True, "route", {}, view(create, _ROUTE_FIELDS), snake(create))
        route = call(module, client, "create_route", "Could not create route", ApiId=api_id, **create)
        return outcome(True, "route", {}, view(route, _ROUTE_FIELDS), snake(route))

    changes = changed_fields(desired, current)
    after = merged(current, changes)
    if changes and not module.check_mode:
        after = call(
            module,
            client,
            "update_route",
            "Could not update route",
            ApiId=api_id,
            RouteId=current["RouteId"],
            **changes,
        )
    return outcome(bool(changes), "route", view(current, _ROUTE_FIELDS), view(after, _ROUTE_FIELDS), snake(after))


# ---------------------------------------------------------------- stages

_STAGE_FIELDS = ["StageName", "AutoDeploy", "Description", "DefaultRouteSettings", "AccessLogSettings", "Tags"]


def _route_settings(option: dict | None) -> dict | None:
    if option is None:
        return None
    return strip_none(
        {
            "ThrottlingBurstLimit": option.get("throttling_burst_limit"),
            "ThrottlingRateLimit": option.get("throttling_rate_limit"),
            "DetailedMetricsEnabled": option.get("detailed_metrics_enabled"),
        }
    )


def _access_logs(option: dict | None) -> dict | None:
    """Boto3 AccessLogSettings; {} when the option is given with nothing set (turn access logging off)."""
    if option is None:
        return None
    return strip_none({"DestinationArn": option.get("destination_arn"), "Format": option.get("format")})


def validate_stage(module: Any) -> None:
    logs = module.params["access_log_settings"]
    if logs and bool(logs.get("destination_arn")) != bool(logs.get("format")):
        module.fail_json(msg="access_log_settings needs both destination_arn and format (or neither, to disable)")


def ensure_stage(module: Any) -> dict:
    validate_stage(module)
    params = module.params
    client = client_for(module)
    api_id = params["api_id"]
    name = params["stage_name"]
    arn = resource_arn(client, f"/apis/{api_id}/stages/{name}")
    current = get_or_none(module, client, "get_stage", "Could not read stage", ApiId=api_id, StageName=name)
    if params["state"] == "absent":
        if current is None:
            return outcome(False, "stage", {}, {}, {})
        if not module.check_mode:
            call(module, client, "delete_stage", "Could not delete stage", ApiId=api_id, StageName=name)
        return outcome(True, "stage", view(current, _STAGE_FIELDS), {}, {})

    logs = _access_logs(params["access_log_settings"])
    desired = strip_none(
        {
            "AutoDeploy": params["auto_deploy"],
            "Description": params["description"],
            "DefaultRouteSettings": _route_settings(params["default_route_settings"]),
            "AccessLogSettings": logs or None,
        }
    )
    if current is None:
        create = dict(desired, StageName=name, Tags=params["tags"] or {})
        if module.check_mode:
            return outcome(True, "stage", {}, view(create, _STAGE_FIELDS), snake(create))
        stage = call(module, client, "create_stage", "Could not create stage", ApiId=api_id, **create)
        return outcome(True, "stage", {}, view(stage, _STAGE_FIELDS), snake(stage))

    changes = changed_fields(desired, current)
    if "DefaultRouteSettings" in changes:
        # UpdateStage replaces the settings object: send the merged one so unmanaged fields survive.
        changes["DefaultRouteSettings"] = {**current.get("DefaultRouteSettings", {}), **changes["DefaultRouteSettings"]}
    remove_logs = logs == {} and bool(current.get("AccessLogSettings"))
    to_set, to_remove = tag_changes(current.get("Tags"), params["tags"], params["purge_tags"])
    changed = bool(changes or remove_logs or to_set or to_remove)
    after = merged(current, changes)
    after["Tags"] = tags_after(current.get("Tags"), to_set, to_remove)
    if remove_logs:
        after.pop("AccessLogSettings", None)
    if changed and not module.check_mode:
        if changes:
            call(module, client, "update_stage", "Could not update stage", ApiId=api_id, StageName=name, **changes)
        if remove_logs:
            call(
                module,
                client,
                "delete_access_log_settings",
                "Could not turn off access logging",
                ApiId=api_id,
                StageName=name,
            )
        apply_tags(module, client, arn, to_set, to_remove)
        after = call(module, client, "get_stage", "Could not read stage", ApiId=api_id, StageName=name)
    return outcome(changed, "stage", view(current, _STAGE_FIELDS), view(after, _STAGE_FIELDS), snake(after))
