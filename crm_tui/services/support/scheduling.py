"""Service scheduling: service activities booked on resources, and reading
a resource's calendar. This module is the scheduling API: resources (and
their working hours) are in `resources`, services and their requirements in
`service_catalogue`, finding a free slot in `slots`, all reached through
here too.

A resource is never double-booked: `book` and `reschedule_booking` check for
overlapping bookings (`starts_at < end AND ends_at > start`, on the
booking_resource_time index) and write the activity and its booking rows in
ONE BEGIN IMMEDIATE transaction, so two processes cannot both pass the check.
Bookings of a canceled activity (canceled by the activity screen rather than
`cancel_booking`) no longer hold their time.

Times are aware datetimes, stored UTC. A resource's working hours are in its
own zone, or the configured zone when it has none.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui.db import dict_rows, write
from crm_tui.errors import DomainError, ValidationError
from crm_tui.models import Activity, Booking, Resource, Service
from crm_tui.models.base import from_db_time, to_db_time
from crm_tui.services import dates, records
from crm_tui.services.customers import activities
from crm_tui.services.support.resources import (
    DAY_NAMES,
    MAX_BOOKING,
    RESOURCE_TYPES,
    ResourceRow,
    clock_time,
    create_resource,
    earliest,
    get_resource,
    groups,
    outside_hours,
    resources,
    update_resource,
    work_days,
    work_zone,
    working_hours,
)
from crm_tui.services.support.service_catalogue import (
    ServiceRow,
    create_service,
    describe,
    get_service,
    match,
    requirements_of,
    services,
)
from crm_tui.services.support.slots import Slot, find_slots


class BookingClash(DomainError):
    """A resource is already booked: names the booking in the way."""

    def __init__(self, message: str, *, activity_id: int, resource_id: int):
        self.activity_id = activity_id
        self.resource_id = resource_id
        super().__init__(message)


class BusyRow(TypedDict):
    """A booking in the way of a time being considered."""

    resource_id: int
    resource: str
    activity_id: int
    subject: str
    start: dt.datetime
    end: dt.datetime


class AgendaRow(TypedDict):
    """A booking of one resource, as its agenda shows it."""

    activity_id: int
    subject: str
    state: str
    start: dt.datetime
    end: dt.datetime
    regarding_type: str | None
    regarding_id: int | None
    regarding: str  # the regarded record's name ("" for none)
    other_resources: list[str]  # the names of the others booked with it


class PlanBooking(AgendaRow):
    """A booking in a resource's plan."""

    kind: str  # "booking"
    day: dt.date


class PlanGap(TypedDict):
    """Free time ("free") or a day off ("off") in a resource's plan."""

    kind: str
    day: dt.date
    start: dt.datetime
    end: dt.datetime


# --- booking ------------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dates.configured_zone())


def _span(start: dt.datetime, end: dt.datetime) -> str:
    a, b = _local(start), _local(end)
    tail = f"{b:%H:%M}" if a.date() == b.date() else f"{b:%a %d %b %Y %H:%M}"
    return f"{a:%a %d %b %Y %H:%M}-{tail}"


def _times(start: dt.datetime, end: dt.datetime | None, service: Service | None):
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        raise ValidationError({"start": "the start must be a date and time with a zone"})
    if end is None:
        if service is None:
            raise ValidationError({"end": "give an end time, or a service for its duration"})
        end = start + dt.timedelta(minutes=service.duration_minutes)
    if end.tzinfo is None:
        raise ValidationError({"end": "the end must be a date and time with a zone"})
    if end <= start:
        raise ValidationError({"end": "the end must be after the start"})
    if end - start > MAX_BOOKING:
        raise ValidationError({"end": "a booking lasts at most a day"})
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _check_resources(
    resource_ids: list[int], start: dt.datetime, end: dt.datetime, service: Service | None
) -> list[Resource]:
    if not resource_ids:
        raise ValidationError({"resource_ids": "choose at least one resource"})
    if len(set(resource_ids)) != len(resource_ids):
        raise ValidationError({"resource_ids": "a resource is chosen twice"})
    chosen = [get_resource(int(rid)) for rid in resource_ids]
    for resource in chosen:
        if resource.state != "active":
            raise DomainError(f"{resource.name} is inactive and cannot be booked")
        reason = outside_hours(resource, start, end)
        if reason:
            raise DomainError(reason)
    if service is not None:
        requirements = requirements_of(service.id)
        if match(requirements, chosen) is None:
            raise DomainError(
                f"{service.name} needs {describe(requirements)}; the chosen resources "
                f"({', '.join(r.name for r in chosen)}) do not cover that"
            )
    return chosen


