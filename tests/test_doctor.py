"""``wpbridge doctor`` against the real MariaDB: it passes on a good setup and, on a bad one,
names each broken setting with its fix and exits 1."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bridge.settings import DatabaseURL
from tests.support.cli import run_cli
from tests.support.database import connect
from tests.support.server import SECRET, BridgeServer, free_port


@pytest.fixture(scope="module")
def good_db(make_database: Callable[[], DatabaseURL]) -> DatabaseURL:
    """Migrated, demo data, the indexes applied: what the README's Deploy steps leave."""
    url = make_database()
    run_cli(url, "migrate")
    run_cli(url, "demo", "--customers", "5", "--seed", "1")
    run_cli(url, "indexes", "--apply")
    return url


def doctor(url: DatabaseURL, tmp_path: Path, **env: str) -> tuple[int, dict[str, str], str]:
    """Exit status, each check's status by name, and the whole output."""
    base = {
        "BRIDGE_SHARED_SECRET": SECRET,
        "BRIDGE_CACHE_DIR": str(tmp_path / "cache"),
        "BRIDGE_RUN_DIR": str(tmp_path),
    }
    base.update(env)
    result = run_cli(url, "doctor", env=base, check=False)
    statuses = {m.group(2): m.group(1) for m in re.finditer(r"^(ok|FAIL|skip)\s+([^:]+):", result.stdout, re.M)}
    return result.returncode, statuses, result.stdout + result.stderr


def fixes(output: str) -> str:
    return "\n".join(line for line in output.splitlines() if line.strip().startswith("fix:"))


def test_a_good_setup_passes_every_check(good_db: DatabaseURL, tmp_path: Path) -> None:
    """Settings, database, privileges, schema, indexes, outbox, cache and secret are all ok (the
    optional events and WordPress secrets are skipped, not failed), and the exit status is 0."""
    status, checks, output = doctor(good_db, tmp_path)
    assert status == 0, output
    for name in ("settings", "shared secret", "database", "privileges", "schema", "indexes", "outbox table"):
        assert checks[name] == "ok", output
    assert checks["outbox backlog"] == "ok" and checks["cache"] == "ok", output
    assert checks["events"] == "skip" and checks["WordPress secrets"] == "skip", output
    assert "every check passed" in output


