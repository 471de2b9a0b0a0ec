"""``_links`` between the resources and ``_embed``, as WordPress links and embeds them.

Each item links to what it belongs to and what belongs to it (``RELATIONS``); every such link
is ``embeddable``. ``_embed`` (all, or a list of relations) puts the linked rows under
``_embedded``, each read exactly as the caller would read it (the same WHERE pipeline, so a row
outside their scope is simply not embedded), in the compact ``embed`` context, one level deep,
once per href.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pypika import MySQLQuery, Order, Table
from sanic import Request

from bridge.namespace import API_PREFIX
from bridge.pipeline import combine, scoped_columns, where_for
from bridge.services import services
from bridge.settings import Settings
from bridge.tables.base import Column, TableModel

Kind = Literal["item", "collection", "user"]
EMBED_LIMIT = 100  # WordPress asks for the route's maximum per_page when it embeds a collection
# the compact set ``context=embed`` answers (WordPress: the fields whose context lists "embed")
EMBED_FIELDS = ("id", "code", "name", "type", "status", "customer_id", "branch_id", "user_id", "_links", "_embedded")


@dataclass(frozen=True)
class Relation:
    """``rel`` of an item of ``resource``: the ``target`` resource by the ``key`` column (an
    item, or a user), or the rows of ``target`` whose ``key`` is this item's id (a collection)."""

    resource: str
    rel: str
    target: str
    key: str
    kind: Kind = "item"


RELATIONS = (
    Relation("customers", "owner", "users", "user_id", "user"),
    Relation("customers", "branches", "branches", "customer_id", "collection"),
    Relation("customers", "employees", "employees", "customer_id", "collection"),
    Relation("branches", "customer", "customers", "customer_id"),
    Relation("branches", "agency", "agencies", "agency_id"),
    Relation("branches", "admin", "users", "user_id", "user"),
    Relation("employees", "customer", "customers", "customer_id"),
    Relation("employees", "branch", "branches", "branch_id"),
    Relation("employees", "user", "users", "user_id", "user"),
)


def user_url(request: Request, user_id: int) -> str:
    """WordPress's own user route: users are WordPress's resource, not the bridge's."""
    return _user_url(services(request).settings, user_id)


def _user_url(settings: Settings, user_id: int) -> str:
    return f"{(settings.wp_site_url or settings.base_url).rstrip('/')}/wp-json/wp/v2/users/{user_id}"


_RELATIONS_OF: dict[str, tuple[Relation, ...]] = {}
for _rel in RELATIONS:
    _RELATIONS_OF[_rel.resource] = (*_RELATIONS_OF.get(_rel.resource, ()), _rel)


def relation_links(request: Request, resource: str, body: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The embeddable links of an item (a relation whose key is empty has no link)."""
    return links_under(services(request).settings, resource, body)


def links_under(settings: Settings, resource: str, body: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """:func:`relation_links` with the settings already at hand (a page's items share them)."""
    base = settings.base_url + API_PREFIX
    out: dict[str, list[dict[str, Any]]] = {}
    for rel in _RELATIONS_OF.get(resource, ()):
        if rel.kind == "collection":
            href = f"{base}/{rel.target}?{rel.key}={body['id']}"
        else:
            value = body.get(rel.key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                continue
            href = _user_url(settings, value) if rel.kind == "user" else f"{base}/{rel.target}/{value}"
        out[rel.rel] = [{"href": href, "embeddable": True}]
    return out


def embed_rels(request: Request) -> set[str] | None:
    """``_embed`` from the query (WordPress's ``rest_parse_embed_param``): None when absent,
    an empty set for all relations (``_embed``, ``_embed=1``, ``_embed=true``), else the names."""
    values = [v for k, v in request.get_query_args(keep_blank_values=True) if k in ("_embed", "_embed[]")]
    if not values:
        return None
    names = {n for v in values for n in v.replace(" ", ",").split(",") if n}
    return set() if not names or names <= {"1", "true"} else names


def compact(body: Mapping[str, Any]) -> dict[str, Any]:
    """The ``embed`` context of an item: its identity and relation keys, and its links."""
    return {k: v for k, v in body.items() if k in EMBED_FIELDS}


class Embedder:
    """Resolves the embeddable links of one response in the caller's scope, each href once."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.svc = services(request)
        self.seen: dict[tuple[str, int], Any] = {}

    async def embed(self, resource: str, body: dict[str, Any], wanted: set[str]) -> None:
        """Add ``_embedded`` to ``body`` for the relations asked for (all when ``wanted`` is empty)
        that it links to; a relation that resolves to nothing is left out, as WordPress does."""
        links = body.get("_links")
        if not isinstance(links, dict) or not isinstance(body.get("id"), int):
            return
        embedded: dict[str, list[Any]] = {}
        for rel in RELATIONS:
            if rel.resource != resource or rel.rel not in links or (wanted and rel.rel not in wanted):
                continue
            key = body["id"] if rel.kind == "collection" else body.get(rel.key)
            if not isinstance(key, int):
                continue
            found = await self.resolve(rel, key)
            if found:
                embedded[rel.rel] = [found]
        if embedded:
            body["_embedded"] = embedded

    async def resolve(self, rel: Relation, key: int) -> Any:
        cache_key = (f"{rel.target}:{rel.kind}:{rel.key}", key)
        if cache_key not in self.seen:
            if rel.kind == "user":
                self.seen[cache_key] = await self.user(key)
            elif rel.kind == "collection":
                self.seen[cache_key] = await self.rows(rel.target, rel.key, key)
            else:
                rows = await self.rows(rel.target, "id", key)
                self.seen[cache_key] = rows[0] if rows else None
        return self.seen[cache_key]

    async def rows(self, resource: str, column: str, value: int) -> list[dict[str, Any]]:
        """Rows of ``resource`` with ``column = value`` that the caller may see, compact."""
        model = self.svc.models.get(resource)
        if model is None or column not in model.columns:
            return []
        where = await where_for(self.svc.hooks, model, self.request)
        term = model.id_field if column == "id" else model.columns[column].term
        query = (
            model.select_query(await self.columns(model))
            .where(combine([*where, term == value]))
            .orderby(model.id_field, order=Order.asc)
            .limit(EMBED_LIMIT)
        )
        out = []
        for raw in await self.svc.db.fetch_all(query):
            body = model.shape(raw)
            body["_links"] = {
                "self": [{"href": f"{self.svc.settings.base_url}{API_PREFIX}/{resource}/{body.get('id')}"}],
                **relation_links(self.request, resource, body),
            }
            out.append(compact(body))
        return out

    async def columns(self, model: TableModel) -> list[Column]:
        """The columns a read of ``model`` shows this caller (as ``rest.items.shown_columns``)."""
        columns = await scoped_columns(self.svc.hooks, self.svc.models, model, self.request)
        return [c for c in columns.values() if not c.internal]

    async def user(self, user_id: int) -> dict[str, Any] | None:
        """A WordPress user as WordPress embeds an author: id, name, slug and link."""
        users = Table(self.svc.names.users)
        query = (
            MySQLQuery.from_(users)
            .select(users.ID, users.display_name, users.user_nicename)
            .where(users.ID == user_id)
            .limit(1)
        )
        row = await self.svc.db.fetch_one(query)
        if row is None:
            return None
        link = user_url(self.request, user_id)
        return {
            "id": int(row["ID"]),
            "name": row["display_name"],
            "slug": row["user_nicename"],
            "_links": {"self": [{"href": link}]},
        }
