"""A phone typed in national form on the contact form: read in the
account's country, or saved as typed with a one-line warning."""

from __future__ import annotations

from ui_support import fill

from crm_tui.app import CrmApp
from crm_tui.models import Contact
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.contact_form import ContactFormScreen
from crm_tui.services.customers import accounts


def warnings_of(app) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "warning"]


async def new_contact_at(pilot, app, phone: str) -> None:
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, AccountDetailScreen)
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, ContactFormScreen)
    await fill(pilot, "last_name", "Okafor")
    await fill(pilot, "phone", phone)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_national_phone_at_a_nigerian_account_is_read_without_a_warning(db):
    accounts.create({"name": "Dangote Foods", "country": "Nigeria"})
    app = CrmApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await new_contact_at(pilot, app, "0803 555 1234")
        assert isinstance(app.screen, AccountDetailScreen)
        assert Contact.get(Contact.last_name == "Okafor").phone == "+2348035551234"
        assert warnings_of(app) == []


async def test_unreadable_phone_is_saved_as_typed_with_a_warning(db):
    accounts.create({"name": "Northwind Traders"})  # no country, no default region
    app = CrmApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await new_contact_at(pilot, app, "0803 555 1234")
        # saved all the same: the form closed on the account
        assert isinstance(app.screen, AccountDetailScreen)
        assert Contact.get(Contact.last_name == "Okafor").phone == "0803 555 1234"
        assert warnings_of(app) == [
            "Business phone '0803 555 1234' kept as typed: "
            "no +country code, and no country to read it by."
        ]
        assert "Saved contact." in [str(n.message) for n in app._notifications]
