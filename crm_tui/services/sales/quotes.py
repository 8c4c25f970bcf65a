"""Quotes: Draft{in_progress} -> Active{open} (prices locked) -> Won (creates
the order) | Closed{lost, canceled, revised}. Revising makes a new draft
with the same number and revision + 1."""

from __future__ import annotations

import datetime as dt

from crm_tui.db import database, write
from crm_tui.errors import ValidationError
from crm_tui.meta import states as machines
from crm_tui.models import Quote, SalesOrder
from crm_tui.services import numbers, records
from crm_tui.services.listing import Page, page_of
from crm_tui.services.sales import documents, orders
from crm_tui.services.sales.rows import DocumentOfRow, DocumentRow

# The state machine is the record metadata's (crm_tui.meta).
STATES = {state.code: state.label for state in machines.QUOTE.states}
STATUS_LABELS = {reason.code: reason.label for reason in machines.QUOTE.reasons}
CLOSE_REASONS = {
    code: machines.QUOTE.reason_label(code) for code in machines.QUOTE.transition("close").reasons
}
FIELDS = [*documents.FIELDS, "effective_from", "effective_to"]

_OPEN = "q.state IN ('draft', 'active')"
LIST = documents.list_spec(
    "quote",
    "q",
    {
        "open": _OPEN,
        "mine": f"q.owner_id = :me AND {_OPEN}",
        "draft": "q.state = 'draft'",
        "active": "q.state = 'active'",
        "won": "q.state = 'won'",
        "closed": "q.state = 'closed'",
        "all": "TRUE",
    },
    ", q.revision AS revision",
)
VIEWS = {
    "open": "Open quotes",
    "mine": "My open quotes",
    "draft": "Draft quotes",
    "active": "Active quotes",
    "won": "Won quotes",
    "closed": "Closed quotes",
    "all": "All quotes",
}


class QuoteRow(DocumentRow):
    """A row of the quote list."""

    revision: int


def display_number(quote) -> str:
    """QUO-00001-R1: the number and the revision."""
    return numbers.display_number(quote)


def create(data: dict) -> Quote:
    """Create a draft quote for an account or contact, or for an opportunity
    (whose customer, price list and lines it takes). `discount` is the
    header discount: '10%' or '50.00'."""
    return get(documents.create("quote", data, {"revision": 1}))


def get(quote_id: int) -> Quote:
    """One quote; NotFound if it does not exist."""
    return documents.get("quote", quote_id)


def update(quote_id: int, version: int, data: dict) -> Quote:
    """Edit a draft quote's header; an active one is locked (revise it)."""
    documents.update("quote", quote_id, version, data)
    return get(quote_id)


def activate(quote_id: int, version: int) -> Quote:
    """Make a draft quote active: its prices lock and it can be sent, won or lost."""
    with write():
        row = get(quote_id)
        documents.require_state("quote", row, ("draft",), "activated")
        documents.require_lines("quote", row, "activated")
        documents.set_state("quote", row, version, {"state": "active", "status_reason": "open"})
    return get(quote_id)


def revise(quote_id: int, version: int) -> Quote:
    """Close an active quote as revised and open a new draft with the same
    number, revision + 1 and a copy of its lines. Returns the new draft."""
    with write():
        row = get(quote_id)
        documents.require_state("quote", row, ("active",), "revised")
        documents.set_state("quote", row, version, {"state": "closed", "status_reason": "revised"})
        values = {
            "number": row.number,
            "revision": _next_revision(row.number),
            "name": row.name,
            "name_sort": row.name_sort,
            "account": row.account_id,
            "contact": row.contact_id,
            "opportunity": row.opportunity_id,
            "price_list": row.price_list_id,
            "currency": row.currency,
            "description": row.description,
            "discount_amount": row.discount_amount,
            "discount_percent": row.discount_percent,
            "effective_from": row.effective_from,
            "effective_to": row.effective_to,
        }
        new_id = documents.insert(
            "quote", values, owner_id=row.owner_id, copy_from=("quote", row.id)
        )
        records.audit("quote", row.id, "revised", {"revision": (None, display_number(get(new_id)))})
    return get(new_id)


def _next_revision(number: str) -> int:
    # The highest revision, not this one's + 1: an older revision stays unique.
    row = database.execute_sql(
        "SELECT max(revision) FROM quote WHERE number = ?", (number,)
    ).fetchone()
    return (row[0] or 0) + 1


def win(
    quote_id: int,
    version: int,
    *,
    close_date: dt.date | str | None = None,
    description: str = "",
) -> SalesOrder:
    """Close an active quote as won with a quote_close activity, and create
    its order (lines copied). Returns the order."""
    with write():
        row = get(quote_id)
        documents.require_state("quote", row, ("active",), "won")
        documents.set_state("quote", row, version, {"state": "won", "status_reason": "won"})
        documents.close_activity(
            "quote",
            row,
            "quote_close",
            f"Quote {display_number(row)} won: {row.name}",
            description=description,
            close_date=close_date,
        )
        order = orders.from_quote(row)
    return order


def close(quote_id: int, version: int, reason: str, *, description: str = "") -> Quote:
    """Close a draft or active quote as lost or canceled, with a quote_close activity."""
    if reason not in CLOSE_REASONS:
        raise ValidationError({"reason": f"{reason!r} is not one of: lost, canceled"})
    with write():
        row = get(quote_id)
        documents.require_state("quote", row, ("draft", "active"), "closed")
        documents.set_state("quote", row, version, {"state": "closed", "status_reason": reason})
        documents.close_activity(
            "quote",
            row,
            "quote_close",
            f"Quote {display_number(row)} {CLOSE_REASONS[reason].lower()}: {row.name}",
            description=description,
        )
    return get(quote_id)


def quotes_of(kind: str, record_id: int, limit: int = 200) -> list[DocumentOfRow]:
    """The quotes of an opportunity, account or contact, newest first."""
    return documents.documents_of("quote", kind, record_id, limit)


def has_active_quote(opportunity_id: int) -> bool:
    """Whether the opportunity has an active quote (the Close stage needs one)."""
    row = database.execute_sql(
        "SELECT 1 FROM quote WHERE opportunity_id = ? AND state = 'active' LIMIT 1",
        (opportunity_id,),
    ).fetchone()
    return row is not None


def page(**options) -> Page[QuoteRow]:
    """A page of the quote list: view (see VIEWS), sort (number, name,
    modified), query, after/before/last, limit, inclusive."""
    options.setdefault("view", "open")
    options.setdefault("sort", "number")
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10) -> list[QuoteRow]:
    """Best matches for `typed` by name, number or customer (pickers, the palette)."""
    return page(view="all", query=typed, limit=limit).rows
