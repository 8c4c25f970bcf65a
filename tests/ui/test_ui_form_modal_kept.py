"""A form modal is kept once built and filled anew for the next form with the
same fields (form_modal()): resolving one case after another opens the same
modal, with nothing typed, refused or chosen for the last case, and the
save acts on the case it was opened for."""

from __future__ import annotations

from textual.widgets import Select, Static, TextArea
from ui_support import pressed_into, screen_text, shown_record, wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal, form_modal
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.services import session
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases
from crm_tui.widgets.record_form import FieldSpec

SIZE = (120, 36)


async def test_resolving_the_next_case_starts_from_an_empty_form(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    first, second = (
        cases.create({"title": title, "account_id": acme.id}) for title in ("Jammed", "Smoking")
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await shown_record(pilot, "case", first.id)
        modal = await pressed_into(pilot, "R", FormModal)
        await pilot.press(*"Cleared the tray", "tab")
        modal.query_one("#field-reason", Select).value = cases.RESOLVE_REASONS[-1]
        await pilot.press("tab", *"abc", "ctrl+s")  # refused: not a number
        assert await wait_until(pilot, lambda: "whole number" in screen_text(app))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.press("escape")
        await pilot.pause()

        await shown_record(pilot, "case", second.id)
        again = await pressed_into(pilot, "R", FormModal)
        assert again is modal  # filled anew, not built again
        assert again.query_one("#field-resolution", TextArea).text == ""
        assert again.query_one("#field-reason", Select).value == cases.RESOLVE_REASONS[0]
        assert again.query_one("#field-billable_minutes").value == ""
        assert not again.query_one("#error-billable_minutes", Static).display
        assert not again.form.dirty
        text = screen_text(app)
        assert "Smoking" in text and "Cleared" not in text
        assert "whole number" not in text and "Fix the fields" not in text
        assert app.focused is again.query_one("#field-resolution")
        await pilot.press(*"Replaced the fan", "ctrl+s")
        assert await wait_until(pilot, lambda: cases.get(second.id).state == "resolved")
        assert cases.get(first.id).state != "resolved"


async def test_a_form_with_other_fields_or_options_is_built_anew(db):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        choice = [FieldSpec("pick", "Pick", "select", [("One", 1), ("Two", 2)])]
        first = form_modal(app, "Choose", choice, lambda v: v)
        await app.push_screen(first)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is not first)
        assert form_modal(app, "Choose", choice, lambda v: v) is first
        # the same field with other options (a queue added meanwhile)
        more = [FieldSpec("pick", "Pick", "select", [("One", 1), ("Two", 2), ("Three", 3)])]
        other = form_modal(app, "Choose", more, lambda v: v)
        assert other is not first
        await pilot.pause()
        assert not first.is_attached  # the one it replaced is gone
        await app.push_screen(other)
        await pilot.pause()
        # while it is open, a form of its fields gets a new one of its own
        assert form_modal(app, "Choose", more, lambda v: v) is not other
