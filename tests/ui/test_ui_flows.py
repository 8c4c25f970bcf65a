"""The desk's main flows driven by the keyboard through Textual's Pilot."""

from __future__ import annotations

import multiprocessing
from multiprocessing import resource_tracker

from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input, Static
from ui_support import next_weekday_at, screen_lines, screen_text, wait_until
from ui_worker import create_account

from crm_tui.app import CrmApp
from crm_tui.db import write
from crm_tui.screens.common import base_list
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.conflict import ConflictModal
from crm_tui.screens.common.help import HelpScreen
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.account_form import AccountFormScreen
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.customers.activity_modal import ActivityModal
from crm_tui.screens.customers.contact_detail import ContactDetailScreen
from crm_tui.screens.customers.contact_form import ContactFormScreen
from crm_tui.screens.customers.contacts_list import ContactsScreen
from crm_tui.services import audit, dates, session, users
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.widgets.timeline import Timeline

SIZE = (120, 36)
FRIDAY = 4


def _names(screen) -> list[str]:
    return [row["name"] for row in screen.table._rows]


async def _open_filtered(pilot, typed: str) -> None:
    """From a list: '/', the words, wait for the list to narrow to one row."""
    await pilot.press("slash", *typed)
    assert await wait_until(pilot, lambda: pilot.app.screen.table.loaded_count == 1)


# --- filter, open, log a call with a follow-up ------------------------------------


async def test_filter_open_and_log_a_call_with_follow_up(db):
    for index in range(30):
        accounts.create({"name": f"Company {index:02d}", "city": "Paris"})
    target = accounts.create({"name": "Zanzibar Widgets", "city": "Stone Town"})

    # Logging a call with a follow-up costs the words typed plus four keys:
    # a (activity), c (call), tab (to the follow-up day), ctrl+s (save).
    subject, day = "Renewal", "fri"
    keys = ["a", "c", *subject, "tab", *day, "ctrl+s"]
    assert len(keys) == len(subject) + len(day) + 4
    assert (keys[0], keys[1], keys[2 + len(subject)], keys[-1]) == ("a", "c", "tab", "ctrl+s")

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        assert screen.table.loaded_count == 31

        await _open_filtered(pilot, "zanzi")
        assert _names(screen) == ["Zanzibar Widgets"]
        assert screen.table.current_row["id"] == target.id

        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, AccountDetailScreen)
        assert detail.record_id == target.id

        await pilot.press(*keys)  # no pauses: as fast as the keys arrive
        assert app.screen is detail
        items = detail.query_one(Timeline).items
        zone = dates.local_zone(session.settings().time_zone)
        due = next_weekday_at(FRIDAY, 17, zone)

        calls = [i for i in items if i["kind"] == "phone_call"]
        tasks = [i for i in items if i["kind"] == "task"]
        assert len(calls) == 1 and len(tasks) == 1 and len(items) == 2
        assert calls[0]["subject"] == "Renewal"
        assert calls[0]["state"] == "completed" and not calls[0]["is_open"]
        assert tasks[0]["subject"] == "Follow up: Renewal"
        assert tasks[0]["state"] == "open" and tasks[0]["is_open"]
        assert dates.as_local(tasks[0]["due_at"], zone) == due.astimezone(zone)
        assert due.astimezone(zone).strftime("%a %H:%M") == "Fri 17:00"
        assert items[0] is tasks[0]  # open items sit on top
        text = screen_text(app)
        assert "Follow up: Renewal" in text
        assert "1 open activity" in text

    # ... and the database agrees
    opened = activities.open_items(("account", target.id))
    assert [(r["kind"], r["subject"]) for r in opened] == [("task", "Follow up: Renewal")]
    assert dates.as_local(opened[0]["due_at"], zone) == due.astimezone(zone)
    done, more = activities.history(("account", target.id))
    assert not more
    assert [(r["kind"], r["subject"], r["state"], r["direction"]) for r in done] == [
        ("phone_call", "Renewal", "completed", "outgoing")
    ]
    assert done[0]["duration_minutes"] >= 1
    assert [f.id for f in activities.follow_ups_of(done[0]["id"])] == [opened[0]["id"]]


async def test_enter_right_after_typing_opens_the_match(db, monkeypatch):
    """A fast typist's enter must open what the filter finds, not the row
    highlighted before the (debounced) filter caught up with the last keys."""
    monkeypatch.setattr(base_list, "FILTER_DEBOUNCE", 2.0)  # enter always wins the race
    for name in ("Aardvark Trading", "Bolt Engineering", "Quillon Press"):
        accounts.create({"name": name})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.table.current_row["name"] == "Aardvark Trading"
        await pilot.press("slash", *"quill", "enter")
        assert isinstance(app.screen, AccountDetailScreen)
        assert app.screen.display_name == "Quillon Press"


# --- forms -----------------------------------------------------------------------


