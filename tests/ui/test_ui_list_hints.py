"""A list's filter says what that list's search finds (from the record
metadata), and a state cut short by a narrow terminal ends with an ellipsis."""

from __future__ import annotations

from textual.widgets import Input
from ui_support import screen_lines, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.base_list import filter_hint
from crm_tui.screens.sales.documents_list import DocumentsScreen
from crm_tui.screens.sales.leads_list import LeadsScreen
from crm_tui.screens.sales.opportunities_list import OpportunitiesScreen
from crm_tui.screens.sales.pipeline_board import PipelineScreen
from crm_tui.screens.sales.products_list import ProductsScreen
from crm_tui.services.customers import accounts
from crm_tui.services.sales import leads, orders

SMALL = (80, 24)
BIG = (120, 36)


def placeholder(app) -> str:
    return app.screen.query_one("#filter", Input).placeholder


def test_each_kind_names_what_its_filter_searches():
    assert filter_hint("product") == "/ filter by number, name, description"
    for kind in ("quote", "order", "invoice"):
        assert filter_hint(kind) == "/ filter by number, name, customer"
    assert filter_hint("opportunity") == "/ filter by topic, customer"
    assert filter_hint("competitor") == "/ filter by name, website"
    # more than the box shows ends with an ellipsis
    assert filter_hint("account") == "/ filter by name, email, phone, number…"


async def test_a_wider_filter_box_names_more(db):
    app = CrmApp()
    async with app.run_test(size=SMALL) as pilot:
        assert await wait_until(pilot, lambda: placeholder(app) == filter_hint("account"))
        await pilot.resize_terminal(*BIG)
        whole = "/ filter by name, email, phone, number, industry, website, city…"
        assert await wait_until(pilot, lambda: placeholder(app) == whole)
        assert any(whole in line for line in screen_lines(app))


async def test_the_sales_lists_show_their_own_filter_hint_whole(db):
    app = CrmApp()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("5")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen))
        for kind in ("quote", "order", "invoice"):
            assert app.screen.KIND == kind
            assert placeholder(app) == "/ filter by number, name, customer"
            assert any("/ filter by number, name, customer" in line for line in screen_lines(app))
            await pilot.press("t")
            await pilot.pause()

        await pilot.press("P")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ProductsScreen))
        assert placeholder(app) == "/ filter by number, name, description"

        await pilot.press("4")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        await pilot.press("b")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OpportunitiesScreen))
        assert placeholder(app) == "/ filter by topic, customer"


async def test_an_order_state_cut_short_ends_with_an_ellipsis(db):
    acme = accounts.create({"name": "Acme"})
    orders.create({"name": "Spare parts", "account_id": acme.id, "status_reason": "pending"})
    app = CrmApp()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("5")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen))
        await pilot.press("t")
        assert await wait_until(pilot, lambda: app.screen.table.loaded_count == 1)
        await pilot.pause()
        row = next(line for line in screen_lines(app) if "Spare parts" in line)
        cell = row[row.index("Active") :].split("  ")[0]
        assert cell.endswith("…"), row
        assert "Active · Pending" not in row  # the column is narrower than the state


async def test_a_list_footer_at_80_columns_keeps_its_own_keys_whole(db):
    leads.create({"last_name": "Abbott", "topic": "Laptops"})
    app = CrmApp()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("3")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LeadsScreen))
        await pilot.pause()
        footer = screen_lines(app)[-1]
        for key in ("/ Filter", "n New", "Q Qualify", "? Keys"):
            assert key in footer, footer
        # whatever is left out goes whole: the last key before the palette is complete
        assert footer.split("▏")[0].rstrip().endswith("? Keys"), footer
