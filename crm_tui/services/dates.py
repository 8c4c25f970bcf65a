"""Dates as people type them: today, tomorrow, fri, +3d, -2w, 27 Nov, 2026-12-01."""

from __future__ import annotations

import datetime as dt
import re

from crm_tui.errors import ValidationError

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# What a date field shows before anything is typed: the forms parse_day takes.
DAY_HINT = "fri · tomorrow · +3d · +2w · 2026-12-01"
_RELATIVE = re.compile(r"^([+-])\s*(\d{1,3})\s*([dwm])$")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# How a day is shown (display.day: "Fri 27 Nov", "27 Nov 2025"), so that a
# form's prefilled date reads back: an optional weekday, the day, the month
# by name, an optional year.
_SHOWN = re.compile(r"^(?:([a-z]{3,9}),?\s+)?(\d{1,2})\s+([a-z]{3,9})\.?(?:,?\s+(\d{4}))?$")


def local_zone(name: str = "") -> dt.tzinfo:
    """The configured IANA zone, else the system's local zone."""
    if name:
        # the zone database is read when a zone is named, not with the services
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


def parse_day(typed: str, today: dt.date, *, field: str = "date", past: bool = False) -> dt.date:
    """Turn what was typed into a date.

    Accepts today/tod, tomorrow/tom, yesterday, a weekday (mon … sun, or the
    full name), +Nd/+Nw/+Nm and -Nd/-Nw/-Nm, a day as shown ("Fri 27 Nov",
    "27 Nov 2025"; without a year, this year) and ISO YYYY-MM-DD. A weekday
    is the next such day (a week ahead if it is today), or with `past` (a
    field that cannot be in the future, such as a close date) the last one,
    today included. Raises ValidationError with the accepted forms otherwise.
    """
    value = (typed or "").strip().lower()
    if value in {"today", "tod", "now"}:
        return today
    if value in {"tomorrow", "tom", "tmr"}:
        return today + dt.timedelta(days=1)
    if value in {"yesterday", "yest"}:
        return today - dt.timedelta(days=1)
    if len(value) >= 3 and value[:3] in _DAYS and _full_day(value):
        if past:
            return today - dt.timedelta(days=(today.weekday() - _DAYS.index(value[:3])) % 7)
        ahead = (_DAYS.index(value[:3]) - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=ahead)
    match = _RELATIVE.match(value)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        count, unit = sign * int(match.group(2)), match.group(3)
        if unit == "d":
            return today + dt.timedelta(days=count)
        if unit == "w":
            return today + dt.timedelta(weeks=count)
        return add_months(today, count)
    shown = _shown_day(value, today)
    if shown is not None:
        return shown
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {field: f"{typed!r} is not a date; try today, tomorrow, fri, +3d, +2w or 2026-12-01"}
        ) from None


def read_day(
    value: dt.date | str | None, *, field: str = "date", past: bool = False
) -> dt.date | None:
    """A date field's value as a service receives it: None when empty, a date
    as it is, typed text through parse_day against today in the user's zone."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_day(str(value), today(), field=field, past=past)


def shown_day(value: dt.date | str | None, *, this_year: int | None = None) -> str:
    """A calendar day as a person reads it, in the user's date_format ("" for
    none): short, 'Fri 27 Nov' this year and '27 Nov 2025' another (old days
    never read as this year's), or iso, '2026-11-27'. parse_day reads both
    back. Screens call it as display.day; a service's message uses it here."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    elif isinstance(value, dt.datetime):
        value = value.date()
    if date_format() == "iso":
        return value.isoformat()
    if value.year == (this_year or today().year):
        return value.strftime("%a %d %b")
    return value.strftime("%d %b %Y")


def date_format() -> str:
    """The user's date_format setting: short or iso."""
    from crm_tui.services import session

    return session.settings().date_format


def _shown_day(value: str, today: dt.date) -> dt.date | None:
    match = _SHOWN.match(value)
    if not match:
        return None
    weekday, day, month, year = match.groups()
    if weekday is not None and not (weekday[:3] in _DAYS and _full_day(weekday)):
        return None
    if month[:3] not in _MONTHS or not any(
        name.lower().startswith(month)
        for name in (
            "January February March April May June July August "
            "September October November December Sept"
        ).split()
    ):
        return None
    try:
        # the weekday is only read: a changed day number with the old weekday
        # still left in front means the new day
        return dt.date(int(year or today.year), _MONTHS.index(month[:3]) + 1, int(day))
    except ValueError:
        return None


def _full_day(value: str) -> bool:
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    return any(name.startswith(value) for name in names)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative), or the month's last."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def end_of_working_day(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """Follow-ups are due at 17:00 local time on their day."""
    return dt.datetime.combine(day, dt.time(17, 0), tzinfo=zone).astimezone(dt.UTC)


def configured_zone() -> dt.tzinfo:
    """The zone times are shown in: Settings.time_zone, else the system's."""
    from crm_tui.services import session

    return local_zone(session.settings().time_zone)


def today() -> dt.date:
    """Today in the configured zone (what "overdue" and default dates mean)."""
    return dt.datetime.now(configured_zone()).date()


def as_local(value: dt.datetime | str | None, zone: dt.tzinfo | None = None) -> dt.datetime | None:
    """A stored UTC time (datetime or the database's ISO text) in the local zone."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone or configured_zone())


_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")


def parse_when(
    typed: str, today: dt.date, zone: dt.tzinfo, *, default_time: dt.time, field: str = "when"
) -> dt.datetime:
    """A day as parse_day reads it, optionally followed by a time ("fri 14:30",
    "+2d 9"); without a time, `default_time`. Returns an aware UTC datetime."""
    parts = (typed or "").strip().split()
    clock = default_time
    if len(parts) >= 2 and (match := _CLOCK.match(parts[-1])):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            raise ValidationError({field: f"{parts[-1]!r} is not a time of day (use 14:30)"})
        clock = dt.time(hour, minute)
        parts = parts[:-1]
    day = parse_day(" ".join(parts), today, field=field)
    return dt.datetime.combine(day, clock, tzinfo=zone).astimezone(dt.UTC)
