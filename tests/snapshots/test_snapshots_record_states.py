"""SVG snapshots of records whose keys follow their state, at 120x36 and
80x24: a paid invoice (no line or edit keys), a resolved case (reactivate
instead of take and resolve), an open opportunity (new quote), a draft quote,
the orders list (a state cut short ends with an ellipsis; the filter names
what it searches), and D asking before it deactivates.

Update with `pytest tests/snapshots/test_snapshots_record_states.py --snapshot-update`
after checking the differences in snapshot_report.html. Every write is stamped
12 March 2021, which is also "today", and the input cursor does not blink.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from textual.widgets import Input
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.models.base import stamped_by
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.sales.documents_list import DocumentsScreen
from crm_tui.services import dates
from crm_tui.services.customers import accounts
from crm_tui.services.sales import invoices, lines, opportunities, orders, quotes
from crm_tui.services.support import cases

BIG = (120, 36)
SMALL = (80, 24)
STAMP = dt.datetime(2021, 3, 12, 9, 30, tzinfo=dt.UTC)
SIZES = pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    time.tzset()  # conftest sets TZ=UTC; make the C library read it
    monkeypatch.setattr(dates, "today", lambda: STAMP.date())
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    with stamped_by(lambda: STAMP):
        yield


@pytest.fixture
def records(db) -> dict[str, int]:
    fabrikam = accounts.create({"name": "Fabrikam Inc", "city": "Toronto"})
    litware = accounts.create({"name": "Litware Ltd", "city": "Dublin"})
    made = {"account": litware.id}

    invoice = invoices.create({"name": "Support hours, first quarter", "account_id": fabrikam.id})
    for data in (
        {"description": "Support hours (January)", "unit_price": "1200", "tax_percent": "20"},
        {"description": "On-site visit", "unit_price": "450", "tax_percent": "20"},
    ):
        invoice = lines.add_line("invoice", invoice.id, invoice.version, data)
    made["invoice"] = invoices.pay(invoice.id, invoice.version).id

    quote = quotes.create({"name": "Laptops for the field team", "account_id": fabrikam.id})
    quote = lines.add_line(
        "quote",
        quote.id,
        quote.version,
        {"description": "Laptop 14 Pro", "quantity": "3", "unit_price": "1249.99"},
    )
    made["quote"] = quote.id

    for name, reason in (
        ("Spare scanner batteries", "pending"),
        ("Warehouse scanners", "new"),
        ("Printer fleet service", "pending"),
    ):
        orders.create({"name": name, "account_id": litware.id, "status_reason": reason})

    case = cases.create(
        {"title": "Invoice PDF shows the wrong VAT number", "account_id": fabrikam.id}
    )
    made["case"] = cases.resolve(
        case.id, case.version, resolution="Corrected the VAT number on the account"
    ).id

    made["opportunity"] = opportunities.create(
        {
            "name": "Forty laptops for the field team",
            "account_id": fabrikam.id,
            "estimated_revenue": "48000",
            "estimated_close_date": "2021-04-30",
        }
    ).id
    return made


def _opened(kind: str, record_id: int):
    async def run(pilot) -> None:
        await pilot.app.open_record(kind, record_id)
        assert await wait_until(
            pilot, lambda: getattr(pilot.app.screen, "record", None) is not None
        )
        await pilot.pause()

    return run


@SIZES
def test_paid_invoice(records, snap_compare, size):
    assert snap_compare(
        CrmApp(), run_before=_opened("invoice", records["invoice"]), terminal_size=size
    )


@SIZES
def test_draft_quote(records, snap_compare, size):
    assert snap_compare(CrmApp(), run_before=_opened("quote", records["quote"]), terminal_size=size)


@SIZES
def test_resolved_case(records, snap_compare, size):
    assert snap_compare(CrmApp(), run_before=_opened("case", records["case"]), terminal_size=size)


@SIZES
def test_open_opportunity(records, snap_compare, size):
    run = _opened("opportunity", records["opportunity"])
    assert snap_compare(CrmApp(), run_before=run, terminal_size=size)


@SIZES
def test_orders_list(records, snap_compare, size):
    async def orders_list(pilot) -> None:
        await pilot.press("5")
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, DocumentsScreen))
        await pilot.press("t")
        assert await wait_until(pilot, lambda: pilot.app.screen.table.loaded_count == 3)
        await pilot.pause()

    assert snap_compare(CrmApp(), run_before=orders_list, terminal_size=size)


@SIZES
def test_deactivate_asks(records, snap_compare, size):
    async def ask(pilot) -> None:
        await _opened("account", records["account"])(pilot)
        await pilot.press("D")
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal))

    assert snap_compare(CrmApp(), run_before=ask, terminal_size=size)


@SIZES
def test_payment_modal(records, snap_compare, size):
    """An active invoice's payment: the amount, today, a method and a reference."""
    litware = records["account"]
    invoice = invoices.create({"name": "Scanner repairs", "account_id": litware})
    invoice = lines.add_line(
        "invoice", invoice.id, invoice.version, {"description": "Repairs", "unit_price": "320"}
    )
    opened = _opened("invoice", invoice.id)

    async def payment(pilot) -> None:
        await opened(pilot)
        await pilot.press("p")
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, FormModal))
        await pilot.pause()

    assert snap_compare(CrmApp(), run_before=payment, terminal_size=size)
