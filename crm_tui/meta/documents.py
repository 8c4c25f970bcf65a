"""Quotes, orders and invoices: one header shape (DocumentModel), each with
its own state machine and a few fields of its own. Their money is in the
document's own currency (taken from its price list)."""

from __future__ import annotations

from crm_tui.meta import states
from crm_tui.meta.fields import (
    choice,
    date,
    decimal,
    integer,
    lookup,
    memo,
    money,
    stamps,
    state,
    status_reason,
    text,
)
from crm_tui.meta.machine import StateMachine
from crm_tui.meta.types import Attribute, Kind


def _in_currency(name: str, label: str, **kw) -> Attribute:
    return money(name, label, currency="currency", **kw)


def _header(label: str) -> tuple[Attribute, ...]:
    return (
        # Numbered by the service (QUO-00001); found and sorted by it.
        text(
            "number",
            f"{label} number",
            read_only=True,
            searchable=True,
            sortable=True,
            listed=True,
        ),
        text("name", "Name", required=True, searchable=True, sortable=True, listed=True),
        # The customer: an account or a contact (found by its name).
        lookup("account", "Account", "account", searchable=True, listed=True),
        lookup("contact", "Contact", "contact", searchable=True),
        lookup("opportunity", "Opportunity", "opportunity"),
        lookup("price_list", "Price list", "price_list"),
        text("currency", "Currency", read_only=True),  # follows the price list
        memo("description", "Description"),
        # A header discount is an amount or a percentage, never both.
        _in_currency("discount_amount", "Discount"),
        decimal("discount_percent", "Discount (%)"),
        # Computed from the lines.
        _in_currency("subtotal", "Subtotal", read_only=True),
        _in_currency("discount_total", "Total discount", read_only=True),
        _in_currency("tax_total", "Total tax", read_only=True),
        _in_currency("total_amount", "Total amount", read_only=True, listed=True),
    )


def _document(
    name: str,
    label: str,
    plural: str,
    model_name: str,
    prefix: str,
    machine: StateMachine,
    *own: Attribute,
) -> Kind:
    return Kind(
        name=name,
        label=label,
        plural=plural,
        model_name=model_name,
        title="name",
        number="number",
        number_prefix=prefix,
        regardable=True,
        states=machine,
        area="documents",
        attributes=(
            state(machine, listed=True),
            *_header(label),
            *own,
            *stamps(owner_listed=True, modified_sortable=True),
        ),
        internal=frozenset({"name_sort"}),
    )


QUOTE = _document(
    "quote",
    "Quote",
    "Quotes",
    "Quote",
    "QUO",
    states.QUOTE,
    status_reason(states.QUOTE),
    # Part of the number people read and search (QUO-00001-R2).
    integer("revision", "Revision", read_only=True, searchable=True),
    date("effective_from", "Effective from"),
    date("effective_to", "Effective to"),
)

ORDER = _document(
    "order",
    "Order",
    "Orders",
    "SalesOrder",
    "ORD",
    states.ORDER,
    # An active order's header form sets it: new or pending.
    status_reason(states.ORDER, read_only=False),
    lookup("quote", "Quote", "quote", read_only=True),
    date("requested_by", "Requested delivery by"),
    date("fulfilled_on", "Date fulfilled", read_only=True),
)

INVOICE = _document(
    "invoice",
    "Invoice",
    "Invoices",
    "Invoice",
    "INV",
    states.INVOICE,
    status_reason(states.INVOICE),
    lookup("order", "Order", "order", read_only=True),
    date("due_date", "Due date"),
    _in_currency("paid_amount", "Amount paid", read_only=True),
    # The payment, recorded with the amount when the invoice is paid.
    date("paid_on", "Date paid", read_only=True),
    choice(
        "payment_method",
        "Payment method",
        {
            "cash": "Cash",
            "cheque": "Cheque",
            "bank_transfer": "Bank transfer",
            "card": "Card",
            "other": "Other",
        },
        read_only=True,
    ),
    text("payment_reference", "Payment reference", read_only=True),
)

KINDS = (QUOTE, ORDER, INVOICE)

__all__ = ["INVOICE", "KINDS", "ORDER", "QUOTE"]
