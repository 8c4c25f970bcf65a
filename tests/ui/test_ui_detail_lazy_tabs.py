"""A record's detail reads the record once when it opens, fills a tab the
first time it is shown (and keeps it), and after a return from a screen on
top reads again only what a write may have changed."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.contact_detail import ContactDetailScreen
from crm_tui.screens.customers.contact_form import ContactFormScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.services.customers import accounts, activities, contacts, notes
from crm_tui.services.support import cases
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.timeline import Timeline

SIZE = (120, 36)


def counted(monkeypatch, owner, name: str) -> list:
    """Wrap `owner.name` so that each call is noted (and still runs)."""
    calls: list = []
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


async def opened(pilot, kind: str, record_id: int, screen: type):
    await pilot.app.open_record(kind, record_id)
    assert await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, screen) and pilot.app.screen.record is not None
    )
    # a few rounds more: whatever the opening queued (the first resume) has run
    for _ in range(3):
        await pilot.pause()
    return pilot.app.screen


def shown_tab(detail) -> str:
    return detail.query_one("#tabs", TabbedContent).active


def account_with_people():
    account = accounts.create({"name": "Northwind Traders", "city": "Tabriz"})
    for first, last in (("Nancy", "Davolio"), ("Andrew", "Fuller")):
        contacts.create(
            {"first_name": first, "last_name": last, "account_id": account.id, "job_title": "Buyer"}
        )
    notes.add(("account", account.id), "Visit", "Met the buyers at their office.")
    activities.log("phone_call", "Asked about the renewal", regarding=("account", account.id))
    return account


async def test_opening_an_account_reads_it_and_its_timeline_once(db, monkeypatch):
    account = account_with_people()
    loads = counted(monkeypatch, AccountDetailScreen, "load_record")
    history = counted(monkeypatch, activities, "history")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await opened(pilot, "account", account.id, AccountDetailScreen)
        assert shown_tab(detail) == "tab-timeline"
        assert "Asked about the renewal" in screen_text(app)
        # on mount only: the first resume that follows it reads nothing again
        assert len(loads) == 1
        assert len(history) == 1


async def test_opening_a_detail_lays_its_footer_keys_out_once(db, monkeypatch):
    account = account_with_people()
    composed: list[str] = []
    original = KeyFooter.compose

    def compose(footer):
        if footer._bindings_ready:
            composed.append(type(footer.screen).__name__)
        yield from original(footer)

    monkeypatch.setattr(KeyFooter, "compose", compose)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, "account", account.id, AccountDetailScreen)
        await pilot.pause(0.2)
        # its record read, its access and its focus each asked for the keys
        # again before they were first laid out: once is enough
        assert composed.count("AccountDetailScreen") == 1
        assert "e Edit" in screen_text(app)


async def test_a_tab_is_filled_when_first_shown_and_then_kept(db, monkeypatch):
    account = account_with_people()
    people = counted(monkeypatch, accounts, "contacts_of")
    written = counted(monkeypatch, notes, "list_for")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await opened(pilot, "account", account.id, AccountDetailScreen)
        # hidden tabs: not built, nothing read
        assert (people, written) == ([], [])
        for hidden in ("#related-contacts", "#empty-contacts", "#notes", "#history"):
            assert not detail.query(hidden), hidden

        await pilot.press("right_square_bracket")  # timeline → notes
        await pilot.pause()
        assert shown_tab(detail) == "tab-notes"
        notes_table = detail.query_one("#notes", DataTable)
        assert app.focused is notes_table
        assert notes_table.row_count == 1 and "Met the buyers" in screen_text(app)
        assert (len(people), len(written)) == (0, 1)

        await pilot.press("left_square_bracket", "left_square_bracket")  # → contacts
        await pilot.pause()
        assert shown_tab(detail) == "tab-contacts"
        contacts_table = detail.query_one("#related-contacts", DataTable)
        assert contacts_table.row_count == 2 and "Davolio" in screen_text(app)
        assert (len(people), len(written)) == (1, 1)
        assert not detail.query("#history")

        # shown again, a built tab is neither built nor read again
        for key in ("right_square_bracket",) * 2 + ("left_square_bracket",) * 2:
            await pilot.press(key)
        await pilot.pause()
        assert shown_tab(detail) == "tab-contacts"
        assert (len(people), len(written)) == (1, 1)
        assert detail.query_one("#related-contacts") is contacts_table

        # a write: the tab on screen is read again, a hidden one when next shown
        row = accounts.get(account.id)
        accounts.update(row.id, row.version, {"city": "Tehran"})
        contacts.create({"first_name": "Janet", "last_name": "Leverling", "account_id": row.id})
        detail.refresh_data()
        await pilot.pause()
        assert contacts_table.row_count == 3
        assert (len(people), len(written)) == (2, 1)
        await pilot.press("right_square_bracket", "right_square_bracket")  # → notes
        await pilot.pause()
        assert (len(people), len(written)) == (2, 2)


async def test_back_from_a_screen_on_top_reads_again_only_after_a_write(db, monkeypatch):
    account = account_with_people()
    loads = counted(monkeypatch, AccountDetailScreen, "load_record")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await opened(pilot, "account", account.id, AccountDetailScreen)
        await pilot.press("left_square_bracket")  # → contacts
        await pilot.pause()
        table = detail.query_one("#related-contacts", DataTable)
        assert table.row_count == 2

        # a look at a contact and back: nothing written, nothing read again
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is detail)
        await pilot.pause()
        assert len(loads) == 1

        # the contact's job changed on its own screen: the account shows it
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        app.screen.query_one("#field-job_title").value = "Head of purchasing"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is detail)
        await pilot.pause()
        assert len(loads) == 2
        assert "Head of purchasing" in screen_text(app)


async def test_a_logged_activity_is_on_the_timeline_when_the_modal_closes(db):
    account = account_with_people()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await opened(pilot, "account", account.id, AccountDetailScreen)
        await pilot.press("right_square_bracket")  # → notes: the timeline goes stale
        await pilot.pause()
        await pilot.press("a", "c", *"Quoted the spring order", "ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is detail)
        await pilot.pause()
        assert shown_tab(detail) == "tab-timeline"
        subjects = [item["subject"] for item in detail.query_one(Timeline).items]
        assert "Quoted the spring order" in subjects
        assert "Quoted the spring order" in screen_text(app)


async def test_a_timeline_key_works_before_the_timeline_was_shown(db):
    account = accounts.create({"name": "Contoso Pharmaceuticals"})
    case = cases.create({"title": "Label printer jams", "account_id": account.id})
    task = activities.log("task", "Send a spare roller", regarding=("case", case.id))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await opened(pilot, "case", case.id, CaseDetailScreen)
        assert shown_tab(detail) == "tab-summary"
        assert not detail.query(Timeline)  # not shown, not built

        await pilot.press("c")  # complete the timeline's highlighted activity
        assert await wait_until(pilot, lambda: activities.get(task.id).state == "completed")

        await pilot.press("right_square_bracket")  # summary → related, filled
        await pilot.pause()
        assert shown_tab(detail) == "tab-related"
        assert "No related cases." in screen_text(app)
