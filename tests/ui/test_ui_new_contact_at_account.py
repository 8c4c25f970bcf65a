"""`n` on an account opens a new-contact form already linked to it."""

from __future__ import annotations

from textual.widgets import Input

from crm_tui.app import CrmApp
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.contact_form import ContactFormScreen
from crm_tui.services.customers import accounts


async def test_new_contact_from_an_account_is_linked_to_it(db):
    account = accounts.create({"name": "Northwind Traders"})
    app = CrmApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountDetailScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        assert form.query_one("#field-account_id", Input).value == "Northwind Traders"
        await pilot.press("ctrl+s")  # no last name yet: refused, form stays
        await pilot.pause()
        assert app.screen is form
        form.query_one("#field-last_name", Input).value = "Fuller"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AccountDetailScreen)
        assert [c["full_name"] for c in accounts.contacts_of(account.id)] == ["Fuller"]
