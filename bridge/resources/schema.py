"""What a REST resource is, stated once: its fields and its collection parameters.

A ``ResourceSchema`` lists every field of a resource's body: its JSON type, whether a write may
send it (read-only fields are refused by name), whether it is required, its length limit, its
enum, its format, its range, and the plugin's message for each rule (facts §6). Validation
(``bridge/validation.py``) reads the writable fields' rules from it; OpenAPI, OPTIONS and CSV
export are meant to read the same instances, so the rules are never written twice. Pure data:
nothing here touches a request or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["string", "integer", "boolean", "number", "object"]
# The text formats validation knows (bridge/validation.py FORMATS): npwp and nib are normalised first.
Format = Literal["npwp", "nib", "email", "phone", "code", "digits", "postal-code", "date-time", "uri"]
# id: ``?customer_id=3``; enum: one or more fixed values (``?status=active``, ``status[]=…``);
# ids: a list of row ids (``include``/``exclude``); after/before: a date-time bound on ``column``.
FilterKind = Literal["id", "enum", "ids", "after", "before"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a resource's body.

    ``integer`` fields are ids (1 … 2^63-1). A field is available on a site when its table has
    one of ``columns`` (default: its name); one the layout lacks is refused, never required.
    Messages: ``required_message`` for a missing or blank required value, ``max_message`` for
    an over-long text (default ``invalid_message``), ``invalid_message`` for a value outside the
    enum, format or range (default: WordPress's wording).
    """

    name: str
    type: FieldType = "string"
    enum: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    read_only: bool = False
    nullable: bool = True  # null (or "" for a non-text field) clears it
    required: bool = False  # on create (when the layout has it), and never blank once sent
    not_blank: bool = False  # may be left out, but never sent blank
    create_only: bool = False  # set on create, refused on update
    empty_is_null: bool = False  # optional text sent empty is stored as NULL
    generated: bool = False  # left out or empty on create: the bridge makes one; never cleared
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    format: Format | None = None
    required_message: str = ""
    max_message: str = ""
    invalid_message: str = ""
    description: str = ""


@dataclass(frozen=True)
class FilterSpec:
    """A collection filter: an id (``?customer_id=3``), fixed values (``?status=active``), a list
    of ids (``?include=1,2``) or a date-time bound (``?modified_after=…`` on ``updated_at``).
    ``negate`` turns a list of ids into the ids left out (``exclude``)."""

    name: str
    kind: FilterKind = "id"
    choices: tuple[str, ...] = ()
    column: str = ""  # the own column an ids / after / before filter reads (default ``id``)
    negate: bool = False
    description: str = ""


# WordPress's incremental-sync parameters (posts controller ``get_collection_params``), on every
# collection: both layouts of the plugin keep ``created_at`` and ``updated_at`` on each table.
SYNC_FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec("include", "ids", column="id", description="Only these ids (comma list or include[])."),
    FilterSpec("exclude", "ids", column="id", negate=True, description="Leave out these ids."),
    FilterSpec("modified_after", "after", column="updated_at", description="Changed after (ISO 8601)."),
    FilterSpec("modified_before", "before", column="updated_at", description="Changed before (ISO 8601)."),
    FilterSpec("after", "after", column="created_at", description="Created after (ISO 8601)."),
    FilterSpec("before", "before", column="created_at", description="Created before (ISO 8601)."),
)


@dataclass(frozen=True)
class ResourceSchema:
    """A resource: its names, the table its fields live in, its fields and its collection parameters."""

    resource: str  # URL name: customers
    entity: str  # singular: customer
    table: str  # the layout's table key (bridge/schema.py) the writable fields are stored in
    fields: tuple[FieldSpec, ...]  # writable fields in the order their rules run, then read-only ones
    orderby: tuple[str, ...]  # ?orderby= whitelist; intersected with the model's orderable columns
    filters: tuple[FilterSpec, ...]
    item_keys: tuple[str, ...]  # joined names every body carries (null when the layout lacks them)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.resource}: a field is listed twice")

    @property
    def writable(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if not f.read_only)

    @property
    def read_only(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.read_only)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def filter(self, name: str) -> FilterSpec | None:
        return next((f for f in self.filters if f.name == name), None)


def read_only(name: str, type: FieldType = "string", format: Format | None = None) -> FieldSpec:
    """A field a body shows but a write may not send (ids, joined names, counts, timestamps)."""
    return FieldSpec(name, type, read_only=True, format=format)


_SHORT: dict[str, tuple[FieldType, Format | None]] = {
    "": ("string", None),
    "integer": ("integer", None),
    "boolean": ("boolean", None),
    "object": ("object", None),
    "date-time": ("string", "date-time"),
}


def read_only_fields(spec: str) -> tuple[FieldSpec, ...]:
    """Read-only fields from ``"id:integer name created_at:date-time"`` (text by default)."""
    fields = []
    for item in spec.split():
        name, _, short = item.partition(":")
        kind, format = _SHORT[short]
        fields.append(read_only(name, kind, format))
    return tuple(fields)
