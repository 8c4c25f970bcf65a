"""A kind's detail screen is kept once built and shown again for the next
record of that kind (routes.detail_screen): opening a record fills widgets
that exist. Nothing of the record shown before may stay on screen, and a
screen already on a stack is never taken from under it."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.contact_detail import ContactDetailScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.services import session
from crm_tui.services.customers import accounts, activities, contacts, notes
from crm_tui.services.support import cases, queues
from crm_tui.widgets.timeline import PAGE, Timeline

SIZE = (120, 36)


def account(name: str, city: str, people: tuple[str, ...], subject: str, note: str):
    row = accounts.create({"name": name, "city": city})
    for first in people:
        contacts.create({"first_name": first, "last_name": name.split()[0], "account_id": row.id})
    activities.log("phone_call", subject, regarding=("account", row.id))
    for index in range(12):
        notes.add(("account", row.id), f"{note} {index}", f"{note} body {index}")
    return row


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.pause()


async def open_from_list(pilot, record_id: int) -> None:
    """Open an account as enter on the accounts list does."""
    pilot.app.screen.open_record(record_id)
    assert await wait_until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, AccountDetailScreen)
            and pilot.app.screen.record is not None
            and pilot.app.screen.record.id == record_id
        ),
    )
    await settle(pilot)


async def test_the_next_account_shows_nothing_of_the_last(db):
    first = account("Northwind Traders", "Tabriz", ("Nancy", "Andrew"), "Renewal call", "Visit")
    second = account("Contoso Pharma", "Lagos", ("Olu",), "Pricing call", "Audit")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_list(pilot, first.id)
        kept = app.screen
        # leave the first account on another tab, its cursor down the notes
        await pilot.press("right_square_bracket")  # notes
        await settle(pilot)
        assert kept.query_one("#tabs", TabbedContent).active == "tab-notes"
        kept.query_one("#notes", DataTable).move_cursor(row=8)
        await pilot.press("escape")
        await settle(pilot)

        await open_from_list(pilot, second.id)
        assert app.screen is kept  # shown again, not built again
        text = screen_text(app)
        assert "Contoso Pharma" in text and "Pricing call" in text
        assert "Northwind" not in text and "Renewal call" not in text
        assert kept.query_one("#tabs", TabbedContent).active == "tab-timeline"
        assert app.focused is kept.query_one("#timeline")

        await pilot.press("left_square_bracket")  # contacts, then notes: this account's

        await settle(pilot)
        text = screen_text(app)
        assert "Olu" in text and "Nancy" not in text
        for _ in range(2):
            await pilot.press("right_square_bracket")
        await settle(pilot)
        text = screen_text(app)
        assert "Audit 11" in text and "Visit" not in text
        assert kept.query_one("#notes", DataTable).cursor_row == 0


async def test_an_account_opened_from_an_account_gets_its_own_screen(db):
    parent = account("Fabrikam Holdings", "Tehran", ("Sara",), "Board call", "Minutes")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_list(pilot, parent.id)
        kept = app.screen
        await pilot.press("left_square_bracket")  # contacts
        await settle(pilot)
        await pilot.press("enter")  # Sara
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        await settle(pilot)
        # the contact's account: the kept account screen is under it
        await app.screen.run_action("open_account")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, AccountDetailScreen) and app.screen is not kept
        )
        await settle(pilot)
        assert "Fabrikam Holdings" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        # the first one is as it was left
        assert app.screen is kept and kept.record.id == parent.id
        assert "Fabrikam Holdings" in screen_text(app)


async def test_keys_typed_fast_between_accounts_land_on_the_right_one(db):
    rows = [
        account(f"Account {n:02}", "Kano", ("Ade",), f"Call {n:02}", f"Note {n:02}")
        for n in range(6)
    ]
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "escape", "j", "enter", "escape", "j", "enter")
        assert await wait_until(
            pilot,
            lambda: isinstance(app.screen, AccountDetailScreen) and app.screen.record is not None,
        )
        await settle(pilot)
        shown = app.screen.record
        assert shown.id == rows[2].id
        text = screen_text(app)
        assert f"Call {2:02}" in text
        assert all(f"Call {n:02}" not in text for n in (0, 1, 3, 4, 5))


async def test_a_case_taken_with_T_then_left_does_not_send_the_next_case_back(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    queue = queues.create({"name": "Tier 1"})
    queues.add_member(queue.id, session.current_user().id)
    acme = accounts.create({"name": "Acme"})
    for n in range(2):
        cases.create({"title": f"Case {n}", "account_id": acme.id, "queue_id": queue.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))
        await settle(pilot)
        await pilot.press("T")  # taken and opened: resolving it would go back
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        kept = app.screen
        assert kept.back_when_resolved is True
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # a case opened from the list stays open when resolved
        assert await wait_until(pilot, lambda: app.screen is kept)
        assert kept.back_when_resolved is False


async def test_the_next_account_reads_one_page_of_its_timeline(db):
    # both have more than a page: the first's "more to read" must not make
    # the second read its next page before anyone scrolls
    first = account("Adatum Works", "Kano", ("Ade",), "First call", "Memo")
    second = account("Blue Yonder", "Enugu", ("Ngozi",), "Second call", "Memo")
    for row in (first, second):
        for n in range(PAGE + 10):
            activities.log("phone_call", f"{row.name} call {n}", regarding=("account", row.id))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_list(pilot, first.id)
        assert len(app.screen.query_one(Timeline).items) == PAGE
        await pilot.press("escape")
        await settle(pilot)
        await open_from_list(pilot, second.id)
        await settle(pilot)
        items = app.screen.query_one(Timeline).items
        assert len(items) == PAGE
        assert not [item for item in items if "Adatum" in item["subject"]]
        assert "Blue Yonder call 59" in {item["subject"] for item in items}
        # the next page comes when the cursor nears the end of this one
        timeline = app.screen.query_one(Timeline)
        timeline.move_cursor(row=PAGE - 3)
        assert await wait_until(pilot, lambda: len(timeline.items) > PAGE)
        assert "Blue Yonder call 0" in {item["subject"] for item in timeline.items}
