"""Leads: prospects not yet qualified. Open{New, Contacted} -> Qualified
(creating or linking an account, a contact and an opportunity) or
Disqualified{Lost, Cannot contact, No longer interested, Canceled}; both
are reversed by reactivate, as in Dynamics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from crm_tui import text
from crm_tui.db import write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta import states as machines
from crm_tui.meta.sales import LEAD_SOURCES, RATINGS
from crm_tui.models import Account, Campaign, Contact, Lead, User
from crm_tui.services import countries, money, records, search
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.sales import duplicates, opportunities
from crm_tui.services.sales.duplicates import Matches
from crm_tui.services.validate import Checker

# Option sets and the state machine are the record metadata's (crm_tui.meta).
SOURCES = {"": "", **LEAD_SOURCES}  # "": none given
STATES = {state.code: state.label for state in machines.LEAD.states}
STATUS = {reason.code: reason.label for reason in machines.LEAD.reasons}
DISQUALIFY_REASONS = {
    reason.code: reason.label for reason in machines.LEAD.state("disqualified").reasons
}

FIELDS = [
    "topic", "first_name", "last_name", "company_name", "job_title", "email", "phone",
    "website", "city", "country", "source", "rating", "estimated_value", "description",
    "owner_id",
]  # fmt: skip

LIST = ListSpec(
    kind="lead",
    table="lead l",
    columns=(
        "l.id AS id, l.full_name AS name, l.full_name AS full_name, "
        "l.company_name AS company_name, l.topic AS topic, l.rating AS rating, "
        "l.status_reason AS status_reason, l.state AS state, "
        "l.estimated_value AS estimated_value, l.email AS email, l.phone AS phone, "
        "u.full_name AS owner, l.version AS version, l.modified_at AS modified_at"
    ),
    joins='JOIN "user" u ON u.id = l.owner_id',
    views={
        "my_open": "l.owner_id = :me AND l.state = 'open'",
        "open": "l.state = 'open'",
        "qualified": "l.state = 'qualified'",
        "disqualified": "l.state = 'disqualified'",
        "all": "TRUE",
    },
    sorts={"name": Sort("l.name_sort"), "modified": Sort("l.modified_at", descending=True)},
    # Most leads are open or long closed: filtered pages of these rank in the index.
    broad_views=frozenset({"open", "all"}),
)
VIEWS = {
    "my_open": "My open leads",
    "open": "All open leads",
    "qualified": "Qualified leads",
    "disqualified": "Disqualified leads",
    "all": "All leads",
}


class LeadRow(TypedDict):
    """A row of the leads list."""

    id: int
    name: str
    full_name: str
    company_name: str
    topic: str
    rating: str
    status_reason: str
    state: str
    estimated_value: int | None  # minor units
    email: str
    phone: str
    owner: str
    version: int
    modified_at: str  # as stored (UTC ISO text)


@dataclass(frozen=True)
class Qualified:
    """What qualifying linked or created; None where nothing was."""

    account_id: int | None
    contact_id: int | None
    opportunity_id: int | None


# --- validation -----------------------------------------------------------------------


def _check(
    data: dict, *, creating: bool, current: Lead | None = None
) -> tuple[dict, dict[str, str]]:
    """(the values to store, per field the warning of a phone kept as typed)."""
    stored = current.phone if current else ""
    if "country" in data and "phone" not in data and stored and not stored.startswith("+"):
        # a number kept as typed for want of a country may be readable now
        data = {**data, "phone": stored}
    c = Checker(data)
    c.text("topic", max_len=200)
    c.text("first_name", max_len=80, label="first name")
    c.text("last_name", required=creating or c.has("last_name"), max_len=80, label="last name")
    # As long as the account and contact fields qualifying copies them into.
    c.text("company_name", max_len=160, label="company")
    c.text("job_title", max_len=120, label="job title")
    c.text("city", max_len=120)
    c.text("country", max_len=120)
    c.text("description", max_len=4000, multiline=True)
    c.email("email")
    c.website("website")
    if c.has("phone"):
        country = c.values.get("country", current.country if current else "")
        c.phone("phone", countries.phone_region(country))
    c.money("estimated_value", label="estimated value")
    if c.has("source"):
        c.choice("source", SOURCES)
    if c.has("rating"):
        c.choice("rating", RATINGS)
    c.owner(store_as="owner")
    c.preferences()
    c.reference("campaign_id", Campaign, "choose a campaign")
    c.custom("lead", creating=creating)
    values = c.done()
    if "first_name" in values or "last_name" in values:
        first = values.get("first_name", current.first_name if current else "")
        last = values.get("last_name", current.last_name if current else "")
        values["full_name"] = contacts.full_name(first, last)
        values["name_sort"] = text.sort_key(f"{last} {first}")
    return values, c.warnings


# --- records ------------------------------------------------------------------------


def check(data: dict, current: Lead | None = None) -> dict:
    """The values `create` would store for `data` (with the stored `current`
    record: `update`), writing nothing (an import's dry run); ValidationError
    names each bad field."""
    return _check(data, creating=current is None, current=current)[0]


def create(data: dict, *, checked: dict | None = None) -> Lead:
    """Create an open (new) lead from form data; raises ValidationError naming each bad field.
    `checked`: what `check(data)` returned for this data (an import checks
    each row once, for its dry run, and writes what the check gave).
    """
    values, warnings = (dict(checked), {}) if checked is not None else _check(data, creating=True)
    owner = values.pop("owner", None)
    values.update(state="open", status_reason="new")
    with write():
        new_id = records.create("lead", values, owner_id=owner)
        search.index("lead", new_id)
    lead = get(new_id)
    lead.warnings = warnings
    return lead


def get(lead_id: int) -> Lead:
    """One lead; NotFound if it does not exist."""
    row = records.by_id(Lead, lead_id)
    if row is None:
        raise NotFound(f"lead #{lead_id} does not exist (it may have been deleted)")
    return records.readable("lead", row)


def _require_open(row: Lead, doing: str) -> None:
    if row.state != "open":
        raise DomainError(f"this lead is {row.state}; reactivate it first to {doing}")


def update(lead_id: int, version: int, data: dict) -> Lead:
    """Save changed fields of an open lead if nobody saved since `version`
    (else ConflictError); qualified and disqualified leads are read-only."""
    values, warnings = _check(data, creating=False, current=get(lead_id))
    with write():
        row = records.load_current("lead", lead_id, version, values.keys())
        _require_open(row, "edit it")
        if records.update_versioned("lead", lead_id, version, values):
            search.index("lead", lead_id)
    lead = get(lead_id)
    lead.warnings = warnings
    return lead


def mark_contacted(lead_id: int, version: int) -> Lead:
    """Note that someone reached the lead: New -> Contacted (still open)."""
    with write():
        row = records.load_current("lead", lead_id, version, ["status_reason"])
        _require_open(row, "mark it as contacted")
        if row.status_reason == "contacted":
            raise DomainError("this lead is already marked as contacted")
        records.update_versioned(
            "lead", lead_id, version, {"status_reason": "contacted"}, action="state"
        )
    return get(lead_id)


def disqualify(lead_id: int, version: int, reason: str) -> Lead:
    """Close an open lead as disqualified with one of DISQUALIFY_REASONS."""
    if reason not in DISQUALIFY_REASONS:
        options = ", ".join(DISQUALIFY_REASONS)
        raise ValidationError({"reason": f"{reason!r} is not one of: {options}"})
    with write():
        row = records.load_current("lead", lead_id, version, ["state", "status_reason"])
        if row.state == "disqualified":
            raise DomainError("this lead is already disqualified")
        _require_open(row, "disqualify it")
        records.update_versioned(
            "lead",
            lead_id,
            version,
            {"state": "disqualified", "status_reason": reason},
            action="state",
        )
    return get(lead_id)


def reactivate(lead_id: int, version: int) -> Lead:
    """Open a qualified or disqualified lead again (as New). A qualification's
    account, contact and opportunity are kept, and so are the lead's links to
    them, as history (Dynamics does the same)."""
    with write():
        row = records.load_current("lead", lead_id, version, ["state", "status_reason"])
        if row.state == "open":
            raise DomainError(
                "this lead is already open; only a qualified or disqualified lead can be reactivated"
            )
        records.update_versioned(
            "lead", lead_id, version, {"state": "open", "status_reason": "new"}, action="state"
        )
    return get(lead_id)


# --- qualifying -----------------------------------------------------------------------


def matches(lead_id: int) -> Matches:
    """Existing accounts and contacts that look like this lead's company and
    person (same email, phone, company name or web domain), for linking
    instead of creating duplicates."""
    lead = get(lead_id)
    return duplicates.find(
        email=lead.email,
        phone=lead.phone,
        company=lead.company_name,
        website=lead.website,
        country=lead.country,
    )


def _linkable(kind: str, record_id: int) -> int:
    model = Account if kind == "account" else Contact
    if records.by_id(model, int(record_id)) is None:
        raise NotFound(f"{kind} #{record_id} does not exist (it may have been deleted)")
    return int(record_id)


def _owner_for(lead: Lead) -> int | None:
    # The lead's owner keeps what qualifying makes; if they have left, the
    # person qualifying does (the services default).
    owner = records.by_id(User, lead.owner_id)
    return owner.id if owner is not None and owner.active else None


def qualify(
    lead_id: int,
    version: int,
    *,
    account_id: int | None = None,
    create_account: bool = True,
    contact_id: int | None = None,
    create_contact: bool = True,
    create_opportunity: bool = True,
    opportunity_name: str | None = None,
) -> Qualified:
    """Qualify an open lead in one transaction: link `account_id` or create an
    account from the company (if `create_account` and the lead names a
    company), link `contact_id` or create a contact from the person (in that
    account), create an opportunity for them (if `create_opportunity`), and
    link all three back to the lead. A contact created with a new account is
    that account's primary contact. A linked contact is never moved to the
    account. Refused without any account or contact: the opportunity needs a
    customer."""
    with write():
        lead = records.load_current("lead", lead_id, version, ["state", "status_reason"])
        if lead.state == "qualified":
            raise DomainError(
                "this lead is already qualified; reactivate it first to qualify it again"
            )
        _require_open(lead, "qualify it")
        will_have_account = account_id is not None or (create_account and lead.company_name)
        if not will_have_account and contact_id is None and not create_contact:
            raise DomainError(
                "choose or create an account or a contact: qualifying needs a customer"
            )
        owner = _owner_for(lead)
        created_account = False
        if account_id is not None:
            account_id = _linkable("account", account_id)
        elif create_account and lead.company_name:
            data = {
                "name": lead.company_name,
                "website": lead.website,
                # The lead's phone is its business phone; its email is the
                # person's own, so it goes to the contact only.
                "phone": lead.phone,
                "city": lead.city,
                "country": lead.country,
            }
            if owner:
                data["owner_id"] = owner
            account_id = accounts.create(data).id
            created_account = True
        if contact_id is not None:
            contact_id = _linkable("contact", contact_id)
        elif create_contact:
            data = {
                "first_name": lead.first_name,
                "last_name": lead.last_name,
                "job_title": lead.job_title,
                "email": lead.email,
                "phone": lead.phone,
                "city": lead.city,
                "country": lead.country,
                "account_id": account_id,
            }
            if owner:
                data["owner_id"] = owner
            contact_id = contacts.create(data).id
            if created_account:
                # as in Dynamics, the person qualified is the new account's primary contact
                new_account = accounts.get(account_id)
                accounts.update(account_id, new_account.version, {"primary_contact_id": contact_id})
        opportunity_id = None
        if create_opportunity:
            opportunity_id = _create_opportunity(
                lead, account_id, contact_id, opportunity_name, owner
            )
        records.update_versioned(
            "lead",
            lead_id,
            version,
            {
                "state": "qualified",
                "status_reason": "qualified",
                "account": account_id,
                "contact": contact_id,
                "opportunity_id": opportunity_id,
            },
            action="state",
        )
    return Qualified(account_id, contact_id, opportunity_id)


def _create_opportunity(
    lead: Lead,
    account_id: int | None,
    contact_id: int | None,
    name: str | None,
    owner: int | None,
) -> int:
    company = lead.company_name or (
        records.title_of("account", account_id) if account_id is not None else ""
    )
    name = text.clean(name) or lead.topic or f"{company or lead.full_name} opportunity"
    data = {
        "name": name,
        # The customer is the account when there is one; the contact is then
        # the person to deal with (both, as Dynamics fills them).
        "account_id": account_id,
        "contact_id": contact_id,
        "lead_id": lead.id,
        "estimated_revenue": money.plain(lead.estimated_value),
        "rating": lead.rating,
        "description": lead.description,
        # a deal from a campaign's lead is the campaign's (its return)
        "campaign_id": lead.campaign_id,
    }
    if owner:
        data["owner_id"] = owner
    return opportunities.create(data).id


# --- lists ----------------------------------------------------------------------------


def page(**options) -> Page[LeadRow]:
    """A page of the leads list: view, sort, query (full-text: name, company,
    email, phone, topic ...), after/before/last, limit, inclusive (see
    listing.fetch_page)."""
    return page_of(LIST, **{"view": "open", **options})


def find_by_name(typed: str, limit: int = 10) -> list[LeadRow]:
    """Best matches for `typed` among all leads (for pickers and the command palette)."""
    return page(view="all", query=typed, limit=limit).rows
