"""Working the case queue: the cursor stays on a case just taken, T takes the
most urgent waiting case and opens it (resolving it goes back to the next
one), V goes back a view, and the footer keeps its important keys whole at
any width."""

from __future__ import annotations

from textual.widgets._footer import FooterKey
from ui_support import notes_text, screen_lines, wait_until

from crm_tui import keys
from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.customers.activity_modal import ActivityModal
from crm_tui.screens.support import case_queue
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.services import session
from crm_tui.services.customers import accounts, activities
from crm_tui.services.support import cases, queues
from crm_tui.widgets.key_footer import KeyFooter

SIZE = (120, 36)


async def _queue(pilot) -> CaseQueueScreen:
    await pilot.press("6")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CaseQueueScreen))
    await pilot.pause()
    return pilot.app.screen


def _ids(screen) -> list[int]:
    return [row["id"] for row in screen.table._rows]


def _desk(priorities, *, queue_name: str = "Tier 1", member: bool = True):
    """Cases waiting in a queue I belong to, logged in this order."""
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    queue = queues.create({"name": queue_name})
    if member:
        queues.add_member(queue.id, session.current_user().id)
    acme = accounts.create({"name": "Acme"})
    return queue, [
        cases.create(
            {"title": f"Case {n}", "account_id": acme.id, "queue_id": queue.id, "priority": p}
        )
        for n, p in enumerate(priorities)
    ]


async def test_take_keeps_the_cursor_on_the_case_taken(db):
    tier1, made = _desk(["high", "normal", "low"])
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        await pilot.press("v")
        assert await wait_until(pilot, lambda: _ids(screen) == [c.id for c in made])
        await pilot.press("j")  # the second case, not the first
        await pilot.press("t")
        # it left the unassigned view: the list shows my cases, the cursor on it
        assert await wait_until(pilot, lambda: screen.view == "mine")
        assert _ids(screen) == [made[1].id] and screen.table.current_id == made[1].id
        assert "Taken: CAS-00002 is yours" in notes_text(app)
        assert "v shows the unassigned again" in notes_text(app)
        # so a logs the activity on the case just taken, not on a neighbour
        await pilot.press("a")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ActivityModal))
        assert app.screen.regarding == ("case", made[1].id)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is screen)

        # in a view it stays in, the cursor stays on it too
        await pilot.press("v", "v")
        assert await wait_until(pilot, lambda: screen.view == f"queue:{tier1.id}")
        assert await wait_until(pilot, lambda: len(_ids(screen)) == 3)
        screen.table.move_cursor(row=_ids(screen).index(made[2].id))
        await pilot.press("t")
        assert await wait_until(pilot, lambda: cases.get(made[2].id).assigned == 1)
        await pilot.pause()
        assert screen.view == f"queue:{tier1.id}" and screen.table.current_id == made[2].id


async def test_take_finds_the_case_past_the_rows_loaded(db):
    tier1, (waiting,) = _desk(["low"])
    acme = accounts.create({"name": "Held Co"})
    # my own cases come before it in my view: more than the list loads at first
    for n in range(25):
        cases.create({"title": f"Mine {n}", "account_id": acme.id, "priority": "high"})
    session.configure(Settings(start_area="accounts", time_zone="UTC", page_size=10))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        assert await wait_until(pilot, lambda: len(_ids(screen)) >= 10)
        await pilot.pause(0.2)
        assert waiting.id not in _ids(screen)
        await pilot.press("v")
        assert await wait_until(pilot, lambda: _ids(screen) == [waiting.id])
        await pilot.press("t")
        assert await wait_until(pilot, lambda: screen.view == "mine")
        await pilot.pause(0.2)
        assert screen.table.current_id == waiting.id
        # the rows above it are there to go up to
        assert await wait_until(pilot, lambda: _ids(screen).index(waiting.id) > 0)
        assert screen.table.current_id == waiting.id


async def test_next_case_takes_the_most_urgent_and_resolving_goes_back_to_the_next(db):
    _, (normal, high, high2) = _desk(["normal", "high", "high"])
    activities.log("task", "Call them back", regarding=("case", high2.id))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        assert screen.view == "mine" and _ids(screen) == []

        # T: the most urgent waiting case (high, the older of two) is mine, opened
        await pilot.press("T")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        assert app.screen.record_id == high.id
        assert cases.get(high.id).owner_id == session.current_user().id
        # resolving it goes back to the queue, on the case T takes next
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-resolution").text = "Reset the password"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is screen)
        assert cases.get(high.id).state == "resolved"
        assert screen.view == "unassigned"
        assert _ids(screen) == [high2.id, normal.id] and screen.table.current_id == high2.id
        assert "CAS-00002 resolved. Next: CAS-00003 Case 2 (T takes it)." in notes_text(app)

        # the same when the case has open activities to cancel first
        await pilot.press("T")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        assert app.screen.record_id == high2.id
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-resolution").text = "Called back"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: app.screen is screen)
        assert cases.get(high2.id).state == "resolved"
        assert screen.table.current_id == normal.id

        # escape without resolving: back in the queue, the case still mine
        await pilot.press("T")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is screen)
        assert cases.get(normal.id).assigned == 1 and cases.get(normal.id).state == "active"
        assert await wait_until(pilot, lambda: _ids(screen) == [])

        await pilot.press("T")
        assert await wait_until(
            pilot, lambda: "No case waits unassigned in your queues." in notes_text(app)
        )
        assert app.screen is screen


