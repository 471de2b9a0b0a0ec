"""Application Passwords' ``last_used`` and ``last_ip``, recorded as WordPress records them.

WordPress's ``WP_Application_Passwords::record_application_password_usage`` runs after each
successful application-password login and writes at most once a day per password: when
``last_used + DAY_IN_SECONDS`` has passed it sets ``last_used = time()`` and ``last_ip =
REMOTE_ADDR`` in the user meta ``_application_passwords`` (a PHP-serialized list) and saves it.
The bridge does the same after each full check of a password (a check it has cached for
``APP_PASSWORD_TTL`` seconds does not look again), so a site admin sees in WordPress which keys
are in use and can revoke the stale ones.

The meta is written back PHP-serialized (bridge/wordpress.py ``php_dumps``) with only that
item's two keys changed, as a compare-and-set on the exact value read: a concurrent change
(another worker recording the same login, WordPress adding or revoking a password) makes the
UPDATE match nothing, and the bridge re-reads and tries again rather than overwrite it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import pymysql

from bridge.db import Database
from bridge.errors import DatabaseUnavailable
from bridge.schema import TableNames
from bridge.wordpress import php_dumps, php_loads

log = logging.getLogger("bridge.auth")

DAY_IN_SECONDS = 86400
ATTEMPTS = 3


def due(item: Mapping[str, Any], now: int) -> bool:
    """WordPress's rule: record again only once ``last_used + DAY_IN_SECONDS`` has passed."""
    last = item.get("last_used")
    try:
        last_used = int(last) if last is not None and last != "" else 0
    except (TypeError, ValueError):
        last_used = 0
    return last_used + DAY_IN_SECONDS <= now


def with_usage(meta_value: str, uuid: str, now: int, address: str) -> str | None:
    """The meta value with ``uuid``'s ``last_used``/``last_ip`` set, serialized as PHP does;
    None when the value is not a list of passwords, lacks ``uuid``, or it is not due yet."""
    items = php_loads(meta_value)
    if not isinstance(items, dict | list):
        return None
    values = items.values() if isinstance(items, dict) else items
    for item in values:
        if isinstance(item, dict) and item.get("uuid") == uuid:
            if not due(item, now):
                return None
            item["last_used"] = now
            item["last_ip"] = address
            return php_dumps(items)
    return None


async def record_usage(db: Database, names: TableNames, umeta_id: int, uuid: str, address: str) -> bool:
    """Record one use of the password ``uuid`` stored in the meta row ``umeta_id``; True when it
    was written. A failure is logged, never raised: the login itself has succeeded."""
    now = int(time.time())
    try:
        for _ in range(ATTEMPTS):
            current = await db.fetch_val(
                f"SELECT meta_value FROM `{names.usermeta}` WHERE umeta_id = %(id)s", {"id": umeta_id}
            )
            if not isinstance(current, str | bytes):
                return False
            old = current.decode("utf-8") if isinstance(current, bytes) else current
            new = with_usage(old, uuid, now, address)
            if new is None:
                return False
            async with db.transaction() as ex:  # writes go through a transaction (bridge/db.py)
                changed, _ = await ex.execute(
                    f"UPDATE `{names.usermeta}` SET meta_value = %(new)s WHERE umeta_id = %(id)s AND meta_value = %(old)s",
                    {"new": new, "id": umeta_id, "old": old},
                )
            if changed:
                return True
    except (pymysql.MySQLError, DatabaseUnavailable, OSError):
        log.warning("could not record the use of application password %s", uuid, exc_info=True)
    return False
