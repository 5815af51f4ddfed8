"""SageMaker Studio calls moto lacks: user profiles and apps, UpdateDomain, and AWS's delete refusals.

moto 5.2.5 implements Studio domains only. This extension answers, in AWS's JSON shapes:
Create/Describe/List/Update/DeleteUserProfile, Create/Describe/List/DeleteApp, UpdateDomain, and the
tag calls (AddTags/ListTags/DeleteTags) for profile, app and domain ARNs (moto's domain tags may be None
and keep duplicate keys). Domains stay in moto's backend, but their calls are fronted as AWS answers them:
CreateDomain returns DomainId (moto omits it) and refuses a taken name with ResourceInUse (moto overwrites
the domain); DescribeDomain says ResourceNotFound for an unknown domain (moto: ValidationException) and
reports Pending/Updating; DeleteDomain is refused with ResourceInUse while the domain has user profiles
and records its RetentionPolicy.

States progress deterministically, one step per observation: every Describe or List that reports a
resource in a transitional state moves it to its next state afterwards. So after a create the first
Describe says ``Pending`` and the next ``InService`` (for domains only DescribeDomain advances the state,
ListDomains just reports it); after UpdateUserProfile/UpdateDomain the first
says ``Updating``; after DeleteUserProfile the first says ``Deleting`` and the next is ResourceNotFound.
Apps go ``Deleting`` then ``Deleted`` (with lifecycles on, after ``studio_app_delete``'s modeled time) and,
as in AWS, stay listed as ``Deleted`` until their user profile is deleted; their network interface
outlives them (emulator.behaviours.studio_app_network). State is kept per account and region and wiped by
``POST /moto-api/reset``.

``GET /__sagemaker_studio/home-efs`` lists the home EFS file systems of deleted domains with the
retention each was deleted with (Retain, the default, or Delete), for teardown tests.

``POST /__sagemaker_studio/fail`` (test-only) leaves a resource as AWS does when its creation or update fails:
the body ``{"DomainId": ..., "UserProfileName": ... (optional), "FailureReason": ..., "Status": "Failed"}``
(``Status`` may also be ``Update_Failed`` or ``Delete_Failed``) makes the domain, or its user profile, report
that status and ``FailureReason`` from then on, in the default account's us-east-1 unless ``AccountId`` and
``Region`` say otherwise.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.behaviours import studio_app_network, studio_home_efs
from emulator.lifecycle import ENGINE, FAILED, FAILURE_REASONS, PENDING
from emulator.lifecycle import enabled as lifecycles_enabled
from emulator.request import AwsRequest
from emulator.responses import json_error, json_result

HOME_EFS_PATH = "/__sagemaker_studio/home-efs"
FAIL_PATH = "/__sagemaker_studio/fail"
FAILED_STATUSES = frozenset({"Failed", "Update_Failed", "Delete_Failed"})
RESET_PATH = "/moto-api/reset"
GONE = "<gone>"
# What answers one action: (account, region, params) -> the result, None to leave the request to moto.
Handler = Callable[[str, str, dict[str, Any]], dict[str, Any] | None]
APP_TYPES = frozenset(
    {
        "JupyterServer",
        "KernelGateway",
        "DetailedProfiler",
        "TensorBoard",
        "CodeEditor",
        "JupyterLab",
        "RStudioServerPro",
        "RSessionGateway",
        "Canvas",
    }
)
# Top-level DescribeDomain fields UpdateDomain may change, by request parameter.
_DOMAIN_UPDATES = {
    "DefaultUserSettings": "default_user_settings",
    "DefaultSpaceSettings": "default_space_settings",
    "AppSecurityGroupManagement": "app_security_group_management",
    "AppNetworkAccessType": "app_network_access_type",
}


class StudioError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _not_found(message: str) -> StudioError:
    return StudioError("ResourceNotFound", message)


def _in_use(message: str) -> StudioError:
    return StudioError("ResourceInUse", message)


def _invalid(message: str) -> StudioError:
    return StudioError("ValidationException", message)


@dataclass
class Lifecycle:
    """A status and the statuses it moves through, one per observation.

    With a ``timer`` (a kind and key of emulator.lifecycle, lifecycles on) a step waits for that kind's
    modeled time, and a kind the faults name fails with AWS's reason instead.
    """

    status: str
    upcoming: list[str] = field(default_factory=list)
    failure_reason: str | None = None
    timer: tuple[str, str] | None = None

    def move(self, status: str, *upcoming: str, timer: tuple[str, str] | None = None) -> None:
        self.status = status
        self.upcoming = list(upcoming)
        self.failure_reason = None
        self.timer = _started(timer)

    def fail(self, status: str, reason: str) -> None:
        self.status, self.upcoming, self.failure_reason = status, [], reason

    def settle(self) -> None:
        """Before an answer: a timed step is taken once its modeled time has passed (and it was seen)."""
        if self.timer is None or not self.upcoming:
            return
        phase = ENGINE.observe(*self.timer)
        if phase == FAILED:
            self.fail("Failed", FAILURE_REASONS[self.timer[0]][1])
        elif phase != PENDING:
            self.status, self.upcoming, self.timer = self.upcoming[0], self.upcoming[1:], None

    def observed(self) -> None:
        """After an answer: an untimed step is taken."""
        if self.timer is None and self.upcoming:
            self.status = self.upcoming.pop(0)


def _started(timer: tuple[str, str] | None) -> tuple[str, str] | None:
    """The timer of a new transition, started now; none when lifecycles are off."""
    if timer is None or not lifecycles_enabled():
        return None
    ENGINE.restart(*timer)  # a name used again starts afresh
    return timer


def timed(status: str, upcoming: str, timer: tuple[str, str]) -> Lifecycle:
    created = Lifecycle(status)
    created.move(status, upcoming, timer=timer)
    return created


@dataclass
class UserProfile:
    domain_id: str
    name: str
    arn: str
    home_uid: str
    settings: dict[str, Any]
    tags: dict[str, str]
    created: float
    modified: float
    lifecycle: Lifecycle

    def describe(self) -> dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "UserProfileArn": self.arn,
            "UserProfileName": self.name,
            "HomeEfsFileSystemUid": self.home_uid,
            "Status": self.lifecycle.status,
            "LastModifiedTime": self.modified,
            "CreationTime": self.created,
            "UserSettings": self.settings,
            **({"FailureReason": self.lifecycle.failure_reason} if self.lifecycle.failure_reason else {}),
        }

    def summary(self) -> dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "UserProfileName": self.name,
            "Status": self.lifecycle.status,
            "CreationTime": self.created,
            "LastModifiedTime": self.modified,
        }


@dataclass
class App:
    domain_id: str
    user_profile_name: str
    app_type: str
    name: str
    arn: str
    resource_spec: dict[str, Any]
    tags: dict[str, str]
    created: float
    lifecycle: Lifecycle
    eni_id: str | None = None  # its interface in the domain's VPC (studio_app_network)

    def settle(self, account: str, region: str) -> None:
        """Takes a timed step; a Deleted app's interface starts lingering."""
        self.lifecycle.settle()
        self._release(account, region)

    def observed(self, account: str, region: str) -> None:
        self.lifecycle.observed()
        self._release(account, region)

    def _release(self, account: str, region: str) -> None:
        if self.lifecycle.status == "Deleted":
            studio_app_network.release(account, region, self.eni_id)
            self.eni_id = None

    def describe(self) -> dict[str, Any]:
        return {
            "AppArn": self.arn,
            "AppType": self.app_type,
            "AppName": self.name,
            "DomainId": self.domain_id,
            "UserProfileName": self.user_profile_name,
            "Status": self.lifecycle.status,
            "CreationTime": self.created,
            "LastUserActivityTimestamp": self.created,
            "LastHealthCheckTimestamp": self.created,
            "ResourceSpec": self.resource_spec,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "UserProfileName": self.user_profile_name,
            "AppType": self.app_type,
            "AppName": self.name,
            "Status": self.lifecycle.status,
            "CreationTime": self.created,
            "ResourceSpec": self.resource_spec,
        }


