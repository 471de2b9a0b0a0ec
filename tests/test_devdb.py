"""Finding MariaDB as `make run` / `make test` do, including the private server of a fresh machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge import devdb
from bridge.setting_values import parse_database_url


def test_explicit_url_that_does_not_answer_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIDGE_DATABASE_URL", "mysql://root@127.0.0.1:1/x")
    with pytest.raises(devdb.DatabaseUnavailable, match="BRIDGE_DATABASE_URL is set to mysql://root@127.0.0.1:1/x"):
        devdb.find_database()


def test_private_mariadb_starts_from_the_system_binaries_and_stops(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What a machine with no MariaDB running gets: a server under .run/mariadb on port 3399."""
    url = parse_database_url(f"mysql://root@127.0.0.1:{devdb.PRIVATE_PORT}/x")
    if devdb.answers(url):
        pytest.skip("a private MariaDB from `make run` is already running on port 3399")
    monkeypatch.setenv("BRIDGE_RUN_DIR", str(tmp_path))
    started = devdb.start_private()
    try:
        assert started.port == devdb.PRIVATE_PORT and devdb.answers(started)
        assert (tmp_path / "mariadb" / "data" / "mysql").is_dir()
        devdb.ensure_database(started)
        devdb.drop_database(started)
    finally:
        assert devdb.stop_private()
    assert not devdb.answers(started)
