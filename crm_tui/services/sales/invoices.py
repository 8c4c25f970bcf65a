"""Invoices: Active{new, billed} -> Paid{complete, partial} | Canceled.
Paid and canceled invoices are read-only."""

from __future__ import annotations

import datetime as dt

from crm_tui.db import write
from crm_tui.errors import DomainError, ValidationError
from crm_tui.meta import states as machines
from crm_tui.meta.documents import INVOICE
from crm_tui.models import Invoice, SalesOrder
from crm_tui.services import dates, money, numbers
from crm_tui.services.listing import Page, page_of
from crm_tui.services.sales import documents, pricing
from crm_tui.services.sales.rows import DocumentOfRow, DocumentRow
from crm_tui.services.validate import Checker

# The state machine is the record metadata's (crm_tui.meta).
STATES = {state.code: state.label for state in machines.INVOICE.states}
STATUS_LABELS = {reason.code: reason.label for reason in machines.INVOICE.reasons}
FIELDS = [*documents.FIELDS, "due_date"]
# How a payment was made: {code: label}, in the order a form offers them.
PAYMENT_METHODS = {o.code: o.label for o in INVOICE.attribute("payment_method").options}
REFERENCE_LENGTH = 100

LIST = documents.list_spec(
    "invoice",
    "i",
    {
        "open": "i.state = 'active'",
        "mine": "i.owner_id = :me AND i.state = 'active'",
        "paid": "i.state = 'paid'",
        "canceled": "i.state = 'canceled'",
        "all": "TRUE",
    },
    ", i.due_date AS due_date, i.paid_amount AS paid_amount",
)
VIEWS = {
    "open": "Open invoices",
    "mine": "My open invoices",
    "paid": "Paid invoices",
    "canceled": "Canceled invoices",
    "all": "All invoices",
}


class InvoiceRow(DocumentRow):
    """A row of the invoice list."""

    due_date: str | None  # ISO date
    paid_amount: int  # minor units


def display_number(invoice) -> str:
    """INV-00001."""
    return numbers.display_number(invoice)


def create(data: dict) -> Invoice:
    """Create an invoice directly (customer, price list, discount, due date)."""
    return get(documents.create("invoice", data))


def from_order(order: SalesOrder) -> Invoice:
    """The invoice of a fulfilled order: its header and lines copied as they
    are. Call inside the write that marks the order invoiced."""
    values = {
        "name": order.name,
        "name_sort": order.name_sort,
        "account": order.account_id,
        "contact": order.contact_id,
        "opportunity": order.opportunity_id,
        "price_list": order.price_list_id,
        "currency": order.currency,
        "description": order.description,
        "discount_amount": order.discount_amount,
        "discount_percent": order.discount_percent,
        "order": order.id,
    }
    with write():
        new_id = documents.insert(
            "invoice", values, owner_id=order.owner_id, copy_from=("order", order.id)
        )
    return get(new_id)


def get(invoice_id: int) -> Invoice:
    """One invoice; NotFound if it does not exist."""
    return documents.get("invoice", invoice_id)


def update(invoice_id: int, version: int, data: dict) -> Invoice:
    """Edit an active invoice's header; paid and canceled ones are refused."""
    documents.update("invoice", invoice_id, version, data)
    return get(invoice_id)


def mark_billed(invoice_id: int, version: int) -> Invoice:
    """The invoice was sent to the customer (Active/New -> Active/Billed)."""
    with write():
        row = get(invoice_id)
        documents.require_state("invoice", row, ("active",), "marked billed")
        if row.status_reason == "billed":
            raise DomainError(f"{display_number(row)} is already billed")
        documents.set_state("invoice", row, version, {"status_reason": "billed"})
    return get(invoice_id)


def _payment(paid_on, method: str | None, reference: str) -> dict:
    """The payment's day (today when not given; never after today), method
    (one of PAYMENT_METHODS, or none) and reference, checked and cleaned."""
    c = Checker({"payment_reference": reference or ""})
    c.text("payment_reference", max_len=REFERENCE_LENGTH, label="the reference")
    values = c.done()
    today = dates.today()
    if paid_on is None or (isinstance(paid_on, str) and not paid_on.strip()):
        day = today
    elif isinstance(paid_on, dt.date):
        day = paid_on
    else:
        day = dates.parse_day(str(paid_on), today, field="paid_on", past=True)
    if day > today:
        raise ValidationError({"paid_on": "the date paid cannot be after today"})
    if method in (None, ""):
        method = None
    elif method not in PAYMENT_METHODS:
        raise ValidationError(
            {"payment_method": f"{method!r} is not one of: {', '.join(PAYMENT_METHODS)}"}
        )
    return {"paid_on": day, "payment_method": method, **values}


def pay(
    invoice_id: int,
    version: int,
    *,
    amount: str | None = None,
    paid_on: dt.date | str | None = None,
    method: str | None = None,
    reference: str = "",
) -> Invoice:
    """Record the payment: None or the full total pays it completely; less is
    a partial payment; more than the total is refused. `paid_on` is the day
    it was received (today when not given; a typed day as dates.parse_day
    reads it), `method` how (PAYMENT_METHODS), `reference` the customer's
    (a cheque number). Paid is read-only."""
    payment = _payment(paid_on, method, reference)
    with write():
        row = get(invoice_id)
        documents.require_state("invoice", row, ("active",), "paid")
        paid = row.total_amount
        if amount not in (None, ""):
            paid = pricing.parse_money(amount, "amount", required=True)
            if paid <= 0:
                raise ValidationError({"amount": "the amount paid must be more than 0"})
            if paid > row.total_amount:
                raise ValidationError(
                    {
                        "amount": f"{money.plain(paid)} is more than the invoice total "
                        f"{money.plain(row.total_amount)}"
                    }
                )
        reason = "complete" if paid == row.total_amount else "partial"
        documents.set_state(
            "invoice",
            row,
            version,
            {"state": "paid", "status_reason": reason, "paid_amount": paid, **payment},
        )
    return get(invoice_id)


def cancel(invoice_id: int, version: int) -> Invoice:
    """Cancel an active invoice; it becomes read-only."""
    with write():
        row = get(invoice_id)
        documents.require_state("invoice", row, ("active",), "canceled")
        documents.set_state(
            "invoice", row, version, {"state": "canceled", "status_reason": "canceled"}
        )
    return get(invoice_id)


def invoices_of(kind: str, record_id: int, limit: int = 200) -> list[DocumentOfRow]:
    """The invoices of an opportunity, account, contact or order, newest first."""
    return documents.documents_of("invoice", kind, record_id, limit)


def page(**options) -> Page[InvoiceRow]:
    """A page of the invoice list: view (see VIEWS), sort (number, name,
    modified), query, after/before/last, limit, inclusive."""
    options.setdefault("view", "open")
    options.setdefault("sort", "number")
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10) -> list[InvoiceRow]:
    """Best matches for `typed` by name, number or customer (pickers, the palette)."""
    return page(view="all", query=typed, limit=limit).rows
