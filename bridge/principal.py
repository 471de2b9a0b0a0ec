"""Who the caller is: roles, effective capabilities and relations, loaded once per request.

Relations count active rows only: an owner of an inactive customer owns nothing.
Loaded principals are cached briefly per user and evicted when relation rows change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, TypedDict

from pypika import MySQLQuery, Order, Table

from bridge.cache import MISSING, Cache
from bridge.db import Database
from bridge.schema import SchemaInfo, TableNames
from bridge.singleflight import SingleFlight
from bridge.wordpress import effective_capabilities, php_loads

PRINCIPAL_TTL = 30
ROLES_TTL = 60
PRINCIPAL_GROUP = "principals"

# wp-agency's access levels by role: whole agency, a division, or inspected branches.
AgencyLevel = Literal["agency", "division", "inspector", "none"]
AGENCY_LEVEL_ROLES: dict[AgencyLevel, tuple[str, ...]] = {
    "agency": ("agency_admin", "agency_kepala_dinas", "agency_admin_dinas"),
    "division": (
        "agency_admin_unit",
        "agency_kepala_unit",
        "agency_kepala_bidang",
        "agency_kepala_seksi",
        "agency_admin_bidang",
        "agency_admin_seksi",
    ),
    "inspector": ("agency_pengawas", "agency_pengawas_spesialis"),
}


@dataclass(frozen=True)
class AgencyMembership:
    """One tie to an agency: as its admin (``agencies.user_id``) or as an agency employee."""

    agency_id: int
    division_id: int | None
    level: AgencyLevel
    employee_id: int | None = None


class BranchAdministered(TypedDict):
    branch_id: int
    customer_id: int


class EmployeeOf(TypedDict):
    employee_id: int
    customer_id: int
    branch_id: int


class AgencyTie(TypedDict):
    agency_id: int
    division_id: int | None
    level: AgencyLevel
    agency_employee_id: int | None


class RelationsView(TypedDict):
    """A principal's relations as ``GET /users/me`` shows them."""

    customers_owned: list[int]
    branches_administered: list[BranchAdministered]
    employee_of: list[EmployeeOf]
    agencies: list[AgencyTie]
    platform_staff_id: int | None


class PrincipalView(TypedDict):
    """``GET /users/me``: who the caller is, their roles, capabilities and relations."""

    id: int
    name: str
    login: str
    roles: list[str]
    capabilities: dict[str, bool]
    relations: RelationsView


@dataclass(frozen=True)
class Relations:
    owned_customers: tuple[int, ...] = ()
    admin_branches: tuple[tuple[int, int], ...] = ()  # (branch id, customer id)
    employee_rows: tuple[tuple[int, int, int], ...] = ()  # (employee id, customer id, branch id)
    agencies: tuple[AgencyMembership, ...] = ()
    platform_staff_id: int | None = None

    def as_dict(self) -> RelationsView:
        return {
            "customers_owned": list(self.owned_customers),
            "branches_administered": [{"branch_id": b, "customer_id": c} for b, c in self.admin_branches],
            "employee_of": [{"employee_id": e, "customer_id": c, "branch_id": b} for e, c, b in self.employee_rows],
            "agencies": [
                {
                    "agency_id": a.agency_id,
                    "division_id": a.division_id,
                    "level": a.level,
                    "agency_employee_id": a.employee_id,
                }
                for a in self.agencies
            ],
            "platform_staff_id": self.platform_staff_id,
        }


