"""Loopback addresses for what the data plane runs: one 127.B.0.0/16 block per emulator.

Linux routes all of 127.0.0.0/8 to the loopback interface, so every address in it can be bound
without configuration. A block is claimed by holding a socket on its last address, so two emulators
(two test workers, a demo beside the tests) never hand out the same address. Within a block:
127.B.0.n DB clusters, 127.B.16.n tasks, 127.B.32.n load balancers, 127.B.48.n HTTP APIs (16 third octets each).
"""

from __future__ import annotations

import socket
import threading

FIRST_BLOCK = 100
LAST_BLOCK = 250
CLAIM_PORT = 47999
KINDS = {"db": 0, "task": 1, "alb": 2, "api": 3}


class AddressError(RuntimeError):
    pass


class AddressPool:
    def __init__(self) -> None:
        self._claim, self.block = _claim_block()
        self._lock = threading.Lock()
        self._next = dict.fromkeys(KINDS, 1)
        self._named: dict[tuple[str, str], str] = {}
        self._aliases: dict[str, str] = {}

    def address(self, kind: str, name: str) -> str:
        """The address of ``name`` (a resource ARN or id): the same one for as long as the emulator runs."""
        with self._lock:
            key = (kind, name)
            if key not in self._named:
                serial = self._next[kind]
                self._next[kind] += 1
                if serial > 254 * 254:
                    raise AddressError(f"no {kind} addresses left")
                third = KINDS[kind] * 16 + serial // 254
                self._named[key] = f"127.{self.block}.{third}.{serial % 254 + 1}"
            return self._named[key]

    def known(self, kind: str, name: str) -> str | None:
        with self._lock:
            return self._named.get((kind, name))

    def alias(self, vpc_address: str, local: str | None) -> None:
        """``vpc_address`` (a task's ENI address in the emulated VPC) is reached at ``local``."""
        with self._lock:
            if local is None:
                self._aliases.pop(vpc_address, None)
            else:
                self._aliases[vpc_address] = local

    def resolve(self, vpc_address: str) -> str | None:
        with self._lock:
            return self._aliases.get(vpc_address)

    def close(self) -> None:
        self._claim.close()


def _claim_block() -> tuple[socket.socket, int]:
    for block in range(FIRST_BLOCK, LAST_BLOCK + 1):
        claim = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            claim.bind((f"127.{block}.255.254", CLAIM_PORT))
            claim.listen(1)
        except OSError:
            claim.close()
            continue
        return claim, block
    raise AddressError("every loopback block 127.100-250.0.0/16 is claimed")
