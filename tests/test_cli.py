"""`wpbridge` as an operator meets it: one bridge per run folder, clear sentences instead of tracebacks.

Every command runs as a real subprocess against the real MariaDB; "database down" is a closed local
port or a host that does not resolve, never the shared server stopped.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.paths import ROOT
from tests.support.server import BridgeServer, free_port


def wpbridge(
    url: DatabaseURL | str, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """`wpbridge ARGS` with a timeout, so a start that should have been refused cannot hang the run."""
    database_url = url if isinstance(url, str) else url.to_url()
    full_env = dict(os.environ, BRIDGE_DATABASE_URL=database_url, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        env=full_env, capture_output=True, text=True, cwd=ROOT, timeout=timeout, start_new_session=True,
    )  # fmt: skip


def assert_one_sentence(result: subprocess.CompletedProcess, *names: str) -> None:
    """Exit status 2 and a single stderr line that names each of ``names``: no traceback to read."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    for name in names:
        assert name in lines[0], lines[0]


@pytest.fixture()
def held_port() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


# ---- one bridge per run folder; `wpbridge stop` always finds it ------------------------------------


def test_second_serve_in_the_same_run_folder_is_refused_and_stop_still_stops_the_first(
    demo_db: DatabaseURL, start_bridge: Callable[..., BridgeServer], tmp_path: Path
) -> None:
    """A second `serve` (same port, or another) used to overwrite bridge.pid and delete it on exit,
    so `make stop` said "nothing to stop" and left the first bridge running."""
    run_dir = tmp_path / "run"
    first = start_bridge(demo_db, {"BRIDGE_RUN_DIR": str(run_dir)})
    pid_file = run_dir / "bridge.pid"
    assert pid_file.read_text() == str(first.process.pid)

    for port in (first.port, free_port()):
        second = wpbridge(demo_db, "serve", env={"BRIDGE_RUN_DIR": str(run_dir), "BRIDGE_PORT": str(port)})
        assert_one_sentence(second, f"pid {first.process.pid}", "BRIDGE_RUN_DIR", "wpbridge stop")
        assert pid_file.read_text() == str(first.process.pid)

    stopped = wpbridge(demo_db, "stop", env={"BRIDGE_RUN_DIR": str(run_dir)})
    assert "stopped: bridge" in stopped.stdout, stopped.stdout + stopped.stderr
    assert first.process.wait(15) is not None


def test_failed_start_on_a_busy_port_leaves_the_pid_file_alone(
    demo_db: DatabaseURL, held_port: int, tmp_path: Path
) -> None:
    """The pid is written only once the port is bound, and a pid file that is not ours is never removed."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "bridge.pid").write_text("4194000")  # left by a bridge that was killed
    result = wpbridge(demo_db, "serve", env={"BRIDGE_RUN_DIR": str(run_dir), "BRIDGE_PORT": str(held_port)})
    assert_one_sentence(result, f"port {held_port}", "already in use", "BRIDGE_PORT")
    assert (run_dir / "bridge.pid").read_text() == "4194000"


# ---- a database that cannot be used: one sentence, exit 2 ------------------------------------------


@pytest.mark.parametrize("command", [["check"], ["migrate"], ["demo", "--customers", "2"], ["outbox"], ["indexes"]])
def test_database_down_is_one_sentence_naming_the_setting(command: list[str]) -> None:
    down = f"mysql://root@127.0.0.1:{free_port()}/wp"  # nothing listens there
    assert_one_sentence(wpbridge(down, *command), "no database server answers", "BRIDGE_DATABASE_URL")


def test_database_host_that_does_not_resolve_is_one_sentence() -> None:
    result = wpbridge("mysql://root@no-such-host.invalid:3306/wp", "check")
    assert_one_sentence(result, "no-such-host.invalid", "BRIDGE_DATABASE_URL")


@pytest.mark.parametrize("command", [["check"], ["demo", "--customers", "2"], ["outbox"], ["indexes"]])
def test_unknown_database_is_one_sentence_naming_the_setting(mysql_server: DatabaseURL, command: list[str]) -> None:
    missing = mysql_server.with_database("wpbt_missing_" + secrets.token_hex(4))
    assert_one_sentence(wpbridge(missing, *command), repr(missing.database), "does not exist", "BRIDGE_DATABASE_URL")


def test_wrong_database_password_is_one_sentence(mysql_server: DatabaseURL) -> None:
    wrong = f"mysql://wpbt_nobody:wrong@{mysql_server.host}:{mysql_server.port}/wp"
    assert_one_sentence(wpbridge(wrong, "check"), "refused user 'wpbt_nobody'", "BRIDGE_DATABASE_URL")


# ---- arguments are checked before anything is written ----------------------------------------------


def test_demo_without_customers_is_refused_before_writing_anything(make_database: Callable[[], DatabaseURL]) -> None:
    """`demo --customers 0` used to crash after writing agencies and users, and then refuse to run again."""
    url = make_database()
    run_cli(url, "migrate")
    for customers in ("0", "-3"):
        refused = wpbridge(url, "demo", "--customers", customers)
        assert refused.returncode == 2 and "--customers" in refused.stderr and "Traceback" not in refused.stderr
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT (SELECT COUNT(*) FROM wp_users) + (SELECT COUNT(*) FROM wp_app_agencies) AS n")
        assert cur.fetchone()["n"] == 0
    conn.close()
    run_cli(url, "demo", "--customers", "2")


# ---- `up` prints the logins for the port in force -----------------------------------------------


class Up:
    """`wpbridge up` in the background, its output in a file; stopped with SIGINT like Ctrl-C."""

    def __init__(self, url: DatabaseURL, port: int, run_dir: Path, tmp_path: Path) -> None:
        self.out = tmp_path / f"up-{port}.out"
        env = dict(
            os.environ,
            BRIDGE_DATABASE_URL=url.to_url(),
            BRIDGE_PORT=str(port),
            BRIDGE_RUN_DIR=str(run_dir),
            BRIDGE_CACHE_DIR=str(tmp_path / "cache"),
        )
        with open(self.out, "w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bridge.cli", "up", "--customers", "2"],
                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
            )  # fmt: skip

    def wait_serving(self, timeout: float = 60) -> str:
        deadline = time.time() + timeout
        while "wpbridge: serving on" not in self.out.read_text():
            assert self.process.poll() is None and time.time() < deadline, self.out.read_text()
            time.sleep(0.1)
        return self.out.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def test_second_up_prints_the_curls_with_the_port_in_force(
    make_database: Callable[[], DatabaseURL], tmp_path: Path
) -> None:
    """The second `make run` re-prints the saved logins; they used to keep the first run's port."""
    url = make_database()
    run_dir = tmp_path / "run"
    first_port, second_port = free_port(), free_port()
    first = Up(url, first_port, run_dir, tmp_path)
    try:
        assert f"127.0.0.1:{first_port}/wp-json/" in first.wait_serving()
        assert (run_dir / "bridge.pid").read_text() == str(first.process.pid)
    finally:
        first.stop()
    assert not (run_dir / "bridge.pid").exists()  # a bridge removes its own pid file when it stops
    second = Up(url, second_port, run_dir, tmp_path)
    try:
        printed = second.wait_serving()
    finally:
        second.stop()
    assert "loading demo data" not in printed  # the logins come from .run/demo-logins.txt
    curls = [line for line in printed.splitlines() if line.startswith("curl ")]
    assert len(curls) == 9 and all(f" http://127.0.0.1:{second_port}/wp-json/" in line for line in curls), curls
    assert f":{first_port}/" not in (run_dir / "demo-logins.txt").read_text()


