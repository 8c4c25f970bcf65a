"""Saved views on a list: ctrl+s keeps the filter as a view, `v` reaches it
after the built-in views, `W` lists them to open, rename, delete or make
the default, and the list opens on its default view."""

from __future__ import annotations

from textual.widgets import Input, OptionList
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.view_picker import ViewPicker
from crm_tui.services import views
from crm_tui.services.customers import accounts

SIZE = (120, 36)


def names(app) -> list[str]:
    return [row["name"] for row in app.screen.table._rows]


async def test_save_step_to_and_open_on_a_view(db):
    accounts.create({"name": "Acme", "industry": "Retail"})
    accounts.create({"name": "Beta", "industry": "Banking"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 2)
        await pilot.press("slash", *"industry:retail")
        assert await wait_until(pilot, lambda: names(app) == ["Acme"])
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        assert "Active accounts" in screen_text(app) and "industry:retail" in screen_text(app)
        await pilot.press(*"Retail", "ctrl+s")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "AccountsScreen")
        # the view shows its rows with the filter box empty
        assert await wait_until(pilot, lambda: "Retail  ·  by name" in screen_text(app))
        assert app.screen.query_one("#filter", Input).value == ""
        assert names(app) == ["Acme"]
        # v goes round the four built-in views and back to it
        await pilot.press("v")
        assert await wait_until(pilot, lambda: names(app) == ["Acme", "Beta"])
        assert "Active accounts  ·" in screen_text(app)
        for _ in range(4):
            await pilot.press("v")
        assert await wait_until(pilot, lambda: "Retail  ·" in screen_text(app))
        assert names(app) == ["Acme"]
        await pilot.press("V")  # and back
        assert await wait_until(pilot, lambda: "All accounts  ·" in screen_text(app))
        # W: make it the default
        await pilot.press("W")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ViewPicker))
        picker = app.screen
        box = picker.query_one(OptionList)
        box.highlighted = box.option_count - 1
        await pilot.press("asterisk")
        assert await wait_until(pilot, lambda: "default" in screen_text(app))
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: names(app) == ["Acme"])
    saved = views.by_name("account", "retail")
    assert views.default("account") == saved.key
    # a new start opens the list on it
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: names(app) == ["Acme"])
        assert "Retail  ·  by name" in screen_text(app)


async def test_rename_and_delete_in_the_picker(db):
    accounts.create({"name": "Acme", "industry": "Retail"})
    views.save("account", "Retail", "industry:retail", base_view="active")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 1)
        await pilot.press("W")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ViewPicker))
        box = app.screen.query_one(OptionList)
        box.highlighted = 0
        await pilot.press("e")  # a built-in view cannot be renamed
        assert await wait_until(pilot, lambda: "cannot be changed" in screen_text(app))
        box.highlighted = box.option_count - 1
        await pilot.press("e")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "PromptModal")
        await pilot.press("ctrl+u", *"Shops", "enter")
        assert await wait_until(pilot, lambda: "Shops" in screen_text(app))
        await pilot.press("x")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmModal")
        await pilot.press("y")
        assert await wait_until(pilot, lambda: views.visible("account") == [])
        assert await wait_until(pilot, lambda: "Shops" not in screen_text(app))
        assert isinstance(app.screen, ViewPicker) and box.option_count == 4


async def test_a_view_that_cannot_be_saved_keeps_what_was_typed(db):
    views.save("account", "Retail", "industry:retail", base_view="active")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press(*"retail", "ctrl+s")
        assert await wait_until(pilot, lambda: "already have a view" in screen_text(app))
        assert isinstance(app.screen, FormModal)
        assert app.screen.form.values()["name"] == "retail"


async def test_a_shared_view_changed_or_deleted_by_its_owner_follows_on_screen(db):
    accounts.create({"name": "Acme", "industry": "Retail"})
    accounts.create({"name": "Beta", "industry": "Banking"})
    shared = views.save("account", "Shops", "industry:retail", base_view="active",
                        scope="everyone")  # fmt: skip
    views.set_default("account", shared.key)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: names(app) == ["Acme"])
        # its owner changes it (in another app): the next refresh shows it
        views.update(shared.id, shared.version, query="industry:banking", columns=("owner", "name"))
        app.screen.refresh_data()
        assert await wait_until(pilot, lambda: names(app) == ["Beta"])
        table = app.screen.table
        assert [c.key for c in table.shown_columns] == ["owner", "name"]
        views.delete(shared.id)
        app.screen.refresh_data()
        assert await wait_until(pilot, lambda: names(app) == ["Acme", "Beta"])
        assert "Active accounts  ·" in screen_text(app)
        assert [c.key for c in table.shown_columns][:2] == ["name", "city"]
        assert [c.key for c in table.shown_columns][:2] == ["name", "city"]


async def test_a_view_shows_the_columns_chosen_in_their_order(db):
    accounts.create({"name": "Acme", "city": "Tabriz", "industry": "Retail"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 1)
        own = [c.key for c in app.screen.table.shown_columns]
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.form.query_one("#field-columns").value = "Owner, account, nothing"
        await pilot.press(*"Short", "ctrl+s")
        assert await wait_until(pilot, lambda: "no column 'nothing'" in screen_text(app))
        app.screen.form.query_one("#field-columns").value = "Owner, account"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "Short  ·" in screen_text(app))
        table = app.screen.table
        assert [c.key for c in table.shown_columns] == ["owner", "name"]
        assert views.by_name("account", "short").columns == ("owner", "name")
        await pilot.press("v")  # a built-in view: the list's own columns again
        assert await wait_until(pilot, lambda: [c.key for c in table.shown_columns] == own)
