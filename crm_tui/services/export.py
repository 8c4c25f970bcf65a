"""Streaming exports: rows are read a page at a time, never a whole table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from crm_tui.db import column_names, database

EXPORTS = {
    "accounts": (
        "account",
        "SELECT a.id, a.name, a.account_number, a.state, a.industry, a.phone, a.email, a.website, "
        "a.street, a.city, a.state_province, a.postal_code, a.country, a.annual_revenue, "
        "a.employees, a.parent_id, a.primary_contact_id, u.login AS owner, a.created_at, "
        "a.modified_at, a.version FROM account a JOIN user u ON u.id = a.owner_id",
        "a.id",
    ),
    "contacts": (
        "contact",
        "SELECT c.id, c.first_name, c.last_name, c.full_name, c.state, c.job_title, c.account_id, "
        "c.email, c.phone, c.mobile, c.street, c.city, c.state_province, c.postal_code, "
        "c.country, u.login AS owner, c.created_at, c.modified_at, c.version "
        "FROM contact c JOIN user u ON u.id = c.owner_id",
        "c.id",
    ),
    "activities": (
        "activity",
        "SELECT a.id, a.kind, a.state, a.status_reason, a.subject, a.description, "
        "a.regarding_type, a.regarding_id, a.direction, a.priority, a.scheduled_start, a.due_at, "
        "a.actual_end, a.duration_minutes, u.login AS owner, a.created_at, a.modified_at, "
        "a.version FROM activity a JOIN user u ON u.id = a.owner_id",
        "a.id",
    ),
}


def rows(what: str, batch: int = 1000) -> tuple[list[str], Iterator[tuple]]:
    """Column names and a generator of rows for an export, by id, in batches."""
    if what not in EXPORTS:
        raise ValueError(f"cannot export {what!r}; choose one of {', '.join(EXPORTS)}")
    _, sql, key = EXPORTS[what]
    names = column_names(sql)

    def generate() -> Iterator[tuple]:
        last = 0
        while True:
            chunk = database.execute_sql(
                f"{sql} WHERE {key} > ? ORDER BY {key} LIMIT ?", (last, batch)
            ).fetchall()
            if not chunk:
                return
            yield from chunk
            last = chunk[-1][0]

    return names, generate()


def write(what: str, out: TextIO, fmt: str = "csv") -> int:
    """Write an export to `out` as csv or json (one array); returns the row count."""
    names, data = rows(what)
    count = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(names)
        for row in data:
            writer.writerow(row)
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in data:
            out.write(
                ("," if count else "")
                + "\n"
                + json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)
            )
            count += 1
        out.write("\n]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose csv or json")
    return count
