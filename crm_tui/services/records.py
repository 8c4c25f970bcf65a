"""Plumbing every writing service shares: stamps, audit, versioned updates,
and reading any record kind (as crm_tui.meta describes it) by id, so that a
note or activity can regard any of them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from peewee import Model, Node

from crm_tui import meta
from crm_tui.db import database, execute_soon, write
from crm_tui.errors import ConflictError, DomainError, NotFound
from crm_tui.models import AuditEntry, User
from crm_tui.models.base import utcnow
from crm_tui.services import access, hooks, session


def _noun(kind: str) -> str:
    # "price list": the kind's label inside a sentence
    return meta.kind(kind).label.lower()


def title_of(kind: str, record_id: int) -> str:
    """The display name of any record kind, or a clear placeholder."""
    rt = meta.kind(kind)
    field = getattr(rt.model, rt.title)
    row = rt.model.select(field).where(rt.model.id == record_id).tuples().first()
    return row[0] if row else f"(deleted {_noun(kind)} #{record_id})"


def titles_of(kind: str, record_ids) -> dict[int, str]:
    """{id: display name} for many records of one kind in one query; ids of
    deleted records are absent."""
    ids = sorted({int(i) for i in record_ids if i is not None})
    if not ids:
        return {}
    rt = meta.kind(kind)
    model = rt.model
    out: dict[int, str] = {}
    # SQLite allows 32766 parameters; a history never names that many.
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        query = model.select(model.id, getattr(model, rt.title)).where(model.id.in_(chunk))
        out.update(dict(query.tuples()))
    return out


# SELECT of every column by id, per model: building it with Peewee costs more
# than running it (about 1 ms for a wide model), and writes look records up
# on every call (bench: `activities.log` went from 2.0 to 0.8 ms). Kept with
# the model's field list it was built from: a custom field added or removed
# gives the model a new list.
_BY_ID: dict[type[Model], tuple[list, str]] = {}


def by_id(model: type[Model], record_id: int) -> Model | None:
    """The row of `model` with this id (all columns, as `get_or_none` reads it), or None."""
    fields, sql = _BY_ID.get(model, (None, ""))
    if fields is not model._meta.sorted_fields:
        sql = f'SELECT {_columns(model)} FROM "{model._meta.table_name}" WHERE "id" = ?'
        _BY_ID[model] = (model._meta.sorted_fields, sql)
    row = database.execute_sql(sql, (record_id,)).fetchone()
    return None if row is None else _as_model(model, row)


def exists(model: type[Model], record_id: int) -> bool:
    """Whether `model` has a row with this id: one small statement, without
    the query building a Peewee `exists()` costs on every form check."""
    try:
        wanted = int(record_id)
    except (TypeError, ValueError):
        return False
    sql = f'SELECT 1 FROM "{model._meta.table_name}" WHERE "id" = ?'
    return database.execute_sql(sql, (wanted,)).fetchone() is not None


def value_of(model: type[Model], record_id: int, column: str):
    """One column of the row of `model` with this id (None when there is none)."""
    sql = f'SELECT "{column}" FROM "{model._meta.table_name}" WHERE "id" = ?'
    row = database.execute_sql(sql, (record_id,)).fetchone()
    return None if row is None else row[0]


def _columns(model: type[Model]) -> str:
    return ", ".join(f'"{f.column_name}"' for f in model._meta.sorted_fields)


# (field name, python_value) of every column `_columns` names, per model,
# with the field list it was made from (as _BY_ID).
_SHAPE: dict[type[Model], tuple[list, list]] = {}


def _as_model(model: type[Model], row) -> Model:
    """A row of `_columns(model)` as the instance `model.raw` would make of
    it. Peewee matches the cursor's columns to fields again for every query,
    which took 0.12 ms of a by-id read on PostgreSQL (0.06 ms on SQLite), and
    an activity write makes two, one while it holds the write lock; the
    match is the same every time."""
    fields, shape = _SHAPE.get(model, (None, []))
    if fields is not model._meta.sorted_fields:
        fields = model._meta.sorted_fields
        shape = [(f.name, f.python_value) for f in fields]
        _SHAPE[model] = (fields, shape)
    data = {name: load(value) for (name, load), value in zip(shape, row, strict=True)}
    instance = model(__no_default__=1, **data)
    instance._dirty.clear()
    return instance


def readable(kind: str, row: Model) -> Model:
    """`row`, if the signed-in person may read it (PermissionDenied otherwise):
    every record a screen opens comes through here."""
    access.require("read", kind, _owner_in(kind, row))
    return row


def _stored_in(kind: str, row: Model) -> tuple[int | None, bool]:
    """`stored_owner` of a row just read or written, without reading it again."""
    if kind == "case":
        return row.__data__.get("owner"), bool(row.assigned)
    return row.__data__.get("owner"), True


def _owner_in(kind: str, row: Model) -> int | None:
    """`owner_of` a row just read: a case waiting in a queue is nobody's yet."""
    owner, assigned = _stored_in(kind, row)
    return owner if assigned else None


