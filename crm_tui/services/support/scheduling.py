"""Service scheduling: resources (people, rooms, equipment) with working
hours, services that need resources (a specific one, or any one of a group),
and service activities booked on resources.

A resource is never double-booked: `book` and `reschedule_booking` check for
overlapping bookings (`starts_at < end AND ends_at > start`, on the
booking_resource_time index) and write the activity and its booking rows in
ONE BEGIN IMMEDIATE transaction, so two processes cannot both pass the check.
`find_slots` reads the candidate resources' bookings in its horizon once and
scans the calendar in Python. Bookings of a canceled activity (canceled by
the activity screen rather than `cancel_booking`) no longer hold their time.

Times are aware datetimes, stored UTC. A resource's working hours are in its
own zone, or the configured zone when it has none.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import Activity, Booking, Resource, Service, ServiceRequirement
from crm_tui.models.base import from_db_time, to_db_time
from crm_tui.services import dates, records
from crm_tui.services.customers import activities
from crm_tui.services.validate import Checker

RESOURCE_TYPES = {"user": "User", "facility": "Facility", "equipment": "Equipment"}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_BOOKING = dt.timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    """A time at which every requirement of a service can be met: the
    resources, in the order of the service's requirements."""

    start: dt.datetime
    end: dt.datetime
    resource_ids: tuple[int, ...]


class BookingClash(DomainError):
    """A resource is already booked: names the booking in the way."""

    def __init__(self, message: str, *, activity_id: int, resource_id: int):
        self.activity_id = activity_id
        self.resource_id = resource_id
        super().__init__(message)


# --- resources ----------------------------------------------------------------------------


def _clock(c: Checker, name: str) -> None:
    if not c.has(name):
        return
    value = text.clean(str(c.data[name] or "")).strip()
    match = _CLOCK.match(value)
    if not match:
        c.fail(name, f"{name.replace('_', ' ')} must be a time of day like 09:00, not {value!r}")
    else:
        c.values[name] = f"{int(match.group(1)):02d}:{match.group(2)}"


def _check_resource(data: dict, *, creating: bool, stored: Resource | None = None) -> dict:
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=120)
    if creating or c.has("resource_type"):
        c.choice("resource_type", RESOURCE_TYPES, required=True)
    if c.has("state"):
        c.choice("state", ("active", "inactive"))
    c.text("group_name", max_len=80, label="group")
    if c.has("user_id"):
        if data["user_id"] in (None, ""):
            c.values["user_id"] = None
        else:
            c.owner("user_id")
    if c.has("work_days"):
        raw = str(data["work_days"] or "").replace(" ", "")
        try:
            days = sorted({int(d) for d in raw.split(",") if d})
        except ValueError:
            days = []
        if not days or any(d < 1 or d > 7 for d in days):
            c.fail("work_days", f"work days are ISO weekdays 1-7 (1 = Monday) like 1,2,3,4,5, "
                                f"not {data['work_days']!r}")  # fmt: skip
        else:
            c.values["work_days"] = ",".join(map(str, days))
    _clock(c, "work_start")
    _clock(c, "work_end")
    if c.has("time_zone"):
        zone = text.clean(str(data["time_zone"] or "")).strip()
        try:
            if zone:
                ZoneInfo(zone)
            c.values["time_zone"] = zone
        except (ZoneInfoNotFoundError, ValueError, OSError):
            c.fail("time_zone", f"{zone!r} is not a time zone (use e.g. Europe/Oslo)")
    name = c.values.get("name")
    if name:
        clash = Resource.get_or_none(
            (Resource.name.collate("NOCASE") == name)
            & (Resource.id != (stored.id if stored else 0))
        )
        if clash is not None:
            c.fail("name", f"a resource named {clash.name} already exists; choose another name")
    values = c.done()
    start = values.get("work_start", stored.work_start if stored else "09:00")
    end = values.get("work_end", stored.work_end if stored else "17:00")
    if end <= start:
        raise ValidationError({"work_end": f"work ends ({end}) before it starts ({start})"})
    if "user_id" in values:
        values["user"] = values.pop("user_id")
    return values


