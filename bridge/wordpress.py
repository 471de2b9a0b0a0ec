"""WordPress facts the bridge needs when it reads wp_users / wp_usermeta / wp_options itself.

Pure functions, no database: PHP (un)serialization, the password hash formats of
``wp_check_password``, application passwords and the
role → capability merge of ``WP_User::get_role_caps``. Anything read from
the database may be garbage; these functions answer False/None instead of raising.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

import bcrypt
import phpserialize

ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
MAX_PASSWORD_BYTES = 4096
PREHASH_KEY = b"wp-sha384"
FAST_HASH_KEY = b"wp_fast_hash_6.8+"
FAST_HASH_PREFIX = "$generic$"
APPLICATION_PASSWORD_LENGTH = 24
APPLICATION_PASSWORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

_PHP_TRIM = " \t\n\r\0\x0b"
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_BCRYPT_PREFIXES = ("$2y$", "$2b$", "$2a$")


# --- PHP serialization -------------------------------------------------------------------


def _object_as_dict(_name: object, properties: dict[Any, Any]) -> dict[Any, Any]:
    """PHP objects (e.g. stdClass in meta) become their properties: callers only read fields."""
    return properties


def php_loads(data: str | bytes | None) -> object:
    """``unserialize()`` for meta/option values; arrays → dict (int keys stay int), None if malformed.
    What it holds is whatever the site stored, so callers check its shape before reading it.

    Lengths in PHP serialization count bytes, so a str is encoded back to UTF-8 first.
    Invalid UTF-8 inside strings is replaced rather than refused, so the value stays JSON-safe.
    """
    if data is None:
        return None
    try:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return phpserialize.loads(
            raw, decode_strings=True, errors="replace", array_hook=dict, object_hook=_object_as_dict
        )
    except Exception:
        return None


def php_dumps(value: object) -> str:
    """``serialize()``: dicts and lists become PHP arrays, str is counted in UTF-8 bytes."""
    return phpserialize.dumps(value, charset="utf-8").decode("utf-8")


# --- password hashes ---------------------------------------------------------------------


def _encode64(data: bytes, count: int) -> str:
    """phpass's own base64 (little-endian groups, ITOA64 alphabet), as in class-phpass.php."""
    out = []
    i = 0
    while i < count:
        value = data[i]
        i += 1
        out.append(ITOA64[value & 0x3F])
        if i < count:
            value |= data[i] << 8
        out.append(ITOA64[(value >> 6) & 0x3F])
        if i >= count:
            break
        i += 1
        if i < count:
            value |= data[i] << 16
        out.append(ITOA64[(value >> 12) & 0x3F])
        if i >= count:
            break
        i += 1
        out.append(ITOA64[(value >> 18) & 0x3F])
    return "".join(out)


def _small_md5() -> Callable[[bytes], Any]:
    """CPython's own MD5 where it has one: for phpass's 8,192 hashes of ~40 bytes it takes half
    the time of OpenSSL's, whose per-call setup dominates (a Basic check 4.4 → 2.1 ms)."""
    try:
        return cast(Callable[[bytes], Any], importlib.import_module("_md5").md5)
    except ImportError:  # an interpreter built without it
        return hashlib.md5


_MD5 = _small_md5()


def _crypt_private(password: bytes, setting: bytes) -> bytes | None:
    """phpass portable hash (``PasswordHash::crypt_private``), on bytes like PHP; None where it fails."""
    if setting[:3] not in (b"$P$", b"$H$") or len(setting) < 12:
        return None
    count_log2 = ITOA64.encode("ascii").find(setting[3:4])
    if count_log2 < 7 or count_log2 > 30:
        return None
    return setting[:12] + _phpass_digest(password, setting[4:12], count_log2)


def _phpass_digest(password: bytes, salt: bytes, count_log2: int) -> bytes:
    """md5(salt . pw), then 2^count_log2 times md5(hash . pw); the 22-character encoded result."""
    digest = _MD5(salt + password).digest()
    for _ in range(1 << count_log2):
        digest = _MD5(digest + password).digest()
    return _encode64(digest, 16).encode("ascii")


