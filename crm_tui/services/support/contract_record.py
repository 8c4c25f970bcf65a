"""One contract as a record: its checks, creating and editing a draft,
reading one (expiring what is due first), its customer's name, and expiry
by date.

Expiry happens by date with nobody pressing a key: `expire_due` moves every
active or on-hold contract whose end date has passed to expired in one short
write. `get` and the lists call it (a cheap indexed read first, a write only
when something is due), and the app's periodic data_version poll calls it
too, so that a contract expires even while nobody opens one.
"""

from __future__ import annotations

import datetime as dt
import json

from crm_tui import text
from crm_tui.db import changes, database, dict_rows, executemany, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta import states as machines
from crm_tui.models import Account, Contact, Contract
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import dates, numbers, records
from crm_tui.services.validate import Checker

# The state machine is the record metadata's (crm_tui.meta).
STATES = {state.code: state.label for state in machines.CONTRACT.states}
FIELDS = ["name", "account_id", "contact_id", "starts_on", "ends_on", "description", "owner_id"]


def expire_due(today: dt.date | None = None) -> int:
    """Expire every active or on-hold contract whose end date is before
    `today` (the configured zone's date by default). One short write,
    audited as the system (no user); returns how many expired. Cheap when
    nothing is due: one indexed read. The app's periodic poll calls it."""
    day = (today or dates.today()).isoformat()
    due_sql = "FROM contract WHERE state IN ('active', 'on_hold') AND ends_on < ?"
    if database.execute_sql(f"SELECT EXISTS (SELECT 1 {due_sql})", (day,)).fetchone()[0] == 0:
        return 0
    now = to_db_time(utcnow())
    with write():
        # The audit payload is built here, not by the engine's JSON functions,
        # which differ between SQLite and PostgreSQL.
        due = database.execute_sql(f"SELECT id, state {due_sql}", (day,)).fetchall()
        executemany(
            "INSERT INTO audit_entry (at, user_id, record_type, record_id, action, changes) "
            "VALUES (?, NULL, 'contract', ?, 'expired', ?)",
            [(now, cid, json.dumps({"state": [state, "expired"]})) for cid, state in due],
        )
        cursor = database.execute_sql(
            "UPDATE contract SET state = 'expired', version = version + 1, modified_at = ?, "
            "modified_by_id = NULL WHERE state IN ('active', 'on_hold') AND ends_on < ?",
            (now, day),
        )
        return changes(cursor)


def _check(data: dict, *, creating: bool, stored: Contract | None = None) -> dict:
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=200)
    c.text("description", max_len=4000, multiline=True)
    c.date("starts_on", label="start date")
    c.date("ends_on", label="end date")
    c.reference("account_id", Account, "the account does not exist")
    c.reference("contact_id", Contact, "the contact does not exist")
    c.owner()
    values = c.done()
    after = {
        key: values[key] if key in values else (getattr(stored, key) if stored else None)
        for key in ("starts_on", "ends_on", "account_id", "contact_id")
    }
    errors = {}
    if after["starts_on"] is None:
        errors["starts_on"] = "start date is required"
    if after["ends_on"] is None:
        errors["ends_on"] = "end date is required"
    elif after["starts_on"] is not None and after["ends_on"] < after["starts_on"]:
        errors["ends_on"] = (
            f"the end date ({dates.shown_day(after['ends_on'])}) is before the start date"
        )
    if after["account_id"] is None and after["contact_id"] is None:
        errors["account_id"] = "a contract needs a customer: an account or a contact"
    if errors:
        raise ValidationError(errors)
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    renamed = {"account_id": "account", "contact_id": "contact", "owner_id": "owner"}
    return {renamed.get(k, k): v for k, v in values.items()}


def create(data: dict) -> Contract:
    """Create a draft contract (number CNT-00001 ...) for an account and/or a
    contact, with start and end dates; ValidationError names each bad field."""
    values = _check(data, creating=True)
    owner = values.pop("owner", None)
    values["state"] = "draft"
    with write():
        values["number"] = numbers.next_number("contract")
        new_id = records.create("contract", values, owner_id=owner)
    return get(new_id)


def get(contract_id: int) -> Contract:
    """One contract (expiring due ones first); NotFound if it does not exist."""
    expire_due()
    row = records.by_id(Contract, contract_id)
    if row is None:
        raise NotFound(f"contract #{contract_id} does not exist (it may have been deleted)")
    return records.readable("contract", row)


def require_draft(row: Contract) -> None:
    """Refuse to change a contract that is no longer a draft."""
    if row.state != "draft":
        raise DomainError(
            f"{row.number} is {STATES[row.state].lower()}: only a draft contract can be edited"
        )


def update(contract_id: int, version: int, data: dict) -> Contract:
    """Save changed fields of a draft contract if nobody saved since `version`
    (else ConflictError). Lines must stay within the new dates."""
    stored = get(contract_id)
    values = _check(data, creating=False, stored=stored)
    with write():
        row = records.load_current("contract", contract_id, version, values.keys())
        require_draft(row)
        starts = values.get("starts_on", row.starts_on)
        ends = values.get("ends_on", row.ends_on)
        outside = dict_rows(
            "SELECT line_number, title FROM contract_line WHERE contract_id = ? "
            "AND (starts_on < ? OR ends_on > ?) ORDER BY line_number",
            (contract_id, starts.isoformat(), ends.isoformat()),
        )
        if outside:
            names = ", ".join(f"line {r['line_number']} ({r['title']})" for r in outside)
            raise ValidationError(
                {
                    "starts_on": f"{names} would fall outside {dates.shown_day(starts)} - "
                    f"{dates.shown_day(ends)}; change it first"
                }
            )
        records.update_versioned("contract", contract_id, version, values)
    return get(contract_id)


def customer_name(contract: Contract) -> str:
    """The customer's name: the account, else the contact."""
    if contract.account_id is not None:
        return records.title_of("account", contract.account_id)
    return records.title_of("contact", contract.contact_id)
