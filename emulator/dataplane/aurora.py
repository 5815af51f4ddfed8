"""Aurora MySQL clusters backed by MariaDB (Debian's mariadb-server) on loopback.

Each cluster gets its own mariadbd on its own loopback address at the cluster's port, so the endpoint
and port DescribeDBClusters reports are where it listens, and two stacks' identical database and user
names never meet. The database and master user are the ones the cluster was created with. A cluster
snapshot (final or manual) is a dump taken before moto records it; a cluster restored from it loads it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.dataplane.addresses import AddressPool
from emulator.dataplane.processes import Service, spawn, wait_until

START_TIMEOUT_S = 60.0


@dataclass
class ClusterServer:
    identifier: str
    address: str
    port: int
    directory: Path
    service: Service

    @property
    def socket(self) -> Path:
        return _socket_path(self.address)

    def client(self, tool: str, *args: str) -> list[str]:
        return [_binary(tool), "--no-defaults", f"--socket={self.socket}", "--user=root", *args]

    def ready(self) -> bool:
        return (
            subprocess.run(self.client("mariadb", "-e", "SELECT 1"), capture_output=True, check=False).returncode  # noqa: S603
            == 0
        )


class AuroraDataPlane:
    def __init__(self, pool: AddressPool, workdir: Path) -> None:
        self.pool = pool
        self.workdir = workdir
        self.servers: dict[tuple[str, str, str], ClusterServer] = {}
        self.restores: dict[str, str] = {}
        self._lock = threading.Lock()

    def endpoint(self, account: str, region: str, identifier: str) -> str:
        return self.pool.address("db", f"{account}/{region}/{identifier}")

    # -- hooks on control-plane calls (before moto answers them) -------------------------------
    def before_snapshot(self, account: str, region: str, identifier: str, snapshot: str) -> None:
        server = self.servers.get((account, region, identifier))
        if server is None or not snapshot:
            return
        dumps = self.workdir / "snapshots"
        dumps.mkdir(parents=True, exist_ok=True)
        with (dumps / f"{snapshot.lower()}.sql").open("wb") as out:
            subprocess.run(  # noqa: S603 - Debian's own tool
                # --flush-privileges: the dump's users (the master user) must be live once it is loaded.
                server.client(
                    "mariadb-dump", "--all-databases", "--single-transaction", "--routines", "--flush-privileges"
                ),
                stdout=out,
                stderr=subprocess.DEVNULL,
                check=True,
            )

    def before_restore(self, identifier: str, snapshot: str) -> None:
        self.restores[identifier.lower()] = snapshot.lower()

    # -- reconciler ------------------------------------------------------------------------------
    def reconcile(self, account: str, region: str, backend: Any) -> None:
        with self._lock:
            live = set()
            for cluster in list(backend.clusters.values()):
                if not str(cluster.engine).startswith("aurora-mysql"):
                    continue
                key = (account, region, cluster.db_cluster_identifier)
                live.add(key)
                if key not in self.servers:
                    self.servers[key] = self._start(key, cluster)
            for key in [k for k in self.servers if k[:2] == (account, region) and k not in live]:
                self._remove(self.servers.pop(key))

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.service.stop()

    def _start(self, key: tuple[str, str, str], cluster: Any) -> ClusterServer:
        directory = self.workdir / "clusters" / "-".join(key)
        address = self.endpoint(*key)
        port = int(cluster.port or 3306)
        fresh = not (directory / "data" / "mysql").is_dir()
        if fresh:
            _install(directory)
        service = spawn(
            "mariadb", _server_command(directory, address, port), os.environ, directory / "mariadb.log", directory
        )
        server = ClusterServer(identifier=key[2], address=address, port=port, directory=directory, service=service)
        wait_until(service, server.ready, START_TIMEOUT_S, "connection on its socket")
        if fresh:
            self._initialise(server, cluster)
        return server

    def _initialise(self, server: ClusterServer, cluster: Any) -> None:
        snapshot = self.restores.pop(server.identifier.lower(), None)
        dump = self.workdir / "snapshots" / f"{snapshot}.sql" if snapshot else None
        if dump is not None and dump.is_file():
            with dump.open("rb") as source:
                subprocess.run(server.client("mariadb"), stdin=source, capture_output=True, check=True)  # noqa: S603
            return
        # moto keeps the password write-only behind its property; the server needs it once, here.
        password = str(getattr(cluster, "_master_user_password", "") or "")
        statements = _create_statements(cluster.database_name, cluster.master_username, password)
        subprocess.run(server.client("mariadb"), input=statements.encode(), capture_output=True, check=True)  # noqa: S603

    def _remove(self, server: ClusterServer) -> None:
        server.service.stop()
        shutil.rmtree(server.directory, ignore_errors=True)


def _sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _create_statements(database: str | None, user: str, password: str) -> str:
    lines = []
    if database:
        lines.append(f"CREATE DATABASE IF NOT EXISTS `{database.replace('`', '``')}` CHARACTER SET utf8mb4;")
    lines.append(f"CREATE USER IF NOT EXISTS {_sql_string(user)}@'%' IDENTIFIED BY {_sql_string(password)};")
    # The master user of Aurora may create databases and users; here it has the server.
    lines.append(f"GRANT ALL PRIVILEGES ON *.* TO {_sql_string(user)}@'%' WITH GRANT OPTION;")
    return "\n".join(lines)


def _install(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - Debian's own tool
        [
            _binary("mariadb-install-db", "mysql_install_db"),
            "--no-defaults",
            f"--datadir={directory / 'data'}",
            f"--user={_user()}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
        ],
        check=True,
        stdout=(directory / "install-db.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def _server_command(directory: Path, address: str, port: int) -> list[str]:
    return [
        _binary("mariadbd", "mysqld"),
        "--no-defaults",
        f"--datadir={directory / 'data'}",
        f"--socket={_socket_path(address)}",
        f"--port={port}",
        f"--bind-address={address}",
        f"--user={_user()}",
        f"--pid-file={directory / 'mariadb.pid'}",
        "--skip-name-resolve",
        "--skip-log-bin",
        # Small: other work shares this machine.
        "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=16M",
        "--performance-schema=OFF",
        "--max-connections=200",
    ]


def _socket_path(address: str) -> Path:
    """Unix socket paths are limited to 107 bytes: keep them short, one per server address."""
    directory = Path(tempfile.gettempdir()) / "mlflow-emulator-db"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory / f"{address}.sock"


def _user() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
        if found:
            return found
    raise RuntimeError(f"none of {', '.join(names)} found: install the Debian package mariadb-server")
