"""A private MariaDB primary and a GTID replica of it, from Debian's binaries, for the replica tests.

Each server has its own data folder under a temporary directory and listens on a free port; the
replica follows the primary with ``MASTER_USE_GTID=slave_pos``. Nothing is mocked: the lag,
the stopped SQL thread and the server that goes away are the real thing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pymysql

from bridge.settings import DatabaseURL, parse_database_url
from tests.support.server import free_port

REPL_USER, REPL_PASSWORD = "repl", "repl-password-0123"


def binaries() -> tuple[str, str] | None:
    """(server, install-db) from PATH or /usr/sbin, or None when MariaDB's server is not installed."""

    def find(*names: str) -> str | None:
        for name in names:
            found = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}",) if Path(p).exists()), None)
            if found:
                return found
        return None

    server, install = find("mariadbd", "mysqld"), find("mariadb-install-db", "mysql_install_db")
    return (server, install) if server and install else None


@dataclass
class Server:
    """One private mariadbd: its folder, port and process."""

    base: Path
    server_id: int
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "mysql") -> DatabaseURL:
        return parse_database_url(f"mysql://root@127.0.0.1:{self.port}/{database}")

    def connect(self) -> pymysql.connections.Connection:
        return pymysql.connect(
            autocommit=True, cursorclass=pymysql.cursors.DictCursor, connect_timeout=2, **self.url().connect_kwargs()
        )

    def sql(self, *statements: str) -> list[dict[str, object]]:
        """Run statements on a fresh connection; the last one's rows."""
        conn = self.connect()
        try:
            rows: list[dict[str, object]] = []
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
                    rows = list(cur.fetchall())
            return rows
        finally:
            conn.close()

    def start(self, server: str, install: str) -> None:
        data = self.base / "data"
        user = ["--user=root"] if os.geteuid() == 0 else []
        self.base.mkdir(parents=True, exist_ok=True)
        log = open(self.base / "mariadb.log", "ab")
        if not (data / "mysql").exists():
            subprocess.run(
                [
                    install,
                    "--no-defaults",
                    f"--datadir={data}",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    *user,
                ],
                stdout=log,
                stderr=log,
                check=True,
            )
        self.process = subprocess.Popen(
            [
                server,
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={self.base / 'mysqld.sock'}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--pid-file={self.base / 'mariadb.pid'}",
                f"--server-id={self.server_id}",
                f"--log-bin={self.base / 'binlog'}",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=64M",
                "--innodb-flush-log-at-trx-commit=2",
                *user,
            ],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while True:
            try:
                self.connect().close()
                return
            except pymysql.MySQLError:
                if self.process.poll() is not None or time.time() > deadline:
                    raise AssertionError(
                        f"mariadbd did not start: {(self.base / 'mariadb.log').read_text()[-2000:]}"
                    ) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@dataclass
class Replication:
    """A primary and its replica."""

    primary: Server
    replica: Server
    server: str
    install: str

    @classmethod
    def start(cls, base: Path, server: str, install: str) -> Replication:
        pair = cls(Server(base / "primary", 1), Server(base / "replica", 2), server, install)
        pair.primary.start(server, install)
        pair.replica.start(server, install)
        pair.primary.sql(
            f"CREATE USER '{REPL_USER}'@'%' IDENTIFIED BY '{REPL_PASSWORD}'",
            f"GRANT REPLICATION SLAVE ON *.* TO '{REPL_USER}'@'%'",
        )
        pair.replica.sql(
            f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={pair.primary.port}, MASTER_USER='{REPL_USER}', "
            f"MASTER_PASSWORD='{REPL_PASSWORD}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
            "START SLAVE",
        )
        pair.caught_up()
        return pair

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until the replica has applied everything the primary has written so far."""
        position = self.primary.sql("SELECT @@gtid_binlog_pos AS pos")[0]["pos"]
        waited = self.replica.sql(f"SELECT MASTER_GTID_WAIT('{position}', {timeout}) AS r")[0]["r"]
        assert waited == 0, f"the replica did not reach {position}: {self.replica.sql('SHOW SLAVE STATUS')}"

    def restart_replica(self) -> None:
        self.replica.start(self.server, self.install)

    def close(self) -> None:
        self.replica.stop()
        self.primary.stop()
