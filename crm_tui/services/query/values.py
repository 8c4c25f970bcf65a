"""Values typed in conditions, read as numbers, yes/no and spans of days.

A day in a condition is a span: `close:2027-01-15` is that day, and
`created:last-30d` the thirty days up to today; `<` keeps what is before the
span, `>` what is after it, `<=` and `>=` take the span in. A day is
anything the date fields take (fri, +3d, 27 Nov, 2026-12-01) or a named
span: today, yesterday, tomorrow, this-week, last-week, next-week, the same
for month, quarter and year, and last-Nd / next-Nd (also w for weeks, m for
months); or a calendar period by its number: 2026 (a year), 2026-11 (a
month), 2026-q4 (a quarter), 2026-w49 (an ISO week, Monday to Sunday).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from crm_tui.errors import ValidationError
from crm_tui.services import dates
from crm_tui.services.query.parse import QueryError

_NUMBER = re.compile(r"^([+-]?(?:\d[\d_,]*)?(?:\.\d+)?)([km]?)$", re.IGNORECASE)
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000}
_SPAN = re.compile(r"^(last|next)-?(\d{1,3})([dwm])$")
_NAMED = re.compile(r"^(this|last|next)-?(week|month|quarter|year)$")
_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|q([1-4])|w(\d{2})))?$")
YES = frozenset({"yes", "y", "true", "1", "on"})
NO = frozenset({"no", "n", "false", "0", "off"})


def number(typed: str, name: str, position: int) -> Decimal:
    """A number as typed: 50000, 50,000, 1.5, 50k, 2m."""
    match = _NUMBER.match(typed.strip())
    if match and match.group(1) not in ("", "+", "-", "."):
        try:
            value = Decimal(match.group(1).replace(",", "").replace("_", ""))
        except InvalidOperation:
            value = None
        if value is not None:
            return value * _SCALE[match.group(2).lower()]
    raise QueryError(f"{name}: {typed!r} is not a number (50000, 50k, 1.5m)", position)


def yes_no(typed: str, name: str, position: int) -> bool:
    word = typed.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise QueryError(f"{name}: {typed!r} is not yes or no", position)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _months_after(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _named_span(which: str, unit: str, today: dt.date) -> tuple[dt.date, dt.date]:
    shift = {"this": 0, "last": -1, "next": 1}[which]
    if unit == "week":
        start = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=shift)
        return start, start + dt.timedelta(days=7)
    if unit == "month":
        start = _months_after(today.replace(day=1), shift)
        return start, _months_after(start, 1)
    if unit == "quarter":
        start = _months_after(_quarter_start(today), 3 * shift)
        return start, _months_after(start, 3)
    start = dt.date(today.year + shift, 1, 1)
    return start, dt.date(start.year + 1, 1, 1)


def _relative_span(direction: str, count: int, unit: str, today: dt.date):
    if unit == "d":
        length = dt.timedelta(days=count)
        far = today - length if direction == "last" else today + length
    elif unit == "w":
        length = dt.timedelta(weeks=count)
        far = today - length if direction == "last" else today + length
    else:
        far = dates.add_months(today, -count if direction == "last" else count)
    # the span includes today: last-7d is the six days before and today
    if direction == "last":
        return far + dt.timedelta(days=1), today + dt.timedelta(days=1)
    return today, far + dt.timedelta(days=1)


def _period_span(match: re.Match) -> tuple[dt.date, dt.date] | None:
    year, month, quarter, week = match.groups()
    try:
        if month:
            start = dt.date(int(year), int(month), 1)
            return start, _months_after(start, 1)
        if quarter:
            start = dt.date(int(year), 3 * int(quarter) - 2, 1)
            return start, _months_after(start, 3)
        if week:
            start = dt.date.fromisocalendar(int(year), int(week), 1)
            return start, start + dt.timedelta(days=7)
        return dt.date(int(year), 1, 1), dt.date(int(year) + 1, 1, 1)
    except ValueError:
        return None


def day_span(typed: str, name: str, position: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """[first day, day after the last) of what was typed."""
    word = typed.strip().lower()
    if (match := _PERIOD.match(word)) and (span := _period_span(match)):
        return span
    if word == "today":
        return today, today + dt.timedelta(days=1)
    if word == "yesterday":
        return today - dt.timedelta(days=1), today
    if word == "tomorrow":
        return today + dt.timedelta(days=1), today + dt.timedelta(days=2)
    if match := _NAMED.match(word):
        return _named_span(match.group(1), match.group(2), today)
    if match := _SPAN.match(word):
        return _relative_span(match.group(1), int(match.group(2)), match.group(3), today)
    try:
        day = dates.parse_day(typed, today, field=name)
    except ValidationError:
        raise QueryError(
            f"{name}: {typed!r} is not a day (2026-12-01, fri, +3d, this-month, last-30d)",
            position,
        ) from None
    return day, day + dt.timedelta(days=1)


def moment_span(
    typed: str, name: str, position: int, today: dt.date, zone: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """A span of days in the person's zone, as aware UTC times."""
    first, after = day_span(typed, name, position, today)

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)

    return at(first), at(after)
