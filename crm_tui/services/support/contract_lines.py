"""A contract's lines: what the customer is entitled to, each an allotment
(a number of cases, a number of minutes, or coverage dates). Lines change
only while the contract is a draft; each change bumps the contract's
version and is audited on it."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import NotFound, ValidationError
from crm_tui.meta.support import ALLOTMENT_TYPES
from crm_tui.models import Contract, ContractLine
from crm_tui.models.base import utcnow
from crm_tui.services import dates, records, session
from crm_tui.services.support.contract_record import get, require_draft
from crm_tui.services.validate import Checker

LINE_FIELDS = ["title", "product_id", "allotment_type", "total", "starts_on", "ends_on"]


class ContractLineRow(TypedDict):
    """A line of a contract, as its detail lists it."""

    id: int
    line_number: int
    title: str
    product_id: int | None
    allotment_type: str
    total: int | None  # None for coverage
    used: int
    starts_on: dt.date
    ends_on: dt.date
    remaining: int | None  # None for coverage


def _line_values(data: dict, contract: Contract, line: ContractLine | None = None) -> dict:
    c = Checker(data)
    creating = line is None
    c.text("title", max_len=200)
    if creating or c.has("allotment_type"):
        c.choice("allotment_type", ALLOTMENT_TYPES, required=True)
    c.integer("total", minimum=1)
    c.date("starts_on", label="start date")
    c.date("ends_on", label="end date")
    if c.has("product_id"):
        from crm_tui.models import Product

        c.reference("product_id", Product, "the product does not exist")
    values = c.done()
    kind = values.get("allotment_type", line.allotment_type if line else None)
    total = values["total"] if "total" in values else (line.total if line else None)
    errors = {}
    if kind in ("cases", "minutes") and total is None:
        errors["total"] = (
            f"a line by {kind} needs a total ({'cases' if kind == 'cases' else 'minutes'})"
        )
    if kind == "coverage":
        values["total"] = None
        total = None
    used = line.used if line else 0
    if total is not None and total < used:
        errors["total"] = f"{used} already used; the total cannot be less"
    starts = values.get("starts_on") or (line.starts_on if line else contract.starts_on)
    ends = values.get("ends_on") or (line.ends_on if line else contract.ends_on)
    if starts < contract.starts_on or ends > contract.ends_on:
        errors["starts_on"] = (
            "a line's dates must be within the contract's "
            f"({dates.shown_day(contract.starts_on)} - {dates.shown_day(contract.ends_on)})"
        )
    elif ends < starts:
        errors["ends_on"] = (
            f"the end date ({dates.shown_day(ends)}) is before "
            f"the start date ({dates.shown_day(starts)})"
        )
    if errors:
        raise ValidationError(errors)
    values["starts_on"], values["ends_on"] = starts, ends
    if not values.get("title") and (creating or "title" in values):
        values["title"] = ALLOTMENT_TYPES[kind]
    return values


def _summary(values: dict) -> str:
    kind = values["allotment_type"]
    amount = "" if kind == "coverage" else f" {values['total']}"
    return f"{values['title']}: {kind}{amount}, {values['starts_on']} - {values['ends_on']}"


def _line_dict(line: ContractLine) -> dict:
    return {name: getattr(line, name) for name in ("title", "allotment_type", "total",
                                                   "starts_on", "ends_on")}  # fmt: skip


def _save_contract(contract: Contract, version: int, action: str, detail: dict) -> None:
    """Bump the contract's version (ConflictError if stale) and audit the line change."""
    records.update_versioned("contract", contract.id, version, {})
    Contract.update(
        version=Contract.version + 1,
        modified_at=utcnow(),
        modified_by=session.current_user().id,
    ).where((Contract.id == contract.id) & (Contract.version == version)).execute()
    records.audit("contract", contract.id, action, detail)


def _get_line(contract_id: int, line_id: int) -> ContractLine:
    line = ContractLine.get_or_none(ContractLine.id == line_id)
    if line is None or line.contract_id != int(contract_id):
        raise NotFound(f"line #{line_id} is not on this contract (someone may have removed it)")
    return line


def add_line(contract_id: int, version: int, data: dict) -> Contract:
    """Add an allotment line to a draft contract: allotment_type (cases,
    minutes, coverage), total (for cases and minutes), title, dates within the
    contract's (default: the contract's). Returns the contract."""
    with write():
        contract = records.load_current("contract", contract_id, version)
        require_draft(contract)
        values = _line_values(data, contract)
        number = database.execute_sql(
            "SELECT coalesce(max(line_number), 0) + 1 FROM contract_line WHERE contract_id = ?",
            (contract_id,),
        ).fetchone()[0]
        records.insert_row(
            ContractLine, {**values, "line_number": number, "contract": contract_id, "used": 0}
        )
        _save_contract(
            contract, version, "line added", {f"line {number}": (None, _summary(values))}
        )
    return get(contract_id)


def update_line(contract_id: int, version: int, line_id: int, data: dict) -> Contract:
    """Change a line of a draft contract; absent fields keep their values."""
    with write():
        contract = records.load_current("contract", contract_id, version)
        require_draft(contract)
        line = _get_line(contract_id, line_id)
        old = _line_dict(line)
        values = _line_values(data, contract, line)
        ContractLine.update(**values).where(ContractLine.id == line_id).execute()
        new = {**old, **values}
        detail = {f"line {line.line_number}": (_summary(old), _summary(new))}
        _save_contract(contract, version, "line changed", detail)
    return get(contract_id)


def remove_line(contract_id: int, version: int, line_id: int) -> Contract:
    """Remove a line from a draft contract."""
    with write():
        contract = records.load_current("contract", contract_id, version)
        require_draft(contract)
        line = _get_line(contract_id, line_id)
        ContractLine.delete().where(ContractLine.id == line_id).execute()
        detail = {f"line {line.line_number}": (_summary(_line_dict(line)), None)}
        _save_contract(contract, version, "line removed", detail)
    return get(contract_id)


def lines_of(contract_id: int) -> list[ContractLineRow]:
    """The contract's lines in order, each with `remaining` (None for coverage)."""
    rows = dict_rows(
        "SELECT id, line_number, title, product_id, allotment_type, total, used, starts_on, "
        "ends_on FROM contract_line WHERE contract_id = ? ORDER BY line_number",
        (contract_id,),
    )
    for row in rows:
        row["starts_on"] = dt.date.fromisoformat(row["starts_on"])
        row["ends_on"] = dt.date.fromisoformat(row["ends_on"])
        row["remaining"] = None if row["total"] is None else max(row["total"] - row["used"], 0)
    return rows
