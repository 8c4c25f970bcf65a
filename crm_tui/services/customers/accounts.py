"""Accounts: the companies and organisations the business works with."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import text
from crm_tui.db import write
from crm_tui.errors import NotFound
from crm_tui.meta import customers as meta_customers
from crm_tui.models import Account, Contact
from crm_tui.services import countries, records, search
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.validate import Checker

# The industries are the record metadata's (crm_tui.meta); "" is none chosen.
INDUSTRIES = ["", *meta_customers.INDUSTRIES]

FIELDS = [
    "name", "account_number", "parent_id", "primary_contact_id", "industry", "phone", "email",
    "website", "street", "city", "state_province", "postal_code", "country", "annual_revenue",
    "employees", "description", "owner_id",
]  # fmt: skip

LIST = ListSpec(
    kind="account",
    table="account a",
    columns=(
        "a.id AS id, a.name AS name, a.city AS city, a.country AS country, a.phone AS phone, "
        "a.email AS email, a.state AS state, a.version AS version, u.full_name AS owner, "
        "c.full_name AS primary_contact, a.modified_at AS modified_at"
    ),
    joins='JOIN "user" u ON u.id = a.owner_id LEFT JOIN contact c ON c.id = a.primary_contact_id',
    views={
        "active": "a.state = 'active'",
        "mine": "a.owner_id = :me AND a.state = 'active'",
        "inactive": "a.state = 'inactive'",
        "all": "TRUE",
    },
    sorts={"name": Sort("a.name_sort"), "modified": Sort("a.modified_at", descending=True)},
)
VIEWS = {
    "active": "Active accounts",
    "mine": "My active accounts",
    "inactive": "Inactive accounts",
    "all": "All accounts",
}


class AccountRow(TypedDict):
    """A row of the accounts list."""

    id: int
    name: str
    city: str
    country: str
    phone: str
    email: str
    state: str
    version: int
    owner: str
    primary_contact: str | None
    modified_at: str  # as stored (UTC ISO text)


class AccountContactRow(TypedDict):
    """A contact of an account, as its detail lists them."""

    id: int
    full_name: str
    job_title: str
    email: str
    phone: str
    state: str
    version: int


class ChildAccountRow(TypedDict):
    """An account below another one."""

    id: int
    name: str
    city: str


def _check(
    data: dict, *, creating: bool, current: Account | None = None
) -> tuple[dict, dict[str, str]]:
    """(the columns to store, per field the warning of a phone kept as typed)."""
    record_id = current.id if current else None
    stored = current.phone if current else ""
    if "country" in data and "phone" not in data and stored and not stored.startswith("+"):
        # a number kept as typed for want of a country may be readable now
        data = {**data, "phone": stored}
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=160)
    c.text("account_number", max_len=40)
    for name in ("industry", "street", "city", "state_province", "postal_code", "country"):
        c.text(name, max_len=120)
    c.text("description", max_len=4000, multiline=True)
    c.email("email")
    c.website("website")
    if c.has("phone"):
        country = c.values.get("country", current.country if current else "")
        c.phone("phone", countries.phone_region(country))
    c.money("annual_revenue", label="annual revenue")
    c.integer("employees")
    if c.has("parent_id") and data["parent_id"] is not None:
        parent_id = int(data["parent_id"])
        if parent_id == record_id:
            c.fail("parent_id", "an account cannot be its own parent")
        elif not records.exists(Account, parent_id):
            c.fail("parent_id", "the parent account does not exist")
        elif record_id is not None and _is_descendant(parent_id, record_id):
            c.fail("parent_id", "that account is below this one; choosing it would make a loop")
        else:
            c.values["parent_id"] = parent_id
    elif c.has("parent_id"):
        c.values["parent_id"] = None
    if c.has("primary_contact_id") and data["primary_contact_id"] is not None:
        contact_id = int(data["primary_contact_id"])
        if not records.exists(Contact, contact_id):
            c.fail("primary_contact_id", "the primary contact does not exist")
        else:
            c.values["primary_contact_id"] = contact_id
    elif c.has("primary_contact_id"):
        c.values["primary_contact_id"] = None
    c.owner()
    c.preferences()
    c.custom("account", creating=creating)
    values = c.done()
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    return _to_columns(values), c.warnings


def _to_columns(values: dict) -> dict:
    # Peewee's insert/update take foreign keys by field name, not column name.
    renamed = {"parent_id": "parent", "primary_contact_id": "primary_contact", "owner_id": "owner"}
    return {renamed.get(k, k): v for k, v in values.items()}


def _is_descendant(candidate: int, ancestor: int) -> bool:
    seen = set()
    current = candidate
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        row = Account.select(Account.parent).where(Account.id == current).tuples().first()
        current = row[0] if row else None
    return False


def check(data: dict, current: Account | None = None) -> dict:
    """The values `create` would store for `data` (with the stored `current`
    record: `update`), writing nothing (an import's dry run); ValidationError
    names each bad field."""
    return _check(data, creating=current is None, current=current)[0]


def create(data: dict, *, checked: dict | None = None) -> Account:
    """Create an account from form data; raises ValidationError naming each bad field.
    A phone that cannot be read is kept as typed, its warning in the returned
    account's `warnings` (field -> message).
    `checked`: what `check(data)` returned for this data (an import checks
    each row once, for its dry run, and writes what the check gave).
    """
    values, warnings = (dict(checked), {}) if checked is not None else _check(data, creating=True)
    owner = values.pop("owner", None)
    with write():
        # the row as written: reading it back is one more statement
        created = records.create_record("account", values, owner_id=owner)
        search.index("account", created.id)
    account = records.readable("account", created)
    account.warnings = warnings
    return account


def get(account_id: int) -> Account:
    """One account with its owner, parent and primary contact loaded."""
    row = records.by_id(Account, account_id)
    if row is None:
        raise NotFound(f"account #{account_id} does not exist (it may have been deleted)")
    return records.readable("account", row)


def update(account_id: int, version: int, data: dict) -> Account:
    """Save changed fields if nobody saved since `version`; else ConflictError.
    Phones as in `create`."""
    values, warnings = _check(data, creating=False, current=get(account_id))
    with write():
        changes = records.update_versioned("account", account_id, version, values)
        if changes:
            search.index("account", account_id)
            if "name" in changes:
                # a contact's index carries its company name
                for (contact_id,) in (
                    Contact.select(Contact.id).where(Contact.account == account_id).tuples()
                ):
                    search.index("contact", contact_id)
    account = get(account_id)
    account.warnings = warnings
    return account


def deactivate(account_id: int, version: int) -> Account:
    """Make an account inactive: it leaves the active views but keeps its history."""
    records.set_state("account", account_id, version, "inactive")
    return get(account_id)


def reactivate(account_id: int, version: int) -> Account:
    """Bring an inactive account back to the active views."""
    records.set_state("account", account_id, version, "active")
    return get(account_id)


def page(**options) -> Page[AccountRow]:
    """A page of the accounts list: view, sort, query (full-text), after/before/last,
    limit, inclusive (see listing.fetch_page)."""
    return page_of(LIST, **options)


def contacts_of(account_id: int, limit: int = 200) -> list[AccountContactRow]:
    """The account's contacts, by name."""
    q = (
        Contact.select(
            Contact.id,
            Contact.full_name,
            Contact.job_title,
            Contact.email,
            Contact.phone,
            Contact.state,
            Contact.version,
        )
        .where(Contact.account == account_id)
        .order_by(Contact.name_sort, Contact.id)
        .limit(limit)
    )
    return list(q.dicts())


def children_of(account_id: int) -> list[ChildAccountRow]:
    """The accounts whose parent is this one, by name."""
    q = (
        Account.select(Account.id, Account.name, Account.city)
        .where(Account.parent == account_id)
        .order_by(Account.name_sort)
    )
    return list(q.dicts())


def find_by_name(typed: str, limit: int = 10) -> list[AccountRow]:
    """Best matches for `typed` (for pickers and the command palette)."""
    return page(view="all", query=typed, limit=limit).rows
