"""AWS's time for asynchronous resources: one engine of phases on the modeled clock (emulator.clock).

A tracked resource is ``pending`` from the moment the emulator first sees it until its duration has passed
*and* a client has seen it pending at least once, so a missing wait always fails; then it is ``ready``, or
``failed`` when the faults setting names its kind (``fail=nat_gateway``). The same engine times what AWS
leaves behind after a delete (``linger``): network interfaces of load balancers, VPC links and tasks, the
EIP mapping of a deleted NAT gateway, a draining ECS service.

Durations are drawn per resource from the profile (``typical`` or ``slow``, AWS's long tail) with a seed,
both read from ``MLFLOW_EMULATOR_FAULTS`` (``profile=slow,seed=7``), so a run is repeatable.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from emulator import clock, faults

PENDING, READY, FAILED = "pending", "ready", "failed"

# Modeled seconds (low, high), from AWS's documentation and what accounts see.
PROFILES: dict[str, dict[str, tuple[float, float]]] = {
    "typical": {
        "nat_gateway": (60, 180),  # usually 1-3 min
        "nat_gateway_delete": (30, 90),
        "nat_eip_mapping": (20, 60),  # the EIP stays mapped after the NAT is deleted
        "alb_eni": (150, 300),  # load balancer interfaces outlive it for minutes
        "vpc_link_eni": (150, 300),
        "task_eni": (30, 90),
        "ecs_service_drain": (60, 180),  # 1-3 min of connection draining
        "ecs_slr_propagation": (15, 45),  # the ECS service-linked role, after the first cluster
        "iam_role_propagation": (5, 15),  # a new role, before a service can assume it
        "target_health": (30, 90),  # a new task's target passes HealthyThresholdCount checks
        "rds_cluster": (180, 360),  # Aurora: cluster then writer, 7-17 min together
        "rds_instance": (240, 600),
        "rds_instance_backup": (30, 90),  # backing-up after creating
        "rds_cluster_delete": (60, 180),
        "rds_instance_delete": (120, 420),
        "rds_cluster_snapshot": (60, 240),
        "alb": (120, 240),  # provisioning -> active, 2-4 min
        "vpc_link": (60, 180),  # PENDING -> AVAILABLE, 1-3 min
        "vpc_link_delete": (30, 120),
        "cloudmap_operation": (30, 120),  # SUBMITTED/PENDING -> SUCCESS, 0.5-2 min
        "studio_domain": (240, 600),  # Pending -> InService, 4-10 min
        "studio_domain_delete": (60, 240),
        "studio_profile": (30, 120),
        "studio_profile_delete": (30, 90),
        "studio_app_delete": (45, 150),  # Deleting -> Deleted
        "studio_app_eni": (240, 420),  # a deleted app's interface in the domain's VPC
        "training_job_start": (60, 180),  # Starting: "Preparing the instances for training", 1-3 min
        "sagemaker_endpoint": (240, 480),  # Creating -> InService, 4-8 min
        "notebook_instance": (180, 420),  # Pending -> InService, 3-7 min (the OnStart script included)
        "notebook_instance_stop": (60, 180),
        "notebook_instance_delete": (60, 240),
    },
    "slow": {
        "nat_gateway": (330, 600),  # the 5-10 min tail
        "nat_gateway_delete": (90, 300),
        "nat_eip_mapping": (60, 180),
        "alb_eni": (300, 900),
        "vpc_link_eni": (300, 900),
        "task_eni": (90, 240),
        "ecs_service_drain": (180, 300),
        "ecs_slr_propagation": (45, 120),
        "iam_role_propagation": (15, 40),
        "target_health": (90, 180),
        "rds_cluster": (300, 600),
        "rds_instance": (480, 900),
        "rds_instance_backup": (90, 300),
        "rds_cluster_delete": (180, 420),
        "rds_instance_delete": (420, 900),
        "rds_cluster_snapshot": (240, 600),
        "alb": (240, 420),
        "vpc_link": (180, 480),
        "vpc_link_delete": (120, 300),
        "cloudmap_operation": (120, 300),
        "studio_domain": (600, 1200),
        "studio_domain_delete": (240, 600),
        "studio_profile": (120, 300),
        "studio_profile_delete": (90, 240),
        "studio_app_delete": (150, 360),
        "studio_app_eni": (420, 540),  # within the Studio group's 10 min delete retry
        "training_job_start": (180, 600),  # instances of the type are scarce
        "sagemaker_endpoint": (480, 900),
        "notebook_instance": (420, 900),
        "notebook_instance_stop": (180, 360),
        "notebook_instance_delete": (240, 600),
    },
}
# Kinds the faults setting can drive into their failed state (docs/emulator.md).
FAILABLE = ("nat_gateway", "rds_instance", "vpc_link", "studio_domain", "studio_profile", "notebook_instance")
FAILURE_REASONS = {
    "nat_gateway": (
        "InsufficientFreeAddressesInSubnet",
        "Subnet has insufficient free addresses to create this NAT gateway",
    ),
    "rds_instance": ("failed", "The DB instance could not be created: insufficient capacity in its zone"),
    "vpc_link": ("FAILED", "Insufficient free IP addresses in the subnets of the VPC link"),
    "studio_domain": (
        "Failed",
        "Unable to create the home EFS file system: the subnets have insufficient free IP addresses",
    ),
    "studio_profile": ("Failed", "Unable to create the user's home directory on the domain's EFS file system"),
    "notebook_instance": ("Failed", "Notebook Instance Lifecycle Config script failed: on-start.sh exited with 1"),
}


@dataclass
class Entry:
    started: float
    duration: float
    failed: bool
    seen_pending: bool = False


class Engine:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], Entry] = {}
        self._lock = threading.Lock()

    def track(self, kind: str, key: str) -> Entry:
        """The entry of a resource, started now when first seen."""
        with self._lock:
            entry = self._entries.get((kind, key))
            if entry is None:
                setting = faults.current()
                entry = Entry(clock.now(), duration(kind, key, setting), setting.fails(kind, key))
                self._entries[(kind, key)] = entry
            return entry

    def restart(self, kind: str, key: str) -> Entry:
        """A fresh entry, started now: a resource created again under a name used before (an RDS identifier)."""
        self.forget(kind, key)
        return self.track(kind, key)

    def known(self, kind: str, key: str) -> bool:
        with self._lock:
            return (kind, key) in self._entries

    def observe(self, kind: str, key: str) -> str:
        """The phase a client describing the resource sees (this counts as having seen it pending)."""
        entry = self.track(kind, key)
        if clock.now() - entry.started < entry.duration or not entry.seen_pending:
            entry.seen_pending = True
            return PENDING
        return FAILED if entry.failed else READY

    def lingering(self, kind: str, key: str) -> bool:
        """Whether a leftover started with ``track`` is still there (no client needs to have seen it)."""
        entry = self.track(kind, key)
        return clock.now() - entry.started < entry.duration

    def forget(self, kind: str, key: str) -> None:
        with self._lock:
            self._entries.pop((kind, key), None)

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()


# With a real clock (the data plane on) a modeled minute passes in a real second.
REAL_CLOCK_SCALE = 1 / 60


def duration(kind: str, key: str, setting: faults.Faults) -> float:
    """Seeded per resource: the same seed and resource give the same duration."""
    low, high = PROFILES.get(setting.option("profile", "typical"), PROFILES["typical"])[kind]
    drawn = random.Random(f"{setting.option('seed', '0')}:{kind}:{key}").uniform(low, high)  # noqa: S311 - not crypto
    return drawn if clock.CLOCK.virtual else drawn * REAL_CLOCK_SCALE


ENGINE = Engine()


LIFECYCLES_ENV = "MLFLOW_EMULATOR_LIFECYCLES"


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Lifecycles and leftovers on unless MLFLOW_EMULATOR_LIFECYCLES says off (0, false, no, off)."""
    value = (os.environ if environ is None else environ).get(LIFECYCLES_ENV, "1")
    return value.strip().lower() not in {"0", "false", "no", "off"}
