"""Finding a time to book a service: the next start times at which distinct
active resources meet every requirement and are working and free for the
whole duration. The candidates' bookings in the horizon are read once and
the calendar is scanned in Python."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from crm_tui.db import database
from crm_tui.errors import DomainError, ValidationError
from crm_tui.models import Resource
from crm_tui.models.base import from_db_time, to_db_time
from crm_tui.services.support.resources import clock_time, earliest, work_days, work_zone
from crm_tui.services.support.service_catalogue import (
    Requirement,
    assign,
    get_service,
    requirements_of,
)


@dataclass(frozen=True)
class Slot:
    """A time at which every requirement of a service can be met: the
    resources, in the order of the service's requirements."""

    start: dt.datetime
    end: dt.datetime
    resource_ids: tuple[int, ...]


class _Free:
    """A resource's free time in a horizon, as sorted disjoint intervals of
    epoch seconds: its working hours minus its bookings."""

    def __init__(self, resource: Resource, lo: float, hi: float, booked: list[tuple]):
        own = work_zone(resource)
        days = work_days(resource)
        begin, finish = clock_time(resource.work_start), clock_time(resource.work_end)
        day = dt.datetime.fromtimestamp(lo, own).date() - dt.timedelta(days=1)
        last = dt.datetime.fromtimestamp(hi, own).date() + dt.timedelta(days=1)
        working = []
        while day <= last:
            if day.isoweekday() in days:
                a = dt.datetime.combine(day, begin, tzinfo=own).timestamp()
                b = dt.datetime.combine(day, finish, tzinfo=own).timestamp()
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


def _candidates(requirements: list[Requirement]) -> tuple[dict[int, Resource], list[list[int]]]:
    """The active resources that could meet each requirement: (every
    candidate by id, each requirement's candidate ids); ({}, []) when some
    requirement has none."""
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
            return {}, []
        for row in rows:
            candidates[row.id] = row
        options.append([row.id for row in rows])
    return candidates, options


def _booked(candidates: dict[int, Resource], lo: float, hi: float) -> dict[int, list[tuple]]:
    """Each candidate's bookings overlapping [lo, hi) (epoch seconds), as
    (start, end) pairs: one indexed read for them all."""
    booked: dict[int, list[tuple]] = {rid: [] for rid in candidates}
    marks = ", ".join("?" * len(candidates))
    horizon_lo = dt.datetime.fromtimestamp(lo, dt.UTC)
    horizon_hi = dt.datetime.fromtimestamp(hi, dt.UTC)
    for rid, starts_at, ends_at in database.execute_sql(
        "SELECT b.resource_id, b.starts_at, b.ends_at "
        "FROM booking b "
        "JOIN activity a ON a.id = b.activity_id "
        f"WHERE b.resource_id IN ({marks}) "
        "AND b.starts_at < ? AND b.starts_at > ? AND b.ends_at > ? "
        "AND a.state != 'canceled'",
        (*candidates, to_db_time(horizon_hi), earliest(horizon_lo), to_db_time(horizon_lo)),
    ):
        booked[rid].append((from_db_time(starts_at).timestamp(), from_db_time(ends_at).timestamp()))
    return booked


def _scan(
    free: dict[int, _Free], options: list[list[int]], span: tuple, duration: float, count: int
) -> list[Slot]:
    """Up to `count` slots of `duration` seconds starting on the `step` grid
    from `lo` to `hi` (span = lo, hi, step)."""
    lo, hi, step = span
    need = len(options)
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
        chosen = assign(fitting) if len(fitting) == need else None
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
    candidates, options = _candidates(requirements)
    if not candidates:
        return []
    duration = service.duration_minutes * 60
    step = step_minutes * 60
    lo = after.timestamp()
    lo = -(-lo // step) * step  # up to the grid
    hi = lo + horizon_days * 86400
    booked = _booked(candidates, lo, hi + duration)
    free = {rid: _Free(candidates[rid], lo, hi + duration, booked[rid]) for rid in candidates}
    return _scan(free, options, (lo, hi, step), duration, count)