def create_resource(data: dict) -> Resource:
    """Create an active resource: name, resource_type (user, facility,
    equipment), user_id, group_name, work_days ("1,2,3,4,5", ISO weekdays),
    work_start/work_end ("09:00"), time_zone (empty: the configured zone)."""
    values = _check_resource(data, creating=True)
    with write():
        new_id = records.create("resource", values)
    return get_resource(new_id)


def get_resource(resource_id: int) -> Resource:
    """One resource; NotFound if it does not exist."""
    row = records.by_id(Resource, resource_id)
    if row is None:
        raise NotFound(f"resource #{resource_id} does not exist (it may have been deleted)")
    return row


def update_resource(resource_id: int, version: int, data: dict) -> Resource:
    """Save changed fields (state active/inactive too) if nobody saved since
    `version`; existing bookings stay as they are."""
    values = _check_resource(data, creating=False, stored=get_resource(resource_id))
    with write():
        records.update_versioned("resource", resource_id, version, values)
    return get_resource(resource_id)


def resources(group: str | None = None, *, include_inactive: bool = False) -> list[dict]:
    """Resources by name, optionally of one group."""
    where, params = ["1"], []
    if group is not None:
        where.append("group_name = ?")
        params.append(group)
    if not include_inactive:
        where.append("state = 'active'")
    return dict_rows(
        "SELECT id, name, state, resource_type, user_id, group_name, work_days, work_start, "
        "work_end, time_zone, version FROM resource WHERE " + " AND ".join(where) + " "
        "ORDER BY name COLLATE NOCASE, id",
        params,
    )


def groups() -> list[str]:
    """The resource groups in use."""
    rows = database.execute_sql(
        "SELECT DISTINCT group_name FROM resource WHERE group_name != '' ORDER BY group_name"
    ).fetchall()
    return [r[0] for r in rows]


def working_hours(resource: Resource | dict) -> str:
    """'Mon-Fri 09:00-17:00 (Europe/Oslo)' for messages and lists."""
    get = resource.get if isinstance(resource, dict) else lambda k: getattr(resource, k)
    days = [int(d) for d in get("work_days").split(",") if d]
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
        day_text = f"{DAY_NAMES[days[0] - 1]}-{DAY_NAMES[days[-1] - 1]}"
    else:
        day_text = ",".join(DAY_NAMES[d - 1] for d in days)
    zone = get("time_zone") or "local time"
    return f"{day_text} {get('work_start')}-{get('work_end')} ({zone})"


# --- services -----------------------------------------------------------------------------


def create_service(data: dict, requirements: list[tuple[int | None, str | None]]) -> Service:
    """Create a service: name, description, duration_minutes, and what it
    needs: each requirement is (resource_id, None) for a specific resource or
    (None, group_name) for any one resource of a group."""
    c = Checker(data)
    c.text("name", required=True, max_len=120)
    c.text("description", max_len=4000, multiline=True)
    if "duration_minutes" not in data or data["duration_minutes"] in (None, ""):
        c.fail("duration_minutes", "duration is required (minutes)")
    else:
        c.integer("duration_minutes", minimum=1, label="duration")
    if c.values.get("duration_minutes", 0) > MAX_BOOKING.total_seconds() // 60:
        c.fail("duration_minutes", "a service lasts at most a day (1440 minutes)")
    name = c.values.get("name")
    if name and Service.get_or_none(Service.name.collate("NOCASE") == name) is not None:
        c.fail("name", f"a service named {name} already exists; choose another name")
    cleaned = []
    if not requirements:
        c.fail("requirements", "a service needs at least one resource or group")
    for resource_id, group_name in requirements:
        if (resource_id is None) == (not group_name):
            c.fail("requirements", "each requirement is one resource or one group")
        elif resource_id is not None:
            if records.by_id(Resource, resource_id) is None:
                c.fail("requirements", f"resource #{resource_id} does not exist")
            cleaned.append((int(resource_id), None))
        else:
            group = text.clean(group_name).strip()
            if not database.execute_sql(
                "SELECT EXISTS (SELECT 1 FROM resource WHERE group_name = ?)", (group,)
            ).fetchone()[0]:
                c.fail("requirements", f"no resource is in the group {group!r}")
            cleaned.append((None, group))
    values = c.done()
    with write():
        new_id = records.create("service", values)
        for resource_id, group in cleaned:
            records.insert_row(
                ServiceRequirement,
                {"service": new_id, "resource": resource_id, "group_name": group},
            )
        records.audit("service", new_id, "requirements", {"requires": (None, _describe(cleaned))})
    return get_service(new_id)