def _refuse_clash(
    resource_ids: list[int], start: dt.datetime, end: dt.datetime, exclude: int | None = None
) -> None:
    """Raise BookingClash naming the first booking of these resources that
    overlaps [start, end). Call inside the write transaction."""
    marks = ", ".join("?" * len(resource_ids))
    rows = dict_rows(
        "SELECT b.activity_id AS activity_id, b.resource_id AS resource_id, "
        "b.starts_at AS starts_at, b.ends_at AS ends_at, a.subject AS subject, "
        "r.name AS resource FROM booking b JOIN activity a ON a.id = b.activity_id "
        "JOIN resource r ON r.id = b.resource_id "
        f"WHERE b.resource_id IN ({marks}) "
        "AND b.starts_at < ? AND b.starts_at > ? AND b.ends_at > ? "
        "AND b.activity_id != ? AND a.state != 'canceled' ORDER BY b.starts_at LIMIT 1",
        (*resource_ids, to_db_time(end), earliest(start), to_db_time(start), exclude or 0),
    )
    if rows:
        row = rows[0]
        span = _span(from_db_time(row["starts_at"]), from_db_time(row["ends_at"]))
        raise BookingClash(
            f"{row['resource']} is already booked for \u201c{row['subject']}\u201d {span}; "
            "choose another time or resource",
            activity_id=row["activity_id"],
            resource_id=row["resource_id"],
        )


