"""Contracts (entitlements): what a customer is entitled to, as lines with an
allotment (a number of cases, a number of minutes, or coverage dates). This
module is the contract API: its states, lists and audit trail; the record
itself (checks, create, edit, expiry by date) is in `contract_record`, the
lines in `contract_lines`, and what cases use of contracts in
`contract_cases`, all reached through here too.

Draft -> Active -> On Hold | Canceled | Expired; only a draft can be edited.
Cases attach to an active contract's line (`check_attach`) and consume it on
resolution (`consume`, inside the case's resolution write).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError
from crm_tui.meta.support import ALLOTMENT_TYPES
from crm_tui.models import Contract
from crm_tui.services import dates, records
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.support.contract_cases import (
    ContractCaseRow,
    UsableLineRow,
    cases_of,
    check_attach,
    consume,
    line_label,
    usable_lines,
)
from crm_tui.services.support.contract_lines import (
    LINE_FIELDS,
    ContractLineRow,
    add_line,
    lines_of,
    remove_line,
    update_line,
)
from crm_tui.services.support.contract_record import (
    FIELDS,
    STATES,
    create,
    customer_name,
    expire_due,
    get,
    update,
)

LIST = ListSpec(
    kind="contract",
    table="contract c",
    columns=(
        "c.id AS id, c.number AS number, c.name AS name, c.state AS state, "
        "c.account_id AS account_id, c.contact_id AS contact_id, "
        "coalesce(a.name, k.full_name, '') AS customer, c.starts_on AS starts_on, "
        "c.ends_on AS ends_on, u.full_name AS owner, c.version AS version, "
        "c.modified_at AS modified_at"
    ),
    joins=(
        "LEFT JOIN account a ON a.id = c.account_id "
        "LEFT JOIN contact k ON k.id = c.contact_id "
        'JOIN "user" u ON u.id = c.owner_id'
    ),
    views={
        "active": "c.state = 'active'",
        "draft": "c.state = 'draft'",
        "on_hold": "c.state = 'on_hold'",
        "ended": "c.state IN ('canceled', 'expired')",
        "mine": "c.owner_id = :me",
        "all": "TRUE",
    },
    sorts={
        "name": Sort("c.name_sort"),
        "number": Sort("c.number"),
        "ends": Sort("c.ends_on"),
        "modified": Sort("c.modified_at", descending=True),
    },
)
VIEWS = {
    "active": "Active contracts",
    "draft": "Draft contracts",
    "on_hold": "Contracts on hold",
    "ended": "Canceled and expired contracts",
    "mine": "My contracts",
    "all": "All contracts",
}


class ContractRow(TypedDict):
    """A row of the contract list (and of a customer's contracts)."""

    id: int
    number: str
    name: str
    state: str
    account_id: int | None
    contact_id: int | None
    customer: str  # the account's name, else the contact's
    starts_on: str  # ISO date
    ends_on: str  # ISO date
    owner: str
    version: int
    modified_at: str  # as stored (UTC ISO text)


class AuditRow(TypedDict):
    """An entry of a contract's audit trail."""

    at: str  # as stored (UTC ISO text)
    action: str
    changes: dict  # field -> [old, new]
    user: str | None  # None: the system


# --- states -------------------------------------------------------------------------------


def _transition(contract_id: int, version: int, state: str, allowed: tuple, why: str) -> Contract:
    expire_due()
    with write():
        row = records.load_current("contract", contract_id, version, ("state",))
        if row.state == state:
            raise DomainError(f"{row.number} is already {STATES[state].lower()}")
        if row.state not in allowed:
            raise DomainError(f"{row.number} is {STATES[row.state].lower()}; {why}")
        if state == "active" and row.state == "draft":
            has_line = database.execute_sql(
                "SELECT EXISTS (SELECT 1 FROM contract_line WHERE contract_id = ?)",
                (contract_id,),
            ).fetchone()[0]
            if not has_line:
                raise DomainError(
                    f"{row.number} has no lines; add a line (cases, minutes or coverage) "
                    "before activating it"
                )
            if row.ends_on < dates.today():
                raise DomainError(
                    f"{row.number} ended on {dates.shown_day(row.ends_on)}; "
                    "change its end date before activating"
                )
        records.update_versioned("contract", contract_id, version, {"state": state}, action="state")
    return get(contract_id)


def activate(contract_id: int, version: int) -> Contract:
    """Draft -> Active (it needs at least one line); it can no longer be edited."""
    return _transition(
        contract_id, version, "active", ("draft",), "only a draft contract can be activated"
    )


def hold(contract_id: int, version: int) -> Contract:
    """Active -> On hold: no case can be attached until it is resumed."""
    return _transition(
        contract_id, version, "on_hold", ("active",), "only an active contract can be put on hold"
    )


def resume(contract_id: int, version: int) -> Contract:
    """On hold -> Active."""
    return _transition(
        contract_id, version, "active", ("on_hold",), "only a contract on hold can be resumed"
    )


def cancel(contract_id: int, version: int) -> Contract:
    """Draft, active or on hold -> Canceled (final)."""
    return _transition(
        contract_id,
        version,
        "canceled",
        ("draft", "active", "on_hold"),
        "a canceled or expired contract cannot be canceled",
    )


# --- lists --------------------------------------------------------------------------------


def page(**options) -> Page[ContractRow]:
    """A page of the contract list: view (see VIEWS), sort (name, number,
    ends, modified), query (conditions of the query language: contracts have
    no word search, find_by_name finds them by name), after/before/last,
    limit, inclusive. Expires due contracts first."""
    expire_due()
    options.setdefault("view", "active")
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10) -> list[ContractRow]:
    """Contracts whose name starts with `typed` (folded) or whose number
    contains it, by name."""
    key = text.sort_key(typed)
    typed = text.clean(typed or "").strip()
    if not typed:
        return []
    escaped = typed.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = (
        f"SELECT {LIST.columns} FROM contract c {LIST.joins} "
        "WHERE (c.name_sort >= ? AND c.name_sort < ?) OR c.number LIKE ? ESCAPE '\\' "
        "ORDER BY c.name_sort, c.id LIMIT ?"
    )
    return dict_rows(sql, (key, key + "\uffff", f"%{escaped}%", limit))


