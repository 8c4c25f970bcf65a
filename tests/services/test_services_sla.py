"""SLA clock arithmetic on a business calendar: exact examples and properties."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crm_tui import config
from crm_tui.services import session
from crm_tui.services.support import sla

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
TEHRAN = ZoneInfo("Asia/Tehran")


def cal(zone=UTC, days=(1, 2, 3, 4, 5), start="09:00", end="17:00", holidays=()):
    return sla.Calendar(
        days=frozenset(days),
        start=config.parse_clock(start),
        end=config.parse_clock(end),
        holidays=frozenset(dt.date.fromisoformat(d) for d in holidays),
        zone=zone,
    )


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(text: str, zone=LONDON) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


@pytest.fixture(autouse=True)
def _default_settings():
    session.configure(config.Settings())
    yield
    session.configure(config.Settings())


# 2026-11-23 is a Monday.
MON = "2026-11-23"


class TestAddWorkingMinutes:
    def test_within_one_day(self):
        assert sla.add_working_minutes(utc(f"{MON}T10:00"), 60, cal()) == utc(f"{MON}T11:00")

    def test_uses_a_day_exactly_ends_at_closing(self):
        assert sla.add_working_minutes(utc(f"{MON}T09:00"), 480, cal()) == utc(f"{MON}T17:00")

    def test_across_a_night(self):
        # 16:00 + 120 min: 60 today, 60 tomorrow from 09:00.
        assert sla.add_working_minutes(utc(f"{MON}T16:00"), 120, cal()) == utc("2026-11-24T10:00")

    def test_across_a_weekend(self):
        friday = utc("2026-11-27T16:30")
        assert sla.add_working_minutes(friday, 60, cal()) == utc("2026-11-30T09:30")

    def test_start_before_opening(self):
        assert sla.add_working_minutes(utc(f"{MON}T06:12"), 30, cal()) == utc(f"{MON}T09:30")

    def test_start_after_closing(self):
        assert sla.add_working_minutes(utc(f"{MON}T18:00"), 30, cal()) == utc("2026-11-24T09:30")

    def test_start_on_a_saturday(self):
        assert sla.add_working_minutes(utc("2026-11-28T11:00"), 1, cal()) == utc("2026-11-30T09:01")

    def test_zero_minutes_outside_hours_is_the_next_opening(self):
        assert sla.add_working_minutes(utc("2026-11-28T11:00"), 0, cal()) == utc("2026-11-30T09:00")

    def test_holiday_is_skipped(self):
        calendar = cal(holidays=["2026-11-24", "2026-11-25"])
        assert sla.add_working_minutes(utc(f"{MON}T16:00"), 120, calendar) == utc(
            "2026-11-26T10:00"
        )

    def test_christmas_and_a_weekend(self):
        calendar = cal(holidays=["2026-12-25", "2026-12-28"])  # Friday and Monday
        start = utc("2026-12-24T15:00")  # Thursday
        assert sla.add_working_minutes(start, 180, calendar) == utc("2026-12-29T10:00")

    def test_several_days(self):
        # Low priority resolve: 2880 working minutes = six 8-hour days, Monday to Monday.
        assert sla.add_working_minutes(utc(f"{MON}T09:00"), 2880, cal()) == utc("2026-11-30T17:00")

    def test_seconds_are_kept(self):
        start = utc(f"{MON}T10:00:30")
        assert sla.add_working_minutes(start, 1, cal()) == utc(f"{MON}T10:01:30")

    def test_local_zone_hours(self):
        # Tehran is UTC+3:30: 09:00-17:00 local is 05:30-13:30 UTC.
        assert sla.add_working_minutes(utc(f"{MON}T04:00"), 10, cal(TEHRAN)) == utc(f"{MON}T05:40")
        assert sla.add_working_minutes(utc(f"{MON}T13:00"), 60, cal(TEHRAN)) == utc(
            "2026-11-24T06:00"
        )

    def test_local_day_differs_from_utc_day(self):
        # Late on Sunday in UTC is already Monday morning in Tokyo (UTC+9).
        tokyo = ZoneInfo("Asia/Tokyo")
        start = utc("2026-11-22T23:30")  # Monday 08:30 in Tokyo
        assert sla.add_working_minutes(start, 30, cal(tokyo)) == utc(f"{MON}T00:30")

    def test_dst_spring_forward_london(self):
        # Clocks go forward on Sunday 29 March 2026; Friday 09:00-17:00 is GMT (UTC),
        # Monday's is BST (UTC+1). 16:00 Friday + 120 min = 10:00 BST Monday.
        start = local("2026-03-27T16:00")
        got = sla.add_working_minutes(start, 120, cal(LONDON))
        assert got == local("2026-03-30T10:00") == utc("2026-03-30T09:00")

    def test_dst_fall_back_london(self):
        # Clocks go back on Sunday 25 October 2026.
        start = local("2026-10-23T16:00")
        got = sla.add_working_minutes(start, 120, cal(LONDON))
        assert got == local("2026-10-26T10:00") == utc("2026-10-26T10:00")

    def test_dst_inside_a_24_hour_day(self):
        # Hours 00:00-23:59 on the spring Sunday: the day has 23h59m local but only
        # 22h59m of real time, and working minutes are real minutes.
        calendar = cal(LONDON, days=range(1, 8), start="00:00", end="23:59")
        start = local("2026-03-29T00:00")
        assert sla.working_minutes_between(start, local("2026-03-29T23:59"), calendar) == (
            22 * 60 + 59
        )
        assert sla.add_working_minutes(start, 120, calendar) == local("2026-03-29T03:00")


class TestWorkingMinutesBetween:
    def test_same_day(self):
        assert sla.working_minutes_between(utc(f"{MON}T10:00"), utc(f"{MON}T12:30"), cal()) == 150

    def test_reversed_or_equal_is_zero(self):
        a = utc(f"{MON}T10:00")
        assert sla.working_minutes_between(a, a, cal()) == 0
        assert sla.working_minutes_between(a, a - dt.timedelta(hours=3), cal()) == 0

    def test_over_a_weekend(self):
        a, b = utc("2026-11-27T16:00"), utc("2026-11-30T10:00")
        assert sla.working_minutes_between(a, b, cal()) == 120

    def test_outside_hours_only(self):
        a, b = utc("2026-11-28T00:00"), utc("2026-11-29T23:59")
        assert sla.working_minutes_between(a, b, cal()) == 0

    def test_floor(self):
        a, b = utc(f"{MON}T10:00"), utc(f"{MON}T10:01:59")
        assert sla.working_minutes_between(a, b, cal()) == 1

    def test_week_with_a_holiday(self):
        a, b = utc(f"{MON}T00:00"), utc("2026-11-30T00:00")
        assert sla.working_minutes_between(a, b, cal()) == 5 * 480
        assert sla.working_minutes_between(a, b, cal(holidays=["2026-11-26"])) == 4 * 480

    def test_dst_week(self):
        a, b = local("2026-03-23T00:00"), local("2026-04-06T00:00")
        assert sla.working_minutes_between(a, b, cal(LONDON)) == 10 * 480


# --- properties ---------------------------------------------------------------

ZONES = [UTC, LONDON, TEHRAN, ZoneInfo("America/New_York"), ZoneInfo("Australia/Sydney")]

calendars = st.builds(
    lambda zone, days, hours, holidays: cal(
        zone,
        days=days,
        start=f"{hours[0] // 60:02d}:{hours[0] % 60:02d}",
        end=f"{hours[1] // 60:02d}:{hours[1] % 60:02d}",
        holidays=[d.isoformat() for d in holidays],
    ),
    st.sampled_from(ZONES),
    st.sets(st.integers(1, 7), min_size=1),
    st.tuples(st.integers(0, 1438), st.integers(1, 1439))
    .map(sorted)
    .filter(lambda pair: pair[0] < pair[1]),
    st.sets(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), max_size=20),
)
instants = st.datetimes(
    dt.datetime(2025, 12, 1), dt.datetime(2026, 12, 31), timezones=st.just(UTC)
).map(lambda value: value.replace(microsecond=0))
minutes = st.integers(0, 6000)


def in_working_time(when: dt.datetime, calendar: sla.Calendar, *, closing_ok: bool) -> bool:
    day = when.astimezone(calendar.zone).date()
    for candidate in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
        if candidate.isoweekday() not in calendar.days or candidate in calendar.holidays:
            continue
        opens = dt.datetime.combine(candidate, calendar.start, tzinfo=calendar.zone)
        closes = dt.datetime.combine(candidate, calendar.end, tzinfo=calendar.zone)
        opens, closes = opens.astimezone(UTC), closes.astimezone(UTC)
        if opens <= when < closes or (closing_ok and when == closes):
            return True
    return False


@settings(max_examples=200, deadline=None)
@given(calendars, instants, minutes)
def test_between_inverts_add(calendar, start, m):
    end = sla.add_working_minutes(start, m, calendar)
    assert end >= start
    assert sla.working_minutes_between(start, end, calendar) == m


@settings(max_examples=200, deadline=None)
@given(calendars, instants, minutes, st.integers(1, 600))
def test_monotonic_in_minutes(calendar, start, m, extra):
    assert sla.add_working_minutes(start, m, calendar) < sla.add_working_minutes(
        start, m + extra, calendar
    )


@settings(max_examples=200, deadline=None)
@given(calendars, instants, minutes)
def test_result_is_in_working_time(calendar, start, m):
    end = sla.add_working_minutes(start, m, calendar)
    assert in_working_time(end, calendar, closing_ok=m > 0)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, minutes, minutes)
def test_adding_in_two_steps(calendar, start, m1, m2):
    middle = sla.add_working_minutes(start, m1, calendar)
    # From a closing, the second step starts at the next opening, which is the same
    # working instant; the property holds whenever the middle is inside hours.
    assume(in_working_time(middle, calendar, closing_ok=False))
    assert sla.add_working_minutes(middle, m2, calendar) == sla.add_working_minutes(
        start, m1 + m2, calendar
    )


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants, instants)
def test_between_is_additive(calendar, a, b, c):
    a, b, c = sorted([a, b, c])
    whole = sla.working_minutes_between(a, c, calendar)
    parts = sla.working_minutes_between(a, b, calendar) + sla.working_minutes_between(
        b, c, calendar
    )
    # Each part is floored separately, so the sum can be one short.
    assert whole - 1 <= parts <= whole


# --- targets, due, pauses -----------------------------------------------------


def test_targets_from_settings():
    assert sla.targets("high") == (60, 480)
    assert sla.targets("normal") == (240, 1440)
    assert sla.targets("low") == (480, 2880)
    # validate() (which load() runs) fills in what the config leaves out.
    s = config.Settings(sla={"high": {"first_response_minutes": 15}})
    s.validate()
    session.configure(s)
    assert sla.targets("high") == (15, 480)
    assert sla.targets("low") == (480, 2880)


def test_calendar_from_settings():
    s = config.Settings(
        time_zone="Europe/London",
        business_days=[1, 2, 3, 4],
        business_hours=["08:30", "16:00"],
        holidays=["2026-12-25"],
    )
    s.validate()
    session.configure(s)
    calendar = sla.calendar()
    assert calendar.days == frozenset({1, 2, 3, 4})
    assert (calendar.start, calendar.end) == (dt.time(8, 30), dt.time(16, 0))
    assert calendar.holidays == frozenset({dt.date(2026, 12, 25)})
    assert calendar.zone == LONDON


def test_due_adds_paused_minutes():
    created = utc(f"{MON}T16:00")
    assert sla.due(created, 60, 0, cal()) == utc(f"{MON}T17:00")
    assert sla.due(created, 60, 30, cal()) == utc("2026-11-24T09:30")


def test_pause_minutes_counts_only_working_time():
    assert sla.pause_minutes(utc("2026-11-27T16:00"), utc("2026-11-30T09:45"), cal()) == 105


# --- clocks -------------------------------------------------------------------


def case(**kw) -> dict:
    created = utc(f"{MON}T09:00")
    row = {
        "state": "active",
        "priority": "high",
        "created_at": created,
        "first_response_by": sla.due(created, 60, 0, cal()),  # 10:00
        "resolve_by": sla.due(created, 480, 0, cal()),  # 17:00
        "first_responded_at": None,
        "resolved_at": None,
        "paused_since": None,
        "paused_minutes": 0,
    }
    row.update(kw)
    return row


def test_clock_in_time():
    c = sla.clock(case(), utc(f"{MON}T09:30"), cal())
    assert c == sla.Clock("first_response", utc(f"{MON}T10:00"), "in_time", 30)


def test_clock_nearing_at_the_configured_share():
    # 75% of 60 minutes used at 09:45.
    assert sla.clock(case(), utc(f"{MON}T09:44"), cal()).state == "in_time"
    c = sla.clock(case(), utc(f"{MON}T09:45"), cal())
    assert (c.state, c.remaining_minutes) == ("nearing", 15)
    s = config.Settings(sla_nearing_percent=50)
    session.configure(s)
    assert sla.clock(case(), utc(f"{MON}T09:30"), cal()).state == "nearing"


def test_clock_breached_counts_negative_working_minutes():
    c = sla.clock(case(), utc(f"{MON}T10:20"), cal())
    assert (c.target, c.state, c.remaining_minutes) == ("first_response", "breached", -20)
    # Overnight does not count against it.
    c = sla.clock(case(), utc("2026-11-24T09:10"), cal())
    assert c.remaining_minutes == -(7 * 60 + 10)


def test_clock_first_response_then_resolve():
    row = case(first_responded_at=utc(f"{MON}T09:20"))
    c = sla.clock(row, utc(f"{MON}T11:00"), cal())
    assert c == sla.Clock("resolve", utc(f"{MON}T17:00"), "in_time", 360)
    c = sla.clock(row, utc(f"{MON}T16:00"), cal())
    assert (c.target, c.state) == ("resolve", "nearing")


def test_clock_succeeded_when_resolved_in_time():
    row = case(
        state="resolved",
        first_responded_at=utc(f"{MON}T09:20"),
        resolved_at=utc(f"{MON}T15:00"),
    )
    c = sla.clock(row, utc("2026-12-10T12:00"), cal())
    assert (c.target, c.state, c.remaining_minutes) == ("resolve", "succeeded", 120)


def test_clock_breached_when_resolved_late():
    row = case(state="resolved", resolved_at=utc("2026-11-24T10:00"))
    c = sla.clock(row, utc("2026-12-10T12:00"), cal())
    assert (c.state, c.remaining_minutes) == ("breached", -60)


def test_clock_paused_freezes_remaining():
    row = case(paused_since=utc(f"{MON}T09:40"))
    for now in (utc(f"{MON}T09:50"), utc("2026-11-30T12:00")):
        c = sla.clock(row, now, cal())
        assert (c.state, c.remaining_minutes) == ("paused", 20)


def test_pause_then_resume_moves_due():
    # Paused 09:40-11:00 (80 working minutes); the cases service stores the new due.
    paused = sla.pause_minutes(utc(f"{MON}T09:40"), utc(f"{MON}T11:00"), cal())
    row = case(
        paused_minutes=paused,
        first_response_by=sla.due(utc(f"{MON}T09:00"), 60, paused, cal()),
    )
    c = sla.clock(row, utc(f"{MON}T11:00"), cal())
    assert (c.due, c.state, c.remaining_minutes) == (utc(f"{MON}T11:20"), "in_time", 20)


def test_clock_works_on_text_times_and_without_stored_targets():
    row = case(first_response_by=None, resolve_by=None)
    row["created_at"] = "2026-11-23T09:00:00.000000"
    c = sla.clock(row, "2026-11-23T09:10:00.000000", cal())
    assert (c.due, c.remaining_minutes) == (utc(f"{MON}T10:00"), 50)


def test_clock_reads_session_calendar_by_default():
    c = sla.clock(case(), utc(f"{MON}T09:30"))
    assert c.remaining_minutes == 30


def test_next_breach():
    assert sla.next_breach(case()) == utc(f"{MON}T10:00")
    assert sla.next_breach(case(first_responded_at=utc(f"{MON}T09:10"))) == utc(f"{MON}T17:00")
    assert sla.next_breach(case(paused_since=utc(f"{MON}T09:10"))) is None
    assert sla.next_breach(case(state="resolved")) is None
    assert sla.next_breach(case(state="canceled")) is None


def test_clock_and_next_breach_on_a_model_row():
    from crm_tui.models.service import Case

    row = Case(**{k: v for k, v in case().items() if k != "state"})
    assert row.state == "active"
    assert sla.clock(row, utc(f"{MON}T09:30"), cal()).remaining_minutes == 30
    assert sla.next_breach(row) == utc(f"{MON}T10:00")


def _walked(a: dt.datetime, b: dt.datetime, calendar: sla.Calendar) -> int:
    """The plain day-by-day walk the fast path must agree with."""
    total = dt.timedelta()
    if b <= a:
        return 0
    for opens, closes in sla._periods(a, calendar):
        if opens >= b:
            break
        total += min(closes, b) - max(opens, a)
    return total // dt.timedelta(minutes=1)


@settings(max_examples=300, deadline=None)
@given(calendars, instants, st.integers(0, 400 * 24 * 60))
def test_long_spans_summed_by_days_agree_with_the_walk(calendar, a, span):
    # a case breached months ago: its countdown sums whole days from a table
    b = a + dt.timedelta(minutes=span)
    assert sla.working_minutes_between(a, b, calendar) == _walked(a, b, calendar)
    assert sla.working_minutes_between(b, a, calendar) == 0


# --- the breach boundary: the due instant itself is breached -------------------------
# A target is breached from its due time on (now >= due), and met when it was met
# by its due time (met <= due). Each place that compares is pinned on both sides.

TICK = dt.timedelta(microseconds=1)
SECOND = dt.timedelta(seconds=1)


def test_first_response_is_breached_exactly_at_due():
    due = utc(f"{MON}T10:00")
    assert sla.next_breach(case()) == due
    at_due = sla.clock(case(), due, cal())
    assert (at_due.target, at_due.due, at_due.state, at_due.remaining_minutes) == (
        "first_response",
        due,
        "breached",
        0,
    )
    for before in (due - TICK, due - SECOND):
        c = sla.clock(case(), before, cal())
        assert (c.target, c.state, c.remaining_minutes) == ("first_response", "nearing", 0)


def test_resolve_is_breached_exactly_at_due():
    row = case(first_responded_at=utc(f"{MON}T09:20"))
    due = utc(f"{MON}T17:00")
    assert sla.next_breach(row) == due
    c = sla.clock(row, due, cal())
    assert (c.target, c.state, c.remaining_minutes) == ("resolve", "breached", 0)
    for before in (due - TICK, due - SECOND):
        c = sla.clock(row, before, cal())
        assert (c.target, c.state, c.remaining_minutes) == ("resolve", "nearing", 0)


def test_breach_boundary_after_a_pause_moved_due():
    # 30 paused working minutes push the first response from 10:00 to 10:30.
    row = case(paused_minutes=30, first_response_by=sla.due(utc(f"{MON}T09:00"), 60, 30, cal()))
    due = utc(f"{MON}T10:30")
    assert sla.next_breach(row) == due
    assert sla.clock(row, due, cal()).state == "breached"
    assert sla.clock(row, due - TICK, cal()).state == "nearing"


def test_breach_boundary_without_stored_targets():
    # due computed from created_at (no stored first_response_by): same boundary
    row = case(first_response_by=None, resolve_by=None)
    due = utc(f"{MON}T10:00")
    assert sla.clock(row, due, cal()).state == "breached"
    assert sla.clock(row, due - TICK, cal()).state == "nearing"


def test_a_paused_clock_is_never_breached_at_due():
    row = case(paused_since=utc(f"{MON}T09:40"))
    assert sla.next_breach(row) is None
    c = sla.clock(row, utc(f"{MON}T10:00"), cal())
    assert (c.state, c.remaining_minutes) == ("paused", 20)


def test_resolved_exactly_at_due_is_met_a_moment_later_is_breached():
    due = utc(f"{MON}T17:00")
    for state in ("resolved", "canceled"):
        on_time = case(state=state, first_responded_at=utc(f"{MON}T09:20"), resolved_at=due)
        c = sla.clock(on_time, due + dt.timedelta(days=3), cal())
        assert (c.target, c.state, c.remaining_minutes) == ("resolve", "succeeded", 0)
        late = case(state=state, first_responded_at=utc(f"{MON}T09:20"), resolved_at=due + TICK)
        assert sla.clock(late, due + dt.timedelta(days=3), cal()).state == "breached"


@settings(max_examples=200, deadline=None)
@given(
    created=instants,
    priority=st.sampled_from(["high", "normal", "low"]),
    responded=st.booleans(),
    offset=st.one_of(
        st.integers(-2, 2).map(lambda n: n * TICK),
        st.integers(-2, 2).map(lambda n: n * SECOND),
        st.integers(-3000, 3000).map(lambda n: n * dt.timedelta(minutes=1)),
    ),
)
def test_breached_exactly_from_the_next_breach_on(created, priority, responded, offset):
    first, resolve = sla.targets(priority)
    row = {
        "state": "active",
        "priority": priority,
        "created_at": created,
        "first_response_by": sla.due(created, first, 0, cal()),
        "resolve_by": sla.due(created, resolve, 0, cal()),
        "first_responded_at": created if responded else None,
        "paused_since": None,
        "paused_minutes": 0,
    }
    due = sla.next_breach(row)
    now = due + offset
    c = sla.clock(row, now, cal())
    assert c.due == due
    assert (c.state == "breached") == (now >= due)
    if now >= due:
        assert c.remaining_minutes <= 0
    else:
        assert c.remaining_minutes >= 0