def book(
    *,
    subject: str,
    start: dt.datetime,
    end: dt.datetime | None = None,
    resource_ids: list[int],
    service_id: int | None = None,
    regarding: tuple[str, int] | None = None,
    description: str = "",
) -> int:
    """Book a service activity on resources; returns the activity's id.

    `end` defaults to start + the service's duration. Every resource must be
    active and working for the whole slot (in its zone), the service's
    requirements must be met by the chosen resources, and no resource may be
    booked already: the check and the writes are one BEGIN IMMEDIATE
    transaction, and a clash raises BookingClash naming the booking."""
    service = get_service(service_id) if service_id is not None else None
    if service is not None and service.state != "active":
        raise DomainError(f"{service.name} is inactive and cannot be booked")
    start, end = _times(start, end, service)
    resource_ids = [int(r) for r in resource_ids]
    with write():
        chosen = _check_resources(resource_ids, start, end, service)
        _refuse_clash(resource_ids, start, end)
        activity = activities.log(
            "service_activity",
            subject,
            regarding=regarding,
            description=description,
            scheduled_start=start,
            due_at=end,
            duration_minutes=int((end - start).total_seconds() // 60),
            state="scheduled",
        )
        for resource_id in resource_ids:
            records.insert_row(
                Booking,
                {"activity": activity.id, "resource": resource_id, "starts_at": start,
                 "ends_at": end},
            )  # fmt: skip
        records.audit(
            "activity",
            activity.id,
            "booked",
            {
                "resources": (None, ", ".join(r.name for r in chosen)),
                "service": (None, service.name if service else None),
                "time": (None, _span(start, end)),
            },
        )
    return activity.id


def _bookings_of(activity_id: int) -> list[Booking]:
    return list(Booking.select().where(Booking.activity == activity_id).order_by(Booking.id))


def cancel_booking(activity_id: int, version: int | None = None) -> Activity:
    """Cancel a scheduled service activity and free its resources (its
    booking rows are deleted; the activity stays in the history)."""
    with write():
        activity = activities.get(activity_id)
        if activity.kind != "service_activity":
            raise DomainError("only a service activity has bookings")
        activities.cancel(activity_id, activity.version if version is None else version)
        Booking.delete().where(Booking.activity == activity_id).execute()
    return activities.get(activity_id)


def reschedule_booking(
    activity_id: int, start: dt.datetime, end: dt.datetime | None = None
) -> Activity:
    """Move a scheduled service activity (all its resources) to a new time;
    `end` defaults to the same length. Same checks as `book`, ignoring the
    booking itself."""
    with write():
        activity = activities.get(activity_id)
        if activity.kind != "service_activity" or activity.state not in activities.OPEN_STATES:
            raise DomainError("only a scheduled service activity can be rescheduled")
        booked = _bookings_of(activity_id)
        if not booked:
            raise DomainError("this service activity has no bookings to move")
        if end is None:
            if not isinstance(start, dt.datetime) or start.tzinfo is None:
                raise ValidationError({"start": "the start must be a date and time with a zone"})
            end = start + (booked[0].ends_at - booked[0].starts_at)
        start, end = _times(start, end, None)
        resource_ids = [b.resource_id for b in booked]
        _check_resources(resource_ids, start, end, None)
        _refuse_clash(resource_ids, start, end, exclude=activity_id)
        records.update_versioned(
            "activity",
            activity_id,
            activity.version,
            {"scheduled_start": start, "due_at": end, "sort_at": end,
             "duration_minutes": int((end - start).total_seconds() // 60)},
            action="rescheduled",
        )  # fmt: skip
        Booking.update(starts_at=start, ends_at=end).where(
            Booking.activity == activity_id
        ).execute()
    return activities.get(activity_id)


# --- reading the calendar -----------------------------------------------------------------


def busy(resource_ids: list[int], start: dt.datetime, end: dt.datetime) -> list[BusyRow]:
    """Bookings of these resources overlapping [start, end), by start:
    resource_id, resource, activity_id, subject, start, end."""
    if not resource_ids:
        return []
    marks = ", ".join("?" * len(resource_ids))
    rows = dict_rows(
        "SELECT b.resource_id AS resource_id, r.name AS resource, b.activity_id AS activity_id, "
        "a.subject AS subject, b.starts_at AS start, b.ends_at AS end FROM booking b "
        "JOIN activity a ON a.id = b.activity_id JOIN resource r ON r.id = b.resource_id "
        f"WHERE b.resource_id IN ({marks}) "
        "AND b.starts_at < ? AND b.starts_at > ? AND b.ends_at > ? "
        "AND a.state != 'canceled' ORDER BY b.starts_at, b.resource_id",
        (*[int(r) for r in resource_ids], to_db_time(end), earliest(start), to_db_time(start)),
    )
    for row in rows:
        row["start"], row["end"] = from_db_time(row["start"]), from_db_time(row["end"])
    return rows


def agenda(resource_id: int, start_day: dt.date, days: int = 1) -> list[AgendaRow]:
    """A resource's bookings from `start_day` for `days` days (days in the
    configured zone, for a day or week view), by start: activity_id, subject,
    state, start, end, regarding_type/regarding_id, regarding (its name), and
    other_resources (names of the other resources booked with it)."""
    zone = dates.configured_zone()
    first = dt.datetime.combine(start_day, dt.time(0), tzinfo=zone)
    last = dt.datetime.combine(start_day + dt.timedelta(days=days), dt.time(0), tzinfo=zone)
    rows = dict_rows(
        "SELECT b.activity_id AS activity_id, a.subject AS subject, a.state AS state, "
        "b.starts_at AS start, b.ends_at AS end, a.regarding_type AS regarding_type, "
        "a.regarding_id AS regarding_id, "
        "(SELECT group_concat(r.name, ', ') FROM booking o JOIN resource r ON r.id = o.resource_id "
        " WHERE o.activity_id = b.activity_id AND o.resource_id != b.resource_id) AS others "
        "FROM booking b JOIN activity a ON a.id = b.activity_id "
        "WHERE b.resource_id = ? AND b.starts_at < ? AND b.starts_at > ? AND b.ends_at > ? "
        "ORDER BY b.starts_at",
        (resource_id, to_db_time(last), earliest(first), to_db_time(first)),
    )
    names: dict = {}
    for row in rows:
        row["start"], row["end"] = from_db_time(row["start"]), from_db_time(row["end"])
        others = row.pop("others")
        row["other_resources"] = others.split(", ") if others else []
        row["regarding"] = _regarding_title(row["regarding_type"], row["regarding_id"], names)
    return rows


def _regarding_title(kind: str | None, record_id: int | None, names: dict) -> str:
    """A booking's customer or case by name, each looked up once per agenda
    (a week of one customer's visits is one query, not one per visit)."""
    if not kind:
        return ""
    if (kind, record_id) not in names:
        names[kind, record_id] = records.title_of(kind, record_id)
    return names[kind, record_id]


def plan(resource_id: int, start_day: dt.date, days: int = 1) -> list[PlanBooking | PlanGap]:
    """A resource's agenda with its free time, for a day or week view: per day
    (in the configured zone) in time order, entries with `kind` "booking"
    (the fields of `agenda`), "free" (a gap of 15 minutes or more inside its
    working hours: start, end) or "off" (a day it does not work). Working
    hours are the resource's, in its own zone."""
    resource = get_resource(resource_id)
    zone = dates.configured_zone()
    own = work_zone(resource)
    begin, finish = clock_time(resource.work_start), clock_time(resource.work_end)
    booked = agenda(resource_id, start_day, days)
    out: list = []
    for offset in range(days):
        day = start_day + dt.timedelta(days=offset)
        first = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        last = first + dt.timedelta(days=1)
        todays = [b for b in booked if b["start"] < last and b["end"] > first]
        for b in todays:
            b["kind"], b["day"] = "booking", day
        works = day.isoweekday() in work_days(resource)
        if not works:
            out.append({"kind": "off", "day": day, "start": first, "end": last})
            out.extend(todays)
            continue
        window = (
            dt.datetime.combine(day, begin, tzinfo=own),
            dt.datetime.combine(day, finish, tzinfo=own),
        )
        cursor = window[0]
        for b in todays:
            if b["state"] != "canceled" and b["start"] - cursor >= dt.timedelta(minutes=15):
                gap_end = min(b["start"], window[1])
                if gap_end - cursor >= dt.timedelta(minutes=15):
                    out.append({"kind": "free", "day": day, "start": cursor, "end": gap_end})
            out.append(b)
            if b["state"] != "canceled":
                cursor = max(cursor, b["end"])
        if window[1] - cursor >= dt.timedelta(minutes=15):
            out.append({"kind": "free", "day": day, "start": cursor, "end": window[1]})
    return out


__all__ = [
    "DAY_NAMES",
    "MAX_BOOKING",
    "RESOURCE_TYPES",
    "AgendaRow",
    "BookingClash",
    "BusyRow",
    "PlanBooking",
    "PlanGap",
    "ResourceRow",
    "ServiceRow",
    "Slot",
    "agenda",
    "book",
    "busy",
    "cancel_booking",
    "create_resource",
    "create_service",
    "find_slots",
    "get_resource",
    "get_service",
    "groups",
    "plan",
    "requirements_of",
    "reschedule_booking",
    "resources",
    "services",
    "update_resource",
    "working_hours",
]
