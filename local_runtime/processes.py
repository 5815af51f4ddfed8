"""The data plane's process helpers (emulator.dataplane.processes), under their old name."""

from emulator.dataplane.processes import (
    LocalRuntimeError,
    Service,
    free_port,
    http_status,
    spawn,
    wait_until,
)

__all__ = ["LocalRuntimeError", "Service", "free_port", "http_status", "spawn", "wait_until"]
