"""A keymap in config.toml moves a key everywhere: the action runs on the new
key and no longer on the old, and the footer, `?` and the hints say so. The
theme chosen in the palette is saved there and used at the next start."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import DataTable, Input
from ui_support import screen_text, wait_until

from crm_tui import config, keys
from crm_tui.app import CrmApp
from crm_tui.screens.common.help import HelpScreen
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.services import session

SIZE = (120, 36)


def _configure(text: str):
    path = config.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # the app opens on the accounts list, as every list test's does
    path.write_text('start_area = "accounts"\n' + text, encoding="utf-8")
    session.configure(config.load())
    return path


def _told(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def _help_rows(app) -> dict[str, tuple[str, str]]:
    table = app.screen.query_one(DataTable)
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return {str(action): (str(key), str(ids)) for key, action, ids in rows}


async def test_a_remapped_key_runs_its_action_and_the_old_key_does_not(db):
    _configure('[keymap]\n"list.filter" = "f"\n"app.help" = "f1"\n"list.new" = "ctrl+n"\n')
    app = CrmApp()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, AccountsScreen)
            typed_filter = app.screen.query_one("#filter", Input)
            await pilot.press("slash")
            await pilot.pause()
            assert not typed_filter.has_focus
            await pilot.press("f")
            assert await wait_until(pilot, lambda: typed_filter.has_focus)
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: not typed_filter.has_focus)
            # the empty list's hint names the new key
            assert "ctrl+n creates one" in screen_text(app)

            await pilot.press("question_mark")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
            await pilot.press("f1")
            assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
            rows = _help_rows(app)
            assert rows["Filter"] == ("f", "list.filter")
            assert rows["New"] == ("ctrl+n", "list.new")
            assert rows["Keys"] == ("f1", "app.help")
    finally:
        keys.use_keymap({})


async def test_a_theme_chosen_in_the_palette_is_used_at_the_next_start(db):
    path = _configure('currency = "EUR"  # what we bill in\n')
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # starting writes nothing
        assert path.read_text(encoding="utf-8") == (
            'start_area = "accounts"\ncurrency = "EUR"  # what we bill in\n'
        )
        app.action_change_theme()
        assert await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"nord")
        await pilot.pause(0.5)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: app.theme == "nord")
        await pilot.pause()
    assert path.read_text(encoding="utf-8") == (
        'start_area = "accounts"\ncurrency = "EUR"  # what we bill in\ntheme = "nord"\n'
    )

    session.configure(config.load())
    again = CrmApp()
    # set before the first frame
    assert again.theme == "nord"
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
    assert path.read_text(encoding="utf-8").count("theme") == 1


async def test_a_theme_that_cannot_be_saved_is_reported_not_fatal(db, tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CRM_TUI_CONFIG_DIR", str(blocker / "config"))
    session.configure(config.Settings(start_area="accounts"))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "nord"
        assert await wait_until(pilot, lambda: "The theme was not saved" in _told(app))
        assert app.is_running and app.theme == "nord"


async def test_an_unknown_theme_falls_back_with_a_warning(db):
    _configure('theme = "no-such-theme"\n')
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert await wait_until(pilot, lambda: "No theme is called" in _told(app))


async def test_an_areas_key_again_goes_back_to_its_home_screen(db):
    from ui_support import fill

    from crm_tui.screens.customers.account_detail import AccountDetailScreen
    from crm_tui.screens.customers.account_form import AccountFormScreen
    from crm_tui.services.customers import accounts

    session.configure(config.Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("account", acme.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, AccountDetailScreen))
        await pilot.press("1")
        assert await wait_until(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert len(app.screen_stack) == 1
        # a form holding typed text is not left behind unasked
        await app.push_screen(AccountFormScreen(None))
        await fill(pilot, "name", "Half typed")
        # (a field takes 1 as a digit: the area's action itself, as from the palette)
        await app.action_area("accounts")
        await pilot.pause()
        assert isinstance(app.screen, AccountFormScreen)
        assert "This form has changes" in _told(app)
