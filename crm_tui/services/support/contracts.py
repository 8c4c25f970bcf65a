"""Contracts (entitlements): what a customer is entitled to, as lines with an
allotment (a number of cases, a number of minutes, or coverage dates).

Draft -> Active -> On Hold | Canceled | Expired; only a draft can be edited.
Cases attach to an active contract's line (`check_attach`) and consume it on
resolution (`consume`, inside the case's resolution write).

Expiry happens by date with nobody pressing a key: `expire_due` moves every
active or on-hold contract whose end date has passed to expired in one short
write. `get` and `page` call it (a cheap indexed read first, a write only when
something is due), and the app's periodic data_version poll should call it
too, so that a contract expires even while nobody opens one.
"""

from __future__ import annotations

import datetime as dt
import json

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import Account, Contact, Contract, ContractLine
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import dates, numbers, records, session
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.validate import Checker

STATES = {
    "draft": "Draft",
    "active": "Active",
    "on_hold": "On hold",
    "canceled": "Canceled",
    "expired": "Expired",
}
ALLOTMENT_TYPES = {
    "cases": "Number of cases",
    "minutes": "Time (minutes)",
    "coverage": "Coverage dates",
}
FIELDS = ["name", "account_id", "contact_id", "starts_on", "ends_on", "description", "owner_id"]
LINE_FIELDS = ["title", "product_id", "allotment_type", "total", "starts_on", "ends_on"]

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
        "JOIN user u ON u.id = c.owner_id"
    ),
    views={
        "active": "c.state = 'active'",
        "draft": "c.state = 'draft'",
        "on_hold": "c.state = 'on_hold'",
        "ended": "c.state IN ('canceled', 'expired')",
        "mine": "c.owner_id = :me",
        "all": "1",
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


# --- expiry -------------------------------------------------------------------------------


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
        database.execute_sql(
            "INSERT INTO audit_entry (at, user_id, record_type, record_id, action, changes) "
            "SELECT ?, NULL, 'contract', id, 'expired', "
            "json_object('state', json_array(state, 'expired')) " + due_sql,
            (now, day),
        )
        database.execute_sql(
            "UPDATE contract SET state = 'expired', version = version + 1, modified_at = ?, "
            "modified_by_id = NULL WHERE state IN ('active', 'on_hold') AND ends_on < ?",
            (now, day),
        )
        return database.connection().changes()


# --- validation ---------------------------------------------------------------------------


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
        errors["ends_on"] = f"the end date ({after['ends_on']}) is before the start date"
    if after["account_id"] is None and after["contact_id"] is None:
        errors["account_id"] = "a contract needs a customer: an account or a contact"
    if errors:
        raise ValidationError(errors)
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    renamed = {"account_id": "account", "contact_id": "contact", "owner_id": "owner"}
    return {renamed.get(k, k): v for k, v in values.items()}


# --- records ------------------------------------------------------------------------------


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


def _require_draft(row: Contract) -> None:
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
        _require_draft(row)
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
                {"starts_on": f"{names} would fall outside {starts} - {ends}; change it first"}
            )
        records.update_versioned("contract", contract_id, version, values)
    return get(contract_id)


def customer_name(contract: Contract) -> str:
    """The customer's name: the account, else the contact."""
    if contract.account_id is not None:
        return records.title_of("account", contract.account_id)
    return records.title_of("contact", contract.contact_id)


# --- lines --------------------------------------------------------------------------------


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
            f"a line's dates must be within the contract's ({contract.starts_on} - "
            f"{contract.ends_on})"
        )
    elif ends < starts:
        errors["ends_on"] = f"the end date ({ends}) is before the start date ({starts})"
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
        _require_draft(contract)
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
        _require_draft(contract)
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
        _require_draft(contract)
        line = _get_line(contract_id, line_id)
        ContractLine.delete().where(ContractLine.id == line_id).execute()
        detail = {f"line {line.line_number}": (_summary(_line_dict(line)), None)}
        _save_contract(contract, version, "line removed", detail)
    return get(contract_id)


def lines_of(contract_id: int) -> list[dict]:
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
                    f"{row.number} ended on {row.ends_on}; change its end date before activating"
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


# --- cases --------------------------------------------------------------------------------


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
            f"{contract.number} line {line.line_number} ({line.title}) covers {starts} - {ends}, "
            f"not {on}"
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


# --- lists --------------------------------------------------------------------------------


def page(**options) -> Page:
    """A page of the contract list: view (see VIEWS), sort (name, number,
    ends, modified), after/before/last, limit, inclusive. Expires due
    contracts first. Contracts have no search index: use find_by_name."""
    expire_due()
    options.setdefault("view", "active")
    if options.get("query"):
        raise DomainError("contracts are filtered with find_by_name")
    options.pop("query", None)
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10) -> list[dict]:
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


def contracts_of(kind: str, record_id: int, *, usable_on: dt.date | None = None) -> list[dict]:
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


def audit_trail(contract_id: int) -> list[dict]:
    """The contract's audit entries, oldest first (user None = the system)."""
    rows = dict_rows(
        "SELECT e.at AS at, e.action AS action, e.changes AS changes, u.full_name AS user "
        "FROM audit_entry e LEFT JOIN user u ON u.id = e.user_id "
        "WHERE e.record_type = 'contract' AND e.record_id = ? ORDER BY e.id",
        (contract_id,),
    )
    for row in rows:
        row["changes"] = json.loads(row["changes"])
    return rows


def usable_lines(account_id: int | None, contact_id: int | None, on: dt.date) -> list[dict]:
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


def cases_of(contract_id: int, limit: int = 200) -> list[dict]:
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