@dataclass(frozen=True)
class AccessTypes:
    """The user's access types as the plugin's ``getUserRelation`` gives them in the general
    context (customer id 0, branch id 0): what the bridge computed, and what the filters
    (``bridge/access_types.py``) and a signed PHP statement made of it. ``relation`` and
    ``branch_relation`` are the filtered relation arrays, keys plugins added included."""

    computed: str = "none"
    customer: str = "none"
    computed_branch: str = "none"
    branch: str = "none"
    relation: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    branch_relation: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def __getstate__(self) -> dict[str, Any]:  # MappingProxyType does not pickle (the shared cache)
        return {**self.__dict__, "relation": dict(self.relation), "branch_relation": dict(self.branch_relation)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key in ("relation", "branch_relation"):
            state[key] = MappingProxyType(dict(state[key]))
        self.__dict__.update(state)


@dataclass(frozen=True)
class PhpPermissions:
    """What the signed shim said about the plugin's per-row permission filters: which have PHP
    callbacks (``perm=``), so the bridge asks about the rows they decide
    (``bridge/row_permissions.py``). Per request, never cached."""

    hooked: frozenset[str] = frozenset()


NOTHING_ANNOUNCED = PhpPermissions()


@dataclass(frozen=True)
class Principal:
    """The caller. ``user_id == 0`` is a logged-out visitor with no roles and no relations."""

    user_id: int
    login: str = ""
    name: str = ""
    email: str = ""
    roles: tuple[str, ...] = ()
    caps: frozenset[str] = frozenset()
    relations: Relations = field(default_factory=Relations)
    access: AccessTypes | None = None  # None: no filter evaluated (the computed rules hold)
    # The signed shim's, per request; a class-level default, so a principal cached before this
    # field existed (the shared cache, during an upgrade) still reads as "nothing announced".
    php: PhpPermissions = NOTHING_ANNOUNCED

    @property
    def logged_in(self) -> bool:
        return self.user_id > 0

    def can(self, cap: str) -> bool:
        return cap in self.caps

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_administrator(self) -> bool:
        """Sees and may do everything: the ``administrator`` role or ``edit_all_customers``."""
        return self.has_role("administrator") or self.can("edit_all_customers")

    @property
    def is_platform_staff(self) -> bool:
        return self.relations.platform_staff_id is not None

    def is_platform_viewer(self, view_cap: str) -> bool:
        """A platform user who may read a whole resource."""
        if self.is_platform_staff:
            return True
        return any(r.startswith("platform_") for r in self.roles) and self.can(view_cap)

    def as_dict(self) -> PrincipalView:
        return {
            "id": self.user_id,
            "name": self.name,
            "login": self.login,
            "roles": list(self.roles),
            "capabilities": {cap: True for cap in sorted(self.caps)},
            "relations": self.relations.as_dict(),
        }


ANONYMOUS = Principal(user_id=0)


def agency_level(roles: tuple[str, ...]) -> AgencyLevel:
    for level, names in AGENCY_LEVEL_ROLES.items():
        if any(r in names for r in roles):
            return level
    return "none"


RoleDefinitions = dict[str, object]  # the ``{prefix}user_roles`` option as stored: checked where it is read


class PrincipalLoader:
    """Reads users, usermeta, the roles option and relation rows; caches the result."""

    def __init__(
        self,
        db: Database,
        cache: Cache,
        names: TableNames,
        schema: SchemaInfo,
        evaluate: Callable[[Principal], Awaitable[Principal]] | None = None,
    ) -> None:
        self.db = db
        self.evaluate = evaluate  # the access filters, run once per load: the result is cached with it
        self.cache = cache
        self.names = names
        self.schema = schema
        self.cap_key = names.prefix + "capabilities"
        self._loading: SingleFlight[Principal | None] = SingleFlight()  # a user's concurrent requests share one load

    async def role_definitions(self) -> RoleDefinitions:
        key = f"roles@{await self.cache.generations([PRINCIPAL_GROUP])}"  # as for principals (load)
        cached = await self.cache.get(key, MISSING)
        if isinstance(cached, dict):  # what this method stores; MISSING otherwise
            return cached
        options = Table(self.names.options)
        raw = await self.db.fetch_val(
            MySQLQuery.from_(options)
            .select(options.option_value)
            .where(options.option_name == self.names.prefix + "user_roles")
        )
        stored = php_loads(raw) if raw else None
        roles: RoleDefinitions = stored if isinstance(stored, dict) else {}
        await self.cache.set(key, roles, ROLES_TTL, PRINCIPAL_GROUP)
        return roles

    async def load(self, user_id: int) -> Principal | None:
        """The principal for ``user_id``, or None when no such WordPress user exists."""
        if user_id <= 0:
            return ANONYMOUS
        # The group's generation is in the key: a load that read the relations just before a
        # write committed, and stores them just after the write evicted the group, stores
        # them where no later request looks (without it, the old relations would be served
        # for up to PRINCIPAL_TTL).
        key = await self._key(user_id)
        cached = await self.cache.get(key, MISSING)
        if isinstance(cached, Principal):  # only principals are stored; MISSING otherwise
            return cached
        return await self._loading.run(key, lambda: self._load_and_keep(user_id, key))

    async def _load_and_keep(self, user_id: int, key: str) -> Principal | None:
        principal = await self._load(user_id)
        if principal is not None and self.evaluate is not None:
            principal = await self.evaluate(principal)
        if principal is not None:
            await self.cache.set(key, principal, PRINCIPAL_TTL, PRINCIPAL_GROUP)
        return principal

    async def _key(self, user_id: int) -> str:
        return f"principal:{user_id}@{await self.cache.generations([PRINCIPAL_GROUP])}"

    async def cached(self, user_id: int) -> Principal | None:
        """The principal for ``user_id`` if the cache holds it; never reads the database."""
        cached = await self.cache.get(await self._key(user_id), None)
        return cached if isinstance(cached, Principal) else None

    async def _load(self, user_id: int) -> Principal | None:
        users, meta = Table(self.names.users), Table(self.names.usermeta)
        user = await self.db.fetch_one(
            MySQLQuery.from_(users)
            .left_join(meta)
            .on((meta.user_id == users.ID) & (meta.meta_key == self.cap_key))
            .select(users.ID, users.user_login, users.display_name, users.user_email, meta.meta_value.as_("caps"))
            .where(users.ID == user_id)
            .orderby(meta.umeta_id, order=Order.asc)
            .limit(1)
        )
        if user is None:
            return None
        user_caps = php_loads(user["caps"]) if user["caps"] else None
        roles, caps = effective_capabilities(
            user_caps if isinstance(user_caps, dict) else {}, await self.role_definitions()
        )
        relations = await self._relations(user_id, tuple(roles))
        return Principal(
            user_id=user_id,
            login=user["user_login"],
            name=user["display_name"] or user["user_login"],
            email=user["user_email"],
            roles=tuple(roles),
            caps=frozenset(c for c, granted in caps.items() if granted),
            relations=relations,
        )

    async def _relations(self, user_id: int, roles: tuple[str, ...]) -> Relations:
        rows = await self.db.fetch_all(*self._relations_sql(user_id))
        owned: list[int] = []
        branches: list[tuple[int, int]] = []
        employees: list[tuple[int, int, int]] = []
        agencies: list[AgencyMembership] = []
        platform: int | None = None
        level = agency_level(roles)
        for row in rows:
            kind, a, b, c = row["kind"], int(row["a"]), int(row["b"] or 0), int(row["c"] or 0)
            if kind == "owner":
                owned.append(a)
            elif kind == "branch_admin":
                branches.append((a, b))
            elif kind == "employee":
                employees.append((a, b, c))
            elif kind == "agency_owner":
                agencies.append(AgencyMembership(a, None, "agency"))
            elif kind == "agency_employee":
                agencies.append(AgencyMembership(b, c or None, level, a))
            elif kind == "platform":
                platform = a
        return Relations(tuple(owned), tuple(branches), tuple(employees), tuple(agencies), platform)

    def _relations_sql(self, user_id: int) -> tuple[str, list[int]]:
        """One round trip: a UNION ALL over every table that can tie a user to data."""
        n, s = self.names, self.schema
        parts: list[str] = [
            f"SELECT 'owner' AS kind, id AS a, 0 AS b, 0 AS c FROM `{n.customers}` WHERE user_id = %s AND status = 'active'",
            f"SELECT 'branch_admin', id, customer_id, 0 FROM `{n.branches}` WHERE user_id = %s AND status = 'active'"
            if s.has("branches", "user_id")
            else "",
            f"SELECT 'employee', id, customer_id, branch_id FROM `{n.employees}` WHERE user_id = %s AND status = 'active'",
        ]
        if s.has("agencies", "user_id"):
            parts.append(
                f"SELECT 'agency_owner', id, 0, 0 FROM `{n.agencies}` WHERE user_id = %s AND status = 'active'"
            )
        if s.has("agency_employees", "user_id"):
            parts.append(
                f"SELECT 'agency_employee', id, agency_id, division_id FROM `{n.agency_employees}` "
                "WHERE user_id = %s AND status = 'active'"
            )
        if s.has("platform_staff", "user_id"):
            parts.append(
                f"SELECT 'platform', id, 0, 0 FROM `{n.platform_staff}` WHERE user_id = %s AND status = 'aktif'"
            )
        parts = [p for p in parts if p]
        return " UNION ALL ".join(parts), [user_id] * len(parts)


__all__ = ["ANONYMOUS", "AccessTypes", "AgencyMembership", "Principal", "PrincipalLoader", "Relations"]