def contracts_of(
    kind: str, record_id: int, *, usable_on: dt.date | None = None
) -> list[ContractRow]:
    """A customer's contracts (kind 'account' or 'contact'), newest end date
    first; with `usable_on`, only active ones covering that day."""
    expire_due()
    if kind not in ("account", "contact"):
        raise DomainError(f"contracts belong to accounts and contacts, not a {kind}")
    where = f"c.{kind}_id = ?"
    params: list = [record_id]
    if usable_on is not None:
        where += " AND c.state = 'active' AND c.starts_on <= ? AND c.ends_on >= ?"
        params += [usable_on.isoformat(), usable_on.isoformat()]
    return dict_rows(
        f"SELECT {LIST.columns} FROM contract c {LIST.joins} WHERE {where} "
        "ORDER BY c.ends_on DESC, c.id DESC",
        params,
    )


def audit_trail(contract_id: int) -> list[AuditRow]:
    """The contract's audit entries, oldest first (user None = the system)."""
    rows = dict_rows(
        "SELECT e.at AS at, e.action AS action, e.changes AS changes, u.full_name AS user "
        'FROM audit_entry e LEFT JOIN "user" u ON u.id = e.user_id '
        "WHERE e.record_type = 'contract' AND e.record_id = ? ORDER BY e.id",
        (contract_id,),
    )
    for row in rows:
        row["changes"] = json.loads(row["changes"])
    return rows


__all__ = [
    "ALLOTMENT_TYPES",
    "FIELDS",
    "LINE_FIELDS",
    "LIST",
    "STATES",
    "VIEWS",
    "AuditRow",
    "ContractCaseRow",
    "ContractLineRow",
    "ContractRow",
    "UsableLineRow",
    "activate",
    "add_line",
    "audit_trail",
    "cancel",
    "cases_of",
    "check_attach",
    "consume",
    "contracts_of",
    "create",
    "customer_name",
    "expire_due",
    "find_by_name",
    "get",
    "hold",
    "line_label",
    "lines_of",
    "page",
    "remove_line",
    "resume",
    "update",
    "update_line",
    "usable_lines",
]
