"""The footer composes its keys again only when what it shows changes: the
cursor moving over rows, or the list coming back from `?`, republishes the
screen's bindings without changing them (a list's first frame used to wait
for four footers); focus moving into the filter changes them."""

from __future__ import annotations

from textual.widgets import Input
from textual.widgets._footer import FooterKey
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.help import HelpScreen
from crm_tui.services.customers import accounts
from crm_tui.widgets.key_footer import KeyFooter

BIG = (120, 36)


def _keys(app) -> list[FooterKey]:
    return list(app.screen.query_one(KeyFooter).query(FooterKey))


def _shown(app) -> list[str]:
    return [f"{k.key_display} {k.description}" for k in _keys(app)]


async def _list(pilot, rows: int):
    assert await wait_until(pilot, lambda: pilot.app.screen.table.loaded_count == rows)
    await pilot.pause()


async def test_the_same_keys_are_not_composed_again(db):
    for name in ("Acme", "Globex", "Initech"):
        accounts.create({"name": name})
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        await _list(pilot, 3)
        before = _keys(app)
        assert _shown(app)[:2] == ["/ Filter", "n New"]
        await pilot.press("down", "down", "up")
        await pilot.press("question_mark")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.pause()
        assert _keys(app) == before  # the same widgets: nothing was composed again


async def test_keys_that_change_are_composed_again(db):
    accounts.create({"name": "Acme"})
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        await _list(pilot, 1)
        everything = _shown(app)
        assert "n New" in everything
        await pilot.press("slash")
        assert await wait_until(pilot, lambda: isinstance(app.focused, Input))
        # typing in the filter: its keys, not the list's
        assert await wait_until(pilot, lambda: "n New" not in _shown(app))
        assert "/ Filter" in _shown(app)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: _shown(app) == everything)
