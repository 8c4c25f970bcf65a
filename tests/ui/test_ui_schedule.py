"""The service schedule by keyboard: S from the case queue, a resource's day
and week agenda, b books through find-a-slot (a slot someone took meanwhile
is refused naming their booking), R moves a booking, x cancels it; B on a
case books a service regarding the case."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input
from ui_support import notes_text, screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.db import dict_rows
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.support.booking_modal import BookingModal
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.screens.support.schedule import ScheduleScreen
from crm_tui.services import dates, session
from crm_tui.services.customers import accounts, activities
from crm_tui.services.support import cases, scheduling

SIZE = (120, 36)
ALWAYS = {"work_days": "1,2,3,4,5,6,7", "work_start": "00:00", "work_end": "23:59"}


def _setup() -> dict:
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    ann = scheduling.create_resource({"name": "Ann Tech", "resource_type": "user", **ALWAYS})
    van = scheduling.create_resource({"name": "Van 2", "resource_type": "equipment", **ALWAYS})
    visit = scheduling.create_service(
        {"name": "Site visit", "duration_minutes": 60}, [(ann.id, None), (van.id, None)]
    )
    return {"ann": ann.id, "van": van.id, "visit": visit.id}


def _bookings(resource_id: int) -> list[dict]:
    return dict_rows(
        "SELECT b.activity_id, b.starts_at, a.subject, a.regarding_type, a.regarding_id "
        "FROM booking b JOIN activity a ON a.id = b.activity_id "
        "WHERE b.resource_id = ? AND a.state != 'canceled' ORDER BY b.starts_at",
        (resource_id,),
    )


async def test_book_from_the_agenda_clash_move_and_cancel(db):
    ids = _setup()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))
        await pilot.press("S")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ScheduleScreen))
        schedule = app.screen
        text = screen_text(app)
        assert "Ann Tech" in text and "Day:" in text and "free" in text
        await pilot.press("w")
        assert await wait_until(pilot, lambda: "Week:" in screen_text(app))
        # a free week, every day worked
        assert [e["kind"] for e in schedule._entries] == ["free"] * 7

        # b: the next free slots for the service; meanwhile a colleague takes the first
        await pilot.press("b")
        assert await wait_until(pilot, lambda: isinstance(app.screen, BookingModal))
        modal = app.screen
        assert await wait_until(pilot, lambda: len(modal.slots) > 1)
        first = modal.slots[0]
        scheduling.book(subject="Colleague's job", start=first.start, end=first.end,
                        resource_ids=[ids["van"]])  # fmt: skip
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal
        assert "Van 2 is already booked for “Colleague's job”" in screen_text(app)
        assert modal.slots[0].start >= first.end  # searched again
        # the second try books; it shows in Ann's agenda
        chosen = modal.slots[0]
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is schedule)
        booked = _bookings(ids["ann"])
        assert len(booked) == 1 and booked[0]["subject"] == "Site visit"
        assert await wait_until(pilot, lambda: "Site visit" in screen_text(app))

        # tab to the agenda, onto the booking; R moves it a day later
        await pilot.press("tab")
        agenda = schedule.query_one("#agenda")
        row = next(i for i, e in enumerate(schedule._entries) if e["kind"] == "booking")
        agenda.move_cursor(row=row)
        await pilot.press("R")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        later = dates.as_local(chosen.start) + dt.timedelta(days=1)
        app.screen.query_one("#field-start", Input).value = later.strftime("%Y-%m-%d %H:%M")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is schedule)
        moved = activities.get(booked[0]["activity_id"])
        assert moved.scheduled_start == chosen.start + dt.timedelta(days=1)

        # w: the day view; > to the day it moved to; x asks, then cancels it
        await pilot.press("w")
        days = (dates.as_local(moved.scheduled_start).date() - schedule.day).days
        await pilot.press(*["greater_than_sign"] * days)
        assert await wait_until(
            pilot, lambda: any(e["kind"] == "booking" for e in schedule._entries)
        )
        agenda.focus()
        row = next(i for i, e in enumerate(schedule._entries) if e["kind"] == "booking")
        agenda.move_cursor(row=row)
        await pilot.press("x")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: _bookings(ids["ann"]) == [])
        assert "resources are free again" in notes_text(app)


async def test_book_a_service_for_a_case(db):
    ids = _setup()
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Router dead", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("case", case.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.press("B")
        assert await wait_until(pilot, lambda: isinstance(app.screen, BookingModal))
        assert "for CAS-00001 Router dead" in screen_text(app)
        assert await wait_until(pilot, lambda: len(app.screen.slots) > 0)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        booked = _bookings(ids["ann"])
        assert [(b["regarding_type"], b["regarding_id"]) for b in booked] == [("case", case.id)]
        # the booking is on the case's timeline as a scheduled service activity
        assert activities.open_count(("case", case.id)) == 1


async def test_a_time_that_is_not_a_time_is_refused_and_kept(db):
    _setup()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(BookingModal())
        assert await wait_until(pilot, lambda: isinstance(app.screen, BookingModal))
        field = app.screen.query_one("#field-after", Input)
        field.value = "someday 25:99"
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.screen.slots == []
        assert field.value == "someday 25:99"
        assert "someday" in screen_text(app)