async def test_back_on_a_filtered_queue_the_next_case_is_not_promised(db):
    _, made = _desk(["high", "normal", "low", "low"])
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        await pilot.press("v", "slash", *"Case 2", "down")
        assert await wait_until(pilot, lambda: _ids(screen) == [made[2].id])

        async def next_and_resolve(case_id: int) -> None:
            await pilot.press("T")
            assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
            assert app.screen.record_id == case_id  # T ignores the filter: the most urgent
            await pilot.press("R")
            assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
            app.screen.query_one("#field-resolution").text = "Done"
            await pilot.press("ctrl+s")
            assert await wait_until(pilot, lambda: app.screen is screen)

        await next_and_resolve(made[0].id)
        assert "CAS-00001 resolved. Next: CAS-00003 Case 2." in notes_text(app)
        assert "takes it" not in notes_text(app)
        screen.query_one("#filter").value = "Case 3"
        assert await wait_until(pilot, lambda: _ids(screen) == [made[3].id])
        await next_and_resolve(made[1].id)
        assert await wait_until(pilot, lambda: _ids(screen) == [made[3].id])
        screen.query_one("#filter").value = "nothing like it"
        assert await wait_until(pilot, lambda: _ids(screen) == [])
        await next_and_resolve(made[2].id)
        assert "CAS-00003 resolved. No other case matches the filter." in notes_text(app)


async def test_a_case_opened_from_the_list_stays_open_when_resolved(db):
    _, (case,) = _desk(["normal"])
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        await pilot.press("v")
        assert await wait_until(pilot, lambda: _ids(screen) == [case.id])
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-resolution").text = "Done"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: cases.get(case.id).state == "resolved")
        await pilot.pause()
        assert app.screen is detail


async def test_next_case_for_someone_in_no_queue_says_why(db):
    _desk(["normal"], member=False)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        await pilot.press("T")
        assert await wait_until(pilot, lambda: "you are in no queue" in notes_text(app))
        assert app.screen is screen


async def test_shift_v_goes_back_a_view(db):
    tier1, _ = _desk(["normal"])
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        accounts_list = app.screen
        assert isinstance(accounts_list, AccountsScreen)
        views = list(accounts_list.VIEWS)
        await pilot.press("V")
        assert accounts_list.view == views[-1]
        await pilot.press("v")
        assert accounts_list.view == views[0]

        screen = await _queue(pilot)
        assert screen.view == "mine"
        await pilot.press("V")
        assert screen.view == "resolved"
        await pilot.press("V", "V")
        assert screen.view == f"queue:{tier1.id}"
        await pilot.press("V")
        assert screen.view == "unassigned"
        assert await wait_until(pilot, lambda: len(_ids(screen)) == 1)


def _footer_keys(app) -> tuple[list[FooterKey], FooterKey]:
    footer = app.screen.query_one(KeyFooter)
    shown = [k for k in footer.query(FooterKey) if "-command-palette" not in k.classes]
    palette = footer.query_one(".-command-palette", FooterKey)
    return shown, palette


async def test_the_footer_keeps_the_important_keys_whole_at_any_width(db):
    _desk(["normal"])
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _queue(pilot)
        await pilot.press("v")  # on a waiting case: every key of the queue applies
        assert await wait_until(pilot, lambda: len(_ids(screen)) == 1)
        await pilot.pause(0.2)
        line = screen_lines(app)[-1]
        assert line.rstrip().endswith(
            " / Filter  a Activity  v View  T Next case  t Take  u Release  m Move  o Assign"
            "  R Resolve  ? Keys  q Quit  ▏^p palette"
        ), line
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.2)
        line = screen_lines(app)[-1]
        assert line.rstrip() == (
            " a Activity  v View  T Next case  t Take  R Resolve  ? Keys  q Quit ▏^p palette"
        ), line

        ranked = [_action_of(i) for i in (*case_queue.FOOTER_FIRST, *case_queue.FOOTER_THEN)]
        for width in (56, 64, 72, 80, 96, 120, 150):
            await pilot.resize_terminal(width, 24)
            await pilot.pause(0.2)
            shown, palette = _footer_keys(app)
            line = screen_lines(app)[-1]
            assert shown, width
            for key in shown:
                # whole: inside the row, clear of the palette's key, and on screen as written
                assert key.region.x >= 0 and key.region.right <= palette.region.x, (width, line)
                assert f"{key.key_display} {key.description}" in line, (width, line)
            # what shows is the most important keys: a run from the top of the ranking
            actions = {key.action for key in shown}
            offered = {b.action for _, b, _, _ in app.screen.active_bindings.values()}
            kept = [a for a in ranked if a in actions]
            assert kept == [a for a in ranked if a in offered][: len(kept)], (width, line)
            if width >= 80:
                assert {"help", "quit", "next_case", "take", "resolve"} <= actions, width


def _action_of(binding_id: str) -> str:
    for scoped in keys.SCOPES.values():
        for binding in scoped:
            if binding.id == binding_id:
                return binding.action
    raise KeyError(binding_id)
