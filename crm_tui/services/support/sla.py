"""SLA clocks on a business calendar: working-time arithmetic and case clock states.

Working time is the configured business hours on business days that are not
holidays, read in the configured zone. Each working day's opening and closing
are turned into UTC instants, so a DST change in the zone is exact: a
09:00-17:00 day is 480 real minutes whichever offset the day has.
All datetimes in and out are aware UTC; pure functions, apart from
`calendar()` and `targets()`, which read the session's settings.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from crm_tui.config import parse_clock
from crm_tui.services import session
from crm_tui.services.dates import local_zone

# A calendar whose business days are all holidays would never open; give up
# after this many days instead of looping for ever.
_MAX_DAYS = 366 * 20
_MINUTE = dt.timedelta(minutes=1)
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """When the SLA clock runs: ISO weekdays, local opening/closing, closed dates."""

    days: frozenset[int]
    start: dt.time
    end: dt.time
    holidays: frozenset[dt.date]
    zone: dt.tzinfo


@dataclass(frozen=True)
class Clock:
    """One SLA target of a case as the queue and the case header show it."""

    target: str  # first_response · resolve
    due: dt.datetime | None
    state: str  # in_time · nearing · breached · succeeded · paused
    remaining_minutes: int  # working minutes left; negative when breached


def calendar() -> Calendar:
    """The business calendar from the session's settings."""
    settings = session.settings()
    start, end = (parse_clock(h) for h in settings.business_hours)
    return Calendar(
        days=frozenset(settings.business_days),
        start=start,
        end=end,
        holidays=frozenset(dt.date.fromisoformat(d) for d in settings.holidays),
        zone=local_zone(settings.time_zone),
    )


def targets(priority: str) -> tuple[int, int]:
    """(first response, resolve) targets in working minutes for a case priority."""
    sla = session.settings().sla
    entry = sla.get(priority) or sla["normal"]
    return entry["first_response_minutes"], entry["resolve_minutes"]


def _utc(value: dt.datetime | str | None) -> dt.datetime | None:
    # Rows read with plain SQL carry the database's ISO text, models carry datetimes.
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


@functools.lru_cache(maxsize=8192)
def _period(day: dt.date, cal: Calendar) -> tuple[dt.datetime, dt.datetime] | None:
    """A day's (UTC open, UTC close), or None when it is closed. Cached because the
    queue recomputes every visible clock every few seconds over the same days."""
    if day.isoweekday() not in cal.days or day in cal.holidays:
        return None
    opens = dt.datetime.combine(day, cal.start, tzinfo=cal.zone).astimezone(dt.UTC)
    closes = dt.datetime.combine(day, cal.end, tzinfo=cal.zone).astimezone(dt.UTC)
    return opens, closes


