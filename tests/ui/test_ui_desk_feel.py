"""How fast the desk answers: an area shown again is the one left, read
again only when something was written meanwhile; a filter answers its first
key at once and a burst of keys with one more query; a refresh that finds
the same rows draws nothing again."""

from __future__ import annotations

import multiprocessing
from multiprocessing import resource_tracker

from textual.app import App
from textual.widgets import DataTable
from ui_support import wait_until
from ui_worker import create_account

from crm_tui.app import CrmApp
from crm_tui.screens.common import base_list
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.customers.contacts_list import ContactsScreen
from crm_tui.services.customers import accounts, contacts
from crm_tui.widgets.record_table import RecordTable

SIZE = (120, 36)


def _names(screen) -> list[str]:
    return [row["name"] for row in screen.table._rows]


class _Spy:
    """Counts the lists' reads and the tables' rebuilds and cell renders."""

    def __init__(self, monkeypatch) -> None:
        self.reads: list[tuple[str, str | None]] = []
        self.clears = 0
        self.cells = 0
        spy = self
        fetch_page = base_list.RecordListScreen.fetch_page
        clear = RecordTable.clear
        render_cell = DataTable._render_cell

        def counted_fetch(screen, **kwargs):
            spy.reads.append((type(screen).__name__, kwargs.get("query")))
            return fetch_page(screen, **kwargs)

        def counted_clear(table, *args, **kwargs):
            spy.clears += 1
            return clear(table, *args, **kwargs)

        def counted_render(table, *args, **kwargs):
            spy.cells += 1
            return render_cell(table, *args, **kwargs)

        monkeypatch.setattr(base_list.RecordListScreen, "fetch_page", counted_fetch)
        monkeypatch.setattr(RecordTable, "clear", counted_clear)
        monkeypatch.setattr(DataTable, "_render_cell", counted_render)

    def reset(self) -> None:
        self.reads.clear()
        self.clears = self.cells = 0


def _data(count: int = 3) -> None:
    for index in range(count):
        account = accounts.create({"name": f"Account {index:02d}"})
        contacts.create(
            {"first_name": "Ann", "last_name": f"Person {index:02d}", "account_id": account.id}
        )


async def test_an_area_shown_again_is_the_one_left_without_a_read(db, monkeypatch):
    _data()
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        first = app.screen
        await pilot.press("j")
        await pilot.press("2")
        contacts_screen = app.screen
        assert isinstance(contacts_screen, ContactsScreen)
        await pilot.press("1")
        await pilot.pause()
        spy.reset()

        await pilot.press("2")
        await pilot.pause()
        assert app.screen is contacts_screen
        await pilot.press("1")
        await pilot.pause()
        assert app.screen is first
        # nothing written meanwhile: no read, no rebuilt table, no cell drawn again
        assert spy.reads == []
        assert spy.clears == 0
        assert spy.cells == 0
        assert first.table.current_row["name"] == "Account 01"


async def test_an_own_write_elsewhere_shows_when_the_area_is_shown_again(db, monkeypatch):
    _data()
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("j")
        await pilot.press("2")
        await pilot.pause()
        spy.reset()
        # written by this process while the accounts are hidden (a detail, a form)
        row = screen.table.current_row
        accounts.update(row["id"], row["version"], {"name": "Account 01 Renamed"})

        await pilot.press("1")
        await pilot.pause()
        assert spy.reads == [("AccountsScreen", None)]
        assert "Account 01 Renamed" in _names(screen)
        # the same records: the changed row's cells are drawn again, the table kept
        assert spy.clears == 0
        assert screen.table.current_row["name"] == "Account 01 Renamed"


async def test_a_colleagues_commit_shows_when_the_area_is_shown_again(db, db_path, monkeypatch):
    _data()
    # only the area key may notice it: the once-a-second poll is held off
    monkeypatch.setattr(CrmApp, "POLL_SECONDS", 3600.0)
    context = multiprocessing.get_context("spawn")
    # The tracker must start before the app (Textual's stderr capture has no fileno).
    resource_tracker.ensure_running()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("j", "j")
        await pilot.press("2")
        process = context.Process(target=create_account, args=(str(db_path), "Aardvark Born"))
        process.start()
        assert await wait_until(pilot, lambda: not process.is_alive(), timeout=30)
        assert process.exitcode == 0
        assert "Aardvark Born" not in _names(screen)

        await pilot.press("1")
        await pilot.pause()
        assert _names(screen)[0] == "Aardvark Born"
        # the cursor stays on the record it was on
        assert screen.table.current_row["name"] == "Account 02"


async def test_an_area_shown_again_is_drawn_without_holding_the_frame(db, monkeypatch):
    _data()
    held: list[str] = []
    delay_update = App.delay_update

    def counted(app, *args, **kwargs):
        held.append(app.current_mode)
        return delay_update(app, *args, **kwargs)

    monkeypatch.setattr(App, "delay_update", counted)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # built now: its first frame may be held
        await pilot.press("1")
        await pilot.press("2")
        await pilot.pause()
        assert held == ["accounts"]


