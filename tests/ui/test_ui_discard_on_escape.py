"""Escape on a form or modal asks before it drops what was typed, and only
then: an untouched one closes at once."""

from __future__ import annotations

from textual.widgets import Input, TabbedContent, TextArea
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.contact_form import ContactFormScreen
from crm_tui.screens.sales.line_modal import LineModal
from crm_tui.screens.sales.opportunity_detail import OpportunityDetailScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.services.customers import accounts, notes
from crm_tui.services.sales import opportunities
from crm_tui.services.support import cases

SIZE = (120, 36)


async def _detail(pilot, kind: str, record_id: int, screen: type):
    await pilot.app.open_record(kind, record_id)
    assert await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, screen) and pilot.app.screen.record is not None
    )
    return pilot.app.screen


async def test_the_resolve_modal_asks_before_it_drops_the_resolution(db):
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Printer jams", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "case", case.id, CaseDetailScreen)

        # untouched: escape closes it at once
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is detail)

        # typed: escape asks, and "no" keeps every word
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        modal = app.screen
        await pilot.press(*"Cleaned the rollers")
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Discard your changes?" in screen_text(app)
        await pilot.press("n")
        assert await wait_until(pilot, lambda: app.screen is modal)
        assert modal.query_one("#field-resolution", TextArea).text == "Cleaned the rollers"

        # "yes" drops it: nothing was resolved
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: app.screen is detail)
    assert cases.get(case.id).state == "active"


async def test_a_line_modal_with_defaults_closes_untouched_and_asks_once_typed(db):
    deal = opportunities.create({"name": "Forty laptops"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "opportunity", deal.id, OpportunityDetailScreen)
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LineModal))
        await pilot.press("escape")  # quantity 1 was filled in, not typed
        assert await wait_until(pilot, lambda: app.screen is detail)

        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LineModal))
        app.screen.query_one("#field-description", Input).value = "Setup"
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))


async def test_an_untouched_new_contact_at_an_account_closes_without_asking(db):
    acme = accounts.create({"name": "Northwind Traders"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "account", acme.id, AccountDetailScreen)
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        await pilot.pause()
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is detail)

        # typed, it asks; and the account it was opened from still saves with it
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        form = app.screen
        form.query_one("#field-last_name", Input).value = "Fuller"
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")
        assert await wait_until(pilot, lambda: app.screen is form)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is detail)
    assert [c["full_name"] for c in accounts.contacts_of(acme.id)] == ["Fuller"]


async def test_the_save_attachment_prompt_asks_only_once_its_path_was_changed(db):
    acme = accounts.create({"name": "Northwind Traders"})
    notes.add(("account", acme.id), "Terms", "Signed", attachment=("terms.txt", b"Net 45"))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "account", acme.id, AccountDetailScreen)
        tabs = detail.query_one("#tabs", TabbedContent)
        for _ in range(6):
            if tabs.active == "tab-notes":
                break
            await pilot.press("]")
        assert tabs.active == "tab-notes"
        await pilot.press("S")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press("escape")  # the folder it offered, untouched
        assert await wait_until(pilot, lambda: app.screen is detail)

        await pilot.press("S")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"/tmp")
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
