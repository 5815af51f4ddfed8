"""SageMaker training jobs that run: the job's script as a local process in its SageMaker environment.

moto 5.2.5 records CreateTrainingJob and reports every job Completed at once. Here moto keeps the job
(Describe/List answer from it) and this extension drives its status as AWS does:

- ``InProgress``/``Starting`` until the modeled time of provisioning (lifecycle kind ``training_job_start``)
  has passed and a Describe saw it (``fail=training_job_start`` in the faults: Failed with AWS's CapacityError);
- ``Downloading``: the source and the channels are copied from S3 into an /opt/ml-like tree under the
  emulator's state directory (a missing object fails the job with ClientError, as on AWS);
- ``Training``: the script runs with the emulator's Python, as the SageMaker training toolkit of the
  script-mode images starts it: ``python <sagemaker_program> --<hyperparameter> <value> ...`` in the
  extracted ``sagemaker_submit_directory`` (a sourcedir.tar.gz in S3, as the SageMaker Python SDK uploads
  it), hyperparameter values JSON-decoded, environment ``SM_CHANNEL_*``, ``SM_HP_*``, ``SM_HPS``,
  ``SM_MODEL_DIR``, ``SM_OUTPUT_*`` and the job's ``Environment``, AWS at the emulator's URL;
- ``Uploading``: the model directory tarred to ``<S3OutputPath>/<job>/output/model.tar.gz``;
- ``Completed``, or ``Failed`` with ``AlgorithmError: `` and the tail of ``output/failure`` (what the
  script wrote there, else the toolkit's ExecuteUserScriptError with the exit code and last error line).

A job whose hyperparameters name no program fails as AWS's script-mode images do (no user entry point).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.behaviours import sagemaker_artifacts as artifacts
from emulator.dataplane.ecs import platform_environment
from emulator.dataplane.processes import Service, spawn
from emulator.lifecycle import ENGINE, FAILED, PENDING
from emulator.lifecycle import enabled as lifecycles_enabled
from emulator.request import AwsRequest
from emulator.responses import json_error

KIND = "training_job_start"
RESET_PATH = "/moto-api/reset"
PROGRAM, SUBMIT_DIRECTORY = "sagemaker_program", "sagemaker_submit_directory"
# AWS keeps FailureReason to 1024 characters.
REASON_LIMIT = 1024
CAPACITY_REASON = (
    "CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type."
)


@dataclass
class Job:
    account: str
    region: str
    name: str
    emulator_url: str
    # moto drops the job's Environment; the script gets it.
    environment: dict[str, str] = field(default_factory=dict)
    started: bool = False
    service: Service | None = field(default=None, repr=False)


class TrainingJobs:
    name = "sagemaker_training"

    def __init__(self) -> None:
        self._jobs: dict[tuple[str, str, str], Job] = {}
        self._lock = threading.Lock()
        atexit.register(self.stop_all)

    def handle(self, request: AwsRequest) -> Response | None:
        if request.method == "POST" and request.path == RESET_PATH:
            self.stop_all()
        elif request.service == "sagemaker" and request.action == "CreateTrainingJob":
            return _refuse_taken_name(request)
        elif request.service == "sagemaker" and request.action in ("DescribeTrainingJob", "ListTrainingJobs"):
            self._settle(request)
        return None

    def after(self, request: AwsRequest) -> None:
        if request.service != "sagemaker" or request.action != "CreateTrainingJob":
            return
        account, region = moto_state.account_id(request), request.region or "us-east-1"
        body = request.json()
        name = str(body.get("TrainingJobName", ""))
        moto_job = _moto_job(account, region, name)
        if moto_job is None:  # moto refused it
            return
        _set(moto_job, "InProgress", "Starting", "Launching requested ML instances")
        moto_job.training_end_time = None
        moto_job.final_metric_data_list = []
        with self._lock:
            self._jobs[(account, region, name)] = Job(
                account, region, name, artifacts.emulator_url(request), dict(body.get("Environment") or {})
            )
        ENGINE.restart(KIND, moto_job.arn)

    def _settle(self, request: AwsRequest) -> None:
        account, region = moto_state.account_id(request), request.region or "us-east-1"
        with self._lock:
            waiting = [job for key, job in self._jobs.items() if key[:2] == (account, region) and not job.started]
        for job in waiting:
            moto_job = _moto_job(job.account, job.region, job.name)
            if moto_job is None:
                continue
            phase = ENGINE.observe(KIND, moto_job.arn) if lifecycles_enabled() else "ready"
            if phase == PENDING:
                continue
            job.started = True
            if phase == FAILED:
                _fail(moto_job, CAPACITY_REASON)
                continue
            _set(moto_job, "InProgress", "Downloading", "Downloading input data")
            threading.Thread(target=self._run, args=(job, moto_job), name=f"training-{job.name}", daemon=True).start()

    def _run(self, job: Job, moto_job: Any) -> None:
        try:
            run_job(job, moto_job)
        except artifacts.ArtifactError as error:
            _fail(moto_job, f"ClientError: {error}")
        except Exception as error:  # the job fails, the emulator goes on
            _fail(moto_job, f"InternalServerError: {type(error).__name__}: {error}")

    def stop_all(self) -> None:
        with self._lock:
            jobs, self._jobs = list(self._jobs.values()), {}
        for job in jobs:
            if job.service is not None and job.service.alive():
                job.service.stop(timeout=5)


def _refuse_taken_name(request: AwsRequest) -> Response | None:
    """AWS keeps job names for good (moto would replace the job)."""
    name = str(request.json().get("TrainingJobName", ""))
    existing = _moto_job(moto_state.account_id(request), request.region or "us-east-1", name)
    if existing is None:
        return None
    return json_error(
        "ResourceInUse",
        f"Training job names must be unique within an AWS account and region, and a training job with this name "
        f"already exists ({existing.arn})",
    )


def run_job(job: Job, moto_job: Any) -> None:
    root = artifacts.workdir("training", job.name)
    layout = _layout(root)
    hyperparameters = {key: _decode(value) for key, value in (moto_job.hyper_parameters or {}).items()}
    program, source = hyperparameters.get(PROGRAM), hyperparameters.get(SUBMIT_DIRECTORY)
    if not program:
        _fail(moto_job, "AlgorithmError: no user entry point: the hyperparameter sagemaker_program is not set")
        return
    if source:
        artifacts.extract(artifacts.read(job.account, str(source)), layout["code"])
    channels = _download_channels(job.account, moto_job.input_data_config or [], layout["data"])
    _write_config(layout["config"], moto_job)
    user = {key: value for key, value in hyperparameters.items() if not key.startswith("sagemaker_")}
    arguments = [item for key, value in sorted(user.items()) for item in (f"--{key}", _argument(value))]
    command = [sys.executable, str(program), *arguments]
    env = _environment(job, moto_job, layout, channels, user, command)
    _set(moto_job, "InProgress", "Training", "Training image download completed. Training in progress.")
    job.service = spawn(f"training-{job.name}", command, env, layout["output"] / "training.log", layout["code"])
    exit_code = job.service.popen.wait() if job.service.popen is not None else 1
    if exit_code != 0:
        _fail(moto_job, "AlgorithmError: " + _failure_text(layout["output"], exit_code, command, job.service))
        return
    _set(moto_job, "InProgress", "Uploading", "Uploading generated training model")
    artifacts.write(job.account, moto_job.model_artifacts["S3ModelArtifacts"], artifacts.pack(layout["model"]))
    _set(moto_job, "Completed", "Completed", "Training job completed")
    moto_job.training_end_time = datetime.now(UTC)


def _layout(root: Path) -> dict[str, Path]:
    layout = {
        "code": root / "code",
        "config": root / "input" / "config",
        "data": root / "input" / "data",
        "model": root / "model",
        "output": root / "output",
        "output_data": root / "output" / "data",
    }
    for path in layout.values():
        path.mkdir(parents=True, exist_ok=True)
    return layout


def _download_channels(account: str, channels: list[dict[str, Any]], data: Path) -> dict[str, Path]:
    found = {}
    for channel in channels:
        name = str(channel["ChannelName"])
        uri = channel.get("DataSource", {}).get("S3DataSource", {}).get("S3Uri")
        found[name] = data / name
        if uri and artifacts.download_prefix(account, str(uri), found[name]) == 0:
            raise artifacts.ArtifactError(f"no objects under the S3 prefix {uri} of channel {name}")
    return found


def _write_config(config: Path, moto_job: Any) -> None:
    # The toolkit's files: hyperparameter values as strings, as SageMaker writes them.
    config.joinpath("hyperparameters.json").write_text(json.dumps(moto_job.hyper_parameters or {}))
    channels = {
        c["ChannelName"]: {k: v for k, v in c.items() if k != "DataSource"} for c in moto_job.input_data_config or []
    }
    config.joinpath("inputdataconfig.json").write_text(json.dumps(channels))
    config.joinpath("resourceconfig.json").write_text(json.dumps({"current_host": "algo-1", "hosts": ["algo-1"]}))


def _environment(
    job: Job,
    moto_job: Any,
    layout: dict[str, Path],
    channels: dict[str, Path],
    user: dict[str, Any],
    command: list[str],
) -> dict[str, str]:
    env = platform_environment(job.emulator_url, job.region)
    env.update(
        {
            "TRAINING_JOB_NAME": job.name,
            "TRAINING_JOB_ARN": moto_job.arn,
            "SM_MODEL_DIR": str(layout["model"]),
            "SM_INPUT_DIR": str(layout["config"].parent),
            "SM_INPUT_CONFIG_DIR": str(layout["config"]),
            "SM_OUTPUT_DIR": str(layout["output"]),
            "SM_OUTPUT_DATA_DIR": str(layout["output_data"]),
            "SM_CHANNELS": json.dumps(sorted(channels)),
            "SM_HPS": json.dumps(user),
            "SM_USER_ARGS": json.dumps(command[2:]),
            "SM_CURRENT_HOST": "algo-1",
            "SM_HOSTS": json.dumps(["algo-1"]),
            "SM_NUM_CPUS": str(os.cpu_count() or 1),
            "SM_NUM_GPUS": "0",
            "SM_MODULE_DIR": str(layout["code"]),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({f"SM_CHANNEL_{name.upper()}": str(path) for name, path in channels.items()})
    env.update({f"SM_HP_{key.upper()}": _argument(value) for key, value in user.items()})
    # The job's Environment last: the user's settings win, as in the container.
    env.update({str(key): str(value) for key, value in job.environment.items()})
    return env


def _failure_text(output: Path, exit_code: int, command: list[str], service: Service) -> str:
    failure = output / "failure"
    written = failure.read_text(errors="replace").strip() if failure.exists() else ""
    if not written:
        lines = [line for line in service.log_tail(80).splitlines() if line.strip()]
        message = lines[-1].strip() if lines else "(no output)"
        shown = " ".join(["python", *command[1:]])
        written = (
            f'ExecuteUserScriptError:\nExitCode {exit_code}\nErrorMessage "{message}"\n'
            f'Command "{shown}", exit code: {exit_code}'
        )
        failure.write_text(written)
    return written[-(REASON_LIMIT - len("AlgorithmError: ")) :]


def _decode(value: Any) -> Any:
    """The SageMaker SDK JSON-encodes every hyperparameter; the toolkit decodes what it can."""
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


def _argument(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _moto_job(account: str, region: str, name: str) -> Any:
    from moto.backends import get_backend

    return get_backend("sagemaker")[account][region].training_jobs.get(name)  # type: ignore[call-overload]


def _set(moto_job: Any, status: str, secondary: str, message: str) -> None:
    now = datetime.now(UTC)
    # moto's made-up transitions go when the job starts; each new step ends the one before.
    transitions = [] if secondary == "Starting" else list(moto_job.secondary_status_transitions or [])
    if transitions:
        transitions[-1] = {**transitions[-1], "EndTime": now}
    transitions.append({"Status": secondary, "StartTime": now, "StatusMessage": message})
    moto_job.secondary_status_transitions = transitions
    moto_job.training_job_status, moto_job.secondary_status = status, secondary
    moto_job.last_modified_time = now


def _fail(moto_job: Any, reason: str) -> None:
    _set(moto_job, "Failed", "Failed", reason[:REASON_LIMIT])
    moto_job.failure_reason = reason[:REASON_LIMIT]
    moto_job.training_end_time = datetime.now(UTC)


def build() -> TrainingJobs:
    return TrainingJobs()
