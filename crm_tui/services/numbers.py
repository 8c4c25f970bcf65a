"""Human document numbers: QUO-00001, ORD-00001, INV-00001, CAS-00001, CNT-00001, KA-00001."""

from __future__ import annotations

from crm_tui import meta
from crm_tui.db import database
from crm_tui.errors import CrmError

# The kinds the product numbers, and their prefixes, are the record metadata's.
PREFIXES = {kind.name: kind.number_prefix for kind in meta.kinds() if kind.number_prefix}


def format_number(kind: str, value: int) -> str:
    """QUO-00042: five digits at least, more once past 99999."""
    return f"{PREFIXES[kind]}-{value:05d}"


def next_number(kind: str) -> str:
    """Take the next number of `kind`. Call inside the write transaction that
    stores the document: BEGIN IMMEDIATE holds the write lock, so no other
    process reads the same counter, and a rollback gives the number back."""
    if kind not in PREFIXES:
        raise CrmError(f"documents of kind {kind!r} are not numbered")
    if not database.in_transaction():
        raise CrmError("next_number must run inside a write transaction")
    # quoted: "case" is an SQL keyword
    table = f'"{meta.kind(kind).model._meta.table_name}"'
    while True:
        # One statement increments the counter, creating it at 1 if missing.
        value = database.execute_sql(
            "INSERT INTO sequence (name, next) VALUES (?, 2) "
            "ON CONFLICT (name) DO UPDATE SET next = sequence.next + 1 RETURNING next - 1",
            (kind,),
        ).fetchone()[0]
        number = format_number(kind, value)
        # Imported or hand-made documents may already hold a number: skip it.
        taken = database.execute_sql(
            f"SELECT 1 FROM {table} WHERE number = ? LIMIT 1", (number,)
        ).fetchone()
        if taken is None:
            return number


def display_number(row) -> str:
    """The number a person reads: QUO-00001-R2 for a quote (with its
    revision), ORD-00001 / INV-00001 otherwise. `row` is a model or a dict."""
    if isinstance(row, dict):
        number, revision = row.get("number", ""), row.get("revision")
    else:
        number, revision = row.number, getattr(row, "revision", None)
    return f"{number}-R{revision}" if revision is not None else number
