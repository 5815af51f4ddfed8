"""A private MariaDB server (Debian's mariadb-server) on loopback: its own datadir, socket and port."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_runtime.processes import LocalRuntimeError, Service, free_port, spawn, wait_until

START_TIMEOUT_S = 60.0


@dataclass
class MariaDB:
    service: Service
    port: int
    socket: Path
    host: str = "127.0.0.1"

    def admin_connection(self, database: str | None = None) -> Any:
        """root over the Unix socket (root has no password and no TCP access)."""
        import pymysql

        return pymysql.connect(
            unix_socket=str(self.socket), user="root", password="", database=database, autocommit=True
        )

    def create_database(self, name: str, user: str, password: str) -> None:
        """A database and a user that may do anything in it and in `<name>_auth` (which MLflow's entrypoint
        creates for the auth app, as Aurora's master user may), from any address (MLflow uses TCP)."""
        if "`" in name:
            raise LocalRuntimeError("database names with a backtick are not supported")
        connection = self.admin_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")
                cursor.execute("CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s", (user, password))
                cursor.execute("ALTER USER %s@'%%' IDENTIFIED BY %s", (user, password))
                cursor.execute(f"GRANT ALL PRIVILEGES ON `{name}`.* TO %s@'%%'", (user,))
                cursor.execute(f"GRANT ALL PRIVILEGES ON `{name}_auth`.* TO %s@'%%'", (user,))
        finally:
            connection.close()

    def drop_database(self, name: str) -> None:
        connection = self.admin_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        finally:
            connection.close()

    def ready(self) -> bool:
        try:
            self.admin_connection().close()
        except Exception:  # any failure means "not yet"
            return False
        return True


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
        if found:
            return found
    raise LocalRuntimeError(f"none of {', '.join(names)} found: install the Debian package mariadb-server")


def start(base_dir: Path) -> MariaDB:
    """Initialise a datadir under ``base_dir`` (once) and start mariadbd on a free loopback port."""
    datadir = base_dir / "data"
    socket = base_dir / "mariadb.sock"
    log = base_dir / "mariadb.log"
    base_dir.mkdir(parents=True, exist_ok=True)
    run_as = ["--user=root"] if os.geteuid() == 0 else [f"--user={getpass.getuser()}"]
    if not (datadir / "mysql").is_dir():
        subprocess.run(  # noqa: S603 - Debian's own tool, no shell
            [
                _binary("mariadb-install-db", "mysql_install_db"),
                "--no-defaults",
                f"--datadir={datadir}",
                *run_as,
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            stdout=(base_dir / "install-db.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
    port = free_port()
    service = spawn(
        "mariadb",
        [
            _binary("mariadbd", "mysqld"),
            "--no-defaults",
            f"--datadir={datadir}",
            f"--socket={socket}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            *run_as,
            f"--pid-file={base_dir / 'mariadb.pid'}",
            "--skip-name-resolve",
            "--skip-log-bin",
            # Small: other work shares this machine.
            "--innodb-buffer-pool-size=64M",
            "--performance-schema=OFF",
            "--max-connections=200",
        ],
        env=os.environ,
        log=log,
        cwd=base_dir,
    )
    mariadb = MariaDB(service=service, port=port, socket=socket)
    wait_until(service, mariadb.ready, START_TIMEOUT_S, "connection on its socket")
    return mariadb
