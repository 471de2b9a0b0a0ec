"""PHP's value rules that WordPress's cookie and nonce code relies on, for values read from
``wp-config.php`` (``PHPValue``) and from the database."""

from __future__ import annotations

import re

from bridge.wp_config import PHPValue


def php_string(value: PHPValue) -> str:
    """``(string) $value``: true is "1", false and null are ""."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    return str(value)


def php_truthy(value: PHPValue) -> bool:
    """PHP's truthiness: "", "0", 0, false and null are false."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def array_key(value: PHPValue) -> str:
    """The key ``$array[$value]`` uses (true is 1 and false is 0, like "1" and "0")."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return php_string(value)


def php_int(value: PHPValue) -> int:
    """``(int) $value``: the leading decimal digits of a string (0 without any)."""
    if isinstance(value, str):
        match = re.match(r"\s*([+-]?[0-9]+)", value)
        return int(match.group(1)) if match else 0
    return int(value or 0)


def php_number(value: object) -> float | None:
    """An int, or a numeric string as PHP compares it; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def to_bytes(value: str | bytes) -> bytes:
    """A PHP string as the bytes PHP hashes (text as UTF-8, undecodable bytes kept as they were)."""
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")


def column_text(value: object) -> str:
    """A column's value as text (BLOB/VARBINARY columns come back as bytes)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "surrogateescape")
    return "" if value is None else str(value)
