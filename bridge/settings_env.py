"""Settings from the environment: ``BRIDGE_*`` variables over an optional TOML file
(``BRIDGE_CONFIG``), and back to the environment that reproduces them in a child process.

A bad value stops the start with a message that names the variable and what it expects.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bridge.setting_values import (
    SettingsError,
    env_bool,
    env_int,
    env_prefix,
    parse_database_url,
    parse_origin,
    parse_public_url,
    parse_wp_site_url,
)
from bridge.settings import DEFAULT_DATABASE_URL, LOG_FORMATS, LogFormat, Settings, run_dir
from bridge.wp_config import WPConfigError, read_wp_config


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"BRIDGE_CONFIG names a file that does not exist: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"BRIDGE_CONFIG file {path} is not valid TOML: {exc}") from None
    return data


def toml_keys() -> frozenset[str]:
    """The keys ``[bridge]`` may hold: one per Settings field, the same name as its ``BRIDGE_*`` variable.

    ``config``/``config_path`` are what the file itself is, so they cannot be set inside it.
    """
    return frozenset(f.name for f in fields(Settings)) - {"config", "config_path"}


def _refuse_unknown_keys(config: Mapping[str, Any], path: str) -> None:
    """A misspelt key would otherwise be ignored and its default used without a word."""
    for key, value in config.items():
        is_table_array = isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)
        if not isinstance(value, dict) and not is_table_array:
            raise SettingsError(f"BRIDGE_CONFIG file {path}: {key!r} is outside any table; settings go under [bridge]")
    bridge = config.get("bridge", {})
    if not isinstance(bridge, dict):
        raise SettingsError(f"BRIDGE_CONFIG file {path}: [bridge] must be one table, not an array of tables")
    known = toml_keys()
    for key in bridge:
        if key not in known:
            near = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise SettingsError(f"BRIDGE_CONFIG file {path}: unknown key {key!r} under [bridge]{hint}")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from ``env`` (default ``os.environ``); TOML keys fill what env leaves unset.

    TOML keys are the variable names without ``BRIDGE_`` in lower case, under ``[bridge]``;
    other tables (``[relations]``, …) are kept in ``Settings.config`` for integration plugins.
    """
    source = dict(os.environ if env is None else env)
    config_path = source.get("BRIDGE_CONFIG") or None
    config: dict[str, Any] = {}
    if config_path:
        config = _read_toml(config_path)
        _refuse_unknown_keys(config, config_path)
        for key, value in (config.get("bridge") or {}).items():
            var = "BRIDGE_" + str(key).upper()
            if var not in source:
                source[var] = ",".join(value) if isinstance(value, list) else str(value)

    read_raw = source.get("BRIDGE_DATABASE_READ_URL") or ""
    url_raw = source.get("BRIDGE_DATABASE_URL") or DEFAULT_DATABASE_URL
    prefix = env_prefix(source, "BRIDGE_TABLE_PREFIX", "wp_")
    secret = source.get("BRIDGE_SHARED_SECRET", "")
    if secret and len(secret) < 16:
        raise SettingsError(
            "BRIDGE_SHARED_SECRET must be at least 16 characters long (or unset to refuse signed requests)"
        )
    cache_url = source.get("BRIDGE_CACHE_URL") or None
    if cache_url and not cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"BRIDGE_CACHE_URL must be a redis:// URL, got {cache_url!r}")
    host = source.get("BRIDGE_HOST") or "127.0.0.1"
    hooks = tuple(p for p in (source.get("BRIDGE_HOOKS_PATH") or "").split(os.pathsep) if p)
    events_url = source.get("BRIDGE_EVENTS_URL") or None
    if events_url:
        parsed_events = urlparse(events_url)
        if parsed_events.scheme not in ("http", "https") or not parsed_events.netloc:
            raise SettingsError(
                "BRIDGE_EVENTS_URL must be the shim's events address, like "
                f"https://example.com/wp-json/wp-customer-bridge/v1/events, got {events_url!r}"
            )
        if not secret:
            raise SettingsError("BRIDGE_EVENTS_URL needs BRIDGE_SHARED_SECRET: events are signed with it")
    public_raw = source.get("BRIDGE_PUBLIC_URL") or ""
    cors_raw = (source.get("BRIDGE_CORS_ORIGINS") or "").split(",")
    cors = tuple(dict.fromkeys(parse_origin(o) for o in cors_raw if o.strip()))
    log_format = _log_format(source)
    port = env_int(source, "BRIDGE_PORT", 8080, 1, 65535)
    metrics_port = env_int(source, "BRIDGE_METRICS_PORT", 0, 1, 65535) or None
    metrics_host = source.get("BRIDGE_METRICS_HOST") or host
    if metrics_port is not None and metrics_port == port and metrics_host == host:
        raise SettingsError(f"BRIDGE_METRICS_PORT must differ from BRIDGE_PORT ({port}): it is a second listener")
    wp_config = source.get("BRIDGE_WP_CONFIG") or None
    if wp_config:
        try:
            read_wp_config(wp_config)
        except WPConfigError as exc:
            raise SettingsError(f"BRIDGE_WP_CONFIG: {exc}") from None
    wp_site_url = parse_wp_site_url(source.get("BRIDGE_WP_SITE_URL") or "")
    if wp_site_url and not wp_config:
        raise SettingsError("BRIDGE_WP_SITE_URL needs BRIDGE_WP_CONFIG: it only names the cookie of that WordPress")
    for folder in hooks:
        if not Path(folder).is_dir():
            raise SettingsError(f"BRIDGE_HOOKS_PATH names {folder!r}, which is not a folder")

    return Settings(
        database_url=parse_database_url(url_raw),
        table_prefix=prefix,
        base_prefix=env_prefix(source, "BRIDGE_BASE_PREFIX", prefix),
        shared_secret=secret,
        cache_dir=source.get("BRIDGE_CACHE_DIR") or str(run_dir(source) / "cache"),
        cache_url=cache_url,
        host=host,
        port=port,
        workers=env_int(source, "BRIDGE_WORKERS", 1, 1, 64),
        hooks_path=hooks,
        config_path=config_path,
        datatables_max_rows=env_int(source, "BRIDGE_DATATABLES_MAX_ROWS", 5000, 1, 1_000_000),
        export_max_rows=env_int(source, "BRIDGE_EXPORT_MAX_ROWS", 100_000, 1, 10_000_000),
        # the read replica (bridge/replica.py)
        database_read_url=parse_database_url(read_raw, "BRIDGE_DATABASE_READ_URL") if read_raw else None,
        read_your_writes_s=env_int(source, "BRIDGE_READ_YOUR_WRITES_S", 2, 0, 3600),
        replica_max_lag_s=env_int(source, "BRIDGE_REPLICA_MAX_LAG_S", 5, 0, 86400),
        search_index_refresh_s=env_int(source, "BRIDGE_SEARCH_INDEX_REFRESH_S", 30, 0, 86400),
        pool_size=env_int(source, "BRIDGE_POOL_SIZE", 10, 1, 200),
        database_timeout=env_int(source, "BRIDGE_DATABASE_TIMEOUT", 10, 1, 3600),
        access_log=env_bool(source, "BRIDGE_ACCESS_LOG", False),
        log_format=log_format,
        metrics_host=metrics_host,
        metrics_port=metrics_port,
        config=config,
        events_url=events_url,
        events_timeout=env_int(source, "BRIDGE_EVENTS_TIMEOUT", 10, 1, 300),
        events_max_backoff=env_int(source, "BRIDGE_EVENTS_MAX_BACKOFF", 300, 1, 86400),
        public_url=parse_public_url(public_raw) if public_raw.strip() else None,
        cors_origins=cors,
        wp_config=wp_config,
        wp_site_url=wp_site_url,
        cookie_session_recheck_s=env_int(source, "BRIDGE_COOKIE_SESSION_RECHECK_S", 1, 0, 3600),
    )


