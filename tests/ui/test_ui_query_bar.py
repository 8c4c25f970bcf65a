"""The query language in a list's filter bar: conditions narrow the list,
a query that cannot be read is explained in one line under it while the
rows of the last good one stay, and field names and option values are
offered as the word is typed."""

from __future__ import annotations

from textual.widgets import Input
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.services.customers import accounts

SIZE = (120, 36)


def names(app) -> list[str]:
    return [row["name"] for row in app.screen.table._rows]


async def typed(pilot, text: str) -> None:
    box = pilot.app.screen.query_one("#filter", Input)
    box.focus()
    box.value = ""
    await pilot.press(*("space" if ch == " " else ch for ch in text))
    await pilot.pause(0.1)


async def test_conditions_narrow_and_a_bad_query_is_explained(db):
    accounts.create({"name": "Acme", "industry": "Retail", "city": "Tehran"})
    accounts.create({"name": "Beta", "industry": "Banking", "city": "London"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 2)
        await typed(pilot, "industry:retail")
        assert await wait_until(pilot, lambda: names(app) == ["Acme"])
        await pilot.press("comma")
        assert await wait_until(pilot, lambda: "Filter not applied" in screen_text(app))
        assert "a value between commas is empty" in screen_text(app)
        assert names(app) == ["Acme"]  # the last query's rows stay
        await typed(pilot, "foo:bar")
        assert await wait_until(pilot, lambda: "accounts have no field 'foo'" in screen_text(app))
        # enter does not open a row of the query before
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "AccountsScreen"
        await typed(pilot, "-industry:retail sort:-name")
        assert await wait_until(pilot, lambda: names(app) == ["Beta"])
        assert "Filter not applied" not in screen_text(app)
        assert "by name ↓" in screen_text(app)
        # a sort the list does not keep in order is refused under it too (the
        # whole query at once, as pasted: typed, "sor" would be a search first)
        app.screen.query_one("#filter", Input).value = "-industry:retail sort:city"
        assert await wait_until(pilot, lambda: "cannot be sorted by city" in screen_text(app))
        assert names(app) == ["Beta"]


async def test_field_names_and_values_are_offered_as_typed(db):
    accounts.create({"name": "Acme", "industry": "Retail"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 1)
        await typed(pilot, "indu")
        box = app.screen.query_one("#filter", Input)
        assert await wait_until(pilot, lambda: box._suggestion == "industry:")
        await pilot.press("right")  # takes it
        await pilot.press(*"ret")
        assert await wait_until(pilot, lambda: box._suggestion == "industry:retail")
        await pilot.press("right")
        assert box.value == "industry:retail"
        assert await wait_until(pilot, lambda: names(app) == ["Acme"])


async def test_a_condition_typed_on_the_case_queue_and_its_order(db):
    from crm_tui.services.support import cases

    acme = accounts.create({"name": "Acme"})
    cases.create({"title": "Printer jam", "account_id": acme.id, "priority": "high"})
    cases.create({"title": "Login fails", "account_id": acme.id, "priority": "low"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "CaseQueueScreen")
        await typed(pilot, "priority:high")
        assert await wait_until(
            pilot, lambda: [r["title"] for r in app.screen.table._rows] == ["Printer jam"]
        )
        await typed(pilot, "sort:title")
        assert await wait_until(pilot, lambda: "order of urgency" in screen_text(app))
