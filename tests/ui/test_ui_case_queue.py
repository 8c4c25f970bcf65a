"""The case queue by keyboard: take, release, move, assign and resolve cases
without leaving the list; the countdown column; a case someone else took."""

from __future__ import annotations

from textual.widgets import Select
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.services import session, users
from crm_tui.services.customers import accounts, activities
from crm_tui.services.support import cases, queues

SIZE = (140, 36)


def _notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def _queue(pilot) -> CaseQueueScreen:
    await pilot.press("6")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CaseQueueScreen))
    await pilot.pause()
    return pilot.app.screen


def _ids(screen) -> list[int]:
    return [row["id"] for row in screen.table._rows]


async def test_triage_five_cases_by_keyboard(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    me = session.current_user()
    colleague = users.add("sam", "Sam Agent", "agent")
    tier1 = queues.create({"name": "Tier 1"})
    billing = queues.create({"name": "Billing"})
    queues.add_member(tier1.id, me.id)
    acme = accounts.create({"name": "Acme"})
    made = [
        cases.create(
            {"title": f"Case {n}", "account_id": acme.id, "queue_id": tier1.id, "priority": p}
        )
        for n, p in enumerate(["high", "normal", "low", "normal", "high"])
    ]
    activities.log("task", "Check the logs", regarding=("case", made[3].id))

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        # "mine" is empty: v shows the unassigned cases of my queues, high first
        await pilot.press("v")
        assert await wait_until(pilot, lambda: len(_ids(screen)) == 5)
        first = screen.table.current_row
        assert first["priority"] == "high"
        assert "resp" in screen_text(app)  # the countdown to the first response

        # 1. t takes it: the list shows my cases, the cursor on it; v goes back
        await pilot.press("t")
        assert await wait_until(pilot, lambda: screen.view == "mine")
        assert screen.table.current_id == first["id"]
        assert cases.get(first["id"]).assigned == 1
        await pilot.press("v")
        assert await wait_until(pilot, lambda: len(_ids(screen)) == 4)

        # 2. o assigns the next one to a colleague
        second = screen.table.current_row
        await pilot.press("o")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-user_id", Select).value = colleague.id
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: len(_ids(screen)) == 3)
        assert cases.get(second["id"]).owner_id == colleague.id

        # 3. m moves one to Billing (not one of my queues: it leaves the view)
        third = screen.table.current_row
        await pilot.press("m")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-queue_id", Select).value = billing.id
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: len(_ids(screen)) == 2)
        assert cases.get(third["id"]).queue_id == billing.id

        # 4. R resolves the case with an open task: offered, canceled, resolved
        target = next(r for r in screen.table._rows if r["id"] == made[3].id)
        screen.table.move_cursor(row=_ids(screen).index(target["id"]))
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-resolution").text = "Cleared the cache"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Check the logs" in screen_text(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: cases.get(made[3].id).state == "resolved")
        assert activities.open_count(("case", made[3].id)) == 0

        # 5. the last one: taken, then released back to the queue with u
        await wait_until(pilot, lambda: len(_ids(screen)) == 1)
        last = screen.table.current_row
        await pilot.press("t")
        assert await wait_until(pilot, lambda: screen.view == "mine")
        assert screen.table.current_id == last["id"]
        await pilot.press("u")
        assert await wait_until(pilot, lambda: cases.get(last["id"]).assigned == 0)

        # enter opens a case's detail with its SLA in the title
        await pilot.press(*"vvv")  # mine -> unassigned -> Tier 1 -> all
        assert screen.view == "all"
        assert await wait_until(pilot, lambda: len(_ids(screen)) == 4)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        assert "next SLA" in screen_text(app)


async def test_taking_a_case_someone_else_took_names_them(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    me = session.current_user()
    other = users.add("maryam", "Maryam Ahmadi", "agent")
    tier1 = queues.create({"name": "Tier 1"})
    queues.add_member(tier1.id, me.id)
    case = cases.create(
        {
            "title": "Printer jam",
            "account_id": accounts.create({"name": "Initech"}).id,
            "queue_id": tier1.id,
        }
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        await pilot.press("v")
        assert await wait_until(pilot, lambda: _ids(screen) == [case.id])
        # meanwhile, in another process, Maryam takes it
        session.act_as(other)
        cases.take(case.id)
        session.act_as(me)
        await pilot.press("t")
        assert await wait_until(pilot, lambda: "Maryam Ahmadi took this case" in _notes(app))
        assert cases.get(case.id).owner_id == other.id


def test_countdown_turns_red_exactly_at_the_next_breach(db):
    """The queue's Next SLA cell and the case header: at the due instant the
    clock is breached (red, 0m), a moment before it is nearing (yellow)."""
    import datetime as dt

    from crm_tui.screens.support.sla_clock import countdown

    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    case = cases.create({"title": "Printer jam", "priority": "high",
                         "account_id": accounts.create({"name": "Initech"}).id})  # fmt: skip
    row = cases.page(view="all").rows[0]
    due = row["next_breach_at"]
    assert row["id"] == case.id and due == case.first_response_by
    at_due = countdown(row, due)
    assert (at_due.plain, str(at_due.style)) == ("resp 0m", "bold red")
    for before in (dt.timedelta(microseconds=1), dt.timedelta(seconds=1)):
        cell = countdown(row, due - before)
        assert (cell.plain, str(cell.style)) == ("resp 0m", "bold yellow")
    late = countdown(row, due + dt.timedelta(minutes=5))
    assert (late.plain, str(late.style)) == ("resp −5m", "bold red")


def test_case_detail_calls_a_target_met_at_its_due_time_met(db):
    import datetime as dt

    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    due = dt.datetime(2026, 5, 11, 11, 0, tzinfo=dt.UTC)
    line = CaseDetailScreen._clock_line(None, due, due)
    assert " · met " in line and "late" not in line
    line = CaseDetailScreen._clock_line(None, due, due + dt.timedelta(microseconds=1))
    assert " · late, " in line and "met" not in line
