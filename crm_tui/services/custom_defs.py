"""Custom fields' definitions as this process knows them: read from the
custom_field table, described to the models and the metadata
(custom_schema.describe), read again when another process changed them
(`refresh`, one small query) and forgotten when another database is opened."""

from __future__ import annotations

import json
from dataclasses import dataclass

from peewee import DatabaseError

from crm_tui import meta
from crm_tui.db import database, dict_rows, on_open, table_exists
from crm_tui.errors import NotFound
from crm_tui.meta import Attribute, Option
from crm_tui.services import custom_schema
from crm_tui.services.custom_schema import CUSTOMISABLE, column_of


@dataclass(frozen=True)
class CustomField:
    """One custom field as its definition row holds it."""

    id: int
    kind: str
    name: str  # as the admin named it; the column is cf_<name>
    label: str
    type: str
    options: tuple[Option, ...]
    target: str | None
    required: bool
    searchable: bool
    position: int
    removed: bool
    version: int

    @property
    def column(self) -> str:
        return column_of(self.name)

    def attribute(self) -> Attribute:
        """The field as the metadata describes it."""
        return custom_schema.attribute(
            self.name,
            self.label,
            self.type,
            self.options,
            self.target,
            required=self.required,
            searchable=self.searchable,
        )


def _field(row: dict) -> CustomField:
    options = tuple(Option(code, label) for code, label in json.loads(row["options"] or "[]"))
    return CustomField(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        label=row["label"],
        type=row["type"],
        options=options,
        target=row["target"],
        required=bool(row["required"]),
        searchable=bool(row["searchable"]),
        position=row["position"],
        removed=bool(row["removed"]),
        version=row["version"],
    )


_SELECT = (
    "SELECT id, kind, name, label, type, options, target, required, searchable, position, "
    "removed, version FROM custom_field"
)

# The stamp of the definitions this process describes, None: not read yet.
_known: dict = {"stamp": None}


def _opened() -> None:
    """Forget the last database's fields and read this one's while its
    connection is new: checking a record's fields then reads nothing."""
    custom_schema.describe({})
    _known.update(stamp=None, readable=None)
    if database.is_closed():
        return
    try:
        refresh()
    except DatabaseError:
        # unread: the first list, form or save that needs them reads them,
        # and says what is wrong with the database if that fails again
        _known.update(stamp=None, readable=None)


on_open(_opened)


def _readable() -> bool:
    """Whether this database has custom fields this connection may read: not
    before migration m0015 (a database opened without upgrading it), nor on
    PostgreSQL before its access rules were installed again since."""
    return table_exists("custom_field")


def _stamp():
    if _known.get("readable") is None:
        _known["readable"] = _readable()
    if not _known["readable"]:
        return ("none",)
    row = dict_rows("SELECT count(*) AS n, max(modified_at) AS at FROM custom_field")[0]
    return (row["n"], row["at"])


def current() -> None:
    """Describe this database's custom fields, if not done since it was opened."""
    if _known["stamp"] is None:
        refresh()


def refresh() -> bool:
    """Read the definitions again if any changed (here or in another
    process); returns whether they did."""
    stamp = _stamp()
    if stamp == _known["stamp"]:
        return False
    by_kind: dict[str, list] = {}
    if stamp != ("none",):
        for field in map(_field, dict_rows(f"{_SELECT} WHERE removed = 0 ORDER BY position, id")):
            if field.kind in CUSTOMISABLE:
                by_kind.setdefault(field.kind, []).append((field.attribute(), field.type))
    custom_schema.describe(by_kind)
    _known["stamp"] = stamp
    return True


def fields(kind: str | None = None, *, removed: bool = False) -> list[CustomField]:
    """The custom fields (of `kind`), in form order; removed ones too when asked."""
    where, params = ["1 = 1"], []
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if not removed:
        where.append("removed = 0")
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY kind, position, id"
    return [_field(r) for r in dict_rows(sql, params)]


def get(field_id: int) -> CustomField:
    """One field by id; NotFound when it was purged."""
    rows = dict_rows(f"{_SELECT} WHERE id = ?", (field_id,))
    if not rows:
        raise NotFound(f"custom field #{field_id} does not exist (it may have been purged)")
    return _field(rows[0])


def by_name(kind: str, name: str) -> CustomField:
    """The field of `kind` named `name` (as added, or its label)."""
    wanted = name.strip().lower().removeprefix(custom_schema.PREFIX)
    for field in fields(kind, removed=True):
        if wanted in (field.name, field.label.lower()):
            return field
    raise NotFound(f"{meta.kind(kind).label.lower()} has no custom field {name!r}")