def _describe(requirements: list[tuple[int | None, str | None]]) -> str:
    parts = []
    for resource_id, group in requirements:
        if resource_id is not None:
            parts.append(records.title_of("resource", resource_id))
        else:
            parts.append(f"any of {group}")
    return ", ".join(parts)


def get_service(service_id: int) -> Service:
    """One service; NotFound if it does not exist."""
    row = records.by_id(Service, service_id)
    if row is None:
        raise NotFound(f"service #{service_id} does not exist (it may have been deleted)")
    return row


def requirements_of(service_id: int) -> list[tuple[int | None, str | None]]:
    """The service's requirements, in order: (resource_id, None) or (None, group)."""
    rows = database.execute_sql(
        "SELECT resource_id, group_name FROM service_requirement WHERE service_id = ? ORDER BY id",
        (service_id,),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def services(include_inactive: bool = False) -> list[dict]:
    """Services by name, each with `requires` (what a person reads)."""
    where = "" if include_inactive else "WHERE state = 'active'"
    rows = dict_rows(
        "SELECT id, name, state, description, duration_minutes, version FROM service "
        f"{where} ORDER BY name COLLATE NOCASE, id"
    )
    for row in rows:
        row["requires"] = _describe(requirements_of(row["id"]))
    return rows


# --- working hours and requirements -------------------------------------------------------


def _zone(resource: Resource) -> dt.tzinfo:
    if resource.time_zone:
        return dates.local_zone(resource.time_zone)
    return dates.configured_zone()


def _clock_time(value: str) -> dt.time:
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def _days(resource: Resource) -> set[int]:
    return {int(d) for d in resource.work_days.split(",") if d}


def _outside_hours(resource: Resource, start: dt.datetime, end: dt.datetime) -> str | None:
    """Why [start, end) is outside the resource's working hours, or None."""
    zone = _zone(resource)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    inside = (
        local_start.date() == local_end.date()
        and local_start.isoweekday() in _days(resource)
        and local_start.time() >= _clock_time(resource.work_start)
        and local_end.time() <= _clock_time(resource.work_end)
    )
    if inside:
        return None
    when = f"{local_start:%a %d %b %H:%M}-{local_end:%H:%M}"
    return f"{resource.name} works {working_hours(resource)}; {when} is outside"


def _match(requirements, chosen: list[Resource]) -> list[int] | None:
    """Assign a distinct chosen resource to every requirement (specific or
    group); the resource ids in requirement order, or None when impossible."""
    options = []
    for resource_id, group in requirements:
        if resource_id is not None:
            options.append([r.id for r in chosen if r.id == resource_id])
        else:
            options.append([r.id for r in chosen if r.group_name == group])
    return _assign(options)


def _assign(options: list[list[int]]) -> list[int] | None:
    """A bipartite matching: one distinct id from each option list."""
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for rid in options[i]:
            if rid in seen:
                continue
            seen.add(rid)
            if rid not in owner or place(owner[rid], seen):
                owner[rid] = i
                return True
        return False

    for i in range(len(options)):
        if not place(i, set()):
            return None
    chosen = [0] * len(options)
    for rid, i in owner.items():
        chosen[i] = rid
    return chosen


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
        reason = _outside_hours(resource, start, end)
        if reason:
            raise DomainError(reason)
    if service is not None:
        requirements = requirements_of(service.id)
        if _match(requirements, chosen) is None:
            raise DomainError(
                f"{service.name} needs {_describe(requirements)}; the chosen resources "
                f"({', '.join(r.name for r in chosen)}) do not cover that"
            )
    return chosen


def _earliest(start: dt.datetime) -> str:
    """The earliest start of a booking that can still overlap `start`: no
    booking lasts longer than MAX_BOOKING, so this bounds the index range
    of (resource_id, starts_at) from below as well."""
    return to_db_time(start - MAX_BOOKING)


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
        (*resource_ids, to_db_time(end), _earliest(start), to_db_time(start), exclude or 0),
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


def busy(resource_ids: list[int], start: dt.datetime, end: dt.datetime) -> list[dict]:
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
        (*[int(r) for r in resource_ids], to_db_time(end), _earliest(start), to_db_time(start)),
    )
    for row in rows:
        row["start"], row["end"] = from_db_time(row["start"]), from_db_time(row["end"])
    return rows