async def test_a_theme_changed_while_hidden_is_drawn_when_shown_again(db, monkeypatch):
    _data()
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("2")
        await pilot.pause()
        before = screen.table.rich_style
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        spy.reset()
        await pilot.press("1")
        await pilot.pause()
        assert screen.table.rich_style != before
        # the rows were drawn again in the new colours
        assert spy.cells > 0


async def test_the_first_filter_key_answers_at_once(db, monkeypatch):
    """A key typed after a pause is not held back: its results are there
    before any debounce could end."""
    monkeypatch.setattr(base_list, "FILTER_DEBOUNCE", 30.0)
    for name in ("Aardvark Trading", "Bolt Engineering", "Quillon Press"):
        accounts.create({"name": name})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("slash", "b")
        await pilot.pause()
        assert _names(screen) == ["Bolt Engineering"]


async def test_a_burst_of_keys_costs_two_reads_and_shows_the_last(db, monkeypatch):
    # a pause long enough that a loaded machine (the first key also loads the
    # query language) never ends the burst between two of its keys
    monkeypatch.setattr(base_list, "FILTER_DEBOUNCE", 1.0)
    for name in ("Quartz Mining", "Quillon Press", "Quire Books", "Bolt Engineering"):
        accounts.create({"name": name})
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        spy.reset()
        await pilot.press("slash", *"quil")
        await pilot.pause()
        # the first key answered at once; the rest wait for the burst to end
        assert spy.reads == [("AccountsScreen", "q")]
        assert _names(screen) == ["Quartz Mining", "Quillon Press", "Quire Books"]
        assert await wait_until(pilot, lambda: len(spy.reads) == 2, timeout=4.0)
        assert spy.reads[-1] == ("AccountsScreen", "quil")
        assert _names(screen) == ["Quillon Press"]
        await pilot.pause(1.2)
        assert len(spy.reads) == 2


async def test_an_older_filter_never_replaces_a_newer_one(db, monkeypatch):
    """Enter within a burst reads what is typed; the burst's end then finds
    nothing left to read, and never brings back an earlier result. Clearing
    the filter in a burst likewise keeps the whole list."""
    monkeypatch.setattr(base_list, "FILTER_DEBOUNCE", 0.3)
    for name in ("Quartz Mining", "Quillon Press", "Bolt Engineering"):
        accounts.create({"name": name})
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        spy.reset()
        await pilot.press("slash", *"quil", "enter")
        assert screen.filter_text == "quil"
        assert [query for _, query in spy.reads] == ["q", "quil"]
        await pilot.pause(0.6)
        assert [query for _, query in spy.reads] == ["q", "quil"]
        assert spy.reads and app.screen is not screen  # enter opened the match

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert _names(screen) == ["Quillon Press"]
        await pilot.press("slash", *"bo", "escape", "escape")
        await pilot.pause(0.6)
        assert screen.filter_text == ""
        assert _names(screen) == ["Bolt Engineering", "Quartz Mining", "Quillon Press"]


async def test_a_refresh_that_finds_the_same_rows_keeps_the_table(db, monkeypatch):
    _data(5)
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        await pilot.press("j", "j")
        await pilot.pause()
        spy.reset()
        await pilot.press("r")
        await pilot.pause()
        assert len(spy.reads) == 1
        assert spy.clears == 0 and spy.cells == 0
        assert screen.table.current_row["name"] == "Account 02"

        row = screen.table._rows[3]
        accounts.update(row["id"], row["version"], {"city": "Lyon"})
        spy.reset()
        await pilot.press("r")
        await pilot.pause()
        assert spy.clears == 0
        assert screen.table._rows[3]["city"] == "Lyon"
        assert "Lyon" in [str(cell) for cell in screen.table.get_row(str(row["id"]))]
        assert screen.table.current_row["name"] == "Account 02"


async def test_the_case_queue_clocks_move_on_while_it_is_hidden(db, monkeypatch):
    """Shown again without a read, the queue still draws its SLA countdowns
    as they are now."""
    from crm_tui.screens.support import case_queue

    drawn: list[str] = []
    refresh_column = RecordTable.refresh_column

    def counted(table, key):
        drawn.append(key)
        return refresh_column(table, key)

    monkeypatch.setattr(RecordTable, "refresh_column", counted)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        queue = app.screen
        assert isinstance(queue, case_queue.CaseQueueScreen)
        await pilot.press("1")
        await pilot.press("6")
        await pilot.pause()
        assert drawn == []  # a moment away: the clocks read the same
        await pilot.press("1")
        queue._ticked -= case_queue.COUNTDOWN_SECONDS
        await pilot.press("6")
        await pilot.pause()
        assert drawn == ["sla"]
