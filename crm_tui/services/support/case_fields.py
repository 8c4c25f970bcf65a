"""The checks a case's fields pass on create and update: text lengths,
option codes, references, the follow-up time, the customer (an account, a
contact, or both), the queue the routing rules choose, and an attached
contract line."""

from __future__ import annotations

import datetime as dt

from crm_tui import text
from crm_tui.errors import ValidationError
from crm_tui.meta import states as machines
from crm_tui.meta.support import CASE_ORIGINS, CASE_PRIORITIES, CASE_SEVERITIES, CASE_TYPES
from crm_tui.models import Account, Contact
from crm_tui.models.service import Case, Contract, ContractLine, Queue
from crm_tui.services import dates, records
from crm_tui.services.validate import Checker

FIELDS = [
    "title", "account_id", "contact_id", "description", "case_type", "origin", "priority",
    "severity", "product_id", "subject", "queue_id", "contract_id", "contract_line_id",
    "parent_case_id", "owner_id", "follow_up_by",
]  # fmt: skip

_RESOLVE_REASONS = machines.CASE.reason_codes("resolved")

_RENAMED = {
    "account_id": "account",
    "contact_id": "contact",
    "queue_id": "queue",
    "contract_id": "contract",
    "contract_line_id": "contract_line",
    "parent_case_id": "parent_case",
    "owner_id": "owner",
}


def _follow_up(c: Checker) -> None:
    if not c.has("follow_up_by"):
        return
    raw = c.data["follow_up_by"]
    if raw in (None, ""):
        c.values["follow_up_by"] = None
    elif isinstance(raw, dt.datetime):
        if raw.tzinfo is None:
            c.fail("follow_up_by", "follow up by needs a time zone")
        else:
            c.values["follow_up_by"] = raw.astimezone(dt.UTC)
    else:
        zone = dates.configured_zone()
        try:
            if isinstance(raw, dt.date):
                day = raw
            else:
                day = dates.parse_day(str(raw), dates.today(), field="follow_up_by")
        except ValidationError as exc:
            c.errors.update(exc.errors)
            return
        c.values["follow_up_by"] = dates.end_of_working_day(day, zone)


def check(data: dict, *, creating: bool) -> dict:
    """The cleaned values of form `data` (keys as in FIELDS, plus
    title_sort); ValidationError names each bad field."""
    c = Checker(data)
    c.text("title", required=creating or c.has("title"), max_len=200)
    c.text("description", max_len=20000, multiline=True)
    c.text("subject", max_len=200)
    for name, allowed in (
        ("case_type", CASE_TYPES),
        ("origin", CASE_ORIGINS),
        ("priority", CASE_PRIORITIES),
        ("severity", CASE_SEVERITIES),
    ):
        if c.has(name):
            c.choice(name, allowed)
    c.reference("account_id", Account, "the account does not exist")
    c.reference("contact_id", Contact, "the contact does not exist")
    c.reference("product_id", _product_model(), "the product does not exist")
    c.reference("queue_id", Queue, "the queue does not exist")
    c.reference("contract_id", Contract, "the contract does not exist")
    c.reference("contract_line_id", ContractLine, "the contract line does not exist")
    c.reference("parent_case_id", Case, "the parent case does not exist")
    c.owner()
    _follow_up(c)
    c.custom("case", creating=creating)
    values = c.done()
    if values.get("queue_id") is not None:
        queue = records.by_id(Queue, values["queue_id"])
        if queue.state != "active":
            raise ValidationError({"queue_id": f"the queue {queue.name} is inactive"})
    if "title" in values:
        values["title_sort"] = text.sort_key(values["title"])
    return values


def _product_model():
    from crm_tui.models import Product

    return Product


def to_columns(values: dict) -> dict:
    """Checked values keyed by the model's field names (account, not account_id)."""
    return {_RENAMED.get(k, k): v for k, v in values.items()}


def customer(values: dict, current: Case | None = None) -> None:
    """One of account and contact is needed; a contact alone brings its account."""
    account = values.get("account_id", current.account_id if current else None)
    contact = values.get("contact_id", current.contact_id if current else None)
    if account is None and contact is None:
        raise ValidationError({"account_id": "a case needs a customer: an account or a contact"})
    if account is None and contact is not None:
        contact_row = records.by_id(Contact, contact)
        if contact_row.account_id is not None:
            values["account_id"] = contact_row.account_id


def attach(values: dict, current: Case | None = None) -> str | None:
    """Check a contract line against the customer (contract_cases.check_attach)
    and fill in its contract; returns the allotment warning, if any."""
    line_id = values.get("contract_line_id", current.contract_line_id if current else None)
    if line_id is None:
        return None
    line = records.by_id(ContractLine, line_id)
    contract_id = values.get("contract_id") or line.contract_id
    if contract_id != line.contract_id:
        raise ValidationError({"contract_line_id": "the contract line belongs to another contract"})
    values["contract_id"] = contract_id
    from crm_tui.services.support import contract_cases

    account = values.get("account_id", current.account_id if current else None)
    contact = values.get("contact_id", current.contact_id if current else None)
    return contract_cases.check_attach(line_id, account, contact, dates.today())


def route(values: dict) -> int | None:
    """The queue the routing rules choose for a new case (None: no rule matched)."""
    try:
        from crm_tui.services.support import routing
    except ImportError:
        return None
    keys = ("case_type", "priority", "product_id", "origin", "account_id", "contact_id")
    return routing.route({k: values.get(k) for k in keys})


def check_resolution(resolution: str, reason: str, billable_minutes: int | None) -> tuple:
    """(resolution text, billable minutes) of a resolve, checked against the
    resolved status `reason`; ValidationError names each bad field."""
    if reason not in _RESOLVE_REASONS:
        options = ", ".join(_RESOLVE_REASONS)
        raise ValidationError({"reason": f"{reason!r} is not one of: {options}"})
    c = Checker({"resolution": resolution, "billable_minutes": billable_minutes})
    c.text("resolution", required=True, max_len=4000, multiline=True)
    c.integer("billable_minutes", label="billable minutes")
    checked = c.done()
    minutes = checked.get("billable_minutes")
    if minutes is not None and minutes > 100_000:
        raise ValidationError({"billable_minutes": "billable minutes look too large"})
    return checked["resolution"], minutes
