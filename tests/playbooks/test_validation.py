"""Bad input fails before any AWS write, naming the variable and its value; check mode on a fresh stack (issue 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.launcher import Emulator
from tests.support.playbooks import OUTPUTS, PlaybookRun, run_playbook

pytestmark = pytest.mark.playbook

READS = ("Describe", "List", "Get", "Head", "Search")


def writes(run: PlaybookRun) -> list[dict[str, Any]]:
    """The requests that could change something (REST calls without an action count by their method)."""
    return [
        r
        for r in run.requests
        if (r["action"] and not r["action"].startswith(READS))
        or (not r["action"] and r["method"] not in ("GET", "HEAD"))
    ]


def _flat(run: PlaybookRun) -> str:
    return " ".join(run.output.split())


@pytest.mark.parametrize(
    ("extra_vars", "message"),
    [
        ({"vpc_cidr": "8.8.0.0/16"}, "vpc_cidr '8.8.0.0/16' is not in private address space"),
        ({"vpc_cidr": "172.32.0.0/16"}, "vpc_cidr '172.32.0.0/16' is not in private address space"),
        ({"aurora_min_capacity": "abc"}, 'aurora_min_capacity got "abc"'),
        (
            {"aurora_min_capacity": 0, "aurora_engine_version": "8.0.mysql_aurora.3.07.1"},
            "aurora_min_capacity 0 (automatic pause) needs aurora_engine_version 8.0.mysql_aurora.3.08.0 or later",
        ),
        ({"aurora_seconds_until_auto_pause": 200}, "aurora_seconds_until_auto_pause must be from 300 to 86400"),
        ({"aurora_backup_retention_days": 7.9}, "argument 'aurora_backup_retention_days' is of type float"),
        ({"aurora_backup_retention_days": "7.9"}, 'aurora_backup_retention_days got "7.9"'),
        ({"ecs_service_desired_count": 9}, "ecs_service_desired_count must be from ecs_service_min_count (2) to"),
        ({"ecs_service_mlflow_workers": 65}, "ecs_service_mlflow_workers must be from 1 to 64; got 65"),
        ({"ecs_service_mlflow_db_max_overflow": 0}, "must be 1 or more (MLflow ignores 0); got 2 and 0"),
        (
            {"ecs_service_mlflow_version": "3.10.0"},
            "ecs_service_mlflow_version must be an MLflow version the image builds (3.17.2, 3.16.1:",
        ),
        ({"ecs_service_gc_older_than": "1.5d"}, "ecs_service_gc_older_than must be an age like 30d, 12h or 1d12h"),
        ({"ecs_service_gc_schedule": "every day"}, "must be an EventBridge Scheduler expression, rate(1 day)"),
        (
            {"ecs_service_schedule": {"start": "cron(0 7 * * MON-FRI *)", "stop": "cron(0 20 ? * MON-FRI *)"}},
            "ecs_service_schedule takes start and stop, two different Application Auto Scaling cron expressions",
        ),
        (
            {"ecs_service_schedule": {"start": "cron(0 7 ? * * *)", "stop": "cron(0 20 ? * * *)", "timezone": "CEST"}},
            'optionally timezone, an IANA time zone such as Europe/Paris (default UTC); or {} for none. Got {"start"',
        ),
        ({"mlflow_stack_tags": "owner=me"}, "mlflow_stack_tags must be a mapping of tag names to string values"),
        ({"mlflow_stack_tags": {"aws:team": "ml"}}, "no name starting with aws:"),
        ({"mlflow_stack_tags": {"team": 5}}, 'got {"team": 5}'),
        ({"mlflow_teardown_recovery_window_days": 3}, "mlflow_teardown_recovery_window_days must be a number of days"),
    ],
    ids=[
        "public-cidr",
        "near-private-cidr",
        "acu-not-number",
        "zero-acu-old-engine",
        "pause-range",
        "days-float",
        "days-string",
        "desired",
        "workers",
        "overflow-zero",
        "mlflow-version",
        "gc-age",
        "gc-schedule",
        "schedule-cron",
        "schedule-timezone",
        "tags-string",
        "tags-reserved",
        "tags-value",
        "window",
    ],
)
def test_bad_input_fails_before_any_aws_request(emulator: Emulator, extra_vars: dict[str, Any], message: str) -> None:
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": "val", **extra_vars})
    assert run.failed
    assert message in _flat(run), run.output[-3000:]
    assert run.requests == []


def test_a_string_tag_mapping_names_the_value(emulator: Emulator) -> None:
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": "val", "mlflow_stack_tags": "owner=me"})
    assert 'got "owner=me"' in _flat(run)


def test_a_connection_budget_over_max_connections_fails_before_any_aws_request(emulator: Emulator) -> None:
    # 2 workers x 3 engines x (2 + 3) + 3 = 33 a task, x (6 x 200% + 1) = 429; 2 ACUs allow 90.
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": "val", "aurora_max_capacity": 2})
    assert run.failed
    flat = _flat(run)
    expected = "= 429, more than the 90 max_connections of Aurora Serverless v2 at aurora_max_capacity 2"
    assert expected in flat, flat[-3000:]
    for name in ("ecs_service_mlflow_workers", "ecs_service_mlflow_db_pool_size", "ecs_service_max_count"):
        assert name in flat
    assert run.requests == []


def test_a_connection_budget_that_fits_passes_validation(emulator: Emulator) -> None:
    # 1 worker x 3 engines x (1 + 1) + 3 = 9 a task, x (4 x 200% + 1) = 81 of the 90 that 2 ACUs allow; 5 tasks: 99.
    budget = {
        "mlflow_stack_name": "val",
        "aurora_max_capacity": 2,
        "ecs_service_max_count": 4,
        "ecs_service_mlflow_workers": 1,
        "ecs_service_mlflow_db_pool_size": 1,
        "ecs_service_mlflow_db_max_overflow": 1,
    }
    run = run_playbook(emulator, "site.yml", "--tags", "vpc", "--check", extra_vars=budget)
    assert not run.failed, run.output[-3000:]
    assert writes(run) == []
    over = {**budget, "ecs_service_max_count": 5}
    over_run = run_playbook(emulator, "site.yml", "--tags", "vpc", "--check", extra_vars=over)
    assert over_run.failed
    assert "= 99, more than the 90 max_connections" in _flat(over_run)


@pytest.mark.parametrize(
    ("extra_vars", "message"),
    [
        ({"vpc_availability_zones": ["us-east-1a", "us-east-1q"]}, "vpc_availability_zones names us-east-1q"),
        ({"sagemaker_studio_domain_id": "d-abcdefabcdef"}, "sagemaker_studio_domain_id d-abcdefabcdef does not exist"),
    ],
    ids=["zone", "studio-domain"],
)
def test_what_needs_a_read_fails_before_any_write(emulator: Emulator, extra_vars: dict[str, Any], message: str) -> None:
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": "val", **extra_vars})
    assert run.failed
    assert message in _flat(run), run.output[-3000:]
    assert run.requests, "the check reads what it checks"
    assert writes(run) == []


@pytest.mark.parametrize("playbook", ["site.yml", "teardown.yml"])
def test_an_unknown_tag_fails_with_the_known_ones(emulator: Emulator, playbook: str) -> None:
    run = run_playbook(emulator, playbook, "--tags", "nosuchtier", extra_vars={"mlflow_stack_name": "val"})
    assert run.failed
    assert "Unknown tag nosuchtier: this playbook knows vpc, aurora, ecs_service" in _flat(run)
    assert run.requests == []
    assert not (OUTPUTS / "val.json").exists()


def test_teardown_knows_no_images_tag(emulator: Emulator) -> None:
    run = run_playbook(emulator, "teardown.yml", "--tags", "images", extra_vars={"mlflow_stack_name": "val"})
    assert run.failed
    assert "Unknown tag images" in _flat(run)


def test_an_empty_region_variable_falls_back_to_the_environment(emulator: Emulator) -> None:
    run = run_playbook(
        emulator,
        "site.yml",
        "--tags",
        "vpc",
        "--check",
        extra_vars={"mlflow_stack_name": "val", "mlflow_stack_region": ""},
    )
    assert not run.failed, run.output[-3000:]
    assert "No AWS region is set" not in run.output


def test_check_diff_on_a_fresh_stack_plans_without_writing(emulator: Emulator) -> None:
    run = run_playbook(emulator, "site.yml", "--check", "--diff", extra_vars={"mlflow_stack_name": "fresh-check"})
    assert not run.failed, run.output[-4000:]
    assert run.changed > 0
    assert "The vpc tier would create VPC fresh-check (10.0.0.0/16) with 6 subnets" in _flat(run)
    assert "The aurora tier would be created once the vpc tier exists" in _flat(run)
    assert writes(run) == []


@pytest.mark.parametrize(
    "env",
    [
        {"AWS_ENDPOINT_URL_S3": "https://s3.amazonaws.com"},
        {"AWS_URL": "https://ec2.us-east-1.amazonaws.com"},
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
        {"AWS_ENDPOINT_URL": None},
    ],
    ids=["service-variable", "aws-url", "ignore-configured", "no-endpoint"],
)
@pytest.mark.parametrize("playbook", ["site.yml", "teardown.yml"])
def test_the_emulator_inventory_refuses_every_remote_endpoint(
    emulator: Emulator, playbook: str, env: dict[str, str | None]
) -> None:
    run = run_playbook(emulator, playbook, extra_vars={"mlflow_stack_name": "val"}, env_overrides=env)
    assert run.failed
    assert "deploys to the embedded emulator only" in _flat(run)
    assert run.requests == []


def test_the_emulator_inventory_refuses_an_endpoint_in_the_config_file(emulator: Emulator, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile team]\nservices = team\n[services team]\nsts =\n  endpoint_url = https://sts.amazonaws.com\n"
    )
    env = {"AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "team"}
    run = run_playbook(emulator, "site.yml", extra_vars={"mlflow_stack_name": "val"}, env_overrides=env)
    assert run.failed
    assert "sts endpoint_url of [services team]" in _flat(run)
    assert run.requests == []
