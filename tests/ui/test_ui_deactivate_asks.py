"""A key that takes a record out of use asks first, naming the record, as
removing a line or canceling a contract does: D deactivating an account
(its list or its detail), retiring a product, canceling a case or an
invoice. Bringing one back does not ask."""

from __future__ import annotations

from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.sales.document_detail import DocumentDetailScreen
from crm_tui.screens.sales.products_list import ProductsScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.services.customers import accounts
from crm_tui.services.sales import invoices, lines, products
from crm_tui.services.support import cases

SIZE = (120, 36)


async def _detail(pilot, kind: str, record_id: int, screen: type):
    await pilot.app.open_record(kind, record_id)
    assert await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, screen) and pilot.app.screen.record is not None
    )
    return pilot.app.screen


async def _asked(pilot, key: str, question: str) -> None:
    await pilot.press(key)
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal))
    assert question in screen_text(pilot.app)


async def test_d_on_an_account_asks_naming_it_and_reactivating_does_not(db):
    acme = accounts.create({"name": "Alpha Co"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "account", acme.id, AccountDetailScreen)
        await _asked(pilot, "D", "Deactivate Alpha Co?")
        await pilot.press("n")
        assert await wait_until(pilot, lambda: app.screen is detail)
        assert accounts.get(acme.id).state == "active"

        await _asked(pilot, "D", "Deactivate Alpha Co?")
        await pilot.press("y")
        assert await wait_until(pilot, lambda: accounts.get(acme.id).state == "inactive")
        assert app.screen is detail

        await pilot.press("D")  # back in use at once: nothing is lost by it
        assert await wait_until(pilot, lambda: accounts.get(acme.id).state == "active")
        assert app.screen is detail


async def test_d_on_the_accounts_list_asks_naming_the_account(db):
    accounts.create({"name": "Alpha Co"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _asked(pilot, "D", "Deactivate Alpha Co?")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.table.current_row["state"] == "active"


async def test_retiring_a_product_asks(db):
    widget = products.create({"product_number": "W-1", "name": "Widget", "list_price": "5"})
    products.activate(widget.id, widget.version)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.open_catalogue("sales.products_list", "ProductsScreen")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ProductsScreen))
        await pilot.pause()
        await _asked(pilot, "X", "Retire Widget?")
        await pilot.press("y")
        assert await wait_until(pilot, lambda: products.get(widget.id).state == "retired")


async def test_canceling_a_case_or_an_invoice_asks_naming_it(db):
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Printer jams", "account_id": acme.id})
    invoice = invoices.create({"name": "Support hours", "account_id": acme.id})
    invoice = lines.add_line(
        "invoice", invoice.id, invoice.version, {"description": "Hours", "unit_price": "100"}
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "case", case.id, CaseDetailScreen)
        await _asked(pilot, "X", f"Cancel {case.number} Printer jams?")
        await pilot.press("n")
        assert await wait_until(pilot, lambda: app.screen is detail)
        assert cases.get(case.id).state == "active"
        await _asked(pilot, "X", f"Cancel {case.number} Printer jams?")
        await pilot.press("y")
        assert await wait_until(pilot, lambda: cases.get(case.id).state == "canceled")

        await _detail(pilot, "invoice", invoice.id, DocumentDetailScreen)
        await _asked(pilot, "X", f"Cancel {invoice.number} Support hours?")
        await pilot.press("y")
        assert await wait_until(pilot, lambda: invoices.get(invoice.id).state == "canceled")