def agenda(resource_id: int, start_day: dt.date, days: int = 1) -> list[dict]:
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
        (resource_id, to_db_time(last), _earliest(first), to_db_time(first)),
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


def plan(resource_id: int, start_day: dt.date, days: int = 1) -> list[dict]:
    """A resource's agenda with its free time, for a day or week view: per day
    (in the configured zone) in time order, entries with `kind` "booking"
    (the fields of `agenda`), "free" (a gap of 15 minutes or more inside its
    working hours: start, end) or "off" (a day it does not work). Working
    hours are the resource's, in its own zone."""
    resource = get_resource(resource_id)
    zone = dates.configured_zone()
    own = _zone(resource)
    begin, finish = _clock_time(resource.work_start), _clock_time(resource.work_end)
    booked = agenda(resource_id, start_day, days)
    out: list[dict] = []
    for offset in range(days):
        day = start_day + dt.timedelta(days=offset)
        first = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        last = first + dt.timedelta(days=1)
        todays = [b for b in booked if b["start"] < last and b["end"] > first]
        for b in todays:
            b["kind"], b["day"] = "booking", day
        works = day.isoweekday() in _days(resource)
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


# --- finding a slot -----------------------------------------------------------------------


class _Free:
    """A resource's free time in a horizon, as sorted disjoint intervals of
    epoch seconds: its working hours minus its bookings."""

    def __init__(self, resource: Resource, lo: float, hi: float, booked: list[tuple]):
        zone = _zone(resource)
        days = _days(resource)
        begin, finish = _clock_time(resource.work_start), _clock_time(resource.work_end)
        day = dt.datetime.fromtimestamp(lo, zone).date() - dt.timedelta(days=1)
        last = dt.datetime.fromtimestamp(hi, zone).date() + dt.timedelta(days=1)
        working = []
        while day <= last:
            if day.isoweekday() in days:
                a = dt.datetime.combine(day, begin, tzinfo=zone).timestamp()
                b = dt.datetime.combine(day, finish, tzinfo=zone).timestamp()
                if b > a:
                    working.append((a, b))
            day += dt.timedelta(days=1)
        booked.sort()
        self.starts: list[float] = []
        self.ends: list[float] = []
        i = 0
        for a, b in working:
            cursor = a
            while i < len(booked) and booked[i][1] <= cursor:
                i += 1
            j = i
            while j < len(booked) and booked[j][0] < b:
                s, e = booked[j]
                if s > cursor:
                    self.starts.append(cursor)
                    self.ends.append(min(s, b))
                cursor = max(cursor, e)
                j += 1
            if cursor < b:
                self.starts.append(cursor)
                self.ends.append(b)

    def fits(self, a: float, b: float) -> bool:
        i = bisect.bisect_right(self.starts, a) - 1
        return i >= 0 and self.ends[i] >= b

    def next_start(self, a: float) -> float | None:
        """The earliest free moment at or after `a`."""
        i = bisect.bisect_right(self.starts, a) - 1
        if i >= 0 and self.ends[i] > a:
            return a
        return self.starts[i + 1] if i + 1 < len(self.starts) else None


