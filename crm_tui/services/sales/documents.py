"""What quotes, orders and invoices share: the header fields and their
checks, creating a numbered document, editing its header, state changes,
the close activity, and the list of documents of a record."""

from __future__ import annotations

import datetime as dt

from peewee import Model

from crm_tui import meta, text
from crm_tui.db import dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import Account, Contact, Opportunity, PriceList
from crm_tui.services import dates, numbers, records, search, session
from crm_tui.services.customers import activities
from crm_tui.services.listing import ListSpec, Sort
from crm_tui.services.sales import lines, pricing, products
from crm_tui.services.sales.rows import DocumentOfRow
from crm_tui.services.validate import Checker

TABLES = {"quote": "quote", "order": "sales_order", "invoice": "invoice"}
# Dates each kind of document has, with the words a person reads.
DATES = {
    "quote": {"effective_from": "valid from", "effective_to": "valid to"},
    "order": {"requested_by": "requested by"},
    "invoice": {"due_date": "due date"},
}
# The state in which each kind's header (and lines) may change.
EDITABLE = {"quote": "draft", "order": "active", "invoice": "active"}

FIELDS = [
    "name", "account_id", "contact_id", "opportunity_id", "price_list_id", "discount",
    "description", "owner_id",
]  # fmt: skip

_REFERENCES = {
    "account_id": (Account, "account"),
    "contact_id": (Contact, "contact"),
    "opportunity_id": (Opportunity, "opportunity"),
    "price_list_id": (PriceList, "price list"),
}


def get(kind: str, record_id: int) -> Model:
    """One document; NotFound if it does not exist."""
    return records.require(kind, record_id)


def parse_date(
    value, field: str, label: str | None = None, *, past: bool = False
) -> dt.date | None:
    """A date from a form as dates.read_day reads it (fri, +3d, 2026-12-01),
    a date, or None for empty; `past` for a day that cannot be in the future."""
    return dates.read_day(value, field=field, past=past)


