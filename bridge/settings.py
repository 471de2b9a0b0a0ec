"""Settings: environment variables (``BRIDGE_*``) over an optional TOML file, frozen once.

A bad value stops the start with a message that names the variable and what it expects,
so an operator never has to read a stack trace to fix a typo.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse, urlsplit

from bridge.wp_config import WPConfigError, read_wp_config

DEFAULT_DATABASE_URL = "mysql://root@127.0.0.1:3306/wp_customer_bridge"
_PREFIX_RE = re.compile(r"^[A-Za-z0-9_]{1,32}$")
WILDCARD_HOSTS = ("0.0.0.0", "::")  # listen on every address; links then name 127.0.0.1


class SettingsError(ValueError):
    """A setting has a value the bridge cannot use; the message names it."""


@dataclass(frozen=True)
class DatabaseURL:
    """The parts of ``mysql://user:pass@host:port/db`` (or ``?unix_socket=/path``)."""

    user: str
    password: str
    host: str
    port: int
    database: str
    unix_socket: str | None = None

    def connect_kwargs(self, with_database: bool = True) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"user": self.user, "password": self.password, "charset": "utf8mb4"}
        if self.unix_socket:
            kwargs["unix_socket"] = self.unix_socket
        else:
            kwargs["host"] = self.host
            kwargs["port"] = self.port
        if with_database:
            kwargs["database"] = self.database
        return kwargs

    def with_database(self, name: str) -> DatabaseURL:
        return DatabaseURL(self.user, self.password, self.host, self.port, name, self.unix_socket)

    def __str__(self) -> str:
        auth = self.user + (":***" if self.password else "")
        return f"mysql://{auth}@{self.host}:{self.port}/{self.database}"

    def to_url(self) -> str:
        """The full URL, password included, for handing to a child process."""
        from urllib.parse import quote

        auth = quote(self.user, safe="") + (":" + quote(self.password, safe="") if self.password else "")
        query = f"?unix_socket={quote(self.unix_socket)}" if self.unix_socket else ""
        return f"mysql://{auth}@{self.host}:{self.port}/{self.database}{query}"


def parse_database_url(value: str, name: str = "BRIDGE_DATABASE_URL") -> DatabaseURL:
    parsed = urlparse(value)
    expected = f"{name} must look like mysql://user:password@host:3306/database, got {value!r}"
    if parsed.scheme not in ("mysql", "mariadb"):
        raise SettingsError(expected)
    database = parsed.path.lstrip("/")
    if not database or not re.fullmatch(r"[A-Za-z0-9_$]{1,64}", database):
        raise SettingsError(expected + " (the database name is missing or has characters other than A-Z, 0-9, _, $)")
    try:
        port = parsed.port or 3306
    except ValueError as exc:
        raise SettingsError(expected + f" ({exc})") from None
    socket = None
    for part in parsed.query.split("&"):
        if part.startswith("unix_socket="):
            socket = unquote(part.split("=", 1)[1])
    return DatabaseURL(
        user=unquote(parsed.username or "root"),
        password=unquote(parsed.password or ""),
        host=parsed.hostname or "127.0.0.1",
        port=port,
        database=database,
        unix_socket=socket,
    )


