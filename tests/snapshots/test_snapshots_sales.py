"""SVG snapshots of the sales screens on a small fixed data set.

Update with `pytest tests/snapshots/test_snapshots_sales.py --snapshot-update` after
checking the differences in snapshot_report.html. As in test_snapshots,
everything shown is fixed: records are stamped 12 March 2021, which is also
"today" for the board (cards due before it are overdue), and the input
cursor does not blink.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from textual.widgets import Input
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.db import write
from crm_tui.models import Opportunity
from crm_tui.screens.sales.lead_qualify import QualifyModal
from crm_tui.screens.sales.leads_list import LeadsScreen
from crm_tui.screens.sales.opportunities_list import OpportunitiesScreen
from crm_tui.screens.sales.pipeline_board import PipelineScreen
from crm_tui.services import dates, records
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.sales import leads, lines, opportunities, products, quotes

BIG = (120, 36)
SMALL = (80, 24)
STAMP = dt.datetime(2021, 3, 12, 9, 30, tzinfo=dt.UTC)
TODAY = STAMP.date()


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """Fix everything on screen that depends on the clock or on timing."""
    time.tzset()  # conftest sets TZ=UTC; make the C library read it
    for module in (records, activities, lines):
        monkeypatch.setattr(module, "utcnow", lambda: STAMP)
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def _customers() -> dict[str, int]:
    ids = {}
    for name, city, website in [
        ("Alfreds Futterkiste", "London", "alfreds.example"),
        ("Contoso Pharmaceuticals", "Basel", "contoso.example"),
        ("Fabrikam Inc", "Toronto", "fabrikam.example"),
        ("Litware Ltd", "Dublin", "litware.example"),
        ("Tailspin Toys", "Melbourne", "tailspin.example"),
        ("Wide World Importers", "Seattle", "wideworld.example"),
        ("Acme Tools Ltd", "Leeds", "acme-tools.example"),
    ]:
        ids[name] = accounts.create({"name": name, "city": city, "website": website}).id
    return ids


# (name, customer, stage, estimated revenue, estimated close date, on hold)
DEALS = [
    ("Forty laptops for the field team", "Fabrikam Inc", "qualify", "48000", "2021-04-30", False),
    ("Warehouse scanners", "Tailspin Toys", "qualify", "12500", "2021-03-05", False),
    ("Office chairs refresh", None, "qualify", "", "", False),
    ("CRM rollout, phase 2", "Contoso Pharmaceuticals", "develop", "86000", "2021-03-31", False),
    ("Support renewal 2021", "Litware Ltd", "develop", "9600", "2021-02-26", False),
    (
        "Server room upgrade and cabling for the new Seattle warehouse",
        "Wide World Importers",
        "propose",
        "152000",
        "2021-05-15",
        True,
    ),
    ("Field tablets", "maria", "propose", "23400", "2021-03-20", False),
    ("Annual licence true-up", "Alfreds Futterkiste", "close", "31750.50", "2021-03-15", False),
    ("Printer fleet", "Fabrikam Inc", "close", "7800", "2021-01-29", False),
]


@pytest.fixture
def pipeline(db):
    """Open opportunities across the four stages: some overdue on 12 March
    2021, one undated, one on hold, one for a contact."""
    customers = _customers()
    maria = contacts.create(
        {
            "first_name": "Maria",
            "last_name": "Anders",
            "account_id": customers["Alfreds Futterkiste"],
        }
    )
    made = []
    for name, customer, stage, revenue, close, hold in DEALS:
        data = {"name": name, "estimated_revenue": revenue, "estimated_close_date": close}
        if customer == "maria":
            data["contact_id"] = maria.id
        elif customer is not None:
            data["account_id"] = customers[customer]
        deal = opportunities.create(data)
        if hold:
            deal = opportunities.hold(deal.id, deal.version)
        made.append((deal.id, stage))
    # Stages set directly: the gates (an active quote for Close) are not
    # what these pictures are about.
    with write():
        for deal_id, stage in made:
            Opportunity.update(
                stage=stage, probability=opportunities.DEFAULT_PROBABILITY[stage]
            ).where(Opportunity.id == deal_id).execute()
    return made


@pytest.fixture
def quote(db):
    """A draft quote with product lines (discounts, tax), a write-in at a
    typed price, and a header discount."""
    customers = _customers()
    made = {}
    for number, name, price, unit in [
        ("LAP-14", "Laptop 14 Pro", "1249.99", "each"),
        ("DOCK-1", "USB-C docking station", "189.00", "each"),
        ("WAR-3", "Extended warranty, 3 years", "99.00", "licence"),
    ]:
        row = products.create(
            {"product_number": number, "name": name, "list_price": price, "unit": unit}
        )
        made[number] = products.activate(row.id, row.version).id
    retail = products.create_price_list({"name": "Retail 2021"})
    products.set_item(retail.id, made["LAP-14"], "1199.00")
    draft = quotes.create(
        {
            "name": "Laptops for the field team",
            "account_id": customers["Fabrikam Inc"],
            "price_list_id": retail.id,
            "discount": "2%",
            "effective_to": "2021-04-11",
        }
    )
    for data in [
        {"product_id": made["LAP-14"], "quantity": "3", "discount": "10%", "tax_percent": "20"},
        {"product_id": made["DOCK-1"], "quantity": "3", "tax_percent": "20"},
        {"product_id": made["WAR-3"], "quantity": "3", "discount": "5.00", "tax_percent": "20"},
        {"description": "On-site setup (half day)", "unit_price": "450", "tax_percent": "20"},
    ]:
        draft = lines.add_line("quote", draft.id, draft.version, data)
    return draft


@pytest.fixture
def lead_desk(db):
    """Open leads of every rating and status; the first by name matches an
    existing account (company, web domain) and contact (email)."""
    customers = _customers()
    contacts.create(
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "email": "dana@acme-tools.example",
            "account_id": customers["Acme Tools Ltd"],
        }
    )
    made = []
    for first, last, company, topic, rating, value, source in [
        ("Ana", "Abbott", "ACME Tools", "Laptops for the field team", "hot", "25000", "web"),
        ("Bram", "Visser", "Northwind Traders", "Warehouse scanners", "warm", "12000", "partner"),
        ("Chen", "Wei", "Blue Yonder Airlines", "Crew tablets", "cold", "", "trade_show"),
        ("Daniela", "Rossi", "Margie's Travel", "Booking system support", "warm", "4800", ""),
        (
            "Erik",
            "Sørensen",
            "Lucerne Publishing",
            "Print servers",
            "hot",
            "31000",
            "advertisement",
        ),
        ("Fatemeh", "Karimi", "فن\u200cآوران پارس", "Network refresh", "warm", "18500", ""),
    ]:
        made.append(
            leads.create(
                {
                    "first_name": first,
                    "last_name": last,
                    "company_name": company,
                    "topic": topic,
                    "rating": rating,
                    "estimated_value": value,
                    "source": source if source in leads.SOURCES else "",
                    "email": "dana@acme-tools.example" if last == "Abbott" else "",
                    "website": "acme-tools.example" if last == "Abbott" else "",
                }
            )
        )
    contacted = made[3]
    leads.mark_contacted(contacted.id, contacted.version)
    return made


async def _board(pilot) -> None:
    await pilot.press("4")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, PipelineScreen))


def test_pipeline_board(pipeline, snap_compare):
    assert snap_compare(CrmApp(), run_before=_board, terminal_size=BIG)


def test_pipeline_board_small(pipeline, snap_compare):
    assert snap_compare(CrmApp(), run_before=_board, terminal_size=SMALL)


def test_quote_detail(quote, snap_compare):
    async def open_quote(pilot) -> None:
        await pilot.app.open_record("quote", quote.id)

    assert snap_compare(CrmApp(), run_before=open_quote, terminal_size=BIG)


def test_leads_list(lead_desk, snap_compare):
    async def leads_area(pilot) -> None:
        await pilot.press("3")
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, LeadsScreen))

    assert snap_compare(CrmApp(), run_before=leads_area, terminal_size=BIG)


def test_qualify_modal(lead_desk, snap_compare):
    async def qualify(pilot) -> None:
        await pilot.press("3")
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, LeadsScreen))
        await pilot.press("Q")  # Ana Abbott, first by name, matches Acme
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, QualifyModal))

    assert snap_compare(CrmApp(), run_before=qualify, terminal_size=BIG)


def test_leads_list_small(lead_desk, snap_compare):
    async def leads_area(pilot) -> None:
        await pilot.press("3")
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, LeadsScreen))

    assert snap_compare(CrmApp(), run_before=leads_area, terminal_size=SMALL)


async def _quote_lines_with_a_toast(pilot, quote_id: int) -> None:
    """The lines and totals of a quote just changed, and a toast says so: the
    toast keeps off the totals (top right, over the header's empty end)."""
    await pilot.app.open_record("quote", quote_id)
    await pilot.pause()
    await pilot.app.screen.show_tab("lines")
    await pilot.pause()
    pilot.app.notify("Line 4 added: On-site setup (half day).")


def test_quote_lines_with_a_toast(quote, snap_compare):
    assert snap_compare(
        CrmApp(),
        run_before=lambda pilot: _quote_lines_with_a_toast(pilot, quote.id),
        terminal_size=BIG,
    )


def test_quote_lines_with_a_toast_small(quote, snap_compare):
    assert snap_compare(
        CrmApp(),
        run_before=lambda pilot: _quote_lines_with_a_toast(pilot, quote.id),
        terminal_size=SMALL,
    )


async def _opportunity_list(pilot) -> None:
    await _board(pilot)
    await pilot.press("b")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, OpportunitiesScreen))
    await pilot.pause()


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_opportunities_list(pipeline, snap_compare, size):
    assert snap_compare(CrmApp(), run_before=_opportunity_list, terminal_size=size)


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_close_as_won_reads_a_date_phrase(pipeline, snap_compare, size):
    """The close date prefilled as days are shown; -3d typed reads as a day."""

    async def won(pilot) -> None:
        await _opportunity_list(pilot)
        await pilot.press("w")
        assert await wait_until(pilot, lambda: pilot.app.screen.query("#field-close_date"))
        field = pilot.app.screen.query_one("#field-close_date", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"-3d")
        await pilot.pause()

    assert snap_compare(CrmApp(), run_before=won, terminal_size=size)