# ---- help and version -------------------------------------------------------------------------------


def test_every_subcommand_and_option_explains_itself() -> None:
    """`wpbridge --help` lists every subcommand with a sentence, and each subcommand's `--help` shows
    a description and the help text of each of its options (an operator has no other manual at hand)."""
    import argparse

    from bridge.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    top = subprocess.run([sys.executable, "-m", "bridge.cli", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert top.returncode == 0 and "--version" in top.stdout
    for choice in commands._choices_actions:
        assert choice.help and choice.dest in top.stdout, choice.dest
    for name, sub in commands.choices.items():
        shown = subprocess.run(
            [sys.executable, "-m", "bridge.cli", name, "--help"], capture_output=True, text=True, cwd=ROOT
        )
        assert shown.returncode == 0, shown.stderr
        text = " ".join(shown.stdout.split())  # argparse wraps lines
        assert sub.description and " ".join(sub.description.split())[:40] in text, name
        options = [a for a in sub._actions if a.option_strings and a.dest != "help"]
        for option in options:
            assert option.help, f"wpbridge {name} {option.option_strings[0]} has no help text"
            assert " ".join(option.help.split()) in text, (name, option.option_strings)


def test_every_command_module_is_reachable_from_wpbridge() -> None:
    """A module of bridge/commands/ whose register() bridge/cli.py does not call would add subcommands
    nobody can run: each module's subcommands are among `wpbridge`'s."""
    import argparse
    import importlib
    import inspect
    import pkgutil

    import bridge.commands
    from bridge.cli import build_parser, create_app

    def names(parser: argparse.ArgumentParser) -> set[str]:
        return set(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)

    known = names(build_parser())
    checked = 0
    for info in pkgutil.iter_modules(bridge.commands.__path__):
        register = getattr(importlib.import_module(f"bridge.commands.{info.name}"), "register", None)
        if register is None:
            continue
        alone = argparse.ArgumentParser()
        commands = alone.add_subparsers()
        register(commands, *((create_app,) if len(inspect.signature(register).parameters) == 2 else ()))
        assert names(alone) and names(alone) <= known, info.name
        checked += 1
    assert checked >= 6


def test_version_is_the_installed_distribution_version() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    shown = subprocess.run([sys.executable, "-m", "bridge.cli", "--version"], capture_output=True, text=True)
    assert shown.returncode == 0 and shown.stdout.strip() == f"wpbridge {project['version']}", shown