async def test_edit_a_contact_job_title(db):
    account = accounts.create({"name": "Northwind"})
    contacts.create({"first_name": "Alan", "last_name": "Archer", "account_id": account.id})
    person = contacts.create(
        {
            "first_name": "Maria",
            "last_name": "Lopez",
            "job_title": "Buyer",
            "account_id": account.id,
        }
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, ContactsScreen)
        await pilot.press("j")
        assert screen.table.current_row["id"] == person.id

        await pilot.press("e")
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        assert form.query_one("#field-job_title", Input).value == "Buyer"
        await pilot.press("tab", "tab")
        assert app.focused is form.query_one("#field-job_title")
        await pilot.press("home", "ctrl+k", *"Director", "ctrl+s")

        assert app.screen is screen
        assert screen.table.current_row["job_title"] == "Director"
        row = next(line for line in screen_lines(app) if "Maria Lopez" in line)
        assert row.split("Maria Lopez", 1)[1].split()[0] == "Director"

    assert contacts.get(person.id).job_title == "Director"
    latest = audit.history("contact", person.id)[0]
    assert latest["action"] == "update"
    assert latest["who"] == "tester"
    assert latest["changes"] == {"job_title": ["Buyer", "Director"]}


async def test_invalid_email_keeps_the_form_open_with_the_error_beside_it(db):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, AccountFormScreen)
        assert app.focused is form.query_one("#field-name")
        await pilot.press(*"Acme")
        # name -> account number -> industry -> phone -> email
        await pilot.press("tab", "tab", "tab", "tab")
        assert app.focused is form.query_one("#field-email")
        await pilot.press(*"bad", "ctrl+s")

        assert app.screen is form
        error = form.query_one("#error-email", Static)
        assert error.display
        assert "not an email address" in str(error.render())
        assert form.query_one("#field-email", Input).value == "bad"
        assert form.query_one("#field-name", Input).value == "Acme"
        text = screen_text(app)
        assert "'bad' is not an email address" in text
        assert "nothing was saved" in text
        assert accounts.page(view="all").rows == []
        # the bad field has the focus; fix it and save
        assert app.focused is form.query_one("#field-email")
        await pilot.press("home", "ctrl+k", *"a@b.io", "ctrl+s")

        assert isinstance(app.screen, AccountsScreen)
        assert app.screen.table.current_row["name"] == "Acme"

    rows = accounts.page(view="all").rows
    assert [(r["name"], r["email"]) for r in rows] == [("Acme", "a@b.io")]


