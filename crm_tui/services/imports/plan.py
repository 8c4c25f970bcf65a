"""An import's dry run: every row of the file read through the mapping and
checked by the kind's own service, looked up (a contact's account by name)
and compared with the database and with the rows before it, without writing
anything. Each row is to be created, a duplicate, or an error with its
column, value and reason; none is dropped silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from crm_tui import text
from crm_tui.db import dict_rows
from crm_tui.errors import ValidationError
from crm_tui.services import access
from crm_tui.services.customers import contacts
from crm_tui.services.imports import reading
from crm_tui.services.sales import duplicates

# Rows kept of each outcome to show before anything is written; every error
# is kept (the error file holds them all).
SHOWN = 20


@dataclass
class RowPlan:
    """What the import would do with one row."""

    number: int
    action: str  # create · duplicate · error
    values: dict = field(default_factory=dict)  # the cells mapped to fields
    # (column, value as typed, why) per problem; for a duplicate, what it repeats
    problems: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Plan:
    """The dry run of a file: how it was read, the counts, the first rows of
    each outcome and every error."""

    sniffed: reading.Sniffed
    mapping: dict[str, str | None]
    counts: Counter = field(default_factory=Counter)
    shown: dict[str, list[RowPlan]] = field(default_factory=dict)
    errors: list[RowPlan] = field(default_factory=list)

    def add(self, row: RowPlan) -> None:
        self.counts[row.action] += 1
        kept = self.shown.setdefault(row.action, [])
        if len(kept) < SHOWN:
            kept.append(row)
        if row.action == "error":
            self.errors.append(row)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _account_ids(name: str) -> list[int]:
    """The accounts named `name` that the person may read (at most 3)."""
    readable = access.read_filter("account", "owner_id")
    sql = "SELECT id FROM account WHERE name_sort = ?" + (f" AND {readable}" if readable else "")
    rows = dict_rows(f"{sql} ORDER BY id LIMIT 3", (text.sort_key(name),))
    return [r["id"] for r in rows]


def _contact_values(cells: dict[str, str], mapping: dict[str, str | None]) -> tuple[dict, dict]:
    """(the service's data, field -> column) of one row."""
    data, column_of = {}, {}
    for header, attribute in mapping.items():
        if attribute is None:
            continue
        value = cells.get(header, "")
        key = "account_id" if attribute == "account" else attribute
        data[key], column_of[key] = value, header
    return data, column_of


def dry_run_contacts(path: Path | str, mapping: dict[str, str | None]) -> Plan:
    """The dry run of importing `path` as new contacts through `mapping`
    (header -> attribute): each row checked as the contact form's save would
    check it, its account found by name, and rows that repeat an existing
    contact or an earlier row (same email or phone) set apart as duplicates."""
    sniffed = reading.sniff(path)
    plan = Plan(sniffed, dict(mapping))
    seen: dict[str, int] = {}
    for row in reading.rows(path, sniffed):
        plan.add(_contact_row(row, plan.mapping, seen))
    return plan


def _contact_row(row: reading.Row, mapping: dict[str, str | None], seen: dict) -> RowPlan:
    data, column_of = _contact_values(row.cells, mapping)
    if row.problem:
        return RowPlan(row.number, "error", data, [("", "", row.problem)])
    problems: list[tuple[str, str, str]] = []
    account = (data.get("account_id") or "").strip()
    if "account_id" in data:
        found = _account_ids(account) if account else []
        if account and not found:
            problems.append((column_of["account_id"], account, "no account has this name"))
        elif len(found) > 1:
            problems.append((column_of["account_id"], account, "several accounts have this name"))
        data["account_id"] = found[0] if len(found) == 1 else None
    try:
        values = contacts.check(data)
    except ValidationError as exc:
        for name, why in exc.errors.items():
            column = column_of.get(name) or column_of.get(f"{name}_id", name)
            problems.append((column, str(data.get(name, "")), why))
        values = {}
    if problems:
        return RowPlan(row.number, "error", data, problems)
    keys = [k for k in (values.get("email", "").casefold(), values.get("phone", "")) if k]
    earlier = next((seen[k] for k in keys if k in seen), None)
    if earlier is not None:
        return RowPlan(row.number, "duplicate", values, [("", "", f"repeats row {earlier}")])
    for k in keys:
        seen[k] = row.number
    matches = duplicates.contacts_like(
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        country=values.get("country", ""),
    )
    if matches:
        first = matches[0]
        why = " and ".join(first["why"])
        return RowPlan(row.number, "duplicate", values,
                       [("", "", f"{why} as the contact {first['name']}")])  # fmt: skip
    return RowPlan(row.number, "create", values)
