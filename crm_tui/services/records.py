"""Plumbing every writing service shares: stamps, audit, versioned updates,
and the registry that lets a note or activity regard any record type."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from peewee import Model

from crm_tui.errors import ConflictError, NotFound
from crm_tui.models import Account, Activity, AuditEntry, Contact, Note, User
from crm_tui.models.base import utcnow
from crm_tui.services import session


@dataclass(frozen=True)
class RecordType:
    name: str  # the regarding_type stored in rows
    label: str  # what a person reads
    model: type[Model]
    title_field: str
    # Notes and activities may regard it.
    regardable: bool = True


REGISTRY: dict[str, RecordType] = {
    "account": RecordType("account", "account", Account, "name"),
    "contact": RecordType("contact", "contact", Contact, "full_name"),
    "activity": RecordType("activity", "activity", Activity, "subject", regardable=False),
    "note": RecordType("note", "note", Note, "subject", regardable=False),
}


def record_type(name: str) -> RecordType:
    try:
        return REGISTRY[name]
    except KeyError:
        raise NotFound(f"unknown record type {name!r}") from None


def title_of(kind: str, record_id: int) -> str:
    """The display name of any registered record, or a clear placeholder."""
    rt = record_type(kind)
    field = getattr(rt.model, rt.title_field)
    row = rt.model.select(field).where(rt.model.id == record_id).tuples().first()
    return row[0] if row else f"(deleted {rt.label} #{record_id})"


def require(kind: str, record_id: int) -> Model:
    rt = record_type(kind)
    row = rt.model.get_or_none(rt.model.id == record_id)
    if row is None:
        raise NotFound(f"{rt.label} #{record_id} does not exist (it may have been deleted)")
    return row


def require_regardable(kind: str, record_id: int) -> Model:
    """The record a note or activity is about; refuses kinds that cannot be regarded."""
    if kind not in REGISTRY or not REGISTRY[kind].regardable:
        raise NotFound(f"notes and activities cannot regard a {kind}")
    return require(kind, record_id)


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


# Columns computed from others: auditing them would only repeat the change.
DERIVED = {"name_sort", "sort_at"}


def audit(kind: str, record_id: int, action: str, changes: dict | None = None) -> None:
    """Write one audit entry; call inside the same transaction as the change."""
    user = session.current_user()
    payload = {
        k: [_jsonable(o), _jsonable(n)] for k, (o, n) in (changes or {}).items() if k not in DERIVED
    }
    AuditEntry.insert(
        at=utcnow(),
        user=user.id,
        record_type=kind,
        record_id=record_id,
        action=action,
        changes=json.dumps(payload, ensure_ascii=False, sort_keys=True),
    ).execute()


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
    rt = record_type(kind)
    row = {**new_stamps(owner_id, at), **values}
    new_id = rt.model.insert(**row).execute()
    audit(kind, new_id, "create", {k: (None, v) for k, v in values.items() if v not in ("", None)})
    return new_id


def update_versioned(
    kind: str, record_id: int, expected_version: int, values: dict, *, action: str = "update"
) -> dict:
    """Apply `values` if the record is still at `expected_version`.

    Only fields that really change are written and audited. Raises
    ConflictError (with the stored values) when someone saved in between.
    Returns the {field: (old, new)} changes. Call inside a write transaction.
    """
    rt = record_type(kind)
    model = rt.model
    row = model.get_or_none(model.id == record_id)
    if row is None:
        raise NotFound(f"this {rt.label} no longer exists (someone deleted it)")
    if row.version != expected_version:
        current = stored_values(row, values.keys())
        who = User.get_or_none(User.id == row.__data__.get("modified_by"))
        raise ConflictError(
            rt.label, record_id, row.version, current, modified_by=who.full_name if who else ""
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
        raise ConflictError(rt.label, record_id, row.version + 1, before)
    audit(kind, record_id, action, changes)
    return changes
