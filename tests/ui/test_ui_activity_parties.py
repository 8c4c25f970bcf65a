"""The activity modal's party (who a call was with, whom an email went to)
and the invoice's payment modal (day, method, reference), driven by keys."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select, Static, TabbedContent
from ui_support import fill, screen_text, wait_until

from crm_tui import display
from crm_tui.app import CrmApp
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.customers.activity_modal import ActivityModal
from crm_tui.screens.sales.document_detail import DocumentDetailScreen
from crm_tui.services import dates
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.sales import invoices, lines
from crm_tui.widgets.record_form import LookupInput
from crm_tui.widgets.timeline import Timeline

SIZE = (120, 36)


def _people():
    acme = accounts.create({"name": "Acme"})
    ana = contacts.create(
        {
            "first_name": "Ana",
            "last_name": "Díaz",
            "account_id": acme.id,
            "email": "ana@acme.example",
        }
    )
    return acme, ana


async def _detail(pilot, kind: str, record_id: int):
    await pilot.app.open_record(kind, record_id)
    assert await wait_until(pilot, lambda: getattr(pilot.app.screen, "record", None) is not None)
    return pilot.app.screen


async def test_a_call_from_a_contact_is_with_that_contact(db):
    _, ana = _people()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "contact", ana.id)
        await pilot.press("a")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ActivityModal))
        modal = app.screen
        assert modal.query_one("#party", LookupInput).value == "Ana Díaz"
        assert "With" in screen_text(app) and "→ Ana Díaz" in screen_text(app)
        await pilot.press("c", *"Checked in", "ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is detail)
        [call] = activities.history(("contact", ana.id))[0]
        assert call["parties"] == "with Ana Díaz"
        assert await wait_until(pilot, lambda: "with Ana Díaz" in screen_text(app))
        assert detail.query_one(Timeline).items[0]["parties"] == "with Ana Díaz"


async def test_an_email_from_an_account_picks_its_contact_as_typed(db):
    acme, ana = _people()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "account", acme.id)
        await pilot.press("a")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ActivityModal))
        modal = app.screen
        assert modal.query_one("#party", LookupInput).value == ""  # an account is nobody
        await pilot.press("e", *"Quote sent", "tab", "tab", *"díaz")
        assert modal.focused is modal.query_one("#party", LookupInput)
        assert await wait_until(pilot, lambda: "→ Ana Díaz" in screen_text(app))
        assert "To" in screen_text(app)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is detail)
    [email] = activities.history(("account", acme.id))[0]
    assert email["parties"] == "to ana@acme.example"
    [party] = activities.parties_of(email["id"])
    assert (party["participation"], party["party_id"]) == ("to", ana.id)


async def test_a_party_matching_nobody_keeps_the_modal_and_what_was_typed(db):
    acme, _ = _people()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _detail(pilot, "account", acme.id)
        await pilot.press("a")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ActivityModal))
        modal = app.screen
        await pilot.press("e", *"Hello", "tab", "tab", *"zzqx")
        assert await wait_until(pilot, lambda: "no match" in screen_text(app))
        await pilot.press("ctrl+s")
        assert app.screen is modal
        error = str(modal.query_one("#activity-error", Static).render())
        assert "no contact, account or lead matches 'zzqx'" in error
        assert modal.focused is modal.query_one("#party", LookupInput)
        assert modal.query_one("#subject", Input).value == "Hello"
        # an email address typed in full is taken as it is
        party = modal.query_one("#party", LookupInput)
        party.value = ""
        await pilot.press(*"new@else.example")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ActivityModal))
    [email] = activities.history(("account", acme.id))[0]
    assert email["parties"] == "to new@else.example"


async def test_the_payment_modal_records_day_method_and_reference(db):
    from sales_support import catalogue

    cat = catalogue()
    invoice = invoices.create({"name": "Hours", "account_id": cat.account_id})
    invoice = lines.add_line(
        "invoice", invoice.id, invoice.version, {"product_id": cat.widget_id, "quantity": "2"}
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await _detail(pilot, "invoice", invoice.id)
        assert isinstance(detail, DocumentDetailScreen)
        await pilot.press("p")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        modal = app.screen
        text = screen_text(app)
        assert "Date paid" in text and "Method" in text and "Reference" in text
        # a day after today is refused beside the field, the rest kept
        await fill(pilot, "paid_on", "tomorrow")
        await fill(pilot, "payment_reference", "CHQ 4211")
        modal.query_one("#field-payment_method", Select).value = "cheque"
        await pilot.press("ctrl+s")
        assert app.screen is modal
        assert await wait_until(
            pilot, lambda: "the date paid cannot be after today" in screen_text(app)
        )
        assert modal.query_one("#field-payment_reference", Input).value == "CHQ 4211"
        await fill(pilot, "paid_on", "yesterday")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is detail)
        paid = invoices.get(invoice.id)
        assert paid.state == "paid"
        assert paid.paid_on == dates.today() - dt.timedelta(days=1)
        assert (paid.payment_method, paid.payment_reference) == ("cheque", "CHQ 4211")
        # the summary shows how it was paid
        tabs = detail.query_one("#tabs", TabbedContent)
        for _ in range(len(tabs.query("TabPane"))):
            if tabs.active == "tab-summary":
                break
            await pilot.press("]")
            await pilot.pause()
        assert await wait_until(pilot, lambda: "CHQ 4211" in screen_text(app))
        text = screen_text(app)
        assert "Cheque" in text and display.day(paid.paid_on) in text
