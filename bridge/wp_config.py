"""``wp-config.php`` read as text: the literal ``define()`` calls, without ever running PHP.

The bridge needs a few of the site's constants (its keys and salts, the cookie's name; see
``bridge/wp_cookie/``). Running the file would run whatever it includes; reading it as text
gets every ``define('NAME', 'value')`` whose value is one literal, and marks the others (an
expression, ``getenv()``, a constant defined twice) unreadable, so a constant the bridge uses
can be refused at start instead of guessed.
"""

from __future__ import annotations

import re

SALT_CONSTANTS = tuple(
    f"{a}_{b}" for a in ("AUTH", "SECURE_AUTH", "LOGGED_IN", "NONCE", "SECRET") for b in ("KEY", "SALT")
)
# Every constant the bridge reads from wp-config.php; one it cannot read as a literal stops the start.
READ_CONSTANTS = (*SALT_CONSTANTS, "COOKIEHASH", "LOGGED_IN_COOKIE", "WP_SITEURL", "MULTISITE", "SITE_ID_CURRENT_SITE")

PHPValue = str | int | bool | None


class WPConfigError(ValueError):
    """``wp-config.php`` cannot be read, or defines a constant the bridge needs as something other
    than a literal; the message names the file and the constant, never a value."""


class Unreadable:
    """A constant ``wp-config.php`` defines with an expression, or more than once: its value
    depends on running PHP."""

    def __repr__(self) -> str:
        return "<unreadable>"


UNREADABLE = Unreadable()

_PHP_OPEN = re.compile(r"<\?(?:php\b|=)", re.I)
_TOKENS = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>(?://|\#)[^\n]*?(?=\n|\?>|$)|/\*.*?(?:\*/|$))
  | (?P<close>\?>)
  | (?P<sq>'(?:[^'\\]|\\.)*')
  | (?P<dq>"(?:[^"\\]|\\.)*")
  | (?P<number>[0-9]+\b)
  | (?P<word>\\?[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),;])
  | (?P<other>.)
    """,
    re.S | re.X,
)
_DQ_ESCAPE = re.compile(r"\\(?:([nrtvef\\$\"])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u\{([0-9A-Fa-f]+)\})")
_DQ_SIMPLE = {
    "n": b"\n",
    "r": b"\r",
    "t": b"\t",
    "v": b"\x0b",
    "e": b"\x1b",
    "f": b"\x0c",
    "\\": b"\\",
    "$": b"$",
    '"': b'"',
}


def _php_tokens(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` of the PHP code in ``text`` (inline HTML skipped), without spaces and comments."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while True:
        opening = _PHP_OPEN.search(text, position)
        if opening is None:
            return tokens
        position = opening.end()
        while position < len(text):
            match = _TOKENS.match(text, position)
            assert match is not None  # ``other`` matches any character
            position = match.end()
            kind = match.lastgroup or "other"
            if kind == "close":
                break
            if kind not in ("space", "comment"):
                tokens.append((kind, match.group()))


def _single_quoted(literal: str) -> str:
    """A PHP ``'…'`` string: only ``\\\\`` and ``\\'`` are escapes."""
    return re.sub(r"\\([\\'])", r"\1", literal[1:-1])


def _double_quoted(literal: str) -> str | Unreadable:
    """A PHP ``"…"`` string, or UNREADABLE when it interpolates a variable (``$name``, ``{$…}``)."""
    body = literal[1:-1]
    if re.search(r"(?<!\\)(?:\\\\)*\$[A-Za-z_{]", body):
        return UNREADABLE
    out = bytearray()
    position = 0
    for match in _DQ_ESCAPE.finditer(body):
        out += body[position : match.start()].encode("utf-8", "surrogateescape")
        simple, octal, hexa, code = match.groups()
        if simple:
            out += _DQ_SIMPLE[simple]
        elif octal:
            out.append(int(octal, 8) & 0xFF)
        elif hexa:
            out.append(int(hexa, 16))
        else:
            out += chr(int(code, 16)).encode("utf-8", "surrogateescape")
        position = match.end()
    out += body[position:].encode("utf-8", "surrogateescape")
    return out.decode("utf-8", "surrogateescape")


def _literal(kind: str, text: str) -> PHPValue | Unreadable:
    if kind == "sq":
        return _single_quoted(text)
    if kind == "dq":
        return _double_quoted(text)
    if kind == "number" and (text == "0" or not text.startswith("0")):
        return int(text)
    lowered = text.lower().lstrip("\\")
    if kind == "word" and lowered in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[lowered]
    return UNREADABLE


def parse_wp_config(text: str) -> dict[str, PHPValue | Unreadable]:
    """Every ``define('NAME', value)`` of a wp-config.php, without running it.

    A value that is one literal (a string, a decimal integer, true, false or null) is read; any
    other expression (``getenv(…)``, a concatenation, a variable) is UNREADABLE, and so is a
    constant defined twice with different values (e.g. in two branches of an ``if``).
    """
    tokens = _php_tokens(text)
    defines: dict[str, PHPValue | Unreadable] = {}
    for i, (kind, word) in enumerate(tokens):
        if kind != "word" or word.lower().lstrip("\\") != "define" or tokens[i + 1 : i + 2] != [("punct", "(")]:
            continue
        if i > 0 and tokens[i - 1] in (("other", ">"), ("other", ":")):  # $x->define(, X::define(
            continue
        name_token = tokens[i + 2] if i + 2 < len(tokens) else ("", "")
        if name_token[0] not in ("sq", "dq") or tokens[i + 3 : i + 4] != [("punct", ",")]:
            continue
        name = _literal(*name_token)
        if not isinstance(name, str):
            continue
        rest = tokens[i + 4 : i + 6]
        value: PHPValue | Unreadable = UNREADABLE
        if len(rest) == 2 and rest[1] in (("punct", ")"), ("punct", ",")):
            value = _literal(*rest[0])
        if name in defines and (defines[name] != value or type(defines[name]) is not type(value)):
            value = UNREADABLE
        defines[name] = value
    return defines


def read_wp_config(path: str) -> dict[str, PHPValue]:
    """The literal defines of the wp-config.php at ``path``; WPConfigError when the file cannot be
    read or a constant the bridge uses (READ_CONSTANTS) is not a literal."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise WPConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    defines = parse_wp_config(text)
    if "<?" not in text:
        raise WPConfigError(f"{path} is not a PHP file (no <?php)")
    unreadable = [name for name in READ_CONSTANTS if isinstance(defines.get(name), Unreadable)]
    if unreadable:
        raise WPConfigError(
            f"{path} defines {', '.join(unreadable)} with an expression (or more than once); the bridge reads "
            "only plain define('NAME', 'value') literals and never runs PHP"
        )
    return {name: value for name, value in defines.items() if not isinstance(value, Unreadable)}
