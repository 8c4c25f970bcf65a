"""Resources that service activities are booked on (people, rooms,
equipment): creating and editing them, listing them, and their working
hours, in the resource's own zone or the configured one when it has none."""

from __future__ import annotations

import datetime as dt
import re
from typing import TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import NotFound, ValidationError
from crm_tui.meta import states as machines
from crm_tui.meta.support import RESOURCE_TYPES
from crm_tui.models import Resource
from crm_tui.models.base import to_db_time
from crm_tui.services import dates, records
from crm_tui.services.validate import Checker

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# No booking lasts longer: reads of a resource's bookings bound their
# (resource_id, starts_at) index range from below with it (`earliest`).
MAX_BOOKING = dt.timedelta(days=1)


class ResourceRow(TypedDict):
    """A resource as the schedule lists it."""

    id: int
    name: str
    state: str
    resource_type: str
    user_id: int | None
    group_name: str
    work_days: str  # ISO weekdays: "1,2,3,4,5"
    work_start: str  # "09:00"
    work_end: str
    time_zone: str  # "" for the configured zone
    version: int


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
        c.choice("state", machines.ACTIVE_INACTIVE.codes)
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


def resources(group: str | None = None, *, include_inactive: bool = False) -> list[ResourceRow]:
    """Resources by name, optionally of one group."""
    where, params = ["TRUE"], []
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


def work_zone(resource: Resource) -> dt.tzinfo:
    """The zone the resource's working hours are in."""
    if resource.time_zone:
        return dates.local_zone(resource.time_zone)
    return dates.configured_zone()


def clock_time(value: str) -> dt.time:
    """A stored clock time ("09:00") as a time."""
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def work_days(resource: Resource) -> set[int]:
    """The ISO weekdays the resource works."""
    return {int(d) for d in resource.work_days.split(",") if d}


def outside_hours(resource: Resource, start: dt.datetime, end: dt.datetime) -> str | None:
    """Why [start, end) is outside the resource's working hours, or None."""
    own = work_zone(resource)
    local_start, local_end = start.astimezone(own), end.astimezone(own)
    inside = (
        local_start.date() == local_end.date()
        and local_start.isoweekday() in work_days(resource)
        and local_start.time() >= clock_time(resource.work_start)
        and local_end.time() <= clock_time(resource.work_end)
    )
    if inside:
        return None
    when = f"{local_start:%a %d %b %H:%M}-{local_end:%H:%M}"
    return f"{resource.name} works {working_hours(resource)}; {when} is outside"


def earliest(start: dt.datetime) -> str:
    """The earliest start of a booking that can still overlap `start`: no
    booking lasts longer than MAX_BOOKING, so this bounds the index range
    of (resource_id, starts_at) from below as well."""
    return to_db_time(start - MAX_BOOKING)
