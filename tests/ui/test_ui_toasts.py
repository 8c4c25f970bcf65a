"""Toasts never cover what an action just changed: a document's totals, a
list's count."""

from __future__ import annotations

import pytest
from textual.widgets import Static
from textual.widgets._toast import Toast
from ui_support import screen_lines, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.sales.document_detail import DocumentDetailScreen
from crm_tui.services.customers import accounts
from crm_tui.services.sales import lines, quotes

SIZES = [(80, 24), (120, 36)]


def _toasts(app) -> list:
    return [t for t in app.screen.query(Toast) if t.region.area]


def _active_quote() -> int:
    acme = accounts.create({"name": "Acme Tools Ltd"})
    draft = quotes.create({"name": "Laptops for the field team", "account_id": acme.id})
    for text, price in [("On-site setup", "450"), ("Travel", "320")]:
        draft = lines.add_line(
            "quote", draft.id, draft.version, {"description": text, "unit_price": price}
        )
    return quotes.activate(draft.id, draft.version).id


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_refused_line_leaves_the_totals_in_sight(db, size):
    quote_id = _active_quote()
    app = CrmApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        await app.open_record("quote", quote_id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, DocumentDetailScreen))
        await app.screen.show_tab("lines")
        await pilot.pause()
        await pilot.press("plus")  # lines of an active quote are locked: a warning
        assert await wait_until(pilot, lambda: bool(_toasts(app)))
        totals = app.screen.query_one("#doc-totals", Static).region
        for toast in _toasts(app):
            assert not toast.region.overlaps(totals)
        # and the terminal shows them, toast and all
        shown = "\n".join(screen_lines(app)[totals.y : totals.bottom])
        assert "Subtotal" in shown and "770.00" in shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_toast_leaves_a_lists_count_and_keys_in_sight(db, size):
    for index in range(3):
        accounts.create({"name": f"Company {index}"})
    app = CrmApp()
    async with app.run_test(size=size, notifications=True) as pilot:
        assert isinstance(app.screen, AccountsScreen)
        app.screen.notify(
            "The theme was not saved in /home/someone/.config/crm-tui/config.toml: "
            "permission denied",
            severity="error",
        )
        assert await wait_until(pilot, lambda: bool(_toasts(app)))
        status = app.screen.query_one("#list-status", Static)
        footer = app.screen.query_one("Footer")
        for toast in _toasts(app):
            assert not toast.region.overlaps(status.region)
            assert not toast.region.overlaps(footer.region)