def _prehash(password: bytes) -> bytes:
    """WordPress 6.8: base64(HMAC-SHA384) so bcrypt sees 64 bytes whatever the password length."""
    return base64.b64encode(hmac.new(PREHASH_KEY, password, hashlib.sha384).digest())


def _bcrypt_check(password: bytes, stored: str) -> bool:
    """PHP ``password_verify`` for bcrypt: it stops at a NUL byte and at 72 bytes, pyca refuses both."""
    if not stored.startswith(_BCRYPT_PREFIXES):
        return False
    password = password.split(b"\0", 1)[0][:72]
    return bcrypt.checkpw(password, stored.encode("ascii"))


def check_password(password: object, stored: object) -> bool:
    """``wp_check_password`` (7.1 order): MD5, length cap, ``$wp`` bcrypt, ``$P$`` phpass, others.

    Also accepts the 6.8 ``$generic$`` fast hash. Unknown formats (argon2, a custom
    ``$wp_hasher``) answer False: only WordPress itself can check those, and so does anything
    that is not text (a stored value is whatever the database held).
    """
    try:
        if not isinstance(password, str) or not isinstance(stored, str):
            return False
        pw = password.encode("utf-8")
        stored_bytes = stored.encode("utf-8")
        if len(stored_bytes) <= 32:
            return hmac.compare_digest(stored_bytes, hashlib.md5(pw).hexdigest().encode("ascii"))
        if len(pw) > MAX_PASSWORD_BYTES:
            return False
        if stored.startswith(FAST_HASH_PREFIX):
            return verify_fast_hash(password, stored)
        if stored.startswith("$wp"):
            return _bcrypt_check(_prehash(pw), stored[3:])
        if stored.startswith("$P$"):
            computed = _crypt_private(pw, stored_bytes)
            return computed is not None and hmac.compare_digest(computed, stored_bytes)
        return _bcrypt_check(pw, stored)
    except Exception:
        return False


def hash_password_phpass(password: str, salt: str | None = None) -> str:
    """The ``$P$B…`` hash WordPress ≤ 6.7 stores (``wp_hash_password``: trimmed, 2^13 rounds).

    ``salt`` (8 characters of ``./0-9A-Za-z``) makes the result reproducible in tests.
    """
    pw = password.strip(_PHP_TRIM).encode("utf-8")
    if len(pw) > MAX_PASSWORD_BYTES:
        raise ValueError("password longer than 4096 bytes")
    if salt is None:
        salt = _encode64(secrets.token_bytes(6), 6)
    if len(salt) != 8 or any(ch not in ITOA64 for ch in salt):
        raise ValueError("phpass salt must be 8 characters of ./0-9A-Za-z")
    return "$P$B" + salt + _phpass_digest(pw, salt.encode("ascii"), ITOA64.index("B")).decode("ascii")


def hash_password_wp(password: str, rounds: int = 10) -> str:
    """The ``$wp$2y$10$…`` hash of WordPress 6.8+ (``wp_hash_password``: trimmed, pre-hashed, bcrypt)."""
    hashed = bcrypt.hashpw(_prehash(password.strip(_PHP_TRIM).encode("utf-8")), bcrypt.gensalt(rounds, prefix=b"2b"))
    return "$wp$2y$" + hashed.decode("ascii")[4:]


def fast_hash(message: str) -> str:
    """``wp_fast_hash`` (6.8+): keyed BLAKE2b-240, URL-safe base64 without padding, ``$generic$`` prefix."""
    digest = hashlib.blake2b(message.encode("utf-8"), key=FAST_HASH_KEY, digest_size=30).digest()
    return FAST_HASH_PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verify_fast_hash(message: str, stored: str) -> bool:
    """``wp_verify_fast_hash`` for ``$generic$`` hashes, constant-time."""
    try:
        return hmac.compare_digest(fast_hash(message).encode("ascii"), stored.encode("utf-8"))
    except Exception:
        return False


# --- application passwords ---------------------------------------------------------------


def generate_application_password() -> str:
    """``wp_generate_password(24, false)``: 24 characters of [A-Za-z0-9]."""
    return "".join(secrets.choice(APPLICATION_PASSWORD_CHARS) for _ in range(APPLICATION_PASSWORD_LENGTH))


