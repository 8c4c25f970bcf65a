"""What became of the demo's won deals: each order taken as far as its fate
(new, pending, canceled, submitted, fulfilled, invoiced, billed, paid),
its steps spread between the win and now, and the invoices of the
fulfilled orders.
"""

from __future__ import annotations

import datetime as dt

from crm_tui.demo.sales_context import SalesContext
from crm_tui.models import SalesOrder
from crm_tui.services import money
from crm_tui.services.sales import invoices, orders

# What became of each won deal's order, oldest win first.
ORDER_FATES = [
    "paid", "paid", "paid", "paid_partial", "invoice_canceled", "billed", "billed",
    "fulfilled_partial", "submitted", "canceled", "invoiced", "fulfilled", "submitted",
    "pending", "new",
]  # fmt: skip


def advance_order(
    sales: SalesContext, order: SalesOrder, closed_at: dt.datetime, fate: str
) -> None:
    """Take a won deal's order as far as `fate`, its steps spread between
    the win and now."""
    gap = sales.now - closed_at

    def at(fraction: float) -> dt.date:
        sales.at(closed_at + gap * fraction)
        return sales.day_of(sales.clock.at)

    if fate == "new":
        return
    if fate == "pending":
        at(0.3)
        orders.update(order.id, order.version, {"status_reason": "pending"})
        return
    if fate == "canceled":
        at(0.4)
        note = sales.rng.choice(sales.data["order_cancel_notes"])
        orders.cancel(order.id, order.version, description=note)
        return
    at(0.1)
    order = orders.submit(order.id, order.version)
    if fate == "submitted":
        return
    day = at(0.25)
    order = orders.fulfil(order.id, order.version, partial=fate == "fulfilled_partial", on=day)
    if fate.startswith("fulfilled"):
        return
    day = at(0.3)
    invoice = orders.create_invoice(order.id, order.version)
    due = (day + dt.timedelta(days=30)).isoformat()
    invoice = invoices.update(invoice.id, invoice.version, {"due_date": due})
    if fate == "invoiced":
        return
    if fate == "invoice_canceled":
        at(0.35)
        invoices.cancel(invoice.id, invoice.version)
        return
    at(0.35)
    invoice = invoices.mark_billed(invoice.id, invoice.version)
    if fate == "billed":
        return
    day = at(0.8)
    amount = None
    if fate == "paid_partial":
        amount = money.plain(max(100, invoice.total_amount // 2 // 10000 * 10000))
    # from the invoice's number, not the seeded random numbers: the rest of
    # the demo stays as it was
    method = ("bank_transfer", "card", "cheque")[invoice.id % 3]
    reference = {"bank_transfer": "TRF", "cheque": "CHQ"}.get(method, "")
    invoices.pay(
        invoice.id,
        invoice.version,
        amount=amount,
        paid_on=day,
        method=method,
        reference=f"{reference}-{invoice.id:06d}" if reference else "",
    )