def _origin_parts(value: str, name: str, expected: str) -> tuple[str, str, str]:
    """``(scheme, authority, path)`` of an http(s) URL, lower-cased, default port dropped, or a
    SettingsError naming ``name``: no user info, query or fragment, a valid port."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise SettingsError(f"{name} {expected}, got {value!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise SettingsError(f"{name} {expected}, got {value!r}")
    if parts.query or parts.fragment or value.strip().endswith(("?", "#")):
        raise SettingsError(f"{name} {expected} (no query or fragment), got {value!r}")
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    default = 80 if scheme == "http" else 443
    authority = host if port in (None, default) else f"{host}:{port}"
    return scheme, authority, parts.path


def parse_public_url(value: str) -> str:
    """``BRIDGE_PUBLIC_URL``: the base URL clients use, normalised, without a trailing slash."""
    expected = "must be an http:// or https:// base URL like https://example.com"
    scheme, authority, path = _origin_parts(value, "BRIDGE_PUBLIC_URL", expected)
    return f"{scheme}://{authority}{path.rstrip('/')}"


def parse_origin(value: str, name: str = "BRIDGE_CORS_ORIGINS") -> str:
    """One origin (``scheme://host[:port]``, as a browser's ``Origin`` header names it), normalised."""
    expected = "must list origins like https://app.example.com (scheme, host and port only)"
    scheme, authority, path = _origin_parts(value, name, expected)
    if path not in ("", "/"):
        raise SettingsError(f"{name} must list origins without a path (like https://app.example.com), got {value!r}")
    return f"{scheme}://{authority}"


def parse_wp_site_url(value: str) -> str | None:
    """``BRIDGE_WP_SITE_URL``: WordPress's ``siteurl`` exactly as the site stores it (the cookie's
    name is the md5 of these very characters, so nothing is normalised), or None when empty."""
    url = value.strip()
    if not url:
        return None
    _origin_parts(url, "BRIDGE_WP_SITE_URL", "must be the WordPress site's URL, like https://example.com")
    return url


def origin_of(url: str) -> str:
    """The origin of a normalised http(s) URL (``https://example.com/api`` → ``https://example.com``)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def run_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where this bridge keeps its runtime files (pid file, private MariaDB, diskcache, demo
    logins): ``BRIDGE_RUN_DIR``, else ``.run`` in the working directory, never beside the code
    (pip puts that in site-packages). Environment-only: `wpbridge stop` needs it without a
    settings file. Absolute, so a worker that changes directory still finds the same folder."""
    source = os.environ if env is None else env
    return Path(source.get("BRIDGE_RUN_DIR") or ".run").absolute()


@dataclass(frozen=True)
class Settings:
    """Everything the bridge reads from its environment, validated."""

    database_url: DatabaseURL = field(default_factory=lambda: parse_database_url(DEFAULT_DATABASE_URL))
    table_prefix: str = "wp_"
    base_prefix: str = "wp_"
    shared_secret: str = ""
    cache_dir: str = ".run/cache"
    cache_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    hooks_path: tuple[str, ...] = ()
    config_path: str | None = None
    datatables_max_rows: int = 5000
    pool_size: int = 10
    database_timeout: int = 10  # seconds a statement, or the wait for a pooled connection, may take (bridge/db.py)
    access_log: bool = False  # a line per request (bridge/access_log.py)
    log_format: str = "text"  # text or json: how every log line is written
    metrics_host: str = "127.0.0.1"  # where BRIDGE_METRICS_PORT listens (default: BRIDGE_HOST)
    metrics_port: int | None = None  # a port answering /metrics to everyone (bridge/cli.py)
    config: Mapping[str, Any] = field(default_factory=dict)
    events_url: str | None = None  # the shim's /wp-json/wp-customer-bridge/v1/events (bridge/outbox.py)
    events_timeout: int = 10
    events_max_backoff: int = 300
    public_url: str | None = None  # the base URL clients use; links and the bridge's own origin come from it
    cors_origins: tuple[str, ...] = ()  # other origins whose pages may write (bridge/origin.py)
    wp_config: str | None = None  # the site's wp-config.php: WordPress's login cookie accepted (bridge/wp_cookie.py)
    wp_site_url: str | None = None  # the site URL the cookie's name is hashed from, instead of the siteurl option
    # A read replica (bridge/replica.py): reads go there unless it lags or is down, or the caller just wrote.
    database_read_url: DatabaseURL | None = None
    read_your_writes_s: int = 2
    replica_max_lag_s: int = 5

    @property
    def base_url(self) -> str:
        """Where links point: ``BRIDGE_PUBLIC_URL``, else the address the bridge listens on (a
        wildcard address as 127.0.0.1). Never taken from a request's Host header."""
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in WILDCARD_HOSTS else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host.lower()}" + ("" if self.port == 80 else f":{self.port}")

    @property
    def own_origin(self) -> str:
        """The origin of ``base_url``: pages there may write without being listed in ``cors_origins``."""
        return origin_of(self.base_url)


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number between {low} and {high}, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be a whole number between {low} and {high}, got {raw!r}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false (1/0, yes/no, on/off), got {raw!r}")


