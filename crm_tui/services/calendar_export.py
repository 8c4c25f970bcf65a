"""Activities as an iCalendar file, so that meetings and due tasks reach a phone.

Appointments and service activities (bookings) become events; any other
activity with a due time becomes a to-do. Every time leaves in UTC, what
people typed leaves through `text.clean`, and each item keeps the UID
it had in the last file: a calendar that imports the file again updates its
copy (SEQUENCE follows the record's version) instead of adding another.

The library is imported with this module, and this module only by the
command that writes a calendar: nothing else of the app pays for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TextIO

import icalendar

from crm_tui.db import dict_rows
from crm_tui.models.base import from_db_time, to_db_time
from crm_tui.services import access, dates, session
from crm_tui.services.customers import activity_list
from crm_tui.text import clean

# The kinds that take up time on a day: shown as events, the others as to-dos.
EVENT_KINDS = ("appointment", "service_activity")
# An event with neither an end nor a duration still blocks its slot.
DEFAULT_MINUTES = 30
PRODID = "-//crm-tui//activities//EN"

# When an item happens: an event's start (else its due time), a to-do's due
# time; the rows without one have no place in a calendar.
_WHEN = (
    f"CASE WHEN t.kind IN ({', '.join(repr(kind) for kind in EVENT_KINDS)}) "
    "THEN coalesce(t.scheduled_start, t.due_at) ELSE t.due_at END"
)
_COLUMNS = (
    "t.id, t.kind, t.state, t.subject, t.description, t.location, t.priority, "
    "t.scheduled_start, t.due_at, t.actual_end, t.duration_minutes, t.modified_at, t.version"
)
_EVENT_STATUS = {"canceled": "CANCELLED"}
_TODO_STATUS = {"completed": "COMPLETED", "canceled": "CANCELLED"}
# RFC 5545: 1 is the highest, 9 the lowest, 5 the middle.
_PRIORITY = {"high": 1, "normal": 5, "low": 9}


def write(
    out: TextIO, *, since: dt.date | str | None = None, everyone: bool = False, batch: int = 500
) -> int:
    """Write the signed-in person's own activities (`everyone`: all those
    they may read) as one VCALENDAR to `out`; returns how many items it holds.

    Appointments and service activities are VEVENTs (from the scheduled
    start to the due time, else for their duration, else for 30 minutes);
    any other activity with a due time is a VTODO. With `since` (a day, or
    a day as typed: "2026-01-05", "-2w", "mon"), only those starting or due
    on or after the start of that day in the person's time zone.
    Rows are read `batch` at a time, by id, through the same access rule as
    every other export."""
    day = dates.read_day(since, field="since", past=True)
    head = _calendar().to_ical().decode("utf-8")
    closing = "END:VCALENDAR\r\n"
    # the components are written as they are read, between the calendar's own lines
    out.write(head.removesuffix(closing))
    count = 0
    for row in _rows(day, everyone, batch):
        out.write(_component(row).to_ical().decode("utf-8"))
        count += 1
    out.write(closing)
    return count


def _calendar() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    # the name a phone shows for a subscribed or imported calendar
    calendar.add("x-wr-calname", "crm-tui activities")
    return calendar


def _rows(day: dt.date | None, everyone: bool, batch: int) -> Iterator[dict]:
    conditions = [f"{_WHEN} IS NOT NULL"]
    params: list = []
    if not everyone:
        # a phone's calendar is its owner's day, not the whole team's
        conditions.append("t.owner_id = ?")
        params.append(session.current_user().id)
    if day is not None:
        zone = dates.local_zone(session.settings().time_zone)
        conditions.append(f"{_WHEN} >= ?")
        params.append(to_db_time(dt.datetime.combine(day, dt.time(), zone)))
    # only what the person may read leaves the database (as services.export)
    readable = access.read_filter("activity", "t.owner_id")
    if readable:
        conditions.append(readable)
    sql = (
        f"SELECT {_COLUMNS}, {activity_list.regarding_name_sql('t')} AS regarding FROM activity t "
        f"WHERE t.id > ? AND {' AND '.join(conditions)} ORDER BY t.id LIMIT ?"
    )
    last = 0
    while True:
        chunk = dict_rows(sql, (last, *params, batch))
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]["id"]


def _time(stored) -> dt.datetime | None:
    if stored is None or isinstance(stored, dt.datetime):
        return stored
    return from_db_time(stored)


def _description(row: dict) -> str:
    text = clean(row["description"], multiline=True)
    regarding = clean(row["regarding"])
    if regarding:
        # a phone shows the description, not the record the activity is about
        text = f"Regarding: {regarding}" + (f"\n\n{text}" if text else "")
    return text


def _component(row: dict) -> icalendar.Event | icalendar.Todo:
    if row["kind"] in EVENT_KINDS:
        item = _event(row)
    else:
        item = icalendar.Todo()
        item.add("due", _time(row["due_at"]))
        item.add("status", _TODO_STATUS.get(row["state"], "NEEDS-ACTION"))
        if row["state"] == "completed" and row["actual_end"] is not None:
            item.add("completed", _time(row["actual_end"]))
        item.add("priority", _PRIORITY.get(row["priority"], 5))
    item.add("uid", f"activity-{row['id']}@crm-tui")
    item.add("dtstamp", _time(row["modified_at"]))
    # the first version is sequence 0; each saved change is one more
    item.add("sequence", max(int(row["version"]) - 1, 0))
    item.add("summary", clean(row["subject"]))
    description = _description(row)
    if description:
        item.add("description", description)
    location = clean(row["location"])
    if location:
        item.add("location", location)
    return item


def _event(row: dict) -> icalendar.Event:
    scheduled = _time(row["scheduled_start"])
    due = _time(row["due_at"])
    start = scheduled or due
    if scheduled is not None and due is not None and due > start:
        end = due
    else:
        minutes = row["duration_minutes"]
        end = start + dt.timedelta(minutes=minutes if minutes and minutes > 0 else DEFAULT_MINUTES)
    event = icalendar.Event()
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("status", _EVENT_STATUS.get(row["state"], "CONFIRMED"))
    return event
