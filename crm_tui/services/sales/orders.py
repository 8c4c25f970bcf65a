"""Orders: Active{new, pending} -> Submitted -> Fulfilled{complete, partial}
-> Invoiced; Canceled (from active or submitted, with an order_close activity)."""

from __future__ import annotations

import datetime as dt

from crm_tui.db import write
from crm_tui.errors import ValidationError
from crm_tui.meta import states as machines
from crm_tui.models import Invoice, Quote, SalesOrder
from crm_tui.services import dates, numbers
from crm_tui.services.listing import Page, page_of
from crm_tui.services.sales import documents, invoices
from crm_tui.services.sales.rows import DocumentOfRow, DocumentRow

# The state machine is the record metadata's (crm_tui.meta).
STATES = {state.code: state.label for state in machines.ORDER.states}
STATUS_LABELS = {reason.code: reason.label for reason in machines.ORDER.reasons}
FIELDS = [*documents.FIELDS, "requested_by", "status_reason"]

LIST = documents.list_spec(
    "order",
    "o",
    {
        "open": "o.state IN ('active', 'submitted')",
        "mine": "o.owner_id = :me AND o.state IN ('active', 'submitted')",
        "submitted": "o.state = 'submitted'",
        "fulfilled": "o.state = 'fulfilled'",
        "invoiced": "o.state = 'invoiced'",
        "canceled": "o.state = 'canceled'",
        "all": "TRUE",
    },
    ", o.quote_id AS quote_id, o.fulfilled_on AS fulfilled_on",
)
VIEWS = {
    "open": "Open orders",
    "mine": "My open orders",
    "submitted": "Submitted orders",
    "fulfilled": "Fulfilled orders",
    "invoiced": "Invoiced orders",
    "canceled": "Canceled orders",
    "all": "All orders",
}


class OrderRow(DocumentRow):
    """A row of the order list."""

    quote_id: int | None  # the quote it was won from
    fulfilled_on: str | None  # ISO date


def display_number(order) -> str:
    """ORD-00001."""
    return numbers.display_number(order)


def create(data: dict) -> SalesOrder:
    """Create an order directly (customer, price list, discount, requested by)."""
    data = dict(data)
    extra = _status_reason(data.pop("status_reason", None))
    return get(documents.create("order", data, extra))


def from_quote(quote: Quote) -> SalesOrder:
    """The order of a won quote: its header and lines copied as they are.
    Call inside the write that marks the quote won."""
    values = {
        "name": quote.name,
        "name_sort": quote.name_sort,
        "account": quote.account_id,
        "contact": quote.contact_id,
        "opportunity": quote.opportunity_id,
        "price_list": quote.price_list_id,
        "currency": quote.currency,
        "description": quote.description,
        "discount_amount": quote.discount_amount,
        "discount_percent": quote.discount_percent,
        "quote": quote.id,
    }
    with write():
        new_id = documents.insert(
            "order", values, owner_id=quote.owner_id, copy_from=("quote", quote.id)
        )
    return get(new_id)


def _status_reason(value) -> dict:
    if value in (None, ""):
        return {}
    if value not in machines.ORDER.reason_codes("active"):
        raise ValidationError({"status_reason": "an active order is either new or pending"})
    return {"status_reason": value}


def get(order_id: int) -> SalesOrder:
    """One order; NotFound if it does not exist."""
    return documents.get("order", order_id)


def update(order_id: int, version: int, data: dict) -> SalesOrder:
    """Edit an active order's header (and its status: new or pending)."""
    data = dict(data)
    extra = _status_reason(data.pop("status_reason", None))
    documents.update("order", order_id, version, data, extra)
    return get(order_id)


def submit(order_id: int, version: int) -> SalesOrder:
    """Send an active order for fulfilment; its lines lock."""
    with write():
        row = get(order_id)
        documents.require_state("order", row, ("active",), "submitted")
        documents.require_lines("order", row, "submitted")
        documents.set_state(
            "order", row, version, {"state": "submitted", "status_reason": "submitted"}
        )
    return get(order_id)


def fulfil(
    order_id: int, version: int, *, partial: bool = False, on: dt.date | str | None = None
) -> SalesOrder:
    """Mark a submitted order fulfilled (complete or partial) on a day (today)."""
    day = documents.parse_date(on, "on", "fulfilled on", past=True) or dates.today()
    with write():
        row = get(order_id)
        documents.require_state("order", row, ("submitted",), "fulfilled")
        documents.set_state(
            "order",
            row,
            version,
            {
                "state": "fulfilled",
                "status_reason": "partial" if partial else "complete",
                "fulfilled_on": day,
            },
        )
    return get(order_id)


def cancel(order_id: int, version: int, *, description: str = "") -> SalesOrder:
    """Cancel an active or submitted order, with an order_close activity."""
    with write():
        row = get(order_id)
        documents.require_state("order", row, ("active", "submitted"), "canceled")
        documents.set_state(
            "order", row, version, {"state": "canceled", "status_reason": "canceled"}
        )
        documents.close_activity(
            "order",
            row,
            "order_close",
            f"Order {display_number(row)} canceled: {row.name}",
            description=description,
        )
    return get(order_id)


def create_invoice(order_id: int, version: int) -> Invoice:
    """Invoice a fulfilled order: a new invoice with its lines; the order
    becomes invoiced. Returns the invoice."""
    with write():
        row = get(order_id)
        documents.require_state("order", row, ("fulfilled",), "invoiced")
        documents.set_state(
            "order", row, version, {"state": "invoiced", "status_reason": "invoiced"}
        )
        invoice = invoices.from_order(row)
    return invoice


def orders_of(kind: str, record_id: int, limit: int = 200) -> list[DocumentOfRow]:
    """The orders of an opportunity, account, contact or quote, newest first."""
    return documents.documents_of("order", kind, record_id, limit)


def page(**options) -> Page[OrderRow]:
    """A page of the order list: view (see VIEWS), sort (number, name,
    modified), query, after/before/last, limit, inclusive."""
    options.setdefault("view", "open")
    options.setdefault("sort", "number")
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10) -> list[OrderRow]:
    """Best matches for `typed` by name, number or customer (pickers, the palette)."""
    return page(view="all", query=typed, limit=limit).rows
