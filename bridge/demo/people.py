"""WordPress users and their usermeta (capabilities, level, names), with ids assigned here."""

from __future__ import annotations

from typing import NamedTuple

from bridge.demo.writer import Writer
from bridge.schema import TableNames
from bridge.wordpress import php_dumps


class Person(NamedTuple):
    id: int
    login: str
    email: str
    name: str


# A ``users`` row in USER_COLS order, and a ``usermeta`` row in META_COLS order.
UserRow = tuple[int, str, str, str, str, str, str, str, int, str]
MetaRow = tuple[int, int, str, str]


class Users:
    """WordPress users and their meta, built as tuples with ids assigned here."""

    USER_COLS = (
        "ID",
        "user_login",
        "user_pass",
        "user_nicename",
        "user_email",
        "user_url",
        "user_registered",
        "user_activation_key",
        "user_status",
        "display_name",
    )
    META_COLS = ("umeta_id", "user_id", "meta_key", "meta_value")

    def __init__(self, names: TableNames, next_user: int, next_meta: int, password_hash: str) -> None:
        self.cap_key = names.prefix + "capabilities"
        self.level_key = names.prefix + "user_level"
        self.next_user = next_user
        self.next_meta = next_meta
        self.password_hash = password_hash
        self.rows: list[UserRow] = []
        self.meta: list[MetaRow] = []
        self._caps: dict[tuple[str, ...], str] = {}

    def add(
        self,
        first: str,
        last: str,
        roles: tuple[str, ...],
        registered: str,
        login: str | None = None,
    ) -> Person:
        """A user with the given roles; generated logins end in the user id, so they are unique."""
        uid = self.next_user
        self.next_user += 1
        login = login or f"{first}_{last}_{uid}".lower()
        email = f"{login}@example.com"
        display = f"{first} {last}".strip() or login
        self.rows.append((uid, login, self.password_hash, login[:50], email, "", registered, "", 0, display))
        self.add_meta(uid, self.cap_key, self._caps_blob(roles))
        self.add_meta(uid, self.level_key, "10" if "administrator" in roles else "0")
        self.add_meta(uid, "nickname", login)
        self.add_meta(uid, "first_name", first)
        self.add_meta(uid, "last_name", last)
        return Person(uid, login, email, display)

    def add_meta(self, uid: int, key: str, value: str) -> None:
        self.meta.append((self.next_meta, uid, key, value))
        self.next_meta += 1

    def _caps_blob(self, roles: tuple[str, ...]) -> str:
        blob = self._caps.get(roles)
        if blob is None:
            blob = self._caps[roles] = php_dumps({role: True for role in roles})
        return blob

    def take(self) -> tuple[list[UserRow], list[MetaRow]]:
        """Detach the users and meta built so far (to be written elsewhere)."""
        rows, meta = self.rows, self.meta
        self.rows, self.meta = [], []
        return rows, meta

    def flush(self, writer: Writer) -> None:
        rows, meta = self.take()
        writer.insert_tuples("users", self.USER_COLS, rows)
        writer.insert_tuples("usermeta", self.META_COLS, meta)
