"""User text is data, never markup, on the case screens.

The hostile corpus of test_ui_text_safety fills every text an agent sees on
the case queue: case titles, numbers, subjects and descriptions; the names
of the customers (accounts and contacts), the queues and the owners; the
subjects of a case's open activities. As in test_ui_text_safety_sales the
records are made through the services, then the text columns overwritten
raw through the models. Each case was created with "Casemark" in its title,
so the palette finds them all and shows the raw titles stored now.
"""

from __future__ import annotations

import pytest
from test_ui_text_safety import RAW, SIZE, VISIBLE, check_screen
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Select, TabbedContent, TextArea
from ui_support import screen_lines, wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.db import write
from crm_tui.models import Account, Activity, Case, Contact, Queue, User
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_form import CaseFormScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.services import session, users
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.support import cases, queues


def rot(index: int) -> str:
    return RAW[index % len(RAW)]


def raw(model, record_id: int, **columns) -> None:
    model.update(**columns).where(model.id == record_id).execute()


def notes_text(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def number_of(case_id: int, index: int) -> tuple[str, str]:
    """The raw number stored for case `index` and what must show of it."""
    number = f"CAS-{index:04d}"
    return f"\x1b[1m{number}\x1b[0m", number


@pytest.fixture
def desk(db):
    """Cases held by others, waiting unassigned in queues, mine, resolved."""
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    me = session.current_user()
    people = [users.add(f"agent{i}", f"Agent {i}", "agent") for i in range(8)]
    queue_rows = [queues.create({"name": f"Queue {i}"}) for i in range(8)]
    for queue in queue_rows:
        queues.add_member(queue.id, me.id)
    customers = [accounts.create({"name": f"Acct {i}"}) for i in range(4)]
    persons = [contacts.create({"last_name": f"Person {i}"}) for i in range(4)]

    def customer(i: int) -> dict:
        return {"account_id": customers[i].id} if i < 4 else {"contact_id": persons[i - 4].id}

    held, waiting, mine = [], [], []
    for i in range(8):
        case = cases.create(
            {"title": f"Casemark held {i}", "queue_id": queue_rows[i].id, **customer(i)}
        )
        held.append(cases.assign(case.id, case.version, people[i].id))
        waiting.append(
            cases.create(
                {"title": f"Casemark wait {i}", "queue_id": queue_rows[i].id, **customer(i)}
            )
        )
        mine.append(cases.create({"title": f"Casemark mine {i}", "owner_id": me.id, **customer(i)}))
    done = []
    for i in range(2):
        case = cases.create({"title": f"Casemark done {i}", "owner_id": me.id, **customer(i)})
        done.append(
            cases.resolve(
                case.id, case.version, resolution="Fixed", reason=cases.RESOLVE_REASONS[0]
            )
        )
    for i in range(8):
        activities.log("task", f"Task {i}", regarding=("case", mine[0].id))

    everything = held + waiting + mine + done
    with write():
        for i, row in enumerate(customers):
            raw(Account, row.id, name=RAW[i])
        for i, row in enumerate(persons):
            raw(Contact, row.id, last_name=RAW[i + 4], full_name=RAW[i + 4])
        for i, row in enumerate(queue_rows):
            raw(Queue, row.id, name=RAW[i])
        for i, row in enumerate(people):
            raw(User, row.id, full_name=RAW[i])
        for index, row in enumerate(everything):
            stored, _ = number_of(row.id, index)
            raw(
                Case,
                row.id,
                title=rot(index),
                number=stored,
                subject=rot(index + 1),
                description=rot(index + 2),
            )
        tasks = Activity.select().where(Activity.regarding_type == "case")
        for index, activity in enumerate(tasks.order_by(Activity.id)):
            raw(Activity, activity.id, subject=rot(index))
    return {"me": me, "held": held, "waiting": waiting, "mine": mine, "done": done}


async def _view(pilot, screen, view: str) -> None:
    for _ in range(20):
        if screen.view == view:
            break
        await pilot.press("v")
    assert screen.view == view
    await pilot.pause()
    await pilot.pause()


async def _select_row(pilot, screen, case_id: int) -> None:
    assert await wait_until(pilot, lambda: case_id in [r["id"] for r in screen.table._rows])
    ids = [row["id"] for row in screen.table._rows]
    screen.table.move_cursor(row=ids.index(case_id))
    await pilot.pause()


async def test_case_queue_views_modals_palette_and_toasts(desk):
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))
        screen = app.screen
        await pilot.pause()
        # mine: titles and numbers, customers (accounts and contacts)
        assert await wait_until(pilot, lambda: len(screen.table._rows) == 8)
        check_screen(app, CaseQueueScreen, VISIBLE)
        lines = check_screen(app, CaseQueueScreen, [f"CAS-{16 + i:04d}" for i in range(8)])

        # unassigned: the queue names, "unassigned" owners
        await _view(pilot, screen, "unassigned")
        assert await wait_until(pilot, lambda: len(screen.table._rows) == 8)
        lines = check_screen(app, CaseQueueScreen, VISIBLE)
        assert sum("unassigned" in line for line in lines) >= 8

        # a queue view: its raw name is in the view's heading
        queue_view = next(v for v in screen.VIEWS if v.startswith("queue:"))
        await _view(pilot, screen, queue_view)
        assert await wait_until(pilot, lambda: len(screen.table._rows) >= 1)
        check_screen(app, CaseQueueScreen, [])

        # all: the owners' names
        await _view(pilot, screen, "all")
        assert await wait_until(pilot, lambda: len(screen.table._rows) >= 24)
        check_screen(app, CaseQueueScreen, VISIBLE)

        # taking a case another agent holds: the refusal names them
        await _select_row(pilot, screen, desk["held"][3].id)
        await pilot.press("t")
        assert await wait_until(pilot, lambda: "took this case" in notes_text(app))
        assert f"{VISIBLE[3]} took this case" in notes_text(app)
        assert await wait_until(
            pilot, lambda: any("took this case" in line for line in screen_lines(app))
        )
        check_screen(app, CaseQueueScreen, [])

        # move: the queue names in the Select, opened
        await pilot.press("m")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.pause()
        lines = check_screen(app, FormModal, [])
        assert any(f"Move CAS-0003 {VISIBLE[3]}" in line for line in lines), "\n".join(lines)
        select = app.screen.query_one("#field-queue_id", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        check_screen(app, FormModal, VISIBLE)
        await pilot.press("escape", "escape")
        await pilot.pause()

        # assign: the user names in the Select, opened
        await pilot.press("o")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        select = app.screen.query_one("#field-user_id", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        check_screen(app, FormModal, VISIBLE)
        await pilot.press("escape", "escape")
        await pilot.pause()

        # resolve my case with open tasks: the modal, then the tasks listed
        await _view(pilot, screen, "mine")
        await _select_row(pilot, screen, desk["mine"][0].id)
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.pause()
        lines = check_screen(app, FormModal, [])
        assert any(f"Resolve CAS-0016 {VISIBLE[0]}" in line for line in lines)
        app.screen.query_one("#field-resolution", TextArea).text = "Done"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.pause()
        lines = check_screen(app, ConfirmModal, [])
        for text in VISIBLE:
            assert any(f"· {text}" in line for line in lines), (text, "\n".join(lines))
        await pilot.press("n")
        await pilot.pause()

        # resolved: numbers and titles of the resolved cases
        await _view(pilot, screen, "resolved")
        assert await wait_until(pilot, lambda: len(screen.table._rows) == 2)
        check_screen(app, CaseQueueScreen, [VISIBLE[0], VISIBLE[1], "CAS-0024", "CAS-0025"])

        # the palette finds cases and shows their raw titles literally
        await pilot.press("ctrl+p", *"casemark")
        hits = app.screen.query_one(CommandList)
        assert await wait_until(pilot, lambda: hits.option_count >= 8), hits.option_count
        check_screen(app, CommandPalette, [])
        texts = "\n".join(screen_lines(app))
        assert sum(text in texts for text in VISIBLE) >= 4, texts
        await pilot.press("escape")
        await pilot.pause()


async def test_case_detail_form_and_merge(desk):
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))
        screen = app.screen
        await _view(pilot, screen, "all")
        # a case held by agent 4, for a contact, in queue 4: index 4
        await _select_row(pilot, screen, desk["held"][4].id)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.pause()
        lines = check_screen(app, CaseDetailScreen, [])
        assert any(f"CAS-0004  {VISIBLE[4]}" in line for line in lines), "\n".join(lines)

        tabs = app.screen.query_one(TabbedContent)
        tabs.active = "tab-summary"
        await pilot.pause()
        # customer (contact 0 = RAW[4]), subject, queue, owner, description
        lines = check_screen(app, CaseDetailScreen, [VISIBLE[4], VISIBLE[5], VISIBLE[6]])
        text = "\n".join(lines)
        assert "Worked by" in text

        tabs.active = "tab-related"
        await pilot.pause()
        await pilot.pause()
        # same customer: the waiting and the mine case of contact 0
        check_screen(app, CaseDetailScreen, ["CAS-0012", "CAS-0020", VISIBLE[4]])

        tabs.active = "tab-timeline"
        await pilot.pause()
        check_screen(app, CaseDetailScreen, [])

        # the merge modal's lookup shows the raw title it resolves to
        await pilot.press("M")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press(*"casemark")
        assert await wait_until(pilot, lambda: any("→ " in line for line in screen_lines(app))), (
            "\n".join(screen_lines(app))
        )
        lines = check_screen(app, FormModal, [])
        hint = next(line for line in lines if "→ " in line)
        assert any(text in hint for text in VISIBLE), hint
        await pilot.press("escape", "y")  # something was typed: it asks first
        await pilot.pause()

        # the form: title, subject, description, customer lookup
        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseFormScreen))
        await pilot.pause()
        lines = check_screen(app, CaseFormScreen, [VISIBLE[4], VISIBLE[5]])
        assert any(f"Edit case · CAS-0004 {VISIBLE[4]}" in line for line in lines)
        form = app.screen
        assert form.query_one("#field-title", Input).value == VISIBLE[4]
        assert form.query_one("#field-subject", Input).value == VISIBLE[5]
        assert form.query_one("#field-contact_id", Input).value == VISIBLE[4]
        assert form.query_one("#field-description", TextArea).text == VISIBLE[6]
        await pilot.press("escape")
        await pilot.pause()

        # a new case: queue and owner names in its Selects
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseFormScreen))
        await pilot.pause()
        form = app.screen
        for field in ("queue_id", "owner_id"):
            select = form.query_one(f"#field-{field}", Select)
            select.focus()
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            check_screen(app, CaseFormScreen, VISIBLE[:4])
            await pilot.press("escape")
            await pilot.pause()


async def test_case_timeline_of_open_tasks(desk):
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))
        screen = app.screen
        await _select_row(pilot, screen, desk["mine"][0].id)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.pause()
        app.screen.query_one(TabbedContent).active = "tab-timeline"
        await pilot.pause()
        await pilot.pause()
        # the eight task subjects, each a hostile string
        check_screen(app, CaseDetailScreen, VISIBLE)
