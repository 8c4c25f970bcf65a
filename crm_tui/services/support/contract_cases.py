"""What cases use of contracts: attaching a case to an active contract's
line (`check_attach`), consuming the line's allotment when the case is
resolved (`consume`, inside the resolution's write), the lines a case could
use, and the cases attached to a contract."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound
from crm_tui.models import Contract, ContractLine
from crm_tui.services import dates, records
from crm_tui.services.support.contract_record import STATES, customer_name, expire_due, get


class UsableLineRow(TypedDict):
    """A contract line a case may attach to, with how it reads beside the case."""

    id: int
    contract_id: int
    contract: str  # the contract's number
    contract_name: str
    line_number: int
    title: str
    allotment_type: str
    total: int | None
    used: int
    remaining: int | None  # None for coverage
    label: str  # "CNT-00003 line 2 · Phone support · 3 of 10 cases left"


class ContractCaseRow(TypedDict):
    """A case attached to a contract."""

    id: int
    number: str
    title: str
    state: str
    status_reason: str
    line_number: int
    created_at: str  # as stored (UTC ISO text)


def _line_and_contract(contract_line_id: int) -> tuple[ContractLine, Contract]:
    line = ContractLine.get_or_none(ContractLine.id == contract_line_id)
    if line is None:
        raise NotFound(f"contract line #{contract_line_id} does not exist")
    return line, get(line.contract_id)


def check_attach(
    contract_line_id: int, account_id: int | None, contact_id: int | None, on: dt.date
) -> str | None:
    """Whether a case of this customer, opened `on`, may use the line.

    Raises DomainError when the contract is not active, the customer is not
    the contract's (its account, a contact of that account, or its contact),
    or `on` is outside the line's or contract's dates. Returns a warning to
    show before attaching when the line's allotment is used up; else None."""
    line, contract = _line_and_contract(contract_line_id)
    if contract.state != "active":
        raise DomainError(
            f"{contract.number} is {STATES[contract.state].lower()}; "
            "only an active contract's lines can be used"
        )
    if not _same_customer(contract, account_id, contact_id):
        raise DomainError(
            f"{contract.number} is for {customer_name(contract)}, not this case's customer; "
            "choose a contract of the case's customer"
        )
    starts = max(line.starts_on, contract.starts_on)
    ends = min(line.ends_on, contract.ends_on)
    if not starts <= on <= ends:
        raise DomainError(
            f"{contract.number} line {line.line_number} ({line.title}) covers "
            f"{dates.shown_day(starts)} - {dates.shown_day(ends)}, not {dates.shown_day(on)}"
        )
    if line.total is not None and line.used >= line.total:
        unit = "cases" if line.allotment_type == "cases" else "minutes"
        return (
            f"{contract.number} line {line.line_number} ({line.title}) is used up: "
            f"{line.used} of {line.total} {unit}, 0 remaining"
        )
    return None


def _same_customer(contract: Contract, account_id: int | None, contact_id: int | None) -> bool:
    if contract.account_id is not None:
        if account_id is not None and int(account_id) == contract.account_id:
            return True
        if contact_id is not None and contract.contact_id is None:
            row = database.execute_sql(
                "SELECT account_id FROM contact WHERE id = ?", (contact_id,)
            ).fetchone()
            if row is not None and row[0] == contract.account_id:
                return True
    if contract.contact_id is not None and contact_id is not None:
        return int(contact_id) == contract.contact_id
    return False


def consume(contract_line_id: int, billable_minutes: int | None) -> None:
    """Use the line's allotment for one resolved case: a cases line uses 1, a
    minutes line the billable minutes (0 if None), a coverage line nothing.
    Call inside the case-resolution write; audited on the contract."""
    line = ContractLine.get_or_none(ContractLine.id == contract_line_id)
    if line is None:
        raise NotFound(f"contract line #{contract_line_id} does not exist")
    if line.allotment_type == "cases":
        amount = 1
    elif line.allotment_type == "minutes":
        amount = max(int(billable_minutes or 0), 0)
    else:
        amount = 0
    with write():
        if amount:
            ContractLine.update(used=ContractLine.used + amount).where(
                ContractLine.id == contract_line_id
            ).execute()
        unit = {"cases": "case", "minutes": "minutes", "coverage": "coverage"}[line.allotment_type]
        records.audit(
            "contract",
            line.contract_id,
            "allotment used",
            {
                f"line {line.line_number} used": (line.used, line.used + amount),
                "unit": (None, unit),
            },
        )


def usable_lines(
    account_id: int | None, contact_id: int | None, on: dt.date
) -> list[UsableLineRow]:
    """The lines a case of this customer, opened `on`, could attach to: lines
    of active contracts of the account (or the contact's account) or of the
    contact, covering `on`; each with `contract` (the number), `label`
    ("CNT-00003 line 2 · Phone support · 3 of 10 cases left") and `remaining`
    (None for coverage). Used-up lines are included: attaching warns."""
    expire_due()
    if account_id is None and contact_id is not None:
        row = database.execute_sql(
            "SELECT account_id FROM contact WHERE id = ?", (contact_id,)
        ).fetchone()
        account_id = row[0] if row else None
    owners, params = [], []
    if account_id is not None:
        owners.append("c.account_id = ?")
        params.append(account_id)
    if contact_id is not None:
        owners.append("c.contact_id = ?")
        params.append(contact_id)
    if not owners:
        return []
    day = on.isoformat()
    rows = dict_rows(
        _LINE_SQL + f"WHERE ({' OR '.join(owners)}) AND c.state = 'active' "
        "AND c.starts_on <= ? AND c.ends_on >= ? AND l.starts_on <= ? AND l.ends_on >= ? "
        "ORDER BY c.ends_on, c.id, l.line_number",
        [*params, day, day, day, day],
    )
    for row in rows:
        _label(row)
    return rows


_LINE_SQL = (
    "SELECT l.id AS id, l.contract_id AS contract_id, c.number AS contract, "
    "c.name AS contract_name, l.line_number AS line_number, l.title AS title, "
    "l.allotment_type AS allotment_type, l.total AS total, l.used AS used "
    "FROM contract_line l JOIN contract c ON c.id = l.contract_id "
)


def _label(row: dict) -> dict:
    row["remaining"] = None if row["total"] is None else max(row["total"] - row["used"], 0)
    row["label"] = f"{row['contract']} line {row['line_number']} · {row['title']} · " + (
        "covered"
        if row["remaining"] is None
        else f"{row['remaining']} of {row['total']} "
        f"{'cases' if row['allotment_type'] == 'cases' else 'minutes'} left"
    )
    return row


def line_label(contract_line_id: int) -> str:
    """How a line reads beside a case: "CNT-00003 line 2 · Phone support ·
    3 of 10 cases left" ("" if the line is gone)."""
    rows = dict_rows(_LINE_SQL + "WHERE l.id = ?", (contract_line_id,))
    return _label(rows[0])["label"] if rows else ""


def cases_of(contract_id: int, limit: int = 200) -> list[ContractCaseRow]:
    """The cases attached to the contract, newest first, with their line number."""
    return dict_rows(
        "SELECT k.id AS id, k.number AS number, k.title AS title, k.state AS state, "
        "k.status_reason AS status_reason, l.line_number AS line_number, "
        "k.created_at AS created_at "
        # through the lines: case.contract_line_id is indexed, contract_id is not
        'FROM contract_line l JOIN "case" k ON k.contract_line_id = l.id '
        "WHERE l.contract_id = ? ORDER BY k.id DESC LIMIT ?",
        (contract_id, limit),
    )
