"""One setting's value from its text: the database URL, public URL, origins, prefixes, numbers
and switches, each refused with a ``SettingsError`` that names the variable and what it expects,
so an operator never has to read a stack trace to fix a typo."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlparse, urlsplit

_PREFIX_RE = re.compile(r"^[A-Za-z0-9_]{1,32}$")


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


def env_int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """``env[name]`` as a whole number in ``low..high``; ``default`` when unset or empty."""
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


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    """``env[name]`` as a switch (1/0, true/false, yes/no, on/off); ``default`` when unset or empty."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false (1/0, yes/no, on/off), got {raw!r}")


def env_prefix(env: Mapping[str, str], name: str, default: str) -> str:
    """``env[name]`` as a table prefix (letters, digits, _); ``default`` when unset or empty."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not _PREFIX_RE.fullmatch(raw):
        raise SettingsError(f"{name} must be letters, digits and underscores (like wp_ or wp_2_), got {raw!r}")
    return raw
