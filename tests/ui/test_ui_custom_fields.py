"""Custom fields on screen: an admin adds one from the Custom fields screen;
the kind's form shows it after its own fields and saves it, a refused value
stays typed beside the field, the detail's summary shows it, and a saved
view can show it as a column."""

from __future__ import annotations

from textual.widgets import Select
from ui_support import fill, pressed_into, screen_text, shown_record, submitted_form, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.admin.custom_fields import CustomFieldsScreen
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.services import custom_fields, views
from crm_tui.services.customers import accounts

SIZE = (120, 36)


async def test_an_admin_adds_a_field_from_its_screen(db):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(CustomFieldsScreen())
        assert await wait_until(pilot, lambda: "adds a field" in screen_text(app))
        await submitted_form(pilot, "n", label="Seats", type="integer", searchable="yes")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CustomFieldsScreen))
        assert await wait_until(pilot, lambda: "Whole number" in screen_text(app))
        field = custom_fields.by_name("account", "seats")
        assert (field.type, field.searchable, field.label) == ("integer", True, "Seats")
        # a label a kind already has is refused in the form, with what was typed
        await submitted_form(pilot, "n", label="City")
        assert await wait_until(pilot, lambda: "already a field of accounts" in screen_text(app))
        assert isinstance(app.screen, FormModal)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FormModal) or
                                "leave" in screen_text(app))  # fmt: skip


async def test_the_form_detail_and_a_view_show_custom_fields(db):
    custom_fields.add("account", "tier", "option_set", options="Gold,Silver")
    custom_fields.add("account", "seats", "integer")
    made = accounts.create({"name": "Darya Shipping"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await shown_record(pilot, "account", made.id)
        form = await pressed_into(pilot, "e", RecordFormScreen)
        labels = [spec.label for spec in form.form.specs]
        assert labels[-2:] == ["Tier", "Seats"]  # after the kind's own fields
        form.form.query_one("#field-cf_tier", Select).value = "gold"
        await fill(pilot, "cf_seats", "many")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "Fix the fields" in screen_text(app))
        error = form.query_one("#error-cf_seats")
        assert "Seats must be a whole number" in str(error.render())
        assert app.screen is form  # refused: nothing lost
        await fill(pilot, "cf_seats", "1,200")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is detail)
        await detail.show_tab("summary")
        assert await wait_until(pilot, lambda: "1,200" in screen_text(app))
        assert "Gold" in screen_text(app)
    views.save("account", "Tiers", "tier:gold", base_view="all", columns=("name", "cf_tier"))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 1)
        await pilot.press("v", "v", "v", "v")
        assert await wait_until(pilot, lambda: "Tiers  ·" in screen_text(app))
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Account" in line and "Tier" in line)
        assert "City" not in header
        assert any("Darya Shipping" in line and "Gold" in line for line in lines)