def _periods(after: dt.datetime, cal: Calendar) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working periods (UTC open, UTC close) that end after `after`, in order."""
    if not cal.days:
        raise ValueError("the business calendar has no working days")
    # Start a day early: `after` in UTC can be the previous local day's hours.
    day = after.astimezone(cal.zone).date() - dt.timedelta(days=1)
    empty = 0
    while True:
        period = _period(day, cal)
        if period is not None:
            empty = 0
            if period[1] > after:
                yield period
        else:
            empty += 1
            if empty > _MAX_DAYS:
                raise ValueError("the business calendar has no working day in twenty years")
        day += _DAY


def add_working_minutes(start: dt.datetime, minutes: int, cal: Calendar) -> dt.datetime:
    """The instant `minutes` working minutes after `start`.

    A start outside working time begins at the next opening; a result that uses
    up a day exactly is that day's closing (not the next opening).
    """
    start = _utc(start)
    left = dt.timedelta(minutes=max(0, minutes))
    for opens, closes in _periods(start, cal):
        begin = max(start, opens)
        if left <= closes - begin:
            return begin + left
        left -= closes - begin
    raise AssertionError("unreachable")


# Per calendar: (first day's ordinal, cumulative working seconds before each
# day from it). A case breached months ago is redrawn every few seconds; its
# span is summed in two lookups instead of a walk over every day.
_prefix: dict[Calendar, tuple[int, list[int]]] = {}


def _full_days_seconds(first: dt.date, stop: dt.date, cal: Calendar) -> int:
    """Working seconds of the whole days first .. stop - 1."""
    lo, hi = first.toordinal(), stop.toordinal()
    base, cumulative = _prefix.get(cal, (lo, []))
    if not cumulative or lo < base or hi > base + len(cumulative) - 1:
        base = min(lo, base) - 31
        last = max(hi, base + len(cumulative) - 1) + 366
        cumulative, running = [0], 0
        for ordinal in range(base, last):
            period = _period(dt.date.fromordinal(ordinal), cal)
            running += int((period[1] - period[0]).total_seconds()) if period else 0
            cumulative.append(running)
        _prefix[cal] = (base, cumulative)
    return cumulative[hi - base] - cumulative[lo - base]


def _clipped(day: dt.date, a: dt.datetime, b: dt.datetime, cal: Calendar) -> dt.timedelta:
    period = _period(day, cal)
    if period is None:
        return dt.timedelta()
    return max(dt.timedelta(), min(period[1], b) - max(period[0], a))


def working_minutes_between(a: dt.datetime, b: dt.datetime, cal: Calendar) -> int:
    """Whole working minutes (floored) from `a` to `b`; 0 when b <= a."""
    a, b = _utc(a), _utc(b)
    if b <= a:
        return 0
    first, last = a.astimezone(cal.zone).date(), b.astimezone(cal.zone).date()
    if (last - first).days > 3:
        # a day's working period lies inside its local day: the end days are
        # clipped to [a, b], the days between count whole
        total = _clipped(first, a, b, cal) + _clipped(last, a, b, cal)
        total += dt.timedelta(seconds=_full_days_seconds(first + _DAY, last, cal))
        return total // _MINUTE
    total = dt.timedelta()
    for opens, closes in _periods(a, cal):
        if opens >= b:
            break
        total += min(closes, b) - max(opens, a)
    return total // _MINUTE


def due(
    created_at: dt.datetime, target_minutes: int, paused_minutes: int, cal: Calendar
) -> dt.datetime:
    """When a target falls due: its working minutes plus the paused ones after creation."""
    return add_working_minutes(created_at, target_minutes + (paused_minutes or 0), cal)


def pause_minutes(paused_since: dt.datetime, now: dt.datetime, cal: Calendar) -> int:
    """Working minutes of a pause that is ending now (added to the case's paused_minutes)."""
    return working_minutes_between(paused_since, now, cal)


def _get(case, name: str):
    if isinstance(case, dict):
        return case.get(name)
    return getattr(case, name, None)


def _open_target(case) -> str:
    return "first_response" if _get(case, "first_responded_at") is None else "resolve"


def next_breach(case) -> dt.datetime | None:
    """Due time of the open target (what the queue sorts by); None when the case
    is resolved, canceled or its clock is paused."""
    if (_get(case, "state") or "active") != "active" or _get(case, "paused_since"):
        return None
    if _open_target(case) == "first_response":
        return _utc(_get(case, "first_response_by"))
    return _utc(_get(case, "resolve_by"))


def _signed(now: dt.datetime, when: dt.datetime, cal: Calendar) -> int:
    """Working minutes from `now` to `when`, negative once `when` has passed."""
    if now <= when:
        return working_minutes_between(now, when, cal)
    return -working_minutes_between(when, now, cal)


def clock(case, now: dt.datetime, cal: Calendar | None = None) -> Clock:
    """The SLA clock of a case row (model or dict) at `now`.

    The first-response target runs until it is met, then the resolve target.
    A met target is succeeded when it was met by its due time, else breached.
    While paused_since is set the clock is paused and its remaining time is
    frozen at the pause (negative if it was already overdue). A running
    target is nearing once sla_nearing_percent of its working time is used.
    A canceled case stops at its resolved_at, else at `now`.
    """
    cal = cal or calendar()
    now = _utc(now)
    state = _get(case, "state") or "active"
    first_target, resolve_target = targets(_get(case, "priority") or "normal")
    created = _utc(_get(case, "created_at"))
    paused = _get(case, "paused_minutes") or 0
    resolved = _utc(_get(case, "resolved_at"))
    target = _open_target(case) if state == "active" else "resolve"
    if target == "first_response":
        when, total = _utc(_get(case, "first_response_by")), first_target
    else:
        when, total = _utc(_get(case, "resolve_by")), resolve_target
    if when is None and created is not None:
        # A case saved without stored targets still gets a clock.
        when = due(created, total, paused, cal)
    if when is None:
        return Clock(target, None, "in_time", total)
    if state != "active":
        stopped = resolved or now
        left = _signed(stopped, when, cal)
        met = stopped <= when
        return Clock(target, when, "succeeded" if met else "breached", left)
    since = _utc(_get(case, "paused_since"))
    if since is not None:
        return Clock(target, when, "paused", _signed(since, when, cal))
    left = _signed(now, when, cal)
    if now >= when:
        return Clock(target, when, "breached", left)
    used = total - left
    nearing = used * 100 >= total * session.settings().sla_nearing_percent
    return Clock(target, when, "nearing" if nearing else "in_time", left)
