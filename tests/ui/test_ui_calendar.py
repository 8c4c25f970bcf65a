"""The calendar by keyboard: a day's half hours, a week, a month's grid with
the highlighted day's items; w, < > and T as on the service schedule; n
makes an appointment at the highlighted time (a refusal stays in the
form); c completes and x cancels (after asking); enter opens what an item
regards. Times are the user's zone's; stored text is shown literally; at
80x24 the days and times are whole."""

from __future__ import annotations

import datetime as dt

import pytest
from test_ui_text_safety import FORBIDDEN, PERSIAN, check_screen
from textual.widgets import Input
from ui_support import iter_segments, screen_lines, screen_text, wait_until

from crm_tui import display
from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.db import dict_rows
from crm_tui.models import Activity
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.calendar import CalendarScreen
from crm_tui.services import dates, session
from crm_tui.services.customers import accounts, activities

SIZE = (120, 36)
# half an hour off UTC: a time shown or stored in the wrong zone is seen
ZONE = "Asia/Kolkata"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """That time of `day` in the user's zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dates.configured_zone())


@pytest.fixture
def today(db) -> dt.date:
    session.configure(Settings(start_area="accounts", time_zone=ZONE))
    return dates.today()


def appointment(subject: str, start: dt.datetime, minutes: int = 60, **options):
    return activities.log(
        "appointment", subject, scheduled_start=start, duration_minutes=minutes, **options
    )


def task(subject: str, due: dt.datetime):
    return activities.log("task", subject, due_at=due)


async def opened(app: CrmApp, pilot) -> CalendarScreen:
    await app.push_screen(CalendarScreen())
    assert await wait_until(pilot, lambda: isinstance(app.screen, CalendarScreen))
    screen = app.screen
    assert await wait_until(pilot, lambda: bool(screen._entries))
    await pilot.pause()
    return screen


def line_with(app: CrmApp, *parts: str) -> str | None:
    return next((line for line in screen_lines(app) if all(p in line for p in parts)), None)


def row_of(screen: CalendarScreen, test) -> int:
    return next(i for i, entry in enumerate(screen._entries) if test(entry))


def item_row(screen: CalendarScreen, subject: str) -> int:
    return row_of(screen, lambda e: e["item"] is not None and e["item"]["subject"] == subject)


async def test_day_week_and_month_views(today):
    acme = accounts.create({"name": "Acme"})
    appointment("Quarterly review", at(today, 10), regarding=("account", acme.id))
    task("Send the quote", at(today, 23, 30))
    appointment("Breakfast talk", at(today, 7, 15), 30)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        # day: each item in the row of its start, the slots of the working day around them
        assert f"Day: {display.day(today)}" in screen_text(app)
        assert line_with(app, "10:00–11:00", "Quarterly review", "Acme")
        assert line_with(app, "09:30") and line_with(app, "11:00") and line_with(app, "18:30")
        # before and after the working day's slots, in order
        lines = screen_text(app)
        assert lines.index("Breakfast talk") < lines.index("08:00") < lines.index("18:30")
        assert screen._entries[-1]["item"]["subject"] == "Send the quote"
        assert line_with(app, "due 23:30", "Send the quote")
        # the hour it goes on is marked in the slot after its start
        assert (
            screen._entries[row_of(screen, lambda e: e["slot"].time() == dt.time(10, 30))][
                "what"
            ].plain
            == "│"
        )

        # w: the week, the day as a heading on its first row
        await pilot.press("w")
        assert await wait_until(pilot, lambda: "Week:" in screen_text(app))
        monday = today - dt.timedelta(days=today.weekday())
        for offset in range(7):
            assert display.day(monday + dt.timedelta(days=offset)) in screen_text(app)
        assert line_with(app, display.day(today), "07:15–07:45", "Breakfast talk")
        assert line_with(app, "10:00–11:00", "Quarterly review")
        # enter on an item opens what it regards; back on the same row
        screen.agenda.move_cursor(row=item_row(screen, "Quarterly review"))
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, AccountDetailScreen))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is screen)
        assert screen._entries[screen.agenda.cursor_row]["item"]["subject"] == "Quarterly review"

        # w: the month; the highlighted day's items under the grid
        await pilot.press("w")
        assert await wait_until(pilot, lambda: f"Month: {today:%B %Y}" in screen_text(app))
        assert f"{display.day(today)}  3 planned" in screen_text(app)
        assert [e["item"]["subject"] for e in screen._entries] == [
            "Breakfast talk",
            "Quarterly review",
            "Send the quote",
        ]
        assert screen.grid.has_focus
        # a day with nothing: the list says so
        await pilot.press("down")
        assert await wait_until(pilot, lambda: screen.day == today + dt.timedelta(days=7))
        assert "nothing planned" in screen_text(app)
        await pilot.press("k")  # j/k as the arrows
        assert await wait_until(pilot, lambda: screen.day == today)
        # w comes round to the day
        await pilot.press("w")
        assert await wait_until(pilot, lambda: f"Day: {display.day(today)}" in screen_text(app))


async def test_earlier_later_and_today(today):
    appointment("Next month's talk", at(dates.add_months(today, 1), 11))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        await pilot.press("greater_than_sign")
        tomorrow = today + dt.timedelta(days=1)
        assert await wait_until(pilot, lambda: f"Day: {display.day(tomorrow)}" in screen_text(app))
        await pilot.press("less_than_sign", "less_than_sign")
        yesterday = today - dt.timedelta(days=1)
        assert await wait_until(pilot, lambda: f"Day: {display.day(yesterday)}" in screen_text(app))
        await pilot.press("T")
        assert await wait_until(pilot, lambda: f"Day: {display.day(today)}" in screen_text(app))
        # a week at a time in the week
        await pilot.press("w", "full_stop")
        assert await wait_until(pilot, lambda: screen.day == today + dt.timedelta(days=7))
        assert "Week:" in screen_text(app)
        await pilot.press("comma")
        assert await wait_until(pilot, lambda: screen.day == today)
        # a month at a time in the month, with what it holds
        await pilot.press("w", "greater_than_sign")
        later = dates.add_months(today, 1)
        assert await wait_until(pilot, lambda: f"Month: {later:%B %Y}" in screen_text(app))
        assert line_with(app, "11:00–12:00", "Next month's talk")
        await pilot.press("T")
        assert await wait_until(pilot, lambda: f"Month: {today:%B %Y}" in screen_text(app))
        assert screen.day == today


async def test_n_makes_an_appointment_at_the_highlighted_slot(today):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        screen.agenda.move_cursor(row=row_of(screen, lambda e: e["slot"].time() == dt.time(14)))
        await pilot.press("j")  # down a half hour
        await pilot.pause()
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        modal = app.screen
        start = modal.query_one("#field-start", Input)
        assert start.value == f"{display.day(today)} 14:30"
        assert modal.query_one("#field-duration_minutes", Input).value == "30"
        await pilot.press(*"Dentist")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is screen)
        assert await wait_until(pilot, lambda: line_with(app, "14:30–15:00", "Dentist") is not None)
        made = dict_rows("SELECT kind, state, scheduled_start, duration_minutes FROM activity")
        assert len(made) == 1 and made[0]["kind"] == "appointment"
        assert made[0]["state"] == "scheduled" and made[0]["duration_minutes"] == 30
        assert dates.as_local(made[0]["scheduled_start"]) == at(today, 14, 30)
        # highlighted where it was made
        assert screen._entries[screen.agenda.cursor_row]["item"]["subject"] == "Dentist"


async def test_a_refused_appointment_stays_in_the_form(today):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        await pilot.press("w", "n")  # the week: that day, at the next half hour or 09:00
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        modal = app.screen
        assert modal.query_one("#field-start", Input).value.startswith(display.day(today))
        modal.query_one("#field-location", Input).focus()
        await pilot.press(*"Room 4")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "subject is required" in screen_text(app))
        assert app.screen is modal
        assert modal.query_one("#field-location", Input).value == "Room 4"
        # a start it cannot read is refused beside its field
        modal.query_one("#field-subject", Input).value = "Site walk"
        modal.query_one("#field-start", Input).value = "someday"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "'someday' is not a date" in screen_text(app))
        assert app.screen is modal
        assert dict_rows("SELECT id FROM activity") == []
        modal.query_one("#field-start", Input).value = "tomorrow 8:30"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is screen)
        made = dict_rows("SELECT subject, location, scheduled_start FROM activity")
        assert made[0]["subject"] == "Site walk" and made[0]["location"] == "Room 4"
        assert dates.as_local(made[0]["scheduled_start"]) == at(today + dt.timedelta(days=1), 8, 30)


async def test_complete_and_cancel(today):
    call_back = task("Call Bob back", at(today, 16))
    lunch = appointment("Lunch with Ana", at(today, 12))
    late = task("File the report", at(today - dt.timedelta(days=1), 11))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        screen.agenda.move_cursor(row=item_row(screen, "Call Bob back"))
        await pilot.press("c")
        assert await wait_until(pilot, lambda: activities.get(call_back.id).state == "completed")
        assert await wait_until(pilot, lambda: line_with(app, "Call Bob back", "done") is not None)
        # a done one is dimmed (Textual draws dim as a fainter colour)
        screen.agenda.move_cursor(row=0)  # off it: the cursor's colours are its own
        await pilot.pause()
        assert _colour(app, "Call Bob back") != _colour(app, "Lunch with Ana")
        screen.agenda.move_cursor(row=item_row(screen, "Call Bob back"))
        await pilot.press("c")  # once is enough
        assert await wait_until(pilot, lambda: "completed already" in _toasts(app))

        screen.agenda.move_cursor(row=item_row(screen, "Lunch with Ana"))
        await pilot.press("x")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Cancel Lunch with Ana?" in screen_text(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: activities.get(lunch.id).state == "canceled")
        assert await wait_until(pilot, lambda: "Lunch with Ana" not in screen_text(app))

        # yesterday's open task is overdue, in red
        await pilot.press("less_than_sign")
        assert await wait_until(pilot, lambda: line_with(app, "File the report", "overdue"))
        screen.agenda.move_cursor(row=0)  # off it: the cursor's colours are its own
        await pilot.pause()
        red = _colour(app, "File the report").get_truecolor()  # the theme's red
        assert red.red > 200 and red.green < 100
        assert activities.get(late.id).state == "open"


def _colour(app, text: str):
    found = [s.style.color for s in iter_segments(app) if text in s.text and s.style]
    assert found, text
    return found[0]


def _toasts(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_stored_text_is_shown_literally(today):
    persian = appointment("placeholder one", at(today, 9))
    escaped = task("placeholder two", at(today, 15))
    # as another tool might have stored them: the screens must not trust the database
    Activity.update(subject=PERSIAN).where(Activity.id == persian.id).execute()
    Activity.update(subject="\x1b[31mred\x1b[0m").where(Activity.id == escaped.id).execute()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        check_screen(app, CalendarScreen, [PERSIAN, "red"])
        for _ in range(2):  # the week, then the month's grid and list
            await pilot.press("w")
            await pilot.pause()
            check_screen(app, CalendarScreen, [PERSIAN, "red"])
        assert not FORBIDDEN.search(screen_text(app))


async def test_nothing_needed_is_cut_at_80x24(today):
    appointment("Quarterly review with the whole board", at(today, 10))
    task("File the report", at(today - dt.timedelta(days=1), 11))
    app = CrmApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(app, pilot)
        assert f"Day: {display.day(today)}" in screen_text(app)
        screen.agenda.move_cursor(row=0)
        assert await wait_until(pilot, lambda: line_with(app, "08:00"))
        screen.agenda.move_cursor(row=item_row(screen, "Quarterly review with the whole board"))
        assert await wait_until(pilot, lambda: line_with(app, "10:00–11:00", "Quarterly review"))
        # a subject longer than its column is cut where it says so
        assert line_with(app, "10:00–11:00", "Quarterly review with the", "…")
        assert "Day/week/month" in screen_text(app)
        await pilot.press("w")
        assert await wait_until(pilot, lambda: "Week:" in screen_text(app))
        monday = today - dt.timedelta(days=today.weekday())
        for offset in range(7):
            assert line_with(app, display.day(monday + dt.timedelta(days=offset)))
        yesterday = today - dt.timedelta(days=1)
        if yesterday >= monday:
            assert line_with(app, "due 11:00", "File the report", "overdue")
        await pilot.press("w")
        assert await wait_until(pilot, lambda: "Month:" in screen_text(app))
        text = screen_text(app)
        for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
            assert name in text
        # the highlighted day's heading and its item, under the grid
        assert f"{display.day(today)}  1 planned" in text
        assert line_with(app, "10:00–11:00", "Quarterly review")
        assert screen.grid.region.bottom < screen.agenda.region.y


async def test_what_others_write_shows_when_the_app_notices(today):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(app, pilot)
        assert "Board call" not in screen_text(app)
        appointment("Board call", at(today, 11))  # as the change watcher reports a commit
        app.refresh_visible()
        assert await wait_until(pilot, lambda: line_with(app, "11:00–12:00", "Board call"))
        assert screen._read_at is not None
