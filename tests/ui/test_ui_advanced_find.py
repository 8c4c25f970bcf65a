"""Advanced find (F): a condition chosen from the kind's fields is added to
the filter as the text the bar reads, and refused in the form when it
cannot be run."""

from __future__ import annotations

from textual.widgets import Input
from ui_support import screen_text, submitted_form, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.list_find import term
from crm_tui.services.customers import accounts

SIZE = (120, 36)


def names(app) -> list[str]:
    return [row["name"] for row in app.screen.table._rows]


async def test_conditions_are_added_to_the_filter_as_text(db):
    accounts.create({"name": "Acme", "industry": "Retail", "city": "New York"})
    accounts.create({"name": "Beta", "industry": "Retail", "city": "Boston"})
    accounts.create({"name": "Cora", "industry": "Banking", "city": "Boston"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 3)
        await submitted_form(pilot, "F", field="industry", comparison="is", value="retail")
        assert await wait_until(pilot, lambda: names(app) == ["Acme", "Beta"])
        box = app.screen.query_one("#filter", Input)
        assert box.value == "industry:retail"
        await submitted_form(pilot, "F", field="city", comparison="not", value="New York")
        assert await wait_until(pilot, lambda: names(app) == ["Beta"])
        assert box.value == 'industry:retail -city:"New York"'
        await submitted_form(pilot, "F", field="industry", comparison="is", value="nothing")
        assert await wait_until(pilot, lambda: "has no option 'nothing'" in screen_text(app))
        assert isinstance(app.screen, FormModal)  # what was chosen stays to be fixed


def test_each_comparison_writes_its_term():
    assert term("revenue", "more", "50k") == "revenue>50k"
    assert term("close", "at_most", "this-quarter") == "close<=this-quarter"
    assert term("email", "filled", "") == "has:email"
    assert term("email", "empty", "") == "-has:email"
    assert term("name", "is", 'The "Best" Co') == 'name:"The ""Best"" Co"'
