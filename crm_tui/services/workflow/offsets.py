"""When a scheduled rule is due for a record: its date moved by the rule's
offset ("30 days before", "4 working hours after", "+2h", "-1w"), working
time counted on the SLA calendar. A stored day (a contract's end) counts
from the calendar's opening time on that day in the calendar's zone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from crm_tui import meta
from crm_tui.errors import ValidationError
from crm_tui.models.base import from_db_time
from crm_tui.services.support import sla

_UNITS = {
    "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "d": 1440, "day": 1440, "days": 1440,
    "w": 10080, "wk": 10080, "week": 10080, "weeks": 10080,
}  # fmt: skip
_PHRASE = re.compile(
    r"^(?P<sign>[+-])?\s*(?P<n>\d{1,5})\s*(?P<working>working\s+|w)?(?P<unit>[a-z]+)"
    r"(?:\s+(?P<side>before|after))?$"
)
HINT = "30 days before · 4 working hours after · +2h · -1w · 0"


@dataclass(frozen=True)
class Offset:
    """A signed span, in minutes of clock or of working time."""

    minutes: int
    working: bool = False

    def words(self) -> str:
        """The offset as a sentence's part: "4 working hours after"."""
        if self.minutes == 0:
            return "at"
        size = abs(self.minutes)
        for unit, per in (("week", 10080), ("day", 1440), ("hour", 60), ("minute", 1)):
            if self.working and unit == "week":
                continue
            if size % per == 0:
                count = size // per
                break
        name = ("working " if self.working else "") + unit + ("" if count == 1 else "s")
        return f"{count} {name} {'before' if self.minutes < 0 else 'after'}"


def parse(typed: str) -> Offset:
    """An offset as typed; ValidationError (field "offset") saying how to write one."""
    text = " ".join((typed or "").strip().lower().split())
    if text in ("", "0", "at", "on"):
        return Offset(0)
    match = _PHRASE.match(text)
    unit = match and _UNITS.get(match.group("unit"))
    if not match or unit is None:
        raise ValidationError({"offset": f"{typed!r} is not an offset; write e.g. {HINT}"})
    sign, side = match.group("sign"), match.group("side")
    if sign and side:
        raise ValidationError({"offset": f"{typed!r}: use a sign or before/after, not both"})
    minutes = int(match.group("n")) * unit
    if sign == "-" or side == "before":
        minutes = -minutes
    working = bool(match.group("working"))
    if working and minutes < 0:
        raise ValidationError(
            {"offset": "working time counts forward from a date: use days before, or after"}
        )
    if working and unit >= 1440:
        # a working day is the calendar's opening hours, not 24 of them
        minutes = minutes // 1440 * _day_minutes(sla.calendar())
    return Offset(minutes, working)


def _day_minutes(cal: sla.Calendar) -> int:
    start = dt.datetime.combine(dt.date(2000, 1, 1), cal.start)
    end = dt.datetime.combine(dt.date(2000, 1, 1), cal.end)
    return max(1, int((end - start).total_seconds() // 60))


def is_day(kind: str, attribute: str) -> bool:
    """Whether the attribute holds a day (a date) rather than a moment."""
    return meta.kind(kind).attribute(attribute).type is meta.AttributeType.DATE


def base(stored: object, as_day: bool, cal: sla.Calendar) -> dt.datetime | None:
    """The instant a stored date counts from (UTC); None for an empty one."""
    if stored in (None, ""):
        return None
    if as_day:
        day = stored if isinstance(stored, dt.date) else dt.date.fromisoformat(str(stored)[:10])
        return dt.datetime.combine(day, cal.start, tzinfo=cal.zone).astimezone(dt.UTC)
    if isinstance(stored, dt.datetime):
        return stored if stored.tzinfo else stored.replace(tzinfo=dt.UTC)
    return from_db_time(str(stored))


def due(stored: object, as_day: bool, offset: Offset, cal: sla.Calendar) -> dt.datetime | None:
    """When the rule is due for a record whose date is `stored`."""
    start = base(stored, as_day, cal)
    if start is None:
        return None
    if offset.working:
        return sla.add_working_minutes(start, offset.minutes, cal)
    return start + dt.timedelta(minutes=offset.minutes)


def stored_span(
    since: dt.datetime, until: dt.datetime, offset: Offset
) -> tuple[dt.datetime, dt.datetime]:
    """Dates whose due moment can fall in [since, until]: a span of the
    stored column to look in, wide enough for working time (which runs
    slower than the clock: nights, weekends, holidays), narrowed exactly
    by `due` afterwards."""
    if not offset.working:
        shift = dt.timedelta(minutes=offset.minutes)
        return since - shift - dt.timedelta(days=1), until - shift + dt.timedelta(days=1)
    # one working hour can take a long weekend and a holiday week to pass
    slack = dt.timedelta(minutes=offset.minutes * 24 // 4) + dt.timedelta(days=16)
    return since - slack, until
