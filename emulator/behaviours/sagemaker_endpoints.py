"""SageMaker real-time endpoints that serve: MLflow's pyfunc scoring server per endpoint, on loopback.

moto 5.2.5 reports an endpoint InService at once and answers InvokeEndpoint with canned data. Here
CreateEndpoint starts, in the background, what an instance of the endpoint does: the first production
variant's model artifact (its model's ``PrimaryContainer.ModelDataUrl``, a model.tar.gz in S3, as MLflow's
SageMaker deployment client uploads it) is extracted and served by ``mlflow models serve`` (the scoring
server of MLflow's serving image) with the container's ``Environment``, on a loopback port. The endpoint
(in moto: Describe/List read it) reports ``Creating`` until the modeled time (lifecycle kind
``sagemaker_endpoint``, typical 4-8 min) has passed, a Describe saw it, and the server answered ``/ping``;
then ``InService``, or ``Failed`` with AWS's reason when the artifact cannot be read or the server never
passes the ping check.

``sagemaker-runtime`` ``InvokeEndpoint`` (``POST /endpoints/<name>/invocations``, signed for ``sagemaker``)
is forwarded to that server: its answer comes back as AWS returns it (a 4xx/5xx of the model as
``ModelError``, status 424); an endpoint that is not InService is a ValidationError. DeleteEndpoint stops
the server.
"""

from __future__ import annotations

import atexit
import re
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.behaviours import sagemaker_artifacts as artifacts
from emulator.dataplane.ecs import platform_environment
from emulator.dataplane.processes import LocalRuntimeError, Service, free_port, http_status, spawn, wait_until
from emulator.lifecycle import ENGINE, FAILED, PENDING
from emulator.lifecycle import enabled as lifecycles_enabled
from emulator.request import AwsRequest
from emulator.responses import json_error

KIND = "sagemaker_endpoint"
RESET_PATH = "/moto-api/reset"
_INVOCATIONS = re.compile(r"^/endpoints/(?P<name>[^/]+)/invocations$")
# Real seconds for the scoring server to load a model and answer /ping (AWS allows the container minutes).
PING_TIMEOUT_S = 180.0
INVOKE_TIMEOUT_S = 60.0
PING_REASON = (
    "The primary container for production variant {variant} did not pass the ping health check. "
    "Please check CloudWatch logs for this endpoint."
)
DOWNLOAD_REASON = (
    "Failed to download model data(bucket: {bucket}, key: {key}). Please ensure that there is an object "
    "located at the URL and that the role passed to CreateModel has permissions to download the model."
)
CAPACITY_REASON = "Unable to provision requested ML compute capacity. Please retry using a different ML instance type."


@dataclass
class Server:
    account: str
    region: str
    name: str
    emulator_url: str
    variant: str = "AllTraffic"
    port: int = 0
    service: Service | None = field(default=None, repr=False)
    ready: bool = False
    failure: str | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)
    # A delete while the server starts: it must not outlive the endpoint.
    cancelled: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class Endpoints:
    name = "sagemaker_endpoints"

    def __init__(self) -> None:
        self._servers: dict[tuple[str, str, str], Server] = {}
        self._lock = threading.Lock()
        atexit.register(self.stop_all)

    def handle(self, request: AwsRequest) -> Response | None:
        if request.method == "POST" and request.path == RESET_PATH:
            self.stop_all()
            return None
        if request.service != "sagemaker":
            return None
        invocation = _INVOCATIONS.match(request.path)
        if invocation is not None and request.method == "POST":
            return self._invoke(request, invocation.group("name"))
        account, region = moto_state.account_id(request), request.region or "us-east-1"
        if request.action == "CreateEndpoint":
            name = str(request.json().get("EndpointName", ""))
            existing = _moto_endpoint(account, region, name)
            if existing is not None:  # moto would replace it
                return json_error("ValidationException", f'Cannot create already existing endpoint "{existing.arn}".')
        if request.action in ("DescribeEndpoint", "ListEndpoints"):
            self._settle(account, region)
        return None

    def after(self, request: AwsRequest) -> None:
        if request.service != "sagemaker" or request.action not in ("CreateEndpoint", "DeleteEndpoint"):
            return
        account, region = moto_state.account_id(request), request.region or "us-east-1"
        name = str(request.json().get("EndpointName", ""))
        self._stop((account, region, name))
        endpoint = _moto_endpoint(account, region, name)
        if request.action == "DeleteEndpoint" or endpoint is None:
            return
        endpoint.endpoint_status, endpoint.failure_reason = "Creating", None
        server = Server(account, region, name, artifacts.emulator_url(request))
        with self._lock:
            self._servers[(account, region, name)] = server
        ENGINE.restart(KIND, endpoint.arn)
        threading.Thread(target=_start, args=(server, endpoint), name=f"endpoint-{name}", daemon=True).start()

    def _settle(self, account: str, region: str) -> None:
        with self._lock:
            servers = [server for key, server in self._servers.items() if key[:2] == (account, region)]
        for server in servers:
            endpoint = _moto_endpoint(account, region, server.name)
            if endpoint is None or endpoint.endpoint_status != "Creating":
                continue
            phase = ENGINE.observe(KIND, endpoint.arn) if lifecycles_enabled() else "ready"
            if phase == PENDING or not server.done.is_set():
                continue
            reason = CAPACITY_REASON if phase == FAILED else server.failure
            if reason is None:
                endpoint.endpoint_status = "InService"
            else:
                endpoint.endpoint_status, endpoint.failure_reason = "Failed", reason

    def _invoke(self, request: AwsRequest, name: str) -> Response:
        account, region = moto_state.account_id(request), request.region or "us-east-1"
        endpoint = _moto_endpoint(account, region, name)
        with self._lock:
            server = self._servers.get((account, region, name))
        if endpoint is None or server is None:
            return json_error("ValidationError", f"Endpoint {name} of account {account} not found.")
        if endpoint.endpoint_status != "InService" or not server.ready:
            return json_error(
                "ValidationError",
                f"Endpoint {name} of account {account} is not in service ({endpoint.endpoint_status}).",
            )
        return _forward(server, request)

    def _stop(self, key: tuple[str, str, str]) -> None:
        with self._lock:
            server = self._servers.pop(key, None)
        if server is None:
            return
        with server.lock:
            server.cancelled = True
            service = server.service
        if service is not None:
            service.stop(timeout=10)

    def stop_all(self) -> None:
        with self._lock:
            keys = list(self._servers)
        for key in keys:
            self._stop(key)