def find_slots(
    service_id: int,
    *,
    after: dt.datetime,
    count: int = 5,
    step_minutes: int = 15,
    horizon_days: int = 14,
) -> list[Slot]:
    """The next `count` start times (on a `step_minutes` grid, from `after`,
    within `horizon_days`) at which every requirement of the service can be
    met by a distinct active resource that is working and free for the whole
    duration. The candidates' bookings in the horizon are read once."""
    service = get_service(service_id)
    if after.tzinfo is None:
        raise ValidationError({"after": "after must be a date and time with a zone"})
    requirements = requirements_of(service_id)
    if not requirements:
        raise DomainError(f"{service.name} names no resources to book")
    candidates: dict[int, Resource] = {}
    options: list[list[int]] = []
    for resource_id, group in requirements:
        if resource_id is not None:
            rows = list(Resource.select().where((Resource.id == resource_id)
                                                & (Resource.state == "active")))  # fmt: skip
        else:
            rows = list(
                Resource.select()
                .where((Resource.group_name == group) & (Resource.state == "active"))
                .order_by(Resource.name, Resource.id)
            )
        if not rows:
            return []
        for row in rows:
            candidates[row.id] = row
        options.append([row.id for row in rows])
    duration = service.duration_minutes * 60
    step = step_minutes * 60
    lo = after.timestamp()
    lo = -(-lo // step) * step  # up to the grid
    hi = lo + horizon_days * 86400
    booked: dict[int, list[tuple]] = {rid: [] for rid in candidates}
    marks = ", ".join("?" * len(candidates))
    horizon_lo = dt.datetime.fromtimestamp(lo, dt.UTC)
    horizon_hi = dt.datetime.fromtimestamp(hi + duration, dt.UTC)
    for rid, starts_at, ends_at in database.execute_sql(
        "SELECT b.resource_id, unixepoch(b.starts_at, 'subsec'), unixepoch(b.ends_at, 'subsec') "
        "FROM booking b "
        "JOIN activity a ON a.id = b.activity_id "
        f"WHERE b.resource_id IN ({marks}) "
        "AND b.starts_at < ? AND b.starts_at > ? AND b.ends_at > ? "
        "AND a.state != 'canceled'",
        (*candidates, to_db_time(horizon_hi), _earliest(horizon_lo), to_db_time(horizon_lo)),
    ):
        booked[rid].append((starts_at, ends_at))
    free = {rid: _Free(candidates[rid], lo, hi + duration, booked[rid]) for rid in candidates}
    need = len(requirements)
    slots: list[Slot] = []
    t = lo
    while t < hi and len(slots) < count:
        fitting: list[list[int]] = []
        for option in options:
            fit = []
            for rid in option:
                if free[rid].fits(t, t + duration):
                    fit.append(rid)
                    if len(fit) >= need:  # enough to always find a distinct one
                        break
            if not fit:
                break
            fitting.append(fit)
        chosen = _assign(fitting) if len(fitting) == need else None
        if chosen is not None:
            slots.append(
                Slot(
                    dt.datetime.fromtimestamp(t, dt.UTC),
                    dt.datetime.fromtimestamp(t + duration, dt.UTC),
                    tuple(chosen),
                )
            )
            t += step
            continue
        # jump to the next moment some candidate of the first blocked
        # requirement is free, on the grid (skips nights and weekends)
        blocked = options[len(fitting)] if len(fitting) < need else options[0]
        nexts = [n for n in (free[rid].next_start(t + step) for rid in blocked) if n is not None]
        if not nexts:
            break
        t = max(t + step, -(-min(nexts) // step) * step)
    return slots