def _article(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def state_label(row) -> str:
    """'closed (revised)', 'paid (partial)', 'active' ..."""
    reason = row.status_reason
    if reason and reason != row.state and row.state in ("closed", "paid", "fulfilled"):
        return f"{row.state} ({reason.replace('_', ' ')})"
    return row.state


# --- header fields ------------------------------------------------------------------------


def _reference(c: Checker, name: str) -> None:
    if not c.has(name):
        return
    raw = c.data[name]
    if raw in (None, ""):
        c.values[name] = None
        return
    model, label = _REFERENCES[name]
    try:
        record_id = int(raw)
    except (TypeError, ValueError):
        c.fail(name, f"{raw!r} is not {_article(label)}")
        return
    if model.get_or_none(model.id == record_id) is None:
        c.fail(name, f"the {label} does not exist (it may have been deleted)")
    else:
        c.values[name] = record_id


def check_header(kind: str, data: dict, *, creating: bool, current: Model | None = None) -> dict:
    """Clean header fields from form data (strings) into column values.

    Creating from an opportunity takes its customer, name and price list
    where none is given; otherwise the price list defaults to the
    configured one. The currency follows the price list."""
    c = Checker(data)
    from_opportunity = creating and data.get("opportunity_id") not in (None, "")
    c.text("name", required=(creating and not from_opportunity) or c.has("name"), max_len=200)
    if from_opportunity and not data.get("name"):
        c.values.pop("name", None)
        c.errors.pop("name", None)
    c.text("description", max_len=4000, multiline=True)
    for name in _REFERENCES:
        _reference(c, name)
    for name, label in DATES[kind].items():
        c.date(name, label=label)
    c.owner()
    if c.has("discount"):
        try:
            amount, percent = pricing.parse_discount(data["discount"])
        except ValidationError as exc:
            c.errors.update(exc.errors)
        else:
            c.values["discount_amount"] = amount
            c.values["discount_percent"] = (
                pricing.decimal_text(percent) if percent is not None else None
            )
    values = c.done()
    values.pop("discount", None)
    if from_opportunity:
        _from_opportunity(kind, values)
    if creating and values.get("price_list_id") is None:
        default = products.default_price_list()
        values["price_list_id"] = default.id if default is not None else None
    _check_customer(kind, values, current)
    _check_dates(kind, values, current)
    price_list_id = values.get("price_list_id")
    if creating or (price_list_id is not None and price_list_id != current.price_list_id):
        price_list = PriceList.get_or_none(PriceList.id == price_list_id) if price_list_id else None
        values["currency"] = price_list.currency if price_list else session.settings().currency
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    return _to_columns(values)


def _from_opportunity(kind: str, values: dict) -> None:
    opportunity = Opportunity.get_by_id(values["opportunity_id"])
    if kind == "quote" and opportunity.state != "open":
        raise ValidationError(
            {
                "opportunity_id": f"{opportunity.name} is {opportunity.state}; "
                "reopen it to quote for it, or quote the customer directly"
            }
        )
    if values.get("account_id") is None and values.get("contact_id") is None:
        values["account_id"] = opportunity.account_id
        values["contact_id"] = opportunity.contact_id
    if not values.get("name"):
        values["name"] = opportunity.name
    if values.get("price_list_id") is None:
        values["price_list_id"] = opportunity.price_list_id


def _check_customer(kind: str, values: dict, current: Model | None) -> None:
    def after(name: str):
        if name in values:
            return values[name]
        return getattr(current, name) if current is not None else None

    if after("account_id") is None and after("contact_id") is None:
        raise ValidationError(
            {"account_id": f"{_article(kind)} needs a customer: choose an account or a contact"}
        )


def _check_dates(kind: str, values: dict, current: Model | None) -> None:
    if kind != "quote":
        return
    begins = values.get("effective_from", current.effective_from if current else None)
    ends = values.get("effective_to", current.effective_to if current else None)
    if begins and ends and begins > ends:
        raise ValidationError(
            {"effective_to": f"valid to ({ends}) is before valid from ({begins})"}
        )


def _to_columns(values: dict) -> dict:
    # Peewee's insert/update take foreign keys by field name, not column name.
    renamed = {
        "account_id": "account",
        "contact_id": "contact",
        "opportunity_id": "opportunity",
        "price_list_id": "price_list",
        "owner_id": "owner",
    }
    return {renamed.get(k, k): v for k, v in values.items()}


# --- writing ------------------------------------------------------------------------------


def insert(kind: str, values: dict, *, owner_id: int | None, copy_from: tuple | None) -> int:
    """Insert a numbered document with `values` (columns), copy the lines of
    `copy_from` = (kind, id) if given, and store its totals. Call inside a
    write. A header discount larger than the subtotal is a ValidationError."""
    values = {**values, "number": values.get("number") or numbers.next_number(kind)}
    new_id = records.create(kind, values, owner_id=owner_id)
    if copy_from is not None:
        lines.copy_lines(copy_from[0], copy_from[1], kind, new_id)
    totals = lines.totals_for(
        kind, new_id, values.get("discount_amount"), values.get("discount_percent")
    )
    model = meta.kind(kind).model
    model.update(**totals).where(model.id == new_id).execute()
    search.index(kind, new_id)
    return new_id


def create(kind: str, data: dict, extra: dict | None = None) -> int:
    """Create a document from form data; a document made for an opportunity
    starts with a copy of the opportunity's lines. Returns its id."""
    values = check_header(kind, data, creating=True)
    owner = values.pop("owner", None)
    values.update(extra or {})
    opportunity = values.get("opportunity")
    copy_from = ("opportunity", opportunity) if opportunity is not None else None
    with write():
        return insert(kind, values, owner_id=owner, copy_from=copy_from)


def locked_reason(kind: str, row: Model) -> str | None:
    """Why the header of `row` cannot be edited now, or None when it can."""
    if row.state == EDITABLE[kind]:
        return None
    number = numbers.display_number(row)
    if kind == "quote" and row.state == "active":
        return f"{number} is active: its prices are locked; revise it to make changes"
    if kind == "quote" and row.status_reason == "revised":
        return f"{number} was revised: it is read-only; edit the newest revision instead"
    if kind == "invoice":
        return f"{number} is {row.state}: paid and canceled invoices are read-only"
    return f"{number} is {state_label(row)}: only {_article(EDITABLE[kind])} {kind} can be edited"


def update(kind: str, record_id: int, version: int, data: dict, extra: dict | None = None) -> None:
    """Save header changes while the document is editable; a new price list
    re-prices the lines priced from a list, a new discount recomputes totals."""
    with write():
        row = get(kind, record_id)
        reason = locked_reason(kind, row)
        if reason:
            raise DomainError(reason)
        values = check_header(kind, data, creating=False, current=row)
        values.update(extra or {})
        price_list_changed = "price_list" in values and values["price_list"] != row.price_list_id
        if price_list_changed:
            lines.reprice(kind, record_id, values["price_list"])
        discount_changed = "discount_amount" in values and (
            values["discount_amount"] != row.discount_amount
            or values["discount_percent"] != row.discount_percent
        )
        if price_list_changed or discount_changed:
            values.update(
                lines.totals_for(
                    kind,
                    record_id,
                    values.get("discount_amount", row.discount_amount),
                    values.get("discount_percent", row.discount_percent),
                )
            )
        changes = records.update_versioned(kind, record_id, version, values)
        if changes.keys() & {"name", "account", "contact"}:
            search.index(kind, record_id)


def require_state(kind: str, row: Model, allowed: tuple[str, ...], verb: str) -> None:
    """Refuse a transition from a state not in `allowed`, saying which states allow it."""
    if row.state in allowed:
        return
    choices = " or ".join(allowed)
    raise DomainError(
        f"{numbers.display_number(row)} is {state_label(row)}; only {_article(choices)} {kind} "
        f"can be {verb}"
    )


def set_state(kind: str, row: Model, version: int, values: dict) -> None:
    """Write a state change (audited as one) if nobody saved since `version`."""
    records.update_versioned(kind, row.id, version, values, action="state")


def require_lines(kind: str, row: Model, verb: str) -> None:
    table = lines.KINDS[kind].table
    column = lines.KINDS[kind].parent_column
    found = dict_rows(f"SELECT 1 AS x FROM {table} WHERE {column} = ? LIMIT 1", (row.id,))
    if not found:
        raise DomainError(
            f"{numbers.display_number(row)} has no lines; add a product or write-in line "
            f"before it can be {verb}"
        )


def close_activity(
    kind: str,
    row: Model,
    activity_kind: str,
    subject: str,
    *,
    description: str = "",
    close_date: dt.date | str | None = None,
) -> None:
    """Write the quote_close / order_close activity regarding the document,
    dated `close_date` (today when empty; never in the future)."""
    day = parse_date(close_date, "close_date", "close date", past=True)
    occurred = None
    if day is not None:
        today = dates.today()
        if day > today:
            raise ValidationError({"close_date": "the close date is in the future"})
        if day < today:
            # Noon keeps the day the same in every nearby zone.
            occurred = dt.datetime.combine(day, dt.time(12), tzinfo=dates.configured_zone())
            occurred = occurred.astimezone(dt.UTC)
    activities.log(
        activity_kind,
        subject[:200],
        regarding=(kind, row.id),
        description=description or "",
        occurred_at=occurred,
    )


# --- reading ------------------------------------------------------------------------------


def list_spec(kind: str, alias: str, views: dict[str, str], extra_columns: str = "") -> ListSpec:
    """The list of one kind of document: number, name, customer, state, total, owner."""
    a = alias
    display = f"{a}.number || '-R' || {a}.revision" if kind == "quote" else f"{a}.number"
    columns = (
        f"{a}.id AS id, {a}.number AS number, {display} AS display_number, {a}.name AS name, "
        "coalesce(ac.name, ct.full_name, '') AS customer, "
        f"{a}.state AS state, {a}.status_reason AS status_reason, "
        f"{a}.total_amount AS total_amount, {a}.currency AS currency, "
        f"{a}.opportunity_id AS opportunity_id, {a}.version AS version, "
        f"u.full_name AS owner, {a}.modified_at AS modified_at{extra_columns}"
    )
    return ListSpec(
        kind=kind,
        table=f"{TABLES[kind]} {a}",
        columns=columns,
        joins=(
            f'JOIN "user" u ON u.id = {a}.owner_id '
            f"LEFT JOIN account ac ON ac.id = {a}.account_id "
            f"LEFT JOIN contact ct ON ct.id = {a}.contact_id"
        ),
        views=views,
        sorts={
            # Newest first; five-digit padding keeps text order numeric up to 99999.
            "number": Sort(f"{a}.number", descending=True),
            "name": Sort(f"{a}.name_sort"),
            "modified": Sort(f"{a}.modified_at", descending=True),
        },
        broad_views=frozenset({"open", "all"}),
    )


# Which column of each kind of document points at the record it is "of".
_OF = {
    "opportunity": "opportunity_id",
    "account": "account_id",
    "contact": "contact_id",
    "quote": "quote_id",
    "order": "order_id",
}


def documents_of(kind: str, of_kind: str, record_id: int, limit: int = 200) -> list[DocumentOfRow]:
    """The documents of `kind` for a record (an opportunity, account, contact,
    or the quote/order they came from), newest first."""
    column = _OF.get(of_kind)
    table = TABLES[kind]
    if column is None or (of_kind == "quote" and kind != "order"):
        raise NotFound(f"{kind}s are not listed by {of_kind}")
    if of_kind == "order" and kind != "invoice":
        raise NotFound(f"{kind}s are not listed by {of_kind}")
    display = "d.number || '-R' || d.revision" if kind == "quote" else "d.number"
    return dict_rows(
        f"SELECT d.id AS id, d.number AS number, {display} AS display_number, d.name AS name, "
        "d.state AS state, d.status_reason AS status_reason, d.total_amount AS total_amount, "
        "d.currency AS currency, d.version AS version, d.modified_at AS modified_at "
        f"FROM {table} d WHERE d.{column} = ? ORDER BY d.id DESC LIMIT ?",
        (record_id, limit),
    )
