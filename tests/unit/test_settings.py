"""Settings: every bad value stops the start with a message naming the variable."""

from __future__ import annotations

import re

import pytest

from bridge.setting_values import parse_database_url
from bridge.settings import SettingsError
from bridge.settings_env import load_settings, settings_as_env
from tests.support.paths import ROOT


def test_defaults_are_the_documented_ones() -> None:
    s = load_settings({})
    assert (s.table_prefix, s.base_prefix, s.host, s.port, s.workers) == ("wp_", "wp_", "127.0.0.1", 8080, 1)
    assert s.database_url.database == "wp_customer_bridge"
    assert s.datatables_max_rows == 5000


@pytest.mark.parametrize(
    "env, names",
    [
        ({"BRIDGE_PORT": "eighty"}, "BRIDGE_PORT"),
        ({"BRIDGE_PORT": "70000"}, "BRIDGE_PORT"),
        ({"BRIDGE_WORKERS": "0"}, "BRIDGE_WORKERS"),
        ({"BRIDGE_TABLE_PREFIX": "wp-; DROP"}, "BRIDGE_TABLE_PREFIX"),
        ({"BRIDGE_BASE_PREFIX": "a b"}, "BRIDGE_BASE_PREFIX"),
        ({"BRIDGE_DATABASE_URL": "postgres://x@y/z"}, "BRIDGE_DATABASE_URL"),
        ({"BRIDGE_DATABASE_URL": "mysql://root@127.0.0.1:3306/"}, "BRIDGE_DATABASE_URL"),
        ({"BRIDGE_DATABASE_URL": "mysql://root@127.0.0.1:99999/db"}, "BRIDGE_DATABASE_URL"),
        ({"BRIDGE_SHARED_SECRET": "short"}, "BRIDGE_SHARED_SECRET"),
        ({"BRIDGE_CACHE_URL": "memcached://x"}, "BRIDGE_CACHE_URL"),
        ({"BRIDGE_ACCESS_LOG": "maybe"}, "BRIDGE_ACCESS_LOG"),
        ({"BRIDGE_DATATABLES_MAX_ROWS": "-1"}, "BRIDGE_DATATABLES_MAX_ROWS"),
        ({"BRIDGE_HOOKS_PATH": "/no/such/folder"}, "BRIDGE_HOOKS_PATH"),
        ({"BRIDGE_CONFIG": "/no/such/file.toml"}, "BRIDGE_CONFIG"),
    ],
)
def test_bad_value_names_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert names in str(info.value)


def test_toml_file_fills_what_the_environment_leaves_unset(tmp_path) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text('[bridge]\nport = 9001\ntable_prefix = "wp_2_"\n\n[relations.company]\nbridge_table = "x"\n')
    s = load_settings({"BRIDGE_CONFIG": str(config), "BRIDGE_PORT": "9002"})
    assert s.port == 9002  # the environment wins
    assert s.table_prefix == "wp_2_" and s.base_prefix == "wp_2_"
    assert s.config["relations"]["company"]["bridge_table"] == "x"


def test_bad_toml_is_named(tmp_path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[bridge\nport = ")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings({"BRIDGE_CONFIG": str(config)})


def test_database_url_round_trips_with_password_and_socket() -> None:
    url = parse_database_url("mysql://bridge:p%40ss@db.example:3307/wp?unix_socket=/run/m.sock")
    assert (url.user, url.password, url.host, url.port, url.database, url.unix_socket) == (
        "bridge",
        "p@ss",
        "db.example",
        3307,
        "wp",
        "/run/m.sock",
    )
    assert parse_database_url(url.to_url()) == url
    assert "p@ss" not in str(url)  # never printed


def test_settings_survive_the_trip_to_a_child_process() -> None:
    s = load_settings({"BRIDGE_TABLE_PREFIX": "wp_2_", "BRIDGE_BASE_PREFIX": "wp_", "BRIDGE_PORT": "8123"})
    assert load_settings(settings_as_env(s)) == s


def test_cli_refuses_to_start_on_a_bad_setting() -> None:
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "serve"],
        env=dict(os.environ, BRIDGE_PORT="nope"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "BRIDGE_PORT" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "toml, named",
    [
        ("[bridge]\nprot = 9001\n", "'prot' under [bridge] (did you mean 'port'?)"),
        ('[bridge]\ndatabase = "mysql://root@db/wp"\n', "'database' under [bridge]"),
        ('[bridge]\nconfig = "other.toml"\n', "'config' under [bridge]"),
        ("port = 9001\n", "'port' is outside any table"),
    ],
)
def test_unknown_toml_key_is_refused_naming_the_key_and_file(tmp_path, toml: str, named: str) -> None:
    """A misspelt key used to be dropped without a word, so its default was used instead."""
    config = tmp_path / "bridge.toml"
    config.write_text(toml)
    with pytest.raises(SettingsError) as info:
        load_settings({"BRIDGE_CONFIG": str(config)})
    assert named in str(info.value) and str(config) in str(info.value)


def test_integration_plugin_tables_stay_free_form(tmp_path) -> None:
    """Only ``[bridge]`` is the bridge's; other tables (and arrays of tables) belong to integration plugins."""
    config = tmp_path / "bridge.toml"
    config.write_text('[bridge]\nport = 9001\n\n[my_plugin]\nanything = 1\n\n[[my_list]]\nname = "x"\n')
    s = load_settings({"BRIDGE_CONFIG": str(config)})
    assert s.port == 9001 and s.config["my_plugin"] == {"anything": 1}


def test_every_documented_variable_is_a_toml_key() -> None:
    """The unknown-key check must not refuse a setting the README's Settings table offers."""

    from bridge.settings_env import toml_keys

    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    # BRIDGE_CONFIG names the file itself; BRIDGE_RUN_DIR is read from the environment only, because
    # `wpbridge stop` and the private MariaDB need it before (and without) any settings file.
    documented = {name[len("BRIDGE_") :].lower() for name in re.findall(r"`(BRIDGE_[A-Z_]+)`", table)} - {
        "config",
        "run_dir",
    }
    assert len(documented) > 10
    assert documented <= toml_keys(), documented - toml_keys()


def test_cli_names_an_unknown_toml_key(tmp_path) -> None:
    import os
    import subprocess
    import sys

    config = tmp_path / "bridge.toml"
    config.write_text("[bridge]\nworkres = 4\n")
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "check"],
        env=dict(os.environ, BRIDGE_CONFIG=str(config)),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "'workres'" in result.stderr and "Traceback" not in result.stderr