def _start(server: Server, endpoint: Any) -> None:
    try:
        _serve(server, endpoint)
    except artifacts.ArtifactError as error:
        server.failure = str(error)
    except LocalRuntimeError:
        server.failure = PING_REASON.format(variant=server.variant)
    except Exception as error:  # the endpoint fails, the emulator goes on
        server.failure = f"{type(error).__name__}: {error}"
    finally:
        server.done.set()


def _serve(server: Server, endpoint: Any) -> None:
    container, server.variant = _container(server, endpoint)
    model_url = str(container.get("ModelDataUrl", ""))
    root = artifacts.workdir("endpoints", server.name)
    try:
        archive = artifacts.read(server.account, model_url)
    except artifacts.ArtifactError as error:
        bucket, key = artifacts.split(model_url) if model_url.startswith("s3://") else ("", model_url)
        raise artifacts.ArtifactError(DOWNLOAD_REASON.format(bucket=bucket, key=key)) from error
    artifacts.extract(archive, root / "model")
    server.port = free_port()
    env = platform_environment(server.emulator_url, server.region)
    env.update({str(key): str(value) for key, value in (container.get("Environment") or {}).items()})
    command = [sys.executable, "-m", "mlflow", "models", "serve", "-m", str(root / "model")]
    command += ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(server.port), "-w", "1"]
    with server.lock:
        if server.cancelled:
            return
        server.service = spawn(f"endpoint-{server.name}", command, env, root / "serving.log", root)
    ping = f"http://127.0.0.1:{server.port}/ping"
    wait_until(server.service, lambda: http_status(ping) == 200, PING_TIMEOUT_S, "answer to /ping")
    server.ready = True


def _container(server: Server, endpoint: Any) -> tuple[dict[str, Any], str]:
    """The first production variant's model container, and the variant's name."""
    from moto.backends import get_backend

    backend = get_backend("sagemaker")[server.account][server.region]  # type: ignore[call-overload]
    config = backend.endpoint_configs[endpoint.endpoint_config_name]
    variant = config.production_variants[0]
    model = backend._models[variant["ModelName"]]  # moto keeps models here only
    container = model.primary_container or (model.containers or [{}])[0]
    return dict(container), str(variant["VariantName"])


def _forward(server: Server, request: AwsRequest) -> Response:
    headers = {"Content-Type": request.headers.get("content-type", "application/json")}
    if "accept" in request.headers:
        headers["Accept"] = request.headers["accept"]
    forwarded = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/invocations", data=request.body, headers=headers, method="POST"
    )
    variant = {"x-Amzn-Invoked-Production-Variant": server.variant}
    try:
        with urllib.request.urlopen(forwarded, timeout=INVOKE_TIMEOUT_S) as answer:  # noqa: S310 - loopback only
            body, content_type = answer.read(), answer.headers.get("Content-Type", "application/json")
    except urllib.error.HTTPError as error:
        message = error.read().decode(errors="replace")
        return json_error(
            "ModelError",
            f"Received {'server' if error.code >= 500 else 'client'} error ({error.code}) from primary with message "
            f'"{message}".',
            status=424,
        )
    return Response(body, status=200, content_type=content_type, headers=variant)


def _moto_endpoint(account: str, region: str, name: str) -> Any:
    from moto.backends import get_backend

    return get_backend("sagemaker")[account][region].endpoints.get(name)  # type: ignore[call-overload]


def build() -> Endpoints:
    return Endpoints()