def require(kind: str, record_id: int) -> Model:
    row = by_id(meta.kind(kind).model, record_id)
    if row is None:
        raise NotFound(f"{_noun(kind)} #{record_id} does not exist (it may have been deleted)")
    return readable(kind, row)


def require_regardable(kind: str, record_id: int) -> Model:
    """The record a note or activity is about; refuses kinds that cannot be regarded."""
    try:
        regardable = meta.kind(kind).regardable
    except NotFound:
        regardable = False
    if not regardable:
        raise NotFound(f"notes and activities cannot regard a {kind}")
    row = require(kind, record_id)
    access.require("append", kind, _owner_in(kind, row))
    return row


def stored_owner(kind: str, record_id: int) -> tuple[int | None, bool]:
    """(owner id, assigned) of a record as stored now; only a case can be
    unassigned (waiting in a queue)."""
    try:
        model = meta.kind(kind).model
    except NotFound:
        return None, True  # not a record kind (the role table)
    if "owner" not in model._meta.fields:
        return None, True
    table = model._meta.table_name
    extra = ", assigned" if kind == "case" else ", 1"
    row = database.execute_sql(
        f'SELECT owner_id{extra} FROM "{table}" WHERE id = ?', (record_id,)
    ).fetchone()
    return (None, True) if row is None else (row[0], bool(row[1]))


def owner_of(kind: str, record_id: int) -> int | None:
    """The owner the access rules see: a case waiting unassigned in a queue is
    nobody's yet (anyone who may act on cases may pick it up)."""
    owner, assigned = stored_owner(kind, record_id)
    return owner if assigned else None


def load_current(kind: str, record_id: int, version: int, fields=()) -> Model:
    """The record to change, if nobody saved it since `version` (else a
    ConflictError with the stored `fields`); call inside write()."""
    row = require(kind, record_id)
    if row.version != version:
        who = User.get_or_none(User.id == row.__data__.get("modified_by"))
        raise ConflictError(
            _noun(kind),
            record_id,
            row.version,
            stored_values(row, fields),
            modified_by=who.full_name if who else "",
        )
    return row


def new_stamps(owner_id: int | None = None, at: dt.datetime | None = None) -> dict:
    user = session.current_user()
    now = at or utcnow()
    return {
        "version": 1,
        "created_at": now,
        "created_by": user.id,
        "modified_at": now,
        "modified_by": user.id,
        "owner": owner_id or user.id,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, Model):
        return value.id
    return value


def _internal(kind: str) -> frozenset[str]:
    """Fields the audit leaves out: those the kind's metadata does not
    describe (sort keys computed from others, raw bytes)."""
    try:
        return meta.kind(kind).internal
    except NotFound:
        return frozenset()  # not a record kind (the role table)


# INSERT statements per (model, fields): Peewee builds one in about 0.5 ms, and
# every write makes two (the record and its audit entry) while it holds the
# database's write lock (bench: 8 writer processes went from ~620 to ~1,000
# writes/s on 2 cores).
_INSERT: dict[tuple, str] = {}


def insert_row(model: type[Model], values: dict) -> int:
    """`model.insert(**values).execute()` without rebuilding the SQL each time:
    the same fields (by field or column name), the model's defaults for the
    fields not given, and the same db_value conversions. Returns the new id."""
    built = _insert(model, values, f'"{model._meta.primary_key.column_name}"')
    if built is None:
        return model.insert(values).execute()  # an SQL expression: let Peewee build it
    return database.execute_sql(*built).fetchone()[0]


def insert_record(model: type[Model], values: dict) -> Model:
    """`insert_row`, returning the new row as `by_id` reads it, from the
    INSERT itself rather than a second statement."""
    built = _insert(model, values, _columns(model))
    if built is None:
        return by_id(model, model.insert(values).execute())
    return _as_model(model, database.execute_sql(*built).fetchone())


def _insert(model: type[Model], values: dict, returning: str) -> tuple[str, list] | None:
    """The INSERT of `insert_row` returning `returning` (SQL), and its
    parameters; None when a value is an SQL expression."""
    meta = model._meta
    data = {meta.combined[name]: value for name, value in values.items()}
    for field, default in meta.defaults.items():
        if field not in data:
            data[field] = default() if callable(default) else default
    if any(isinstance(value, Node) and not isinstance(value, Model) for value in data.values()):
        return None
    key = (model, tuple(data), returning)
    sql = _INSERT.get(key)
    if sql is None:
        columns = ", ".join(f'"{field.column_name}"' for field in data)
        marks = ", ".join("?" * len(data))
        sql = _INSERT[key] = (
            f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks}) RETURNING {returning}'
        )
    return sql, [field.db_value(value) for field, value in data.items()]


