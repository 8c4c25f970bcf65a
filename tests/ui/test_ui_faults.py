"""A fault during a save costs nobody what they typed: the form or modal
stays open with every field, one plain sentence says what happened, a busy
database offers to try again, and the app keeps running. The faults are
real: a lock held by another process, a full file system, a file made
unwritable, the database file deleted."""

from __future__ import annotations

from multiprocessing import resource_tracker
from pathlib import Path

import pytest
from fault_support import fill, lock_held_by_another_process, small_file_system, unwritable
from textual.widgets import Input, TextArea
from ui_support import notes_text, screen_text, wait_until

from crm_tui import config, crashlog
from crm_tui.app import CrmApp
from crm_tui.db import close_database, database
from crm_tui.models import Account, Activity
from crm_tui.runtime import open_for_user
from crm_tui.screens.common.retry import RetryModal
from crm_tui.screens.customers.account_form import AccountFormScreen
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.customers.activity_modal import ActivityModal
from crm_tui.services import session
from crm_tui.services.customers import accounts

SIZE = (120, 36)


@pytest.fixture
def quick_busy(db_path):
    """The database opened with a short busy timeout, so a held lock is met quickly."""
    # Started before any app: Textual's captured stderr has no file descriptor
    # for spawning the tracker later (the lock holder is a spawned process).
    resource_tracker.ensure_running()
    user = open_for_user(
        db_path, config.Settings(start_area="accounts", busy_timeout_ms=200), login="tester"
    )
    yield user
    session.act_as(None)
    close_database()


async def _new_account_form(pilot, app, name: str, city: str) -> AccountFormScreen:
    await pilot.press("n")
    assert await wait_until(pilot, lambda: isinstance(app.screen, AccountFormScreen))
    await pilot.press(*name)
    app.screen.query_one("#field-city", Input).value = city
    return app.screen


async def test_a_busy_database_keeps_the_form_and_offers_to_try_again(quick_busy, db_path):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = await _new_account_form(pilot, app, "Busy Day Ltd", "Tabriz")
        with lock_held_by_another_process(db_path) as holder:
            await pilot.press("ctrl+s")
            assert await wait_until(pilot, lambda: isinstance(app.screen, RetryModal))
            assert "The database is busy: a colleague's save held it for over 0.2 seconds" in (
                screen_text(app)
            )
            assert "r try again" in screen_text(app)
            await pilot.press("escape")  # back to the form: everything still there
            assert await wait_until(pilot, lambda: app.screen is form)
            assert form.query_one("#field-name", Input).value == "Busy Day Ltd"
            assert form.query_one("#field-city", Input).value == "Tabriz"
            assert "nothing was saved, so try again" in screen_text(app)
            await pilot.press("ctrl+s")
            assert await wait_until(pilot, lambda: isinstance(app.screen, RetryModal))
            holder.release()
            await pilot.press("r")  # the colleague is done: the same save again
            assert await wait_until(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert app.is_running
    saved = Account.get(Account.name == "Busy Day Ltd")
    assert saved.city == "Tabriz"


async def test_a_busy_database_on_a_key_offers_the_key_again(quick_busy, db_path):
    account = accounts.create({"name": "Keyed Ltd"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        with lock_held_by_another_process(db_path) as holder:
            await pilot.press("D", "y")  # deactivate the highlighted account
            assert await wait_until(pilot, lambda: isinstance(app.screen, RetryModal))
            holder.release()
            await pilot.press("r")
            assert await wait_until(pilot, lambda: "Keyed Ltd deactivated" in notes_text(app))
    assert Account.get_by_id(account.id).state == "inactive"


async def test_a_full_disk_keeps_the_activity_modal_and_what_was_typed():
    with small_file_system("16m") as folder:
        path = folder / "crm.db"
        open_for_user(
            path, config.Settings(start_area="accounts", busy_timeout_ms=200), login="tester"
        )
        try:
            account = accounts.create({"name": "Full Disk Ltd"})
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            app = CrmApp()
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await pilot.press("a", "c", *"Renewal call")
                assert await wait_until(pilot, lambda: isinstance(app.screen, ActivityModal))
                modal = app.screen
                modal.query_one("#details", TextArea).text = "They want 40 seats " + "x" * 3000
                filler = fill(folder)
                await pilot.press("ctrl+s")
                assert await wait_until(
                    pilot, lambda: "The disk holding the database is full" in screen_text(app)
                )
                assert app.screen is modal and app.is_running
                assert modal.query_one("#subject", Input).value == "Renewal call"
                assert modal.query_one("#details", TextArea).text.startswith("They want 40 seats")
                filler.unlink()
                await pilot.press("ctrl+s")
                assert await wait_until(pilot, lambda: isinstance(app.screen, AccountsScreen))
            assert Activity.get(Activity.subject == "Renewal call").regarding_id == account.id
        finally:
            session.act_as(None)
            close_database()


async def test_an_unwritable_file_keeps_the_form(quick_busy, db_path):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = await _new_account_form(pilot, app, "Read Only Ltd", "Rasht")
        with unwritable(db_path, Path(f"{db_path}-wal")):
            await pilot.press("ctrl+s")
            assert await wait_until(pilot, lambda: "nothing was saved" in screen_text(app))
            assert app.screen is form and app.is_running
            assert form.query_one("#field-name", Input).value == "Read Only Ltd"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, AccountsScreen))
    assert Account.get(Account.name == "Read Only Ltd").city == "Rasht"


async def test_a_deleted_database_is_noticed_and_saves_are_refused(quick_busy, db_path):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        app.poll_database()  # what the one-second timer does
        await pilot.pause()
        assert "NOT SAVING" in app.sub_title
        assert "was deleted or replaced while crm-tui was open" in notes_text(app)
        form = await _new_account_form(pilot, app, "Into The Void", "Qom")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "nothing can be saved any more" in screen_text(app))
        assert app.screen is form and form.query_one("#field-name", Input).value == "Into The Void"


async def test_an_unexpected_error_is_logged_and_exits_non_zero(db, monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_TUI_STATE_DIR", str(tmp_path / "state"))

    def broken(self) -> None:
        raise RuntimeError("a bug in a view key")

    monkeypatch.setattr(AccountsScreen, "action_next_view", broken)
    app = CrmApp()
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("v")
            await pilot.pause()
    assert app.return_code == 1
    log = crashlog.log_path()
    assert log == tmp_path / "state" / "crm-tui.log"
    assert app.crash_line == (
        "crm-tui stopped on an unexpected error (RuntimeError: a bug in a view key); "
        f"details are in {log}"
    )
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "a bug in a view key" in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"