async def test_conflict_on_save_keep_editing_reload_overwrite(db):
    person = contacts.create({"first_name": "Ines", "last_name": "Duarte", "job_title": "Analyst"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "e")
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        job_title = form.query_one("#field-job_title", Input)
        # another process saves the same field meanwhile
        contacts.update(person.id, person.version, {"job_title": "Theirs"})

        await pilot.press("tab", "tab", "home", "ctrl+k", *"Mine", "ctrl+s")
        modal = app.screen
        assert isinstance(modal, ConflictModal)
        assert modal.rows == [("Job title", "Mine", "Theirs")]
        text = screen_text(app)
        assert "changed by tester since you opened it" in text
        assert "Job title" in text and "Mine" in text and "Theirs" in text

        # escape: keep editing, nothing saved
        await pilot.press("escape")
        assert app.screen is form
        assert job_title.value == "Mine"
        assert "Not saved: someone else changed this record" in screen_text(app)
        assert contacts.get(person.id).job_title == "Theirs"

        # r: reload theirs, my edit is dropped
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("r")
        assert app.screen is form
        assert job_title.value == "Theirs"
        assert "Reloaded the saved version" in screen_text(app)
        assert contacts.get(person.id).job_title == "Theirs"
        assert contacts.get(person.id).version == 2

        # o: overwrite with mine (after yet another change elsewhere)
        contacts.update(person.id, 2, {"job_title": "Third"})
        form.set_focus(job_title)
        await pilot.press("home", "ctrl+k", *"Mine", "ctrl+s")
        modal = app.screen
        assert isinstance(modal, ConflictModal)
        assert modal.rows == [("Job title", "Mine", "Third")]
        await pilot.press("o")
        assert isinstance(app.screen, ContactsScreen)

    saved = contacts.get(person.id)
    assert (saved.job_title, saved.version) == ("Mine", 4)
    changes = [entry["changes"]["job_title"] for entry in audit.history("contact", person.id)[:3]]
    assert changes == [["Third", "Mine"], ["Theirs", "Third"], ["Analyst", "Theirs"]]


async def test_escape_on_a_dirty_activity_modal_asks_first(db):
    account = accounts.create({"name": "Careful Co"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, AccountDetailScreen)

        # a clean modal closes at once
        await pilot.press("a", "escape")
        assert app.screen is detail

        await pilot.press("a", "c", *"draft", "escape")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        modal = app.screen
        assert isinstance(modal, ActivityModal)
        assert modal.query_one("#subject", Input).value == "draft"

        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        assert app.screen is detail

    assert activities.open_items(("account", account.id)) == []
    assert activities.history(("account", account.id)) == ([], False)


# --- live refresh from another process ----------------------------------------------


async def test_another_process_commit_shows_up_within_two_seconds(db, db_path):
    accounts.create({"name": "Already Here"})
    context = multiprocessing.get_context("spawn")
    # The tracker must start before the app: Textual replaces sys.stderr with
    # a capture whose fileno() is -1, which spawning the tracker cannot pass on.
    resource_tracker.ensure_running()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert _names(screen) == ["Already Here"]

        process = context.Process(target=create_account, args=(str(db_path), "Born Elsewhere"))
        process.start()
        assert await wait_until(pilot, lambda: not process.is_alive(), timeout=30)
        assert process.exitcode == 0

        # nothing but the app's own once-a-second poll may notice it
        assert await wait_until(
            pilot, lambda: "Born Elsewhere" in _names(screen), timeout=2.2, step=0.1
        )
        assert _names(screen) == ["Already Here", "Born Elsewhere"]


# --- keyset paging ----------------------------------------------------------------------


async def test_keyset_paging_in_the_list(db):
    with write():
        for index in range(350):
            accounts.create({"name": f"Account {index:03d}"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.table
        assert table.page_size == 100
        assert table.loaded_count == 100 and table.has_more

        await pilot.press("G")
        assert table.current_row["name"] == "Account 349"
        await pilot.press("g")
        assert table.current_row["name"] == "Account 000"
        assert table.loaded_count == 100

        # a page at a time to near the end of the first page, then a key at a time
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert 50 < table.cursor_row < 101
        steps = 101 - table.cursor_row
        await pilot.press(*["j", "down"] * (steps // 2), *["j"] * (steps % 2))
        assert table.cursor_row == 101
        assert table.current_row["name"] == "Account 101"
        assert table.loaded_count == 200 and table.has_more
        ids = [row["id"] for row in table._rows]
        assert len(ids) == len(set(ids)) == table.row_count
        assert _names(app.screen) == [f"Account {i:03d}" for i in range(200)]

        # from the bottom, going up past the top of the window brings back rows
        await pilot.press("G")
        assert table.current_row["name"] == "Account 349"
        assert table.loaded_count == 100
        await pilot.press("pageup", "pageup", "pageup", "pageup")
        assert table.loaded_count == 200
        names = _names(app.screen)
        assert names == [f"Account {i:03d}" for i in range(150, 350)]
        # the fourth page up reached the window's top row; the page above came
        # in and the cursor stayed on that record, so k crosses the seam
        assert table.current_row["name"] == "Account 250"
        await pilot.press("k")
        assert table.current_row["name"] == "Account 249"


# --- help, palette, views -----------------------------------------------------------------


async def test_help_lists_the_keys_of_the_current_screen(db):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one(DataTable)
        rows = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        for action in ("Filter", "New", "Edit", "Activity", "View", "Quit"):
            assert action in rows, action
        text = screen_text(app)
        assert "Filter" in text and "New" in text and "Keys · Accounts" in text

        await pilot.press("escape")
        assert isinstance(app.screen, AccountsScreen)


async def test_palette_goes_to_a_contact(db):
    accounts.create({"name": "Harbour Freight"})
    person = contacts.create({"first_name": "Ingrid", "last_name": "Bergqvist"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*"bergq")
        hits = palette.query_one(CommandList)

        def first_prompt() -> str:
            return str(hits.get_option_at_index(0).prompt) if hits.option_count else ""

        assert await wait_until(pilot, lambda: "Ingrid Bergqvist" in first_prompt())
        assert first_prompt().startswith("Contact")
        assert "Contact Ingrid Bergqvist" in screen_text(app)

        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        assert app.screen.record_id == person.id
        assert app.current_mode == "contacts"


async def test_views_cycle_and_deactivation_moves_an_account(db):
    other = users.add("other", "Other Person", "sales")
    accounts.create({"name": "Alpha Co"})
    accounts.create({"name": "Beta Co", "owner_id": other.id})
    app = CrmApp()
    # with toasts on: a deactivation's toast names the record (a rich Text)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        assert screen.view == "active"
        assert _names(screen) == ["Alpha Co", "Beta Co"]

        await pilot.press("v")
        assert screen.view == "mine"
        assert _names(screen) == ["Alpha Co"]
        assert "My active accounts" in screen_text(app)
        await pilot.press("v")
        assert screen.view == "inactive"
        assert _names(screen) == []
        assert "No records in this view." in screen_text(app)
        await pilot.press("v")
        assert screen.view == "all"
        assert _names(screen) == ["Alpha Co", "Beta Co"]
        await pilot.press("v")
        assert screen.view == "active"

        assert screen.table.current_row["name"] == "Alpha Co"
        await pilot.press("D")  # asks first, naming the account
        assert "Deactivate Alpha Co?" in screen_text(app)
        assert _names(screen) == ["Alpha Co", "Beta Co"]
        await pilot.press("y")
        assert _names(screen) == ["Beta Co"]
        assert await wait_until(pilot, lambda: "Alpha Co deactivated" in screen_text(app))
        await pilot.press("v", "v")
        assert screen.view == "inactive"
        assert _names(screen) == ["Alpha Co"]
        assert screen.table.current_row["state"] == "inactive"

        # and D brings it back
        await pilot.press("D")
        assert _names(screen) == []
        await pilot.press("v", "v")
        assert screen.view == "active"
        assert _names(screen) == ["Alpha Co", "Beta Co"]