def audit(
    kind: str,
    record_id: int,
    action: str,
    changes: dict | None = None,
    *,
    by_system: bool = False,
    stored: tuple[int | None, bool] | None = None,
) -> None:
    """Write one audit entry; call inside the same transaction as the change.
    `by_system`: a change made by the date, not by a person (no user).
    `stored`: the record's `stored_owner`, when the caller has just written
    the record and knows it (read from the database otherwise)."""
    if not by_system:
        if stored is None:
            stored = stored_owner(kind, record_id)
        access.check_change(kind, action, changes or {}, *stored)
    user_id = None if by_system else session.current_user().id
    internal = _internal(kind)
    payload = {
        k: [_jsonable(o), _jsonable(n)]
        for k, (o, n) in (changes or {}).items()
        if k not in internal
    }
    entry = {
        "at": utcnow(),
        "user": user_id,
        "record_type": kind,
        "record_id": record_id,
        "action": action,
        "changes": json.dumps(payload, ensure_ascii=False, sort_keys=True),
    }
    rule_id = session.acting_rule()
    if rule_id is not None:
        entry["rule_id"] = rule_id
    # Nothing reads the new entry's id: the INSERT need not wait for its own
    # round trip while the write lock is held. It keeps its RETURNING, which
    # the server's row-level rules check as they always did.
    execute_soon(*_insert(AuditEntry, entry, '"id"'))
    hooks.emit(
        hooks.RECORD_CHANGED, kind=kind, record_id=record_id, action=action,
        changes=changes or {}, by_system=by_system,
    )  # fmt: skip


def stored_values(row: Model, fields) -> dict[str, Any]:
    """Plain values (foreign keys as ids) for `fields` of `row`."""
    out = {}
    for name in fields:
        field = row._meta.fields[name]
        out[name] = (
            row.__data__.get(field.name) if hasattr(field, "rel_model") else getattr(row, name)
        )
    return out


def create(
    kind: str, values: dict, *, owner_id: int | None = None, at: dt.datetime | None = None
) -> int:
    """Insert a record with stamps and its audit entry; returns the id.
    `at` records something that happened earlier (a call logged afterwards).
    Call inside a write transaction."""
    model = meta.kind(kind).model
    row = {**new_stamps(owner_id, at), **values}
    # stored_owner's columns come back with the id: the audit's access check
    # needs them, and reading them again is one more statement under the lock.
    built = _insert(model, row, f'"id", {_stored_owner_columns(kind, model)}')
    if built is None:
        new_id, stored = model.insert(row).execute(), None
    else:
        new_id, owner, assigned = database.execute_sql(*built).fetchone()
        stored = (owner, bool(assigned))
    _audit_created(kind, new_id, values, stored)
    return new_id


def _stored_owner_columns(kind: str, model: type[Model]) -> str:
    """What `stored_owner` reads, as columns of the record's own row."""
    if "owner" not in model._meta.fields:
        return "NULL, 1"
    return '"owner_id", "assigned"' if kind == "case" else '"owner_id", 1'


def create_record(
    kind: str, values: dict, *, owner_id: int | None = None, at: dt.datetime | None = None
) -> Model:
    """`create`, returning the new record as `by_id` would read it back, from
    the INSERT itself: a write that shows what it wrote needs no second
    statement while it holds the write lock. Not checked for reading."""
    row = insert_record(meta.kind(kind).model, {**new_stamps(owner_id, at), **values})
    _audit_created(kind, row.id, values, _stored_in(kind, row))
    return row


def _audit_created(kind: str, record_id: int, values: dict, stored) -> None:
    changes = {k: (None, v) for k, v in values.items() if v not in ("", None)}
    audit(kind, record_id, "create", changes, stored=stored)


def update_versioned(
    kind: str, record_id: int, expected_version: int, values: dict, *, action: str = "update"
) -> dict:
    """Apply `values` if the record is still at `expected_version`.

    Only fields that really change are written and audited. Raises
    ConflictError (with the stored values) when someone saved in between.
    Returns the {field: (old, new)} changes. Call inside a write transaction.
    """
    model = meta.kind(kind).model
    noun = _noun(kind)
    row = by_id(model, record_id)
    if row is None:
        raise NotFound(f"this {noun} no longer exists (someone deleted it)")
    if row.version != expected_version:
        current = stored_values(row, values.keys())
        who = User.get_or_none(User.id == row.__data__.get("modified_by"))
        raise ConflictError(
            noun, record_id, row.version, current, modified_by=who.full_name if who else ""
        )
    before = stored_values(row, values.keys())
    changes = {k: (before[k], v) for k, v in values.items() if before[k] != v}
    if not changes:
        return {}
    user = session.current_user()
    updated = (
        model.update(
            **{k: v for k, (_, v) in changes.items()},
            version=model.version + 1,
            modified_at=utcnow(),
            modified_by=user.id,
        )
        .where((model.id == record_id) & (model.version == expected_version))
        .execute()
    )
    if updated != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as a guard
        raise ConflictError(noun, record_id, row.version + 1, before)
    audit(kind, record_id, action, changes)
    return changes


def set_state(kind: str, record_id: int, version: int, state: str) -> None:
    """Move a record to `state` (audited as a state change) if it is not there
    already and nobody saved it since `version`."""
    with write():
        row = require(kind, record_id)
        if row.state == state:
            raise DomainError(f"this {_noun(kind)} is already {state}")
        update_versioned(kind, record_id, version, {"state": state}, action="state")
