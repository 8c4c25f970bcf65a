"""Streaming exports: rows are read a page at a time, never a whole table.

Money leaves as decimal strings ("148000000.00"), never as the minor units
the database keeps. JSON is exact; CSV is made safe to open in a spreadsheet.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import TextIO

from crm_tui.db import column_names, database
from crm_tui.services import access
from crm_tui.text import clean

# What makes a spreadsheet run a cell as a formula (OWASP "CSV injection");
# clean() already trims a leading tab or CR, listed to keep the rule whole.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A negative amount starts with "-" but is data; only a plain number passes.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _plain(column: str) -> str:
    """SQL for minor units as a plain decimal string ('-1234.05'), in integer
    arithmetic: a float would round large amounts."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE "
        f"(CASE WHEN {column} < 0 THEN '-' ELSE '' END) || (abs({column}) / 100) || '.' || "
        f"substr('0' || (abs({column}) % 100), -2) END"
    )


EXPORTS = {
    "accounts": (
        "account",
        "SELECT a.id, a.name, a.account_number, a.state, a.industry, a.phone, a.email, a.website, "
        "a.street, a.city, a.state_province, a.postal_code, a.country, "
        f"{_plain('a.annual_revenue')} AS annual_revenue, a.employees, a.parent_id, "
        "a.primary_contact_id, u.login AS owner, a.created_at, a.modified_at, a.version "
        "FROM account a JOIN user u ON u.id = a.owner_id",
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


def _document(alias: str, table: str, number: str, extra: str) -> str:
    """The export query of one kind of document (quotes, orders, invoices)."""
    a = alias
    money = ", ".join(
        f"{_plain(f'{a}.{c}')} AS {c}"
        for c in ("subtotal", "discount_total", "tax_total", "total_amount")
    )
    return (
        f"SELECT {a}.id AS id, {number} AS number, {a}.name AS name, {a}.state AS state, "
        f"{a}.status_reason AS status_reason, coalesce(ac.name, ct.full_name, '') AS customer, "
        f"{a}.account_id AS account_id, {a}.contact_id AS contact_id, "
        f"{a}.opportunity_id AS opportunity_id, {a}.currency AS currency, {money}, "
        f"{extra}, u.login AS owner, {a}.created_at AS created_at, "
        f"{a}.modified_at AS modified_at, {a}.version AS version "
        f"FROM {table} {a} JOIN user u ON u.id = {a}.owner_id "
        f"LEFT JOIN account ac ON ac.id = {a}.account_id "
        f"LEFT JOIN contact ct ON ct.id = {a}.contact_id"
    )


EXPORTS.update(
    {
        "quotes": (
            "quote",
            _document(
                "q",
                "quote",
                "q.number || '-R' || q.revision",
                "q.effective_from AS effective_from, q.effective_to AS effective_to",
            ),
            "q.id",
        ),
        "orders": (
            "order",
            _document(
                "o",
                "sales_order",
                "o.number",
                "o.quote_id AS quote_id, o.requested_by AS requested_by, "
                "o.fulfilled_on AS fulfilled_on",
            ),
            "o.id",
        ),
        "invoices": (
            "invoice",
            _document(
                "i",
                "invoice",
                "i.number",
                f"i.order_id AS order_id, i.due_date AS due_date, "
                f"{_plain('i.paid_amount')} AS paid_amount",
            ),
            "i.id",
        ),
        "cases": (
            "case",
            "SELECT k.id AS id, k.number AS number, k.title AS title, k.state AS state, "
            "k.status_reason AS status_reason, coalesce(ac.name, ct.full_name, '') AS customer, "
            "k.account_id AS account_id, k.contact_id AS contact_id, k.case_type AS case_type, "
            "k.origin AS origin, k.priority AS priority, k.severity AS severity, "
            "k.subject AS subject, q.name AS queue, k.assigned AS assigned, "
            "k.contract_id AS contract_id, k.contract_line_id AS contract_line_id, "
            "k.parent_case_id AS parent_case_id, k.merged_into_id AS merged_into_id, "
            "k.follow_up_by AS follow_up_by, k.first_response_by AS first_response_by, "
            "k.resolve_by AS resolve_by, k.first_responded_at AS first_responded_at, "
            "k.resolved_at AS resolved_at, k.paused_minutes AS paused_minutes, "
            "k.billable_minutes AS billable_minutes, u.login AS owner, "
            "k.created_at AS created_at, k.modified_at AS modified_at, k.version AS version "
            'FROM "case" k JOIN user u ON u.id = k.owner_id '
            "LEFT JOIN account ac ON ac.id = k.account_id "
            "LEFT JOIN contact ct ON ct.id = k.contact_id "
            "LEFT JOIN queue q ON q.id = k.queue_id",
            "k.id",
        ),
    }
)


def rows(what: str, batch: int = 1000) -> tuple[list[str], Iterator[tuple]]:
    """Column names and a generator of rows for an export, by id, in batches."""
    if what not in EXPORTS:
        raise ValueError(f"cannot export {what!r}; choose one of {', '.join(EXPORTS)}")
    kind, sql, key = EXPORTS[what]
    names = column_names(sql)
    alias = key.split(".")[0]
    # only what the person may read leaves the database
    readable = access.read_filter(
        kind, f"{alias}.owner_id", unowned=f"{alias}.assigned = 0" if kind == "case" else ""
    )
    condition = f" AND {readable}" if readable else ""

    def generate() -> Iterator[tuple]:
        last = 0
        while True:
            chunk = database.execute_sql(
                f"{sql} WHERE {key} > ?{condition} ORDER BY {key} LIMIT ?", (last, batch)
            ).fetchall()
            if not chunk:
                return
            yield from chunk
            last = chunk[-1][0]

    return names, generate()


def csv_cell(value: object) -> object:
    """A value as a CSV cell a spreadsheet shows as text: without control
    characters, and with a leading ' when it would start a formula.

    Numbers, and text that is exactly a plain decimal number, are data."""
    if not isinstance(value, str) or _PLAIN_NUMBER.fullmatch(value):
        return value
    # Cleaning first: removing an escape or a space can bring an "=" to the front.
    text = clean(value, multiline=True)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write(what: str, out: TextIO, fmt: str = "csv") -> int:
    """Write an export to `out` as csv or json (one array); returns the row count.

    CSV cells go through `csv_cell`; JSON keeps every value exactly."""
    names, data = rows(what)
    count = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(names)
        for row in data:
            writer.writerow([csv_cell(value) for value in row])
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