def normalize_application_password(password: str) -> str:
    """Strip everything but ASCII letters and digits, as ``wp_authenticate_application_password`` does."""
    return _NOT_ALNUM.sub("", password)


def chunk_application_password(password: str) -> str:
    """The ``abcd efgh …`` form WordPress shows once (``WP_Application_Passwords::chunk_password``)."""
    raw = normalize_application_password(password)
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_application_password_item(
    name: str,
    password: str,
    *,
    hash_format: str = "generic",
    created: int | None = None,
    app_id: str = "",
) -> dict[str, Any]:
    """One ``_application_passwords`` entry, keys in WordPress's order.

    ``generic`` is the 6.8+ hash, ``phpass`` the 5.6–6.7 one (both verify on any version ≥ 6.8).
    """
    raw = normalize_application_password(password)
    if hash_format == "generic":
        hashed = fast_hash(raw)
    elif hash_format == "phpass":
        hashed = hash_password_phpass(raw)
    else:
        raise ValueError(f"unknown hash_format {hash_format!r} (expected 'generic' or 'phpass')")
    return {
        "uuid": str(uuid.uuid4()),
        "app_id": app_id,
        "name": name,
        "password": hashed,
        "created": int(time.time()) if created is None else int(created),
        "last_used": None,
        "last_ip": None,
    }


def _iter_items(items: object) -> Iterable[object]:
    """The unserialized meta is a PHP list, i.e. a dict with int keys, or a Python list."""
    if isinstance(items, Mapping):
        return items.values()
    if isinstance(items, (list, tuple)):
        return items
    return ()


def match_application_password(password: object, items: object) -> dict[str, Any] | None:
    """The first item whose hash matches ``password`` (normalized), like WordPress's loop; else None.
    ``items`` is the unserialized ``_application_passwords`` meta, checked item by item."""
    if not isinstance(password, str):
        return None
    raw = normalize_application_password(password)
    if not raw:
        return None
    for item in _iter_items(items):
        if not isinstance(item, Mapping):
            continue
        stored = item.get("password")
        if not isinstance(stored, str) or not stored:
            continue
        ok = verify_fast_hash(raw, stored) if stored.startswith(FAST_HASH_PREFIX) else check_password(raw, stored)
        if ok:
            return item if isinstance(item, dict) else dict(item)
    return None


# --- roles and capabilities --------------------------------------------------------------


def php_truthy(value: object) -> bool:
    """PHP's truthiness (``!empty()``): unlike Python, the string "0" is false."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def effective_capabilities(
    user_caps: Mapping[str, object] | None, role_defs: Mapping[str, object] | None
) -> tuple[list[str], dict[str, bool]]:
    """Roles and all capabilities of a user, as ``WP_User::get_role_caps`` merges them.

    ``user_caps`` is the unserialized ``{prefix}capabilities`` meta, ``role_defs`` the
    ``{prefix}user_roles`` option. Roles are the user's keys that name a defined role; role
    capabilities merge in order, then the user's own entries override (so ``false`` removes a
    cap and each held role name is itself a cap). Stricter than WordPress: a role entry whose
    value is false is not held (WordPress would still grant that role's capabilities).
    """
    user_caps = user_caps if isinstance(user_caps, Mapping) else {}
    role_defs = role_defs if isinstance(role_defs, Mapping) else {}

    held: dict[str, Mapping[Any, object]] = {}  # the user's roles that are defined, with their definitions
    for key, value in user_caps.items():
        definition = role_defs.get(key) if isinstance(key, str) else None
        if isinstance(key, str) and isinstance(definition, Mapping) and php_truthy(value):
            held[key] = definition

    allcaps: dict[str, bool] = {}
    for definition in held.values():
        capabilities = definition.get("capabilities")
        if isinstance(capabilities, Mapping):
            for cap, granted in capabilities.items():
                if isinstance(cap, str):
                    allcaps[cap] = php_truthy(granted)
    for key, value in user_caps.items():
        if isinstance(key, str):
            allcaps[key] = php_truthy(value)
    return list(held), allcaps
