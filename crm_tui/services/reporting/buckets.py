"""Dates grouped by calendar period (day, ISO week, month, quarter, year)
in SQL, in the person's time zone.

A day is stored as `YYYY-MM-DD`; a time as UTC text. A time belongs to the
local day it falls on, so it is shifted by the zone's offset in force at
that moment: a CASE over the zone's changes of offset (summer time), the
latest first, since most records are recent. The period's key is text that
sorts in time order: 2026-11-30 (a day; a week by its Monday), 2026-11,
2026-Q4, 2026.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from crm_tui.db import is_postgres

FIRST_YEAR = 1990
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _offset_minutes(zone: dt.tzinfo, moment: dt.datetime) -> int:
    offset = moment.astimezone(zone).utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds() // 60)


@lru_cache(maxsize=8)
def offsets(zone: dt.tzinfo, last_year: int) -> tuple[tuple[str, int], ...]:
    """The zone's offsets from UTC in minutes from FIRST_YEAR to the end of
    `last_year`, as (UTC text from which it holds, minutes), latest first;
    the last entry holds from the start."""
    moment = dt.datetime(FIRST_YEAR, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    current = _offset_minutes(zone, moment)
    changes = [("", current)]
    step = dt.timedelta(days=1)  # two changes of offset are never a day apart
    while moment < end:
        after = moment + step
        offset = _offset_minutes(zone, after)
        if offset != current:
            low, high = moment, after  # the change is in (low, high]: find its minute
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset_minutes(zone, middle) == current:
                    low = middle
                else:
                    high = middle
            at = high.replace(second=0, microsecond=0)
            changes.append((at.replace(tzinfo=None).isoformat(timespec="microseconds"), offset))
            current = offset
        moment = after
    return tuple(reversed(changes))


def _shift_case(column: str, zone: dt.tzinfo) -> str:
    changes = offsets(zone, dt.date.today().year + 10)
    if len(changes) == 1:
        return str(changes[0][1])
    whens = " ".join(
        f"WHEN {column} >= '{since}' THEN {minutes}" for since, minutes in changes[:-1]
    )
    return f"CASE {whens} ELSE {changes[-1][1]} END"


def local_day_sql(column: str, is_time: bool, zone: dt.tzinfo) -> str:
    """SQL giving the local day (`YYYY-MM-DD` text) a stored day or time
    falls on; NULL for none."""
    if not is_time:
        return f"substr({column}, 1, 10)"
    shift = _shift_case(column, zone)
    if shift == "0":  # a zone at UTC all along: the stored day is the local one
        return f"substr({column}, 1, 10)"
    if is_postgres():
        return (
            f"to_char(CAST({column} AS timestamp) + ({shift}) * interval '1 minute', 'YYYY-MM-DD')"
        )
    return f"date({column}, ({shift}) || ' minutes')"


def period_sql(day: str, bucket: str) -> str:
    """SQL giving the key of the `bucket` holding the local day `day`."""
    if bucket == "day":
        return day
    if bucket == "month":
        return f"substr({day}, 1, 7)"
    if bucket == "year":
        return f"substr({day}, 1, 4)"
    if bucket == "quarter":
        quarter = f"CAST((CAST(substr({day}, 6, 2) AS INTEGER) + 2) / 3 AS TEXT)"
        return f"substr({day}, 1, 4) || '-Q' || {quarter}"
    if bucket == "week":
        if is_postgres():
            return f"to_char(date_trunc('week', CAST({day} AS date)), 'YYYY-MM-DD')"
        return f"date({day}, '-6 days', 'weekday 1')"
    raise ValueError(f"no period {bucket!r}")


def span(key: str, bucket: str) -> tuple[dt.date, dt.date]:
    """[first day, day after the last) of the period `key`."""
    if bucket in ("day", "week"):
        first = dt.date.fromisoformat(key)
        return first, first + dt.timedelta(days=1 if bucket == "day" else 7)
    year = int(key[:4])
    if bucket == "year":
        return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    month = int(key[5:7]) if bucket == "month" else 3 * int(key[-1]) - 2
    first = dt.date(year, month, 1)
    months = 1 if bucket == "month" else 3
    index = month - 1 + months
    return first, dt.date(year + index // 12, index % 12 + 1, 1)


def key_of(day: dt.date, bucket: str) -> str:
    """The key of the `bucket` holding `day` (as period_sql gives it)."""
    if bucket == "day":
        return day.isoformat()
    if bucket == "week":
        return (day - dt.timedelta(days=day.weekday())).isoformat()
    if bucket == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if bucket == "quarter":
        return f"{day.year:04d}-Q{(day.month + 2) // 3}"
    return f"{day.year:04d}"


def between(first: str, last: str, bucket: str) -> list[str]:
    """Every period key from `first` to `last`, both included."""
    keys = []
    key = first
    while key <= last:
        keys.append(key)
        key = key_of(span(key, bucket)[1], bucket)
    return keys


def query_value(key: str, bucket: str) -> str:
    """The period as the filter language names it (2026-11, 2026-q4 ...)."""
    if bucket == "week":
        year, week, _ = dt.date.fromisoformat(key).isocalendar()
        return f"{year:04d}-w{week:02d}"
    return key.lower()


def label(key: str, bucket: str) -> str:
    """The period as a person reads it: 30 Nov 2026, w/c 30 Nov 2026,
    Nov 2026, Q4 2026, 2026."""
    if bucket in ("day", "week"):
        day = dt.date.fromisoformat(key)
        shown = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        return shown if bucket == "day" else f"w/c {shown}"
    if bucket == "month":
        return f"{_MONTHS[int(key[5:7]) - 1]} {key[:4]}"
    if bucket == "quarter":
        return f"Q{key[-1]} {key[:4]}"
    return key