def test_runtime_files_default_to_dot_run_in_the_working_folder(tmp_path, monkeypatch) -> None:
    """Not beside the code (site-packages for an installed wheel): `.run` where the bridge is started,
    or BRIDGE_RUN_DIR; the diskcache follows the run folder unless BRIDGE_CACHE_DIR says otherwise."""
    from bridge.settings import run_dir

    monkeypatch.chdir(tmp_path)
    assert run_dir({}) == tmp_path / ".run"
    assert load_settings({}).cache_dir == str(tmp_path / ".run" / "cache")
    elsewhere = tmp_path / "var" / "wpbridge"
    assert run_dir({"BRIDGE_RUN_DIR": str(elsewhere)}) == elsewhere
    assert load_settings({"BRIDGE_RUN_DIR": str(elsewhere)}).cache_dir == str(elsewhere / "cache")
    chosen = {"BRIDGE_RUN_DIR": str(elsewhere), "BRIDGE_CACHE_DIR": str(tmp_path / "cache")}
    assert load_settings(chosen).cache_dir == str(tmp_path / "cache")
    assert run_dir({"BRIDGE_RUN_DIR": "relative"}) == tmp_path / "relative"  # absolute: workers may chdir


def test_the_read_replica_settings_are_parsed_from_env_and_toml(tmp_path) -> None:
    """``BRIDGE_DATABASE_READ_URL`` (with its two timings) is read from the environment and the
    TOML file alike, a bad one is refused by name, and unset means no replica."""
    replica = "mysql://reader:pw@replica.example:3307/wp"
    settings = load_settings({"BRIDGE_DATABASE_READ_URL": replica, "BRIDGE_REPLICA_MAX_LAG_S": "9"})
    assert settings.database_read_url is not None and settings.database_read_url.host == "replica.example"
    assert (settings.read_your_writes_s, settings.replica_max_lag_s) == (2, 9)
    config = tmp_path / "bridge.toml"
    config.write_text(f'[bridge]\ndatabase_read_url = "{replica}"\nread_your_writes_s = 4\n')
    from_file = load_settings({"BRIDGE_CONFIG": str(config)})
    assert from_file.database_read_url == settings.database_read_url and from_file.read_your_writes_s == 4
    with pytest.raises(SettingsError, match="BRIDGE_DATABASE_READ_URL must look like"):
        load_settings({"BRIDGE_DATABASE_READ_URL": "postgres://replica/wp"})
    with pytest.raises(SettingsError, match="BRIDGE_READ_YOUR_WRITES_S"):
        load_settings({"BRIDGE_READ_YOUR_WRITES_S": "-1"})
    assert load_settings({"BRIDGE_DATABASE_READ_URL": ""}).database_read_url is None


def test_the_cookie_session_recheck_is_parsed_and_survives_the_trip() -> None:
    """``BRIDGE_COOKIE_SESSION_RECHECK_S``: 1 s unless set, 0 allowed (read every request), a
    negative or non-integer value refused by name, and a worker gets the value its parent read."""
    assert load_settings({}).cookie_session_recheck_s == 1
    assert load_settings({"BRIDGE_COOKIE_SESSION_RECHECK_S": "0"}).cookie_session_recheck_s == 0
    for bad in ("-1", "1.5", "soon"):
        with pytest.raises(SettingsError, match="BRIDGE_COOKIE_SESSION_RECHECK_S"):
            load_settings({"BRIDGE_COOKIE_SESSION_RECHECK_S": bad})
    s = load_settings({"BRIDGE_COOKIE_SESSION_RECHECK_S": "30"})
    assert load_settings(settings_as_env(s)) == s and s.cookie_session_recheck_s == 30
