"""Faults on request (throttling, 5xx, seeds) and the lifecycle engine on the modeled clock (issue 14)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator import clock, faults, launcher, lifecycle

NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})


@pytest.fixture
def setting(emulator: launcher.Emulator) -> Iterator[Callable[[str], Any]]:
    yield emulator.set_faults
    emulator.set_faults(None)


def _code(call: Callable[[], Any]) -> str | None:
    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return None


def test_each_service_throttles_with_its_own_code(emulator: launcher.Emulator, setting: Any) -> None:
    setting("throttle=1")
    ec2, ecs = emulator.client("ec2", config=NO_RETRY), emulator.client("ecs", config=NO_RETRY)
    apis, rds = emulator.client("apigatewayv2", config=NO_RETRY), emulator.client("rds", config=NO_RETRY)
    assert _code(ec2.describe_vpcs) == "RequestLimitExceeded"
    assert _code(ecs.list_clusters) == "ThrottlingException"
    assert _code(apis.get_apis) == "TooManyRequestsException"
    assert _code(rds.describe_db_clusters) == "Throttling"
    # REST-XML: botocore reads the code only from XML (a JSON error of Route 53's became a bare "400").
    assert _code(emulator.client("route53", config=NO_RETRY).list_hosted_zones) == "Throttling"


def test_server_errors_on_request(emulator: launcher.Emulator, setting: Any) -> None:
    setting("5xx=1")
    ec2 = emulator.client("ec2", config=NO_RETRY)
    with pytest.raises(ClientError) as caught:
        ec2.describe_vpcs()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_a_seed_repeats_its_faults_and_sdk_retries_absorb_them(emulator: launcher.Emulator, setting: Any) -> None:
    ec2 = emulator.client("ec2", config=NO_RETRY)

    def outcomes() -> list[str | None]:
        return [_code(ec2.describe_vpcs) for _call in range(30)]

    setting("throttle=0.3,5xx=0.1,seed=7")
    first = outcomes()
    setting("throttle=0.3,5xx=0.1,seed=8")
    setting("throttle=0.3,5xx=0.1,seed=7")
    assert outcomes() == first
    assert {"RequestLimitExceeded", None} <= set(first) <= {"RequestLimitExceeded", "InternalError", None}
    # The SDK's own retries get through (standard mode, as the collection's modules use).
    patient = emulator.client("ec2", config=Config(retries={"max_attempts": 10, "mode": "standard"}))
    for _call in range(10):
        patient.describe_vpcs()


def test_the_fault_grammar_of_the_issue() -> None:
    parsed = faults.parse("throttle=0.1,5xx=0.05,seed=7,fail=nat_gateway+studio_domain")
    assert parsed.fails("nat_gateway") and parsed.fails("studio_domain")
    assert (parsed.option("throttle", "0"), parsed.option("5xx", "0"), parsed.option("seed", "0")) == (
        "0.1",
        "0.05",
        "7",
    )


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> lifecycle.Engine:
    monkeypatch.setattr(clock, "CLOCK", clock.VirtualClock(virtual=True))
    monkeypatch.setattr(faults, "SETTING", faults._Setting())
    return lifecycle.Engine()


def test_a_resource_is_seen_pending_before_it_is_ready(engine: lifecycle.Engine) -> None:
    engine.track("nat_gateway", "nat-1")
    clock.CLOCK.advance(3600)
    assert engine.observe("nat_gateway", "nat-1") == lifecycle.PENDING
    assert engine.observe("nat_gateway", "nat-1") == lifecycle.READY


def test_a_resource_stays_pending_for_its_duration(engine: lifecycle.Engine) -> None:
    entry = engine.track("nat_gateway", "nat-2")
    low, high = lifecycle.PROFILES["typical"]["nat_gateway"]
    assert low <= entry.duration <= high
    engine.observe("nat_gateway", "nat-2")
    clock.CLOCK.advance(entry.duration - 1)
    assert engine.observe("nat_gateway", "nat-2") == lifecycle.PENDING
    clock.CLOCK.advance(2)
    assert engine.observe("nat_gateway", "nat-2") == lifecycle.READY


def test_a_resource_created_again_under_its_old_name_starts_afresh(engine: lifecycle.Engine) -> None:
    engine.track("rds_cluster", "arn:aurora-1")
    clock.CLOCK.advance(3600)
    engine.observe("rds_cluster", "arn:aurora-1")
    assert engine.observe("rds_cluster", "arn:aurora-1") == lifecycle.READY
    engine.restart("rds_cluster", "arn:aurora-1")
    assert engine.observe("rds_cluster", "arn:aurora-1") == lifecycle.PENDING
    assert engine.observe("rds_cluster", "arn:aurora-1") == lifecycle.PENDING  # its time has not passed


def test_durations_follow_the_profile_and_the_seed() -> None:
    slow = faults.parse("profile=slow,seed=3")
    drawn = lifecycle.duration("nat_gateway", "nat-3", slow)
    assert drawn == lifecycle.duration("nat_gateway", "nat-3", slow)
    assert drawn != lifecycle.duration("nat_gateway", "nat-3", faults.parse("profile=slow,seed=4"))
    assert 330 <= drawn <= 600


def test_a_kind_named_in_the_faults_fails(engine: lifecycle.Engine) -> None:
    faults.SETTING.set("fail=nat_gateway")
    engine.track("nat_gateway", "nat-4")
    clock.CLOCK.advance(3600)
    engine.observe("nat_gateway", "nat-4")
    assert engine.observe("nat_gateway", "nat-4") == lifecycle.FAILED


def test_the_clock_moves_only_when_virtual() -> None:
    real = clock.VirtualClock(virtual=False, real=lambda: 5.0)
    real.advance(100)
    assert real.now() == 0.0
    modeled = clock.VirtualClock(virtual=True)
    modeled.advance(100)
    modeled.request()
    assert modeled.now() == pytest.approx(100 + clock.REQUEST_S)
