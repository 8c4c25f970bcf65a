"""The activity modal is kept once built and shown again for the next
activity (activity_modal()): nothing typed for the last one may stay, and it
starts as a new one would: a call, its timer at zero, the record's contact
as its party, the kind bar focused."""

from __future__ import annotations

from textual.widgets import Input, TextArea
from ui_support import pressed_into, screen_text, shown_record, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.customers.activity_modal import ActivityModal
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.widgets.record_form import LookupInput

SIZE = (120, 36)


async def test_the_next_activity_starts_empty_for_its_own_record(db):
    acme = accounts.create({"name": "Acme"})
    ana = contacts.create({"first_name": "Ana", "last_name": "Díaz", "account_id": acme.id})
    bo = contacts.create({"first_name": "Bo", "last_name": "Lind", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await shown_record(pilot, "contact", ana.id)
        first = await pressed_into(pilot, "a", ActivityModal)
        await pilot.press("e", *"Quote sent", "tab", *"fri")
        first.query_one("#details", TextArea).insert("Prices for the spring order")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ActivityModal))
        [email] = activities.history(("contact", ana.id))[0]
        assert email["subject"] == "Quote sent"
        await pilot.press("escape")
        await pilot.pause()

        await shown_record(pilot, "contact", bo.id)
        modal = await pressed_into(pilot, "a", ActivityModal)
        assert modal is first  # shown again, not built again
        assert modal.regarding == ("contact", bo.id) and modal.kind == "phone_call"
        for name in ("subject", "date", "duration", "file"):
            assert modal.query_one(f"#{name}", Input).value == ""
        assert modal.query_one("#details", TextArea).text == ""
        assert modal.query_one("#party", LookupInput).value == "Bo Lind"
        assert app.focused is modal.query_one("#kind-bar")
        assert not modal.dirty
        text = screen_text(app)
        assert "Bo Lind" in text and "Ana Díaz" not in text and "Quote sent" not in text
        assert "00:00" in text
        await pilot.press("c", *"Called back", "ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ActivityModal))
        [call] = activities.history(("contact", bo.id))[0]
        assert call["subject"] == "Called back" and call["parties"] == "with Bo Lind"
        assert activities.history(("contact", ana.id))[0] == [email]


async def test_what_was_discarded_does_not_come_back(db):
    acme = accounts.create({"name": "Acme"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await shown_record(pilot, "account", acme.id)
        await pressed_into(pilot, "a", ActivityModal)
        await pilot.press("t", *"Draft the renewal")
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ActivityModal))
        modal = await pressed_into(pilot, "a", ActivityModal)
        assert modal.query_one("#subject", Input).value == ""
        assert modal.kind == "phone_call"
        await pilot.press("escape")  # nothing typed: it closes without asking
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ActivityModal))
        assert activities.history(("account", acme.id))[0] == []
