"""A hostile AWS, several seeds (make soak, not make test): throttling and 5xx answers on every service.

Each seed gets an emulator of its own with ``throttle=0.1,5xx=0.05,seed=<n>``; the full stack is
deployed and torn down, and the teardown must leave nothing of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from emulator import launcher
from tests.support.playbooks import ROOT, run_playbook

pytestmark = pytest.mark.soak

SEEDS = [int(seed) for seed in os.environ.get("SOAK_SEEDS", "1 2 3").split()]
TIERS = os.environ.get("SOAK_TIERS", "vpc,aurora,ecs_service,http_api")
ACCOUNT_LISTING = ROOT / "extensions" / "molecule" / "shared" / "account_resources.py"


@pytest.mark.parametrize("seed", SEEDS)
def test_deploy_and_teardown_survive_throttling_and_server_errors(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    state_dir = tmp_path_factory.mktemp(f"hostile-{seed}")
    emulator = launcher.start(state_dir)
    try:
        stack = {"mlflow_stack_name": f"hostile{seed}"}
        with emulator.faults(f"throttle=0.1,5xx=0.05,seed={seed}"):
            deploy = run_playbook(emulator, "site.yml", "--tags", TIERS, extra_vars=stack)
            assert not deploy.failed, deploy.output[-4000:]
            purge = {**stack, "mlflow_teardown_purge_data": True}
            teardown = run_playbook(emulator, "teardown.yml", "--tags", TIERS, extra_vars=purge)
            assert not teardown.failed, teardown.output[-4000:]
        # What molecule's purge scenario checks: the account's live resources. The tagging API also lists what AWS
        # keeps visible for a while after deletion (deleted NAT gateways, inactive task definition revisions).
        listing = subprocess.run(
            [sys.executable, str(ACCOUNT_LISTING)],
            env={**os.environ, **emulator.environment()},
            capture_output=True,
            text=True,
            check=True,
        )
        left = {kind: names for kind, names in json.loads(listing.stdout).items() if names}
        assert left == {}, left
    finally:
        launcher.stop(state_dir)
