"""Contacts: the people at accounts (or on their own)."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import text
from crm_tui.db import write
from crm_tui.errors import NotFound
from crm_tui.models import Account, Contact
from crm_tui.services import countries, records, search
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.validate import Checker

FIELDS = [
    "first_name", "last_name", "job_title", "account_id", "email", "phone", "mobile",
    "street", "city", "state_province", "postal_code", "country", "description", "owner_id",
]  # fmt: skip

LIST = ListSpec(
    kind="contact",
    table="contact c",
    columns=(
        "c.id AS id, c.full_name AS name, c.job_title AS job_title, a.name AS account, "
        "c.email AS email, c.phone AS phone, c.mobile AS mobile, c.city AS city, "
        "c.state AS state, c.version AS version, u.full_name AS owner, c.modified_at AS modified_at"
    ),
    joins='JOIN "user" u ON u.id = c.owner_id LEFT JOIN account a ON a.id = c.account_id',
    views={
        "active": "c.state = 'active'",
        "mine": "c.owner_id = :me AND c.state = 'active'",
        "inactive": "c.state = 'inactive'",
        "all": "TRUE",
    },
    sorts={"name": Sort("c.name_sort"), "modified": Sort("c.modified_at", descending=True)},
)
VIEWS = {
    "active": "Active contacts",
    "mine": "My active contacts",
    "inactive": "Inactive contacts",
    "all": "All contacts",
}


class ContactRow(TypedDict):
    """A row of the contacts list."""

    id: int
    name: str
    job_title: str
    account: str | None  # the account's name
    email: str
    phone: str
    mobile: str
    city: str
    state: str
    version: int
    owner: str
    modified_at: str  # as stored (UTC ISO text)


def full_name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _phone_region(data: dict, current: Contact | None) -> str:
    """The region the contact's phones are read in when typed without their
    +country code: the contact's country, else its account's, else the
    default region."""
    country = data["country"] if "country" in data else (current.country if current else "")
    if "account_id" in data:
        account_id = data["account_id"]
    else:
        account_id = current.account_id if current else None
    account_country = ""
    if account_id is not None:
        account_country = records.value_of(Account, account_id, "country") or ""
    return countries.phone_region(country, account_country)


def _with_stored_phones(data: dict, current: Contact | None) -> dict:
    # A number kept as typed for want of a country is read again when the
    # contact's country or account changes: it may be readable now.
    if current is None or not ("country" in data or "account_id" in data):
        return data
    stored = {name: getattr(current, name) for name in ("phone", "mobile") if name not in data}
    return {**data, **{k: v for k, v in stored.items() if v and not v.startswith("+")}}


def _check(
    data: dict, *, creating: bool, current: Contact | None = None
) -> tuple[dict, dict[str, str]]:
    """(the cleaned values to store, per field the warning of a phone kept
    as typed)."""
    data = _with_stored_phones(data, current)
    c = Checker(data)
    c.text("first_name", max_len=80, label="first name")
    c.text("last_name", required=creating or c.has("last_name"), max_len=80, label="last name")
    c.text("job_title", max_len=120, label="job title")
    for name in ("street", "city", "state_province", "postal_code", "country"):
        c.text(name, max_len=120)
    c.text("description", max_len=4000, multiline=True)
    c.email("email")
    if c.has("phone") or c.has("mobile"):
        region = _phone_region({**data, **c.values}, current)
        c.phone("phone", region, label="business phone")
        c.phone("mobile", region, label="mobile phone")
    if c.has("account_id") and data["account_id"] is not None:
        if not records.exists(Account, data["account_id"]):
            c.fail("account_id", "the account does not exist")
        else:
            c.values["account"] = int(data["account_id"])
    elif c.has("account_id"):
        c.values["account"] = None
    c.owner(store_as="owner")
    c.preferences()
    c.custom("contact", creating=creating)
    values = c.done()
    if "first_name" in values or "last_name" in values:
        first = values.get("first_name", current.first_name if current else "")
        last = values.get("last_name", current.last_name if current else "")
        values["full_name"] = full_name(first, last)
        values["name_sort"] = text.sort_key(f"{last} {first}")
    return values, c.warnings


def check(data: dict, current: Contact | None = None) -> dict:
    """The values `create` would store for `data` (with the stored `current`
    record: `update`), writing nothing (an import's dry run); ValidationError
    names each bad field."""
    return _check(data, creating=current is None, current=current)[0]


def create(data: dict, *, checked: dict | None = None) -> Contact:
    """Create a contact from form data; raises ValidationError naming each bad field.
    A phone that cannot be read is kept as typed, its warning in the returned
    contact's `warnings` (field -> message).
    `checked`: what `check(data)` returned for this data (an import checks
    each row once, for its dry run, and writes what the check gave).
    """
    values, warnings = (dict(checked), {}) if checked is not None else _check(data, creating=True)
    owner = values.pop("owner", None)
    with write():
        # the row as written: reading it back is one more statement
        created = records.create_record("contact", values, owner_id=owner)
        search.index("contact", created.id)
    contact = records.readable("contact", created)
    contact.warnings = warnings
    return contact


def get(contact_id: int) -> Contact:
    row = records.by_id(Contact, contact_id)
    if row is None:
        raise NotFound(f"contact #{contact_id} does not exist (it may have been deleted)")
    return records.readable("contact", row)


def update(contact_id: int, version: int, data: dict) -> Contact:
    """Save changed fields if nobody saved since `version`; else ConflictError.
    Phones as in `create`."""
    values, warnings = _check(data, creating=False, current=get(contact_id))
    with write():
        changes = records.update_versioned("contact", contact_id, version, values)
        if changes:
            search.index("contact", contact_id)
    contact = get(contact_id)
    contact.warnings = warnings
    return contact


def deactivate(contact_id: int, version: int) -> Contact:
    """Make a contact inactive; their history stays."""
    records.set_state("contact", contact_id, version, "inactive")
    return get(contact_id)


def reactivate(contact_id: int, version: int) -> Contact:
    """Bring an inactive contact back to the active views."""
    records.set_state("contact", contact_id, version, "active")
    return get(contact_id)


def page(**options) -> Page[ContactRow]:
    """A page of the contacts list: view, sort, query (full-text), after/before/last,
    limit, inclusive (see listing.fetch_page)."""
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10) -> list[ContactRow]:
    """Best matches for `typed` (for pickers and the command palette)."""
    return page(view="all", query=typed, limit=limit).rows