@dataclass
class RegionState:
    profiles: dict[tuple[str, str], UserProfile] = field(default_factory=dict)
    apps: dict[tuple[str, str, str, str], App] = field(default_factory=dict)
    domain_lifecycles: dict[str, Lifecycle] = field(default_factory=dict)
    next_home_uid: int = 200001


def _moto_domains(account: str, region: str) -> dict[str, Any]:
    from moto.backends import get_backend

    return get_backend("sagemaker")[account][region].domains


def _page(items: list[dict[str, Any]], params: dict[str, Any], key: str) -> dict[str, Any]:
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or 100)
    result: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        result["NextToken"] = str(start + size)
    return result


def _sorted(items: list[Any], params: dict[str, Any], created: str = "created") -> list[Any]:
    attribute = "modified" if params.get("SortBy") == "LastModifiedTime" else created
    return sorted(
        items, key=lambda item: getattr(item, attribute, item.created), reverse=params.get("SortOrder") != "Ascending"
    )


def _tags_dict(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags or []}


def _tags_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def dispatch(request: AwsRequest, handlers: dict[str, Handler], lock: threading.Lock) -> Response | None:
    """Answers a SageMaker action ``handlers`` names, as AWS would: ``handler(account, region, params)`` under
    ``lock``; a StudioError or a missing parameter is AWS's error. None: the next extension (or moto) answers."""
    handler = handlers.get(request.action or "") if request.service == "sagemaker" else None
    if handler is None:
        return None
    account, region = moto_state.account_id(request), request.region or "us-east-1"
    with lock:
        try:
            result = handler(account, region, request.json())
        except StudioError as error:
            return json_error(error.code, error.message)
        except KeyError as missing:
            return json_error("ValidationException", f"Missing required parameter {missing}")
    return None if result is None else json_result(result)