def test_a_served_bridges_settings_pass_with_redis_unreachable_named(
    good_db: DatabaseURL, tmp_path: Path, start_bridge: Callable[..., BridgeServer]
) -> None:
    """The settings a running bridge uses pass; pointing the cache at a Redis that is not there
    fails the cache check only, and its fix names BRIDGE_CACHE_URL."""
    server = start_bridge(good_db)
    assert server.client.get("/readyz").status_code == 200
    status, checks, output = doctor(good_db, tmp_path)
    assert status == 0, output
    status, checks, output = doctor(good_db, tmp_path, BRIDGE_CACHE_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert status == 1
    assert checks["cache"] == "FAIL" and "BRIDGE_CACHE_URL" in fixes(output)
    assert [name for name, s in checks.items() if s == "FAIL"] == ["cache"], output


def test_a_wrong_password_fails_the_database_check(good_db: DatabaseURL, tmp_path: Path) -> None:
    """The refused login is named with the fix (BRIDGE_DATABASE_URL's user and password); the
    checks that need the database are skipped rather than failed again."""
    wrong = replace(good_db, user="wpbridge_nobody", password="wrong-password")
    status, checks, output = doctor(wrong, tmp_path)
    assert status == 1
    assert checks["database"] == "FAIL" and "BRIDGE_DATABASE_URL" in fixes(output), output
    assert checks["privileges"] == "skip" and checks["schema"] == "skip"


def test_a_user_without_write_privileges_is_named(
    good_db: DatabaseURL, mysql_server: DatabaseURL, tmp_path: Path
) -> None:
    """A MariaDB user granted SELECT only (plus INSERT on the customers table) fails the
    privileges check, which names what is missing on which table and gives the GRANT."""
    user = "wpbt_" + secrets.token_hex(4)
    password = secrets.token_hex(12)
    root = connect(mysql_server.with_database("mysql"))
    with root.cursor() as cur:
        for host in ("%", "localhost"):
            cur.execute(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{password}'")  # hex: nothing to escape
            cur.execute(f"GRANT SELECT ON `{good_db.database}`.* TO '{user}'@'{host}'")
            cur.execute(f"GRANT INSERT ON `{good_db.database}`.`wp_app_customers` TO '{user}'@'{host}'")
    try:
        limited = replace(good_db, user=user, password=password)
        status, checks, output = doctor(limited, tmp_path)
        assert status == 1
        assert checks["database"] == "ok" and checks["privileges"] == "FAIL", output
        line = next(line for line in output.splitlines() if "privileges:" in line)
        assert "UPDATE, DELETE on wp_app_customers" in line and "INSERT, UPDATE, DELETE on wp_wpbridge_outbox" in line
        assert "GRANT SELECT, INSERT, UPDATE, DELETE" in fixes(output)
        assert checks["schema"] == "ok", "reading the columns needs SELECT only"
    finally:
        with root.cursor() as cur:
            for host in ("%", "localhost"):
                cur.execute(f"DROP USER IF EXISTS '{user}'@'{host}'")
        root.close()


def test_an_unwritable_cache_folder_is_named(good_db: DatabaseURL, tmp_path: Path) -> None:
    """A cache folder that cannot be created or written (here: under a plain file, which even
    root cannot write into) fails the cache check with BRIDGE_CACHE_DIR in the fix."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    status, checks, output = doctor(good_db, tmp_path, BRIDGE_CACHE_DIR=str(blocker / "cache"))
    assert status == 1
    assert checks["cache"] == "FAIL" and "BRIDGE_CACHE_DIR" in fixes(output), output


def test_a_short_or_missing_secret_is_named(good_db: DatabaseURL, tmp_path: Path) -> None:
    """A short BRIDGE_SHARED_SECRET fails the settings and the secret check, each naming it; an
    empty one fails the secret check only (the bridge would refuse every signed request)."""
    status, checks, output = doctor(good_db, tmp_path, BRIDGE_SHARED_SECRET="short")
    assert status == 1
    assert checks["settings"] == "FAIL" and checks["shared secret"] == "FAIL", output
    assert "5 characters, fewer than 16" in output
    status, checks, output = doctor(good_db, tmp_path, BRIDGE_SHARED_SECRET="")
    assert status == 1
    assert [name for name, s in checks.items() if s == "FAIL"] == ["shared secret"], output


def test_an_unreachable_events_url_is_named(good_db: DatabaseURL, tmp_path: Path) -> None:
    """BRIDGE_EVENTS_URL where nothing listens fails the events check; the clock is not guessed."""
    url = f"http://127.0.0.1:{free_port()}/wp-json/wp-customer-bridge/v1/events"
    status, checks, output = doctor(good_db, tmp_path, BRIDGE_EVENTS_URL=url)
    assert status == 1
    assert checks["events"] == "FAIL" and "BRIDGE_EVENTS_URL" in fixes(output), output
    assert checks["clock"] == "skip"


def test_missing_indexes_an_old_backlog_and_unloadable_wordpress_secrets_are_named(
    make_database: Callable[[], DatabaseURL], tmp_path: Path
) -> None:
    """A database migrated without `indexes --apply`, with an event pending for an hour, and a
    wp-config.php without keys: three failures, each with its own fix."""
    url = make_database()
    run_cli(url, "migrate")
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO wp_wpbridge_outbox (event_id, entity, entity_id, action, payload, created_at) "
            "VALUES ('doctor-old-event-1', 'customer', 1, 'wp_customer_created', '{}', NOW() - INTERVAL 1 HOUR)"
        )
    conn.close()
    config = tmp_path / "wp-config.php"
    config.write_text("<?php\ndefine( 'DB_NAME', 'wordpress' );\n")
    status, checks, output = doctor(
        url,
        tmp_path,
        BRIDGE_EVENTS_URL=f"http://127.0.0.1:{free_port()}/wp-json/wp-customer-bridge/v1/events",
        BRIDGE_WP_CONFIG=str(config),
    )
    assert status == 1
    assert checks["indexes"] == "FAIL" and "wpbridge indexes --apply" in fixes(output), output
    assert checks["outbox backlog"] == "FAIL" and "wpbridge outbox" in fixes(output), output
    assert checks["WordPress secrets"] == "FAIL" and "BRIDGE_WP_CONFIG" in fixes(output), output
