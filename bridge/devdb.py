"""Find a MariaDB for `make run` / `make test`, or start a private one under ``<run dir>/mariadb/``
(``BRIDGE_RUN_DIR``, default ``.run`` in the working directory: see ``bridge.settings.run_dir``).

Order: ``BRIDGE_DATABASE_URL`` if set; else root@127.0.0.1:3306 without a password if it
answers; else a private server from the system's binaries on port 3399 (installing
``mariadb-server`` with apt-get first when it is missing and we are root).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pymysql

from bridge.setting_values import parse_database_url
from bridge.settings import DatabaseURL, run_dir

PRIVATE_PORT = 3399
SYSTEM_URL = "mysql://root@127.0.0.1:3306/wp_customer_bridge"


class DatabaseUnavailable(RuntimeError):
    """No MariaDB could be found or started; the message says what to do."""


def answers(url: DatabaseURL, timeout: float = 2.0) -> bool:
    """True when a server accepts ``url``'s credentials (the database itself need not exist)."""
    try:
        conn = pymysql.connect(connect_timeout=timeout, **url.connect_kwargs(with_database=False))
    except pymysql.MySQLError:
        return False
    conn.close()
    return True


def _binary(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
        if found:
            return found
    return None


def _install_mariadb() -> None:
    if os.geteuid() != 0:
        raise DatabaseUnavailable(
            "No MariaDB answers on 127.0.0.1:3306 and the MariaDB server binaries are not installed.\n"
            "Install them with:  sudo apt-get install -y mariadb-server\n"
            "or point the bridge at a server:  export BRIDGE_DATABASE_URL=mysql://user:pass@host:3306/db"
        )
    print("wpbridge: installing mariadb-server with apt-get …", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    # policy-rc.d keeps the package from starting the system service on port 3306.
    policy = Path("/usr/sbin/policy-rc.d")
    created_policy = not policy.exists()
    if created_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "mariadb-server"], check=True, env=env, stdout=subprocess.DEVNULL
        )
    finally:
        if created_policy:
            policy.unlink(missing_ok=True)


def start_private() -> DatabaseURL:
    """Start (or reuse) the private server under ``<run dir>/mariadb/`` and return its URL."""
    base = run_dir() / "mariadb"
    data = base / "data"
    socket = base / "mysqld.sock"
    url = parse_database_url(f"mysql://root@127.0.0.1:{PRIVATE_PORT}/wp_customer_bridge")
    if answers(url):
        return url
    server = _binary("mariadbd", "mysqld")
    install_db = _binary("mariadb-install-db", "mysql_install_db")
    if not server or not install_db:
        _install_mariadb()
        server = _binary("mariadbd", "mysqld")
        install_db = _binary("mariadb-install-db", "mysql_install_db")
        if not server or not install_db:
            raise DatabaseUnavailable("mariadb-server was installed but mariadbd / mariadb-install-db are not on PATH")
    base.mkdir(parents=True, exist_ok=True)
    user_args = ["--user=root"] if os.geteuid() == 0 else []
    log = open(base / "mariadb.log", "ab")
    if not (data / "mysql").exists():
        print(f"wpbridge: creating a private MariaDB in {data}", file=sys.stderr)
        created = subprocess.run(
            [
                install_db,
                "--no-defaults",
                f"--datadir={data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *user_args,
            ],
            stdout=log,
            stderr=log,
        )
        if created.returncode != 0:
            raise DatabaseUnavailable(f"mariadb-install-db failed; see {base / 'mariadb.log'}")
    subprocess.Popen(
        [
            server,
            "--no-defaults",
            f"--datadir={data}",
            f"--socket={socket}",
            f"--port={PRIVATE_PORT}",
            "--bind-address=127.0.0.1",
            f"--pid-file={base / 'mariadb.pid'}",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=1G",
            "--innodb-flush-log-at-trx-commit=2",
            "--max-connections=500",
            *user_args,
        ],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    for _ in range(120):
        if answers(url, timeout=1):
            print(f"wpbridge: private MariaDB listening on 127.0.0.1:{PRIVATE_PORT}", file=sys.stderr)
            return url
        time.sleep(0.5)
    raise DatabaseUnavailable(f"the private MariaDB did not start; see {base / 'mariadb.log'}")


def stop_private() -> bool:
    """Stop the private server if this project started one; True if something was stopped."""
    pid_file = run_dir() / "mariadb" / "mariadb.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, signal.SIGTERM)
    except (ValueError, ProcessLookupError):
        pid_file.unlink(missing_ok=True)
        return False
    for _ in range(60):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.5)
    return True


def find_database() -> DatabaseURL:
    """The server to use, by the order in the module docstring."""
    explicit = os.environ.get("BRIDGE_DATABASE_URL")
    if explicit:
        url = parse_database_url(explicit)
        if not answers(url):
            raise DatabaseUnavailable(f"BRIDGE_DATABASE_URL is set to {url} but that server does not answer")
        return url
    system = parse_database_url(SYSTEM_URL)
    if answers(system):
        return system
    return start_private()


def ensure_database(url: DatabaseURL) -> None:
    """Create ``url``'s database if it does not exist."""
    conn = pymysql.connect(**url.connect_kwargs(with_database=False))
    try:
        with conn.cursor() as cur:
            cur.execute(
                f"CREATE DATABASE IF NOT EXISTS `{url.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci"
            )
    finally:
        conn.close()


def drop_database(url: DatabaseURL) -> None:
    conn = pymysql.connect(**url.connect_kwargs(with_database=False))
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{url.database}`")
    finally:
        conn.close()
