"""The salesperson's whole flow by keyboard: qualify a lead (linking the
account it matches), quote the opportunity, win it, fulfil and invoice the
order, record the payment; the numbers add up to the cent."""

from __future__ import annotations

from textual.widgets import Input, OptionList
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.db import dict_rows
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.sales.document_detail import DocumentDetailScreen
from crm_tui.screens.sales.lead_qualify import QualifyModal
from crm_tui.screens.sales.leads_list import LeadsScreen
from crm_tui.screens.sales.line_modal import LineModal
from crm_tui.screens.sales.opportunity_detail import OpportunityDetailScreen
from crm_tui.services.customers import accounts
from crm_tui.services.sales import leads, opportunities, products, quotes

SIZE = (120, 36)


def _notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def _fill(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#field-{field}", Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await pilot.press(*text)


async def test_qualify_quote_win_fulfil_invoice_pay(db):
    acme = accounts.create({"name": "Acme Tools Ltd", "website": "acme-tools.example"})
    laptop = products.create(
        {"product_number": "LAP-14", "name": "Laptop 14", "list_price": "1,249.99"}
    )
    products.activate(laptop.id, laptop.version)
    lead = leads.create(
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "company_name": "ACME Tools",
            "email": "dana@acme-tools.example",
            "topic": "Laptops for the field team",
            "estimated_value": "25000",
        }
    )

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LeadsScreen))
        assert await wait_until(pilot, lambda: app.screen.table.loaded_count == 1)

        # Q offers the matching account first (same company, same web domain).
        await pilot.press("Q")
        assert await wait_until(pilot, lambda: isinstance(app.screen, QualifyModal))
        assert await wait_until(pilot, lambda: "Acme Tools Ltd" in screen_text(app))
        account_choice = app.screen.query_one("#qualify-account", OptionList)
        assert account_choice.highlighted_option.id == f"account:{acme.id}"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OpportunityDetailScreen))
        qualified = leads.get(lead.id)
        assert qualified.state == "qualified" and qualified.account_id == acme.id
        assert dict_rows("SELECT count(*) AS n FROM account")[0]["n"] == 1  # no duplicate
        deal = opportunities.get(qualified.opportunity_id)
        assert deal.account_id == acme.id

        # Q on the opportunity makes a draft quote and opens it on its lines.
        await pilot.press("Q")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DocumentDetailScreen))
        quote_screen = app.screen
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LineModal))
        await pilot.press(*"LAP")
        await _fill(pilot, "quantity", "3")
        await _fill(pilot, "discount", "10%")
        await _fill(pilot, "tax_percent", "20")
        # 3 × 1,249.99 = 3,749.97; −10% = 375.00 → 3,374.97; +20% tax 674.99 → 4,049.96
        assert await wait_until(pilot, lambda: "4,049.96" in screen_text(app))
        assert "Document total: 4,049.96" in screen_text(app)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is quote_screen)
        quote = quotes.get(quote_screen.record_id)
        assert quote.total_amount == 404_996
        assert "4,049.96" in screen_text(app)

        # A activates (prices locked), w wins: the order opens with the same lines.
        await pilot.press("A")
        assert await wait_until(pilot, lambda: quotes.get(quote.id).state == "active")
        await pilot.press("w")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")
        # the won quote offers to close its opportunity as won with the order's total
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(
            pilot,
            lambda: isinstance(app.screen, DocumentDetailScreen) and app.screen.KIND == "order",
        )
        order = app.screen.record
        assert order.total_amount == 404_996 and quotes.get(quote.id).state == "won"
        won = opportunities.get(deal.id)
        assert won.state == "won" and won.actual_revenue == 404_996

        # u submits, f fulfils (complete), I makes the invoice.
        await pilot.press("u")
        assert await wait_until(pilot, lambda: app.screen.record.state == "submitted")
        await pilot.press("f")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")
        assert await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, DocumentDetailScreen)
                and app.screen.record.state == "fulfilled"
            ),
        )
        await pilot.press("I")
        assert await wait_until(
            pilot,
            lambda: isinstance(app.screen, DocumentDetailScreen) and app.screen.KIND == "invoice",
        )
        invoice = app.screen.record
        assert invoice.total_amount == 404_996
        assert invoice.number.startswith("INV-")

        # p records the payment in full: the invoice becomes read-only.
        await pilot.press("p")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")
        assert await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, DocumentDetailScreen) and app.screen.record.state == "paid"
            ),
        )
        await pilot.press("plus")
        await pilot.pause()
        assert not isinstance(app.screen, LineModal)
        assert "Add line: only while this invoice is active; it is paid" in _notes(app)


async def test_a_refused_line_keeps_what_was_typed(db):
    quote = quotes.create(
        {"name": "Write-ins", "account_id": accounts.create({"name": "Initech"}).id}
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("quote", quote.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, DocumentDetailScreen))
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LineModal))
        await _fill(pilot, "description", "Consulting day")
        await _fill(pilot, "unit_price", "950")
        await _fill(pilot, "quantity", "-2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LineModal)
        assert app.screen.query_one("#field-description", Input).value == "Consulting day"
        assert "quantity" in screen_text(app).lower()
        await _fill(pilot, "quantity", "2")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DocumentDetailScreen))
        assert quotes.get(quote.id).total_amount == 190_000
