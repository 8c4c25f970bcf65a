"""SVG snapshots of the activities area (its list and the calendar) and of
the custom fields screen, on a small fixed data set with the date frozen
(Monday 7 June 2021, UTC): every activity lies in the past of the real
clock, so which ones are overdue never changes.

Update with `pytest tests/snapshots/test_snapshots_activities.py --snapshot-update`
after checking the differences in snapshot_report.html.
"""

from __future__ import annotations

import datetime as dt

import pytest
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.admin.custom_fields import CustomFieldsScreen
from crm_tui.screens.customers.calendar import CalendarScreen
from crm_tui.services import custom_fields, dates, session
from crm_tui.services.customers import accounts, activities, contacts

BIG = (120, 36)
SMALL = (80, 24)
DAY = dt.date(2021, 6, 7)  # a Monday


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2021, 6, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def activity_desk(db, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: DAY)
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    fabrikam = accounts.create({"name": "Fabrikam Inc"})
    sara = contacts.create({"first_name": "Sara", "last_name": "Karimi"})
    regarding = ("account", fabrikam.id)
    activities.log("task", "Send the renewal quote", regarding=regarding, due_at=at(4, 17),
                   priority="high")  # fmt: skip
    activities.log("appointment", "Quarterly review", regarding=regarding,
                   scheduled_start=at(7, 10), duration_minutes=90, location="Their office")  # fmt: skip
    activities.log("task", "پیگیری پیش‌فاکتور", regarding=("contact", sara.id), due_at=at(9, 12))
    activities.log("appointment", "Site survey", regarding=regarding, scheduled_start=at(10, 14))
    activities.log("phone_call", "Talked prices", regarding=regarding)  # done at once
    done = activities.log("task", "Book the room", due_at=at(3, 9))
    activities.complete(done.id, done.version)
    return {"account": fabrikam.id}


async def _activities(pilot) -> None:
    await pilot.pause()
    await pilot.press("8")
    assert await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "ActivitiesScreen")
    assert await wait_until(pilot, lambda: pilot.app.screen.table.row_count == 4)
    await pilot.pause()


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_activities_list(activity_desk, snap_compare, size):
    assert snap_compare(CrmApp(), run_before=_activities, terminal_size=size)


def _calendar(presses: tuple[str, ...]):
    async def run(pilot) -> None:
        await pilot.pause()
        await pilot.app.push_screen(CalendarScreen())
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CalendarScreen))
        for key in presses:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.2)

    return run


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_calendar_week(activity_desk, snap_compare, size):
    assert snap_compare(CrmApp(), run_before=_calendar(("w",)), terminal_size=size)


def test_calendar_month(activity_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_calendar(("w", "w")), terminal_size=BIG)


async def _fields(pilot) -> None:
    custom_fields.add("account", "tier", "option_set", options="Gold,Silver,Bronze",
                      searchable=True)  # fmt: skip
    custom_fields.add("account", "renewal", "date", label="Renewal date", required=True)
    custom_fields.add("contact", "referrer", "lookup", target="account", label="Referred by")
    field = custom_fields.add("opportunity", "source", "text", label="Lead source")
    custom_fields.remove(field.id, field.version)
    await pilot.pause()
    await pilot.app.push_screen(CustomFieldsScreen())
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CustomFieldsScreen))
    await pilot.pause()


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_custom_fields_screen(db, snap_compare, size):
    assert snap_compare(CrmApp(), run_before=_fields, terminal_size=size)
