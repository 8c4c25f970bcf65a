"""The rows the quote, order and invoice read paths return, shared by
`documents`, `lines` and the three kinds' modules (each list adds its own
columns to DocumentRow)."""

from __future__ import annotations

from typing import TypedDict


class DocumentRow(TypedDict):
    """A row of a quote, order or invoice list."""

    id: int
    number: str
    display_number: str  # a quote's with its revision: QUO-00001-R2
    name: str
    customer: str  # the account's name, else the contact's ("" for none)
    state: str
    status_reason: str
    total_amount: int  # minor units
    currency: str
    opportunity_id: int | None
    version: int
    owner: str
    modified_at: str  # as stored (UTC ISO text)


class DocumentOfRow(TypedDict):
    """A document of a record (an opportunity's quotes, an order's invoices ...)."""

    id: int
    number: str
    display_number: str
    name: str
    state: str
    status_reason: str
    total_amount: int  # minor units
    currency: str
    version: int
    modified_at: str  # as stored (UTC ISO text)


class LineRow(TypedDict):
    """A line of an opportunity, quote, order or invoice, as its detail lists it."""

    id: int
    line_number: int
    product_id: int | None  # None for a write-in
    description: str
    quantity: str  # an exact decimal
    unit: str
    unit_price: int  # minor units
    price_overridden: int  # 1 when typed rather than priced from the list
    discount_amount: int | None
    discount_percent: str | None  # an exact decimal
    tax_percent: str
    base_amount: int
    discount_total: int
    tax_amount: int
    extended_amount: int
    product_number: str | None
    product_name: str | None
    product_state: str | None
    label: str  # the product's name, or the write-in's description