class SageMakerStudio:
    name = "sagemaker_studio"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._regions: dict[tuple[str, str], RegionState] = {}
        self._home_efs: list[dict[str, str]] = []
        self._handlers = {
            "CreateUserProfile": self._create_user_profile,
            "DescribeUserProfile": self._describe_user_profile,
            "ListUserProfiles": self._list_user_profiles,
            "UpdateUserProfile": self._update_user_profile,
            "DeleteUserProfile": self._delete_user_profile,
            "CreateApp": self._create_app,
            "DescribeApp": self._describe_app,
            "ListApps": self._list_apps,
            "DeleteApp": self._delete_app,
            "CreateDomain": self._create_domain,
            "UpdateDomain": self._update_domain,
            "DescribeDomain": self._describe_domain,
            "DeleteDomain": self._delete_domain,
            "AddTags": self._add_tags,
            "ListTags": self._list_tags,
            "DeleteTags": self._delete_tags,
        }

    def handle(self, request: AwsRequest) -> Response | None:
        if request.path == RESET_PATH and request.method == "POST":
            self.reset()
            return None
        if request.path == HOME_EFS_PATH and request.method == "GET":
            with self._lock:
                return Response(json.dumps(self._home_efs), content_type="application/json")
        if request.path == FAIL_PATH and request.method == "POST":
            return self._fail(request)
        return dispatch(request, self._handlers, self._lock)

    def _fail(self, request: AwsRequest) -> Response:
        params = request.json()
        account = params.get("AccountId") or moto_state.account_id(request)
        region = params.get("Region") or "us-east-1"
        status = params.get("Status") or "Failed"
        with self._lock:
            try:
                if status not in FAILED_STATUSES:
                    raise _invalid(f"Status must be one of {', '.join(sorted(FAILED_STATUSES))}, not {status!r}")
                lifecycle = self._lifecycle_to_fail(account, region, params)
            except StudioError as error:
                return json_error(error.code, error.message)
            lifecycle.fail(status, params.get("FailureReason") or "")
            if not params.get("UserProfileName"):
                self._domain(account, region, params["DomainId"]).status = status
        return json_result({"Status": status})

    def _lifecycle_to_fail(self, account: str, region: str, params: dict[str, Any]) -> Lifecycle:
        state = self._state(account, region)
        if params.get("UserProfileName"):
            return self._profile(state, params["DomainId"], params["UserProfileName"]).lifecycle
        domain = self._domain(account, region, params["DomainId"])
        return state.domain_lifecycles.setdefault(domain.id, Lifecycle(domain.status))

    def reset(self) -> None:
        with self._lock:
            self._regions.clear()
            self._home_efs.clear()

    def _state(self, account: str, region: str) -> RegionState:
        return self._regions.setdefault((account, region), RegionState())

    # User profiles

    def _create_user_profile(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        domain_id, name = params["DomainId"], params["UserProfileName"]
        if domain_id not in _moto_domains(account, region):
            raise _not_found(f"Domain {domain_id} does not exist")
        state = self._state(account, region)
        if (domain_id, name) in state.profiles:
            raise _in_use(f"User profile {name} already exists in domain {domain_id}")
        now = time.time()
        profile = UserProfile(
            domain_id=domain_id,
            name=name,
            arn=f"arn:aws:sagemaker:{region}:{account}:user-profile/{domain_id}/{name}",
            home_uid=str(state.next_home_uid),
            settings=params.get("UserSettings") or {},
            tags=_tags_dict(params.get("Tags")),
            created=now,
            modified=now,
            lifecycle=timed("Pending", "InService", ("studio_profile", f"{domain_id}/{name}")),
        )
        state.next_home_uid += 1
        state.profiles[(domain_id, name)] = profile
        return {"UserProfileArn": profile.arn}

    def _profile(self, state: RegionState, domain_id: str, name: str) -> UserProfile:
        profile = state.profiles.get((domain_id, name))
        if profile is None:
            raise _not_found(f"User profile {name} does not exist in domain {domain_id}")
        return profile

    def _settle_profile(self, state: RegionState, profile: UserProfile) -> bool:
        """Takes a timed step before an answer; False when that step deleted the profile."""
        profile.lifecycle.settle()
        self._drop_if_gone(state, profile)
        return profile.lifecycle.status != GONE

    def _observe_profile(self, state: RegionState, profile: UserProfile) -> None:
        profile.lifecycle.observed()
        self._drop_if_gone(state, profile)

    def _drop_if_gone(self, state: RegionState, profile: UserProfile) -> None:
        if profile.lifecycle.status == GONE and (profile.domain_id, profile.name) in state.profiles:
            del state.profiles[(profile.domain_id, profile.name)]
            # The profile's Deleted apps go with it.
            for key in [key for key in state.apps if key[:2] == (profile.domain_id, profile.name)]:
                del state.apps[key]

    def _describe_user_profile(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        state = self._state(account, region)
        profile = self._profile(state, params["DomainId"], params["UserProfileName"])
        if not self._settle_profile(state, profile):
            raise _not_found(f"User profile {profile.name} does not exist in domain {profile.domain_id}")
        described = profile.describe()
        self._observe_profile(state, profile)
        return described

    def _list_user_profiles(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        state = self._state(account, region)
        domain_id = params.get("DomainIdEquals")
        contains = params.get("UserProfileNameContains") or ""
        matching = [
            profile
            for profile in state.profiles.values()
            if (domain_id is None or profile.domain_id == domain_id) and contains in profile.name
        ]
        matching = [profile for profile in matching if self._settle_profile(state, profile)]
        result = _page([profile.summary() for profile in _sorted(matching, params)], params, "UserProfiles")
        for profile in matching:
            self._observe_profile(state, profile)
        return result

    def _update_user_profile(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        state = self._state(account, region)
        profile = self._profile(state, params["DomainId"], params["UserProfileName"])
        profile.lifecycle.settle()  # its time may have passed without a describe
        if profile.lifecycle.status != "InService":
            raise _in_use(
                f"User profile {profile.name} is {profile.lifecycle.status}; it can be updated when InService"
            )
        # AWS replaces each top-level settings group given and keeps the others.
        profile.settings = {**profile.settings, **(params.get("UserSettings") or {})}
        profile.modified = time.time()
        profile.lifecycle.move("Updating", "InService")
        return {"UserProfileArn": profile.arn}

    def _delete_user_profile(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        state = self._state(account, region)
        profile = self._profile(state, params["DomainId"], params["UserProfileName"])
        if not self._settle_profile(state, profile):
            raise _not_found(f"User profile {profile.name} does not exist in domain {profile.domain_id}")
        if profile.lifecycle.status == "Deleting":
            raise _in_use(f"User profile {profile.name} is already being deleted")
        live = [
            app.name
            for key, app in state.apps.items()
            if key[:2] == (profile.domain_id, profile.name) and app.lifecycle.status != "Deleted"
        ]
        if live:
            raise _in_use(f"User profile {profile.name} has apps that are not deleted: {', '.join(sorted(live))}")
        profile.lifecycle.move("Deleting", GONE, timer=("studio_profile_delete", f"{profile.domain_id}/{profile.name}"))
        return {}

    # Apps

    def _create_app(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        domain_id, app_type, name = params["DomainId"], params["AppType"], params["AppName"]
        if params.get("SpaceName"):
            raise _invalid("Spaces are not emulated; create apps for a UserProfileName")
        if app_type not in APP_TYPES:
            raise _invalid(f"AppType {app_type!r} is not one of {', '.join(sorted(APP_TYPES))}")
        state = self._state(account, region)
        owner = self._profile(state, domain_id, params.get("UserProfileName") or "")
        if owner.lifecycle.status == "Deleting":
            raise _not_found(f"User profile {owner.name} is being deleted")
        key = (domain_id, owner.name, app_type, name)
        existing = state.apps.get(key)
        if existing is not None and existing.lifecycle.status != "Deleted":
            raise _in_use(f"App {name} of type {app_type} already exists for user profile {owner.name}")
        now = time.time()
        arn = f"arn:aws:sagemaker:{region}:{account}:app/{domain_id}/{owner.name}/{app_type.lower()}/{name}"
        domain = _moto_domains(account, region).get(domain_id)
        groups = owner.settings.get("SecurityGroups") or (getattr(domain, "default_user_settings", None) or {}).get(
            "SecurityGroups", []
        )
        app = App(
            domain_id=domain_id,
            user_profile_name=owner.name,
            app_type=app_type,
            name=name,
            arn=arn,
            resource_spec=params.get("ResourceSpec") or {"InstanceType": "system"},
            tags=_tags_dict(params.get("Tags")),
            created=now,
            lifecycle=Lifecycle("Pending", ["InService"]),
            eni_id=studio_app_network.attach(account, region, domain, groups, arn),
        )
        state.apps[key] = app
        return {"AppArn": app.arn}

    def _app(self, state: RegionState, params: dict[str, Any]) -> App:
        key = (params["DomainId"], params.get("UserProfileName") or "", params["AppType"], params["AppName"])
        app = state.apps.get(key)
        if app is None:
            raise _not_found(f"App {params['AppName']} of type {params['AppType']} does not exist")
        return app

    def _describe_app(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        app = self._app(self._state(account, region), params)
        app.settle(account, region)
        described = app.describe()
        app.observed(account, region)
        return described

    def _list_apps(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        state = self._state(account, region)
        domain_id, profile = params.get("DomainIdEquals"), params.get("UserProfileNameEquals")
        matching = [
            app
            for app in state.apps.values()
            if (domain_id is None or app.domain_id == domain_id)
            and (profile is None or app.user_profile_name == profile)
        ]
        for app in matching:
            app.settle(account, region)
        result = _page([app.summary() for app in _sorted(matching, params)], params, "Apps")
        for app in matching:
            app.observed(account, region)
        return result

    def _delete_app(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        app = self._app(self._state(account, region), params)
        if app.lifecycle.status == "Deleted":
            raise _not_found(f"App {app.name} of type {app.app_type} has been deleted")
        if app.lifecycle.status == "Deleting":
            raise _in_use(f"App {app.name} of type {app.app_type} is already being deleted")
        app.lifecycle.move("Deleting", "Deleted", timer=("studio_app_delete", app.arn))
        return {}

    # Domains (kept in moto)

    def _domain(self, account: str, region: str, domain_id: str) -> Any:
        domain = _moto_domains(account, region).get(domain_id)
        if domain is None:
            raise _not_found(f"Domain {domain_id} does not exist")
        return domain

    def _create_domain(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        """moto's CreateDomain omits DomainId from its answer and overwrites a domain of the same name."""
        from moto.backends import get_backend

        name = params["DomainName"]
        if any(domain.domain_name == name for domain in list(_moto_domains(account, region).values())):
            raise _in_use(f"Domain with name {name} already exists. Choose a different name.")
        created = get_backend("sagemaker")[account][region].create_domain(
            domain_name=name,
            auth_mode=params["AuthMode"],
            default_user_settings=params["DefaultUserSettings"],
            subnet_ids=params.get("SubnetIds"),
            vpc_id=params.get("VpcId"),
            domain_settings=params.get("DomainSettings"),
            tags=list(_tags_list(_tags_dict(params.get("Tags")))),
            app_network_access_type=params.get("AppNetworkAccessType"),
            home_efs_file_system_kms_key_id=params.get("HomeEfsFileSystemKmsKeyId"),
            kms_key_id=params.get("KmsKeyId"),
            app_security_group_management=params.get("AppSecurityGroupManagement"),
            default_space_settings=params.get("DefaultSpaceSettings"),
        )
        domain = next(d for d in list(_moto_domains(account, region).values()) if d.arn == created["DomainArn"])
        studio_home_efs.create_home(account, region, domain)
        created = timed("Pending", "InService", ("studio_domain", domain.id))
        self._state(account, region).domain_lifecycles[domain.id] = created
        domain.status = created.status
        return {"DomainArn": domain.arn, "DomainId": domain.id, "Url": domain.url}

    def _update_domain(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        domain = self._domain(account, region, params["DomainId"])
        lifecycle = self._state(account, region).domain_lifecycles.setdefault(domain.id, Lifecycle(domain.status))
        lifecycle.settle()  # its time may have passed without a describe
        if lifecycle.status != "InService":
            raise _in_use(f"Domain {domain.id} is {lifecycle.status}; it can be updated when InService")
        for parameter, attribute in _DOMAIN_UPDATES.items():
            if parameter not in params:
                continue
            value = params[parameter]
            current = getattr(domain, attribute, None)
            if isinstance(value, dict) and isinstance(current, dict):
                value = {**current, **value}
            setattr(domain, attribute, value)
        if "DomainSettingsForUpdate" in params:
            domain.domain_settings = {**(domain.domain_settings or {}), **params["DomainSettingsForUpdate"]}
        from moto.core.utils import utcnow

        domain.last_modified_time = utcnow()
        lifecycle.move("Updating", "InService")
        domain.status = lifecycle.status
        return {"DomainArn": domain.arn}

    def _describe_domain(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any] | None:
        domain = self._domain(account, region, params["DomainId"])
        lifecycle = self._state(account, region).domain_lifecycles.get(domain.id)
        if lifecycle is not None:
            lifecycle.settle()
            domain.status = lifecycle.status
        if lifecycle is not None and lifecycle.failure_reason is not None:
            return {**domain.describe(), "Status": lifecycle.status, "FailureReason": lifecycle.failure_reason}
        if lifecycle is None or not lifecycle.upcoming:
            return None  # moto answers
        described = domain.describe()
        lifecycle.observed()
        domain.status = lifecycle.status
        return described

    def _delete_domain(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        domain = self._domain(account, region, params["DomainId"])
        profiles = sorted(name for (domain_id, name) in self._state(account, region).profiles if domain_id == domain.id)
        if profiles:
            raise _in_use(f"Domain {domain.id} has user profiles: {', '.join(profiles)}; delete them first")
        retention = (params.get("RetentionPolicy") or {}).get("HomeEfsFileSystem", "Retain")
        if retention not in ("Retain", "Delete"):
            raise _invalid(f"RetentionPolicy.HomeEfsFileSystem must be Retain or Delete, not {retention!r}")
        from moto.backends import get_backend

        get_backend("sagemaker")[account][region].delete_domain(domain.id, params.get("RetentionPolicy"))
        studio_home_efs.delete_home(account, region, domain.home_efs_file_system_id, retention)
        self._state(account, region).domain_lifecycles.pop(domain.id, None)
        self._home_efs.append(
            {
                "AccountId": account,
                "Region": region,
                "DomainId": domain.id,
                "HomeEfsFileSystemId": domain.home_efs_file_system_id,
                "HomeEfsFileSystem": retention,
            }
        )
        return {}

    # Tags

    def _tagged(self, account: str, region: str, arn: str) -> dict[str, str] | None:
        """The tag dict of a profile or app ARN; None for other ARNs (moto's, or domains below)."""
        resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
        kind, _slash, path = resource.partition("/")
        state = self._state(account, region)
        if kind == "user-profile":
            domain_id, _slash, name = path.partition("/")
            return self._profile(state, domain_id, name).tags
        if kind == "app":
            for app in state.apps.values():
                if app.arn == arn:
                    return app.tags
            raise _not_found(f"App {arn} does not exist")
        return None

    def _domain_tags(self, account: str, region: str, arn: str) -> Any | None:
        """The moto domain of a domain ARN: its tags are handled here because moto's AddTags appends a duplicate
        key where AWS overwrites the value (and fails on a domain moto created without tags)."""
        if ":domain/" not in arn:
            return None
        return self._domain(account, region, arn.rsplit("/", 1)[-1])

    def _add_tags(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any] | None:
        arn, added = params["ResourceArn"], _tags_dict(params.get("Tags"))
        domain = self._domain_tags(account, region, arn)
        if domain is not None:
            merged = {**_tags_dict(domain.tags), **added}
            domain.tags = _tags_list(merged)
            return {"Tags": domain.tags}
        tags = self._tagged(account, region, arn)
        if tags is None:
            return None
        tags.update(added)
        return {"Tags": _tags_list(tags)}

    def _list_tags(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any] | None:
        arn = params["ResourceArn"]
        domain = self._domain_tags(account, region, arn)
        if domain is not None:
            return _page(_tags_list(_tags_dict(domain.tags)), params, "Tags")
        tags = self._tagged(account, region, arn)
        return None if tags is None else _page(_tags_list(tags), params, "Tags")

    def _delete_tags(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any] | None:
        arn, keys = params["ResourceArn"], set(params.get("TagKeys") or [])
        domain = self._domain_tags(account, region, arn)
        if domain is not None:
            domain.tags = [tag for tag in _tags_list(_tags_dict(domain.tags)) if tag["Key"] not in keys]
            return {}
        tags = self._tagged(account, region, arn)
        if tags is None:
            return None
        for key in keys:
            tags.pop(key, None)
        return {}


def build() -> SageMakerStudio:
    return SageMakerStudio()