def _prefix(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not _PREFIX_RE.fullmatch(raw):
        raise SettingsError(f"{name} must be letters, digits and underscores (like wp_ or wp_2_), got {raw!r}")
    return raw


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

    url_raw = source.get("BRIDGE_DATABASE_URL") or DEFAULT_DATABASE_URL
    prefix = _prefix(source, "BRIDGE_TABLE_PREFIX", "wp_")
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
    log_format = (source.get("BRIDGE_LOG_FORMAT") or "text").strip().lower()
    if log_format not in ("text", "json"):
        raise SettingsError(f"BRIDGE_LOG_FORMAT must be text or json, got {source['BRIDGE_LOG_FORMAT']!r}")
    port = _int(source, "BRIDGE_PORT", 8080, 1, 65535)
    metrics_port = _int(source, "BRIDGE_METRICS_PORT", 0, 1, 65535) or None
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
    read_raw = source.get("BRIDGE_DATABASE_READ_URL") or ""

    return Settings(
        database_url=parse_database_url(url_raw),
        table_prefix=prefix,
        base_prefix=_prefix(source, "BRIDGE_BASE_PREFIX", prefix),
        shared_secret=secret,
        cache_dir=source.get("BRIDGE_CACHE_DIR") or str(run_dir(source) / "cache"),
        cache_url=cache_url,
        host=host,
        port=port,
        workers=_int(source, "BRIDGE_WORKERS", 1, 1, 64),
        hooks_path=hooks,
        config_path=config_path,
        datatables_max_rows=_int(source, "BRIDGE_DATATABLES_MAX_ROWS", 5000, 1, 1_000_000),
        pool_size=_int(source, "BRIDGE_POOL_SIZE", 10, 1, 200),
        database_timeout=_int(source, "BRIDGE_DATABASE_TIMEOUT", 10, 1, 3600),
        access_log=_bool(source, "BRIDGE_ACCESS_LOG", False),
        log_format=log_format,
        metrics_host=metrics_host,
        metrics_port=metrics_port,
        config=config,
        events_url=events_url,
        events_timeout=_int(source, "BRIDGE_EVENTS_TIMEOUT", 10, 1, 300),
        events_max_backoff=_int(source, "BRIDGE_EVENTS_MAX_BACKOFF", 300, 1, 86400),
        public_url=parse_public_url(public_raw) if public_raw.strip() else None,
        cors_origins=cors,
        wp_config=wp_config,
        wp_site_url=wp_site_url,
        # the read replica (bridge/replica.py)
        database_read_url=parse_database_url(read_raw, "BRIDGE_DATABASE_READ_URL") if read_raw else None,
        read_your_writes_s=_int(source, "BRIDGE_READ_YOUR_WRITES_S", 2, 0, 3600),
        replica_max_lag_s=_int(source, "BRIDGE_REPLICA_MAX_LAG_S", 5, 0, 86400),
    )


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
        "BRIDGE_POOL_SIZE": str(settings.pool_size),
        "BRIDGE_DATABASE_TIMEOUT": str(settings.database_timeout),
        "BRIDGE_ACCESS_LOG": "1" if settings.access_log else "0",
        "BRIDGE_LOG_FORMAT": settings.log_format,
        "BRIDGE_HOOKS_PATH": os.pathsep.join(settings.hooks_path),
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
    if settings.database_read_url:  # the read replica (bridge/replica.py)
        env["BRIDGE_DATABASE_READ_URL"] = settings.database_read_url.to_url()
        env["BRIDGE_READ_YOUR_WRITES_S"] = str(settings.read_your_writes_s)
        env["BRIDGE_REPLICA_MAX_LAG_S"] = str(settings.replica_max_lag_s)
    if settings.events_url:
        env["BRIDGE_EVENTS_URL"] = settings.events_url
        env["BRIDGE_EVENTS_TIMEOUT"] = str(settings.events_timeout)
        env["BRIDGE_EVENTS_MAX_BACKOFF"] = str(settings.events_max_backoff)
    return {k: v for k, v in env.items() if v != ""}


__all__ = [
    "DatabaseURL",
    "Settings",
    "SettingsError",
    "load_settings",
    "origin_of",
    "parse_database_url",
    "parse_origin",
    "parse_public_url",
    "parse_wp_site_url",
    "settings_as_env",
]
