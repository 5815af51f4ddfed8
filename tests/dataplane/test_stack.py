"""The deployed stack serves MLflow: the real client, the UI and the failure paths, through the stack's
HTTP API endpoint served by the emulator's data plane (one deployment shared by the module)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

# Collected here, so that they run on this module's stack.
from tests.dataplane.auth_checks import (  # noqa: F401  # pylint: disable=unused-import
    auth_users,
    test_a_program_signed_with_an_iam_key_logs_a_run_as_its_own_mlflow_user,
    test_a_read_user_cannot_create_a_run_where_an_edit_user_can,
    test_the_admin_sees_both_users_and_wrong_passwords_get_401,
    test_the_aws_iam_routes_check_signatures_and_permissions,
    test_the_identity_header_is_not_honoured_on_the_password_routes,
    test_the_sagemaker_user_logs_runs_but_administers_nobody,
    test_the_ui_renders_for_a_user_with_a_password_of_their_own,
)
from tests.dataplane.conftest import Stack, deploy
from tests.dataplane.container_checks import (  # noqa: F401  # pylint: disable=unused-import
    test_each_containers_lines_are_in_its_awslogs_stream,
    test_mlflow_answers_401_with_its_challenge_to_anyone_without_the_password,
    test_mlflow_fits_beside_nginx_in_the_task_memory,
    test_mlflow_listens_on_loopback_only_and_checks_the_host,
    test_only_mlflow_holds_the_credentials_in_a_private_file,
    test_passwords_stay_out_of_process_lists_and_logs,
    test_the_access_log_holds_no_credentials,
    test_the_example_discovers_the_stack_and_registers_a_model,
    test_the_migrate_task_created_the_schemas_and_no_task_migrates,
)
from tests.dataplane.gc_checks import (  # noqa: F401  # pylint: disable=unused-import
    test_gc_on_demand_removes_the_artifacts_of_runs_deleted_before_the_cut_off,
)
from tests.dataplane.sagemaker_checks import (  # noqa: F401  # pylint: disable=unused-import
    test_a_raising_training_script_fails_the_job_and_the_launcher_says_why,
    test_the_lab_refuses_to_deploy_without_the_serving_image,
    test_the_lab_trains_in_sagemaker_then_deploys_and_invokes_the_registered_model,
)
from tests.support import browser
from tests.support.names import names
from tests.support.playbooks import OUTPUTS, ROOT, run_playbook

SEARCH = "/api/2.0/mlflow/experiments/search?max_results=1"
ARTIFACT_MB = 50
SIDE_STACK = "dpside"


def _get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None, method: str = "GET") -> int:
    request = urllib.request.Request(url, headers=headers or {}, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:  # nothing answers (refused, reset, timed out)
        return 0


def _basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def _wait(predicate: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"no {what} within {timeout:.0f} s")


def test_the_endpoint_is_the_data_planes_and_needs_credentials(stack: Stack) -> None:
    assert stack.url.startswith("http://127.")
    assert [api["url"] for api in stack.dataplane()["apis"]] == [stack.url]
    assert _get(stack.url + SEARCH) == 401
    assert _get(stack.url + SEARCH, _basic(stack.username, "wrong")) == 401
    assert _get(stack.url + SEARCH, _basic(stack.username, stack.password)) == 200
    # Two tasks of the service run for real, each on its own address.
    running = [task for task in stack.dataplane()["tasks"] if task["status"] == "RUNNING"]
    assert len({task["address"] for task in running}) == 2


@pytest.mark.parametrize("password", [None, "wrong"])
def test_the_mlflow_client_is_refused_without_the_right_password(
    mlflow_user: Stack, monkeypatch: pytest.MonkeyPatch, password: str | None
) -> None:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    if password is None:
        monkeypatch.delenv("MLFLOW_TRACKING_USERNAME")
        monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD")
    else:
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    with pytest.raises(MlflowException, match="401"):
        MlflowClient().search_experiments(max_results=1)


def test_tracking_through_the_endpoint(mlflow_user: Stack) -> None:
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    client = MlflowClient()
    experiment = client.create_experiment(f"tracking-{time.time_ns()}")
    run = client.create_run(experiment, tags={"team": "dataplane"})
    client.log_param(run.info.run_id, "alpha", "0.5")
    client.set_tag(run.info.run_id, "stage", "test")
    now = int(time.time() * 1000)
    metrics = [Metric("loss", 1.0 / (step + 1), now + step, step) for step in range(1000)]
    for start in range(0, 1000, 1000):
        client.log_batch(run.info.run_id, metrics=metrics[start : start + 1000])
    client.set_terminated(run.info.run_id)

    stored = client.get_run(run.info.run_id)
    assert stored.data.params == {"alpha": "0.5"}
    assert stored.data.tags["team"] == "dataplane" and stored.data.tags["stage"] == "test"
    history = client.get_metric_history(run.info.run_id, "loss")
    assert len(history) == 1000 and history[-1].step == 999


def _access_log_lines(stack: Stack, since_ms: int) -> list[dict[str, Any]]:
    """The stage's access log lines (JSON, the stage's format) written since ``since_ms``."""
    api = stack.emulator.client("apigatewayv2")
    stage = api.get_stage(ApiId=stack.dataplane()["apis"][0]["apiId"], StageName="$default")
    group = stage["AccessLogSettings"]["DestinationArn"].split(":log-group:", 1)[1].removesuffix(":*")
    pages = (
        stack.emulator.client("logs")
        .get_paginator("filter_log_events")
        .paginate(logGroupName=group, startTime=since_ms)
    )
    return [json.loads(event["message"]) for page in pages for event in page["events"]]


def test_a_50_mb_artifact_round_trips_while_the_gateway_limit_holds(mlflow_user: Stack, tmp_path: Path) -> None:
    import mlflow

    payload = os.urandom(ARTIFACT_MB * 1024 * 1024)
    source = tmp_path / "weights.bin"
    source.write_bytes(payload)
    mlflow.set_experiment("large-artifacts")
    since_ms = int(time.time() * 1000) - 1000
    mlflow_user.emulator.clear_requests()
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(source))
    copy = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="weights.bin", dst_path=str(tmp_path / "out")
    )
    assert hashlib.sha256(Path(copy).read_bytes()).digest() == hashlib.sha256(payload).digest()

    # The bytes went straight to and from S3 on URLs MLflow presigned, in parts under the gateway's limit.
    s3_calls = [
        e for e in mlflow_user.emulator.requests() if e["service"] == "s3" and e["path"].endswith("/weights.bin")
    ]
    parts = [e for e in s3_calls if e["action"] == "UploadPart" and e["status"] == 200]
    chunk = int(mlflow_user.outputs["mlflow_client_environment"]["MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE"])
    assert len(parts) == -(-len(payload) // chunk), s3_calls
    assert {e["auth"] for e in parts} == {"query"} and sum(e["bytes"] for e in parts) == len(payload)
    assert {"CreateMultipartUpload", "CompleteMultipartUpload"} <= {e["action"] for e in s3_calls}, s3_calls
    assert not [e for e in s3_calls if e["action"] == "PutObject"]
    downloads = [e for e in s3_calls if e["action"] == "GetObject" and e["status"] in (200, 206)]
    assert downloads and {e["auth"] for e in downloads} == {"query"}
    # Through the HTTP API only MLflow's small control calls passed: no artifact body, no large response.
    # (MLflow's multipart calls name the run's artifact directory; the file name is in their body.)
    lines = [line for line in _access_log_lines(mlflow_user, since_ms) if run.info.run_id in line["path"]]
    paths = {line["path"].split("/mlflow-artifacts/", 1)[-1].split("/", 1)[0] for line in lines}
    assert {"mpu", "presigned"} <= paths, lines
    assert "artifacts" not in paths, lines
    assert all(int(str(line["responseLength"]).strip("-") or 0) < 1024 * 1024 for line in lines), lines

    # A plain request over 10 MB through the gateway is refused, as API Gateway does.
    over = _get(
        mlflow_user.url + "/api/2.0/mlflow-artifacts/artifacts/x/big.bin",
        _basic(mlflow_user.username, mlflow_user.password),
        b"0" * (11 * 1024 * 1024),
        "PUT",
    )
    assert over == 413

    s3 = mlflow_user.emulator.client("s3")
    objects = s3.list_objects_v2(Bucket=mlflow_user.outputs["artifact_bucket"])["Contents"]
    assert any(
        o["Key"].endswith(f"{run.info.run_id}/artifacts/weights.bin") and o["Size"] == len(payload) for o in objects
    )


def test_a_model_is_logged_registered_and_loaded_by_its_models_uri(mlflow_user: Stack) -> None:
    import mlflow
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    features = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.9]])
    labels = np.array([0, 1, 1, 0])
    model = LogisticRegression().fit(features, labels)
    name = f"dataplane-model-{time.time_ns()}"
    mlflow.set_experiment("models")
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name, input_example=features[:1])
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/1")
    assert list(loaded.predict(features)) == list(model.predict(features))
    # The model's files are objects of the stack's bucket.
    pages = mlflow_user.emulator.client("s3").get_paginator("list_objects_v2")
    keys = [
        o["Key"] for page in pages.paginate(Bucket=mlflow_user.outputs["artifact_bucket"]) for o in page["Contents"]
    ]
    assert any(info.model_id in key and key.endswith("/MLmodel") for key in keys), keys[-20:]


def test_the_ui_renders_the_runs_table_in_a_browser(stack: Stack, mlflow_user: Stack) -> None:
    if browser.chromium() is None:
        pytest.fail("chromium is missing: tools/install-system-deps installs the Debian package")
    from mlflow import MlflowClient

    client = MlflowClient()
    experiment = client.create_experiment(f"ui-{time.time_ns()}")
    run = client.create_run(experiment, run_name="rendered-in-chromium")
    client.log_metric(run.info.run_id, "accuracy", 0.9)
    screenshot = ROOT / "tests" / "output" / "mlflow-ui-runs.png"
    screenshot.unlink(missing_ok=True)
    with browser.open_page(_basic(stack.username, stack.password)) as page:
        page.call("Page.navigate", url=f"{stack.url}/#/experiments/{experiment}/runs")
        found = page.wait_for_text("rendered-in-chromium", timeout=90)
        page.screenshot(screenshot)
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    refused = [(status, url) for status, url in page.responses if status in (401, 403)]
    assert found, f"the runs table did not show the run; refused: {refused}"
    assert not refused


def test_access_logs_and_throttling_follow_the_stage(stack: Stack) -> None:
    api = stack.emulator.client("apigatewayv2")
    api_id = stack.dataplane()["apis"][0]["apiId"]
    stage = api.get_stage(ApiId=api_id, StageName="$default")
    group = stage["AccessLogSettings"]["DestinationArn"].split(":log-group:", 1)[1].removesuffix(":*")
    events = stack.emulator.client("logs").filter_log_events(logGroupName=group)["events"]
    assert events and all(event["message"].startswith("{") for event in events)

    original = stage["DefaultRouteSettings"]
    api.update_stage(
        ApiId=api_id,
        StageName="$default",
        DefaultRouteSettings={**original, "ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 0.5},
    )
    try:
        statuses = [_get(stack.url + SEARCH, _basic(stack.username, stack.password)) for _attempt in range(4)]
    finally:
        api.update_stage(ApiId=api_id, StageName="$default", DefaultRouteSettings=original)
    assert statuses[0] == 200 and 429 in statuses[1:]


def test_a_broken_task_definition_fails_the_rollout_and_rolls_back(stack: Stack) -> None:
    ecs = stack.emulator.client("ecs")
    service_name, cluster = stack.outputs["ecs_service"], stack.outputs["ecs_cluster"]
    service = ecs.describe_services(cluster=cluster, services=[service_name])["services"][0]
    good = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    containers = [dict(c) for c in good["containerDefinitions"]]
    mlflow = next(c for c in containers if c["name"] == "mlflow")
    mlflow["secrets"] = [
        {**s, "valueFrom": s["valueFrom"].replace(":password::", ":no-such-key::")} for s in mlflow["secrets"]
    ]
    keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory")
    broken = ecs.register_task_definition(**{k: good[k] for k in keep if k in good}, containerDefinitions=containers)
    started = time.monotonic()
    ecs.update_service(
        cluster=cluster, service=service_name, taskDefinition=broken["taskDefinition"]["taskDefinitionArn"]
    )

    def failed() -> dict[str, Any] | None:
        deployments = ecs.describe_services(cluster=cluster, services=[service_name])["services"][0]["deployments"]
        return next((d for d in deployments if d.get("rolloutState") == "FAILED"), None)

    deployment = _wait(failed, 120, "FAILED rollout")
    assert time.monotonic() - started < 120
    assert "circuit breaker" in deployment["rolloutStateReason"]
    stopped = ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
    reasons = [t.get("stoppedReason", "") for t in ecs.describe_tasks(cluster=cluster, tasks=stopped)["tasks"]]
    assert any("did not contain json key no-such-key" in reason for reason in reasons), reasons
    # Rollback: the service returns to the good revision, and the endpoint kept serving.
    current = ecs.describe_services(cluster=cluster, services=[service_name])["services"][0]
    assert current["taskDefinition"] == good["taskDefinitionArn"]
    assert _get(stack.url + SEARCH, _basic(stack.username, stack.password)) == 200

    def completed() -> bool:
        deployments = ecs.describe_services(cluster=cluster, services=[service_name])["services"][0]["deployments"]
        return len(deployments) == 1 and deployments[0]["rolloutState"] == "COMPLETED"

    # The rollback is a new deployment of the good revision: its tasks start MLflow afresh.
    _wait(completed, 480, "completed rollback")


def _running_task_addresses(stack: Stack, cluster: str) -> set[str]:
    """The data plane's addresses of the cluster's RUNNING and healthy tasks."""
    ecs = stack.emulator.client("ecs")
    ids = {arn.rsplit("/", 1)[1] for arn in ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"]}
    return {t["address"] for t in stack.dataplane()["tasks"] if t["taskId"] in ids and t["healthy"]}


def _create_experiment(stack: Stack, name: str) -> int:
    body = json.dumps({"name": name}).encode()
    headers = {**_basic(stack.username, stack.password), "Content-Type": "application/json"}
    return _get(stack.url + "/api/2.0/mlflow/experiments/create", headers, body, "POST")


def _experiment_status(stack: Stack, name: str) -> int:
    path = "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + name
    return _get(stack.url + path, _basic(stack.username, stack.password))


def test_two_stacks_and_their_services_run_side_by_side(stack: Stack) -> None:
    # A second stack in the same emulator: its own VPC, cluster, service, DB server and endpoint.
    # One task and no Studio domain keep it cheap; the tiers it has are deployed as for any stack.
    other = deploy(
        stack.emulator,
        SIDE_STACK,
        "--skip-tags",
        "sagemaker_studio",
        ecs_service_desired_count=1,
        ecs_service_min_count=1,
    )
    assert other.url != stack.url
    clusters = {s.name: s.outputs["ecs_cluster"] for s in (stack, other)}
    addresses = {name: _running_task_addresses(stack, cluster) for name, cluster in clusters.items()}
    assert len(addresses[stack.name]) == 2 and len(addresses[other.name]) == 1, addresses
    assert not addresses[stack.name] & addresses[other.name]
    for address in addresses[stack.name] | addresses[other.name]:
        assert _get(f"http://{address}/elb-status") == 200
    assert len({db["address"] for db in stack.dataplane()["dbClusters"]}) == 2

    # Each endpoint serves its own MLflow: its own credentials, its own database.
    assert _get(other.url + SEARCH, _basic(stack.username, stack.password)) == 401
    name = f"side-by-side-{time.time_ns()}"
    assert _create_experiment(other, name) == 200
    assert _experiment_status(other, name) == 200
    assert _experiment_status(stack, name) == 404

    # Deleting the other stack's service stops its task and leaves the first stack's running.
    ecs = stack.emulator.client("ecs")
    ecs.update_service(cluster=clusters[other.name], service=other.outputs["ecs_service"], desiredCount=0)
    ecs.delete_service(cluster=clusters[other.name], service=other.outputs["ecs_service"])
    _wait(
        lambda: (
            not addresses[other.name] & {t["address"] for t in stack.dataplane()["tasks"] if t["status"] == "RUNNING"}
        ),
        60,
        "the other stack's task stopped",
    )
    assert addresses[stack.name] <= {t["address"] for t in stack.dataplane()["tasks"] if t["status"] == "RUNNING"}
    assert _get(stack.url + SEARCH, _basic(stack.username, stack.password)) == 200


def test_data_survives_teardown_and_a_restore_from_the_final_snapshot(
    mlflow_user: Stack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mlflow import MlflowClient

    stack = mlflow_user
    client = MlflowClient()
    experiment = client.create_experiment(f"survivor-{time.time_ns()}")
    run = client.create_run(experiment)
    client.log_param(run.info.run_id, "kept", "yes")
    client.log_text(run.info.run_id, "still here", "notes.txt")

    teardown = run_playbook(stack.emulator, "teardown.yml", extra_vars={"mlflow_stack_name": stack.name})
    assert not teardown.failed, teardown.output[-3000:]
    assert _get(stack.url + SEARCH, _basic(stack.username, stack.password)) != 200
    snapshots = stack.emulator.client("rds").describe_db_cluster_snapshots(
        DBClusterIdentifier=names(stack.name)["db_cluster"], SnapshotType="manual"
    )["DBClusterSnapshots"]
    assert snapshots, "the default teardown keeps a final snapshot"
    redeploy = run_playbook(
        stack.emulator,
        "site.yml",
        extra_vars={
            "mlflow_stack_name": stack.name,
            "aurora_snapshot_identifier": snapshots[0]["DBClusterSnapshotIdentifier"],
        },
    )
    assert not redeploy.failed, redeploy.output[-3000:]
    outputs = json.loads((OUTPUTS / f"{stack.name}.json").read_text())
    monkeypatch.setenv("MLFLOW_TRACKING_URI", outputs["tracking_uri"])
    restored = MlflowClient().get_run(run.info.run_id)
    assert restored.data.params == {"kept": "yes"}
    notes = MlflowClient().download_artifacts(run.info.run_id, "notes.txt", str(tmp_path))
    assert Path(notes).read_text() == "still here"


def test_a_deploy_whose_tasks_cannot_start_fails_the_play_with_the_ecs_reason(stack: Stack) -> None:
    """The real role: a secret key the container needs is gone, a new revision is rolled out, the circuit
    breaker marks it FAILED and the play fails naming it, long before the role's wait budget is spent.
    Last in the module: the rollback's tasks read the same broken secret, so they cannot start either."""
    secrets = stack.emulator.client("secretsmanager")
    flask_secret = names(stack.name)["mlflow_flask_secret"]
    original = secrets.get_secret_value(SecretId=flask_secret)["SecretString"]
    secrets.put_secret_value(SecretId=flask_secret, SecretString=json.dumps({"renamed": json.loads(original)["key"]}))
    try:
        run = run_playbook(
            stack.emulator,
            "site.yml",
            "--tags",
            "ecs_service",
            # A changed setting registers a new revision, whose tasks ECS starts with the secret as it is now.
            extra_vars={"mlflow_stack_name": stack.name, "ecs_service_mlflow_workers": 1},
        )
    finally:
        secrets.put_secret_value(SecretId=flask_secret, SecretString=original)
    assert run.failed, run.output[-3000:]
    failure = run.output[run.output.index("TASK [mlops.mlflow_aws.ecs_service : Fail when the circuit breaker") :]
    assert "fatal: [localhost]: FAILED!" in failure, run.output[-3000:]
    assert "ECS deployment circuit breaker: tasks failed to start" in failure
    assert "ResourceInitializationError" in failure and "did not contain json key key" in failure
    # The wait ended on the FAILED rollout, not on its retries running out (900 s / 5 s = 180 of them).
    left = [
        int(n)
        for n in re.findall(r"RETRYING: \[localhost\]: Wait until the service is stable \((\d+) retries", run.output)
    ]
    assert min(left, default=180) > 90, left
