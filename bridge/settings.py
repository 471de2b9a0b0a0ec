"""Settings: what the bridge runs with, frozen once. ``bridge/settings_env.py`` reads them from
the ``BRIDGE_*`` environment variables over an optional TOML file; ``bridge/setting_values.py``
parses each value (and defines ``DatabaseURL`` and ``SettingsError``, re-exported here as part of
the settings' vocabulary).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from bridge.setting_values import DatabaseURL, SettingsError, origin_of, parse_database_url

DEFAULT_DATABASE_URL = "mysql://root@127.0.0.1:3306/wp_customer_bridge"
WILDCARD_HOSTS = ("0.0.0.0", "::")  # listen on every address; links then name 127.0.0.1
LogFormat = Literal["text", "json"]  # how every log line is written (BRIDGE_LOG_FORMAT)
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")


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
    export_max_rows: int = 100_000  # the most rows one export may stream (bridge/routes/export.py)
    # A read replica (bridge/replica.py): reads go there unless it lags or is down, or the caller just wrote.
    database_read_url: DatabaseURL | None = None
    read_your_writes_s: int = 2
    search_index_refresh_s: int = 30  # how often a worker refreshes the search index, if built (bridge/search_index/)
    replica_max_lag_s: int = 5
    pool_size: int = 10
    database_timeout: int = 10  # seconds a statement, or the wait for a pooled connection, may take (bridge/db.py)
    access_log: bool = False  # a line per request (bridge/access_log.py)
    log_format: LogFormat = "text"
    metrics_host: str = "127.0.0.1"  # where BRIDGE_METRICS_PORT listens (default: BRIDGE_HOST)
    metrics_port: int | None = None  # a port answering /metrics to everyone (bridge/commands/serve.py)
    config: Mapping[str, Any] = field(default_factory=dict)
    events_url: str | None = None  # the shim's /wp-json/wp-customer-bridge/v1/events (bridge/outbox.py)
    events_timeout: int = 10
    events_max_backoff: int = 300
    public_url: str | None = None  # the base URL clients use; links and the bridge's own origin come from it
    cors_origins: tuple[str, ...] = ()  # other origins whose pages may write (bridge/origin.py)
    wp_config: str | None = None  # the site's wp-config.php: WordPress's login cookie accepted (bridge/wp_cookie.py)
    wp_site_url: str | None = None  # the site URL the cookie's name is hashed from, instead of the siteurl option
    cookie_session_recheck_s: int = 1  # how long a worker trusts a cookie it checked (bridge/wp_cookie/memo.py)

    @cached_property  # read for every link of every item; the fields it depends on are frozen
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


__all__ = [
    "LOG_FORMATS",
    "DEFAULT_DATABASE_URL",
    "WILDCARD_HOSTS",
    "DatabaseURL",
    "LogFormat",
    "Settings",
    "SettingsError",
    "run_dir",
]