def _log_format(source: Mapping[str, str]) -> LogFormat:
    value = (source.get("BRIDGE_LOG_FORMAT") or "text").strip().lower()
    for known in LOG_FORMATS:
        if value == known:
            return known
    raise SettingsError(f"BRIDGE_LOG_FORMAT must be text or json, got {source['BRIDGE_LOG_FORMAT']!r}")


def settings_as_env(settings: Settings) -> dict[str, str]:
    """The environment that reproduces ``settings`` in a child process (workers, test servers)."""
    env = {
        "BRIDGE_DATABASE_URL": settings.database_url.to_url(),
        "BRIDGE_TABLE_PREFIX": settings.table_prefix,
        "BRIDGE_BASE_PREFIX": settings.base_prefix,
        "BRIDGE_SHARED_SECRET": settings.shared_secret,
        "BRIDGE_CACHE_DIR": settings.cache_dir,
        "BRIDGE_HOST": settings.host,
        "BRIDGE_PORT": str(settings.port),
        "BRIDGE_WORKERS": str(settings.workers),
        "BRIDGE_DATATABLES_MAX_ROWS": str(settings.datatables_max_rows),
        "BRIDGE_EXPORT_MAX_ROWS": str(settings.export_max_rows),
        "BRIDGE_POOL_SIZE": str(settings.pool_size),
        "BRIDGE_SEARCH_INDEX_REFRESH_S": str(settings.search_index_refresh_s),
        "BRIDGE_DATABASE_TIMEOUT": str(settings.database_timeout),
        "BRIDGE_ACCESS_LOG": "1" if settings.access_log else "0",
        "BRIDGE_LOG_FORMAT": settings.log_format,
        "BRIDGE_HOOKS_PATH": os.pathsep.join(settings.hooks_path),
        "BRIDGE_COOKIE_SESSION_RECHECK_S": str(settings.cookie_session_recheck_s),
    }
    if settings.cache_url:
        env["BRIDGE_CACHE_URL"] = settings.cache_url
    if settings.config_path:
        env["BRIDGE_CONFIG"] = settings.config_path
    if settings.public_url:
        env["BRIDGE_PUBLIC_URL"] = settings.public_url
    if settings.cors_origins:
        env["BRIDGE_CORS_ORIGINS"] = ",".join(settings.cors_origins)
    if settings.metrics_port is not None:
        env["BRIDGE_METRICS_HOST"] = settings.metrics_host
        env["BRIDGE_METRICS_PORT"] = str(settings.metrics_port)
    if settings.wp_config:
        env["BRIDGE_WP_CONFIG"] = settings.wp_config
    if settings.wp_site_url:
        env["BRIDGE_WP_SITE_URL"] = settings.wp_site_url
    if settings.events_url:
        env["BRIDGE_EVENTS_URL"] = settings.events_url
        env["BRIDGE_EVENTS_TIMEOUT"] = str(settings.events_timeout)
        env["BRIDGE_EVENTS_MAX_BACKOFF"] = str(settings.events_max_backoff)
    if settings.database_read_url:  # the read replica (bridge/replica.py)
        env["BRIDGE_DATABASE_READ_URL"] = settings.database_read_url.to_url()
        env["BRIDGE_READ_YOUR_WRITES_S"] = str(settings.read_your_writes_s)
        env["BRIDGE_REPLICA_MAX_LAG_S"] = str(settings.replica_max_lag_s)
    return {k: v for k, v in env.items() if v != ""}
