"""Reports: grouped counts, sums, averages, minima and maxima checked
against totals worked out independently in Python on generated records
(nulls, empty groups, times on the edge of a period in the person's zone),
access applied, currencies kept apart, and every row's drill-down finding
exactly the records it counted."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.db import database, write
from crm_tui.errors import ValidationError
from crm_tui.models import Opportunity
from crm_tui.services import records, roles, session, users
from crm_tui.services.reporting import buckets, engine
from crm_tui.services.reporting.spec import BUCKETS, Grouping, Measure, Spec

ZONES = ("UTC", "Asia/Tehran", "America/New_York", "Australia/Lord_Howe")
STAGES = ("qualify", "develop", "propose", "close")
MEASURES = (
    Measure(),
    Measure("sum", "estimated_revenue"),
    Measure("avg", "estimated_revenue"),
    Measure("min", "estimated_revenue"),
    Measure("max", "estimated_revenue"),
)
# Around the edges of periods: new year, a quarter's end, a summer-time change.
EDGES = [
    dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 31, 19, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 8, 6, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 1, 5, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 6, 28, 22, 0, tzinfo=dt.UTC),
]

record = st.fixed_dictionaries(
    {
        "stage": st.sampled_from(STAGES),
        "owner": st.integers(0, 2),
        "revenue": st.one_of(st.none(), st.integers(0, 10**11)),
        "created": st.builds(
            lambda edge, minutes: edge + dt.timedelta(minutes=minutes),
            st.sampled_from(EDGES),
            st.integers(-300, 300),
        ),
        "close": st.one_of(st.none(), st.dates(dt.date(2025, 12, 25), dt.date(2026, 4, 5))),
    }
)
grouping = st.sampled_from(
    [
        Grouping("stage"),
        Grouping("owner"),
        Grouping("estimated_close_date", "week"),
        Grouping("estimated_close_date", "quarter"),
        *(Grouping("created_at", b) for b in BUCKETS),
    ]
)


@pytest.fixture
def owners(db):
    users.add("rana", "Rana Sales", "sales")
    users.add("omid", "Omid Sales", "sales")
    return [session.current_user().id, users.get("rana").id, users.get("omid").id]


def insert(rows: list[dict], owners: list[int]) -> None:
    with write():
        database.execute_sql("DELETE FROM opportunity")
        for n, row in enumerate(rows):
            values = records.new_stamps(owners[row["owner"]], at=row["created"])
            values.update(
                name=f"Deal {n}",
                name_sort=f"deal {n}",
                stage=row["stage"],
                estimated_revenue=row["revenue"],
                estimated_close_date=row["close"],
            )
            records.insert_row(Opportunity, values)


def key_of(row: dict, grouping: Grouping, zone, owners) -> object:
    if grouping.attribute == "stage":
        return row["stage"]
    if grouping.attribute == "owner":
        return owners[row["owner"]]
    if grouping.attribute == "created_at":
        return buckets.key_of(row["created"].astimezone(zone).date(), grouping.bucket)
    day = row["close"]
    return None if day is None else buckets.key_of(day, grouping.bucket)


def expected(rows, measure: Measure):
    if measure.function == "count":
        return len(rows)
    present = [r["revenue"] for r in rows if r["revenue"] is not None]
    if measure.function == "sum":
        return Decimal(sum(present)).scaleb(-2)
    if not present:
        return None
    if measure.function == "avg":
        mean = Decimal(sum(present)) / Decimal(len(present)) / 100
        return mean.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Decimal(min(present) if measure.function == "min" else max(present)).scaleb(-2)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(record, max_size=25),
    groups=st.lists(grouping, max_size=2, unique_by=lambda g: g.attribute),
    zone_name=st.sampled_from(ZONES),
)
def test_groups_and_totals_match_an_independent_count(owners, rows, groups, zone_name):
    insert(rows, owners)
    zone = ZoneInfo(zone_name)
    spec = Spec("opportunity", groups=tuple(groups), measures=MEASURES, fill=False)
    result = engine.run(spec, zone=zone)
    mine: dict[tuple, list] = defaultdict(list)
    for row in rows:
        mine[tuple(key_of(row, g, zone, owners) for g in groups)].append(row)
    got = {row.keys: row for row in result.rows}
    assert set(got) == (set(mine) if groups else set())  # no groups: the totals alone
    for keys, members in mine.items() if groups else ():
        assert got[keys].count == len(members)
        assert list(got[keys].values) == [expected(members, m) for m in MEASURES]
    (total,) = result.totals
    assert list(total.values) == [expected(rows, m) for m in MEASURES]
    if len(groups) == 2:
        for (first, _), subtotal in result.subtotals.items():
            members = [r for r in rows if key_of(r, groups[0], zone, owners) == first]
            assert list(subtotal.values) == [expected(members, m) for m in MEASURES]


def test_no_records_give_empty_groups_zero_sums_and_no_average(owners):
    spec = Spec("opportunity", groups=(Grouping("stage"),), measures=MEASURES)
    result = engine.run(spec)
    assert result.rows == []
    assert list(result.totals[0].values) == [0, Decimal("0.00"), None, None, None]


def test_a_time_belongs_to_the_persons_day_on_the_edge_of_a_quarter(owners):
    tehran = ZoneInfo("Asia/Tehran")  # +03:30
    last = dt.datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=tehran)
    first = dt.datetime(2026, 4, 1, 0, 0, tzinfo=tehran)
    rows = [
        {"stage": "qualify", "owner": 0, "revenue": 100, "created": when, "close": None}
        for when in (last, first)
    ]
    insert(rows, owners)
    spec = Spec("opportunity", groups=(Grouping("created_at", "quarter"),))
    result = engine.run(spec, zone=tehran)
    assert [(r.keys, r.labels, r.count) for r in result.rows] == [
        (("2026-Q1",), ("Q1 2026",), 1),
        (("2026-Q2",), ("Q2 2026",), 1),
    ]
    assert [r.keys[0] for r in engine.run(spec, zone=ZoneInfo("UTC")).rows] == ["2026-Q1"]


def test_periods_without_records_are_filled_with_zero(owners):
    rows = [
        {"stage": "close", "owner": 0, "revenue": 500, "created": EDGES[0], "close": day}
        for day in (dt.date(2026, 1, 5), dt.date(2026, 4, 2))
    ]
    insert(rows, owners)
    spec = Spec(
        "opportunity",
        groups=(Grouping("estimated_close_date", "month"),),
        measures=(Measure(), Measure("sum", "estimated_revenue")),
    )
    result = engine.run(spec)
    assert [(r.labels[0], r.values) for r in result.rows] == [
        ("Jan 2026", (1, Decimal("5.00"))),
        ("Feb 2026", (0, Decimal("0.00"))),
        ("Mar 2026", (0, Decimal("0.00"))),
        ("Apr 2026", (1, Decimal("5.00"))),
    ]


def test_every_row_drills_to_exactly_the_records_it_counted(owners, configure):
    configure(time_zone="America/New_York")
    rows = [
        {"stage": STAGES[n % 4], "owner": n % 3, "revenue": n * 1000 or None,
         "created": EDGES[n % len(EDGES)] + dt.timedelta(minutes=7 * n),
         "close": None if n % 5 == 0 else dt.date(2026, 1 + n % 4, 1 + n % 27)}
        for n in range(40)
    ]  # fmt: skip
    insert(rows, owners)
    for groups, top in [
        ((Grouping("stage"), Grouping("owner")), 0),
        ((Grouping("estimated_close_date", "month"), Grouping("stage")), 0),
        ((Grouping("created_at", "week"),), 0),
        ((Grouping("owner"), Grouping("estimated_close_date", "quarter")), 1),
    ]:
        spec = Spec("opportunity", query="-stage:close", groups=groups, top=top, order="value")
        result = engine.run(spec)
        assert result.rows
        for row in result.rows:
            drilled = Spec("opportunity", query=result.drill(row))
            table, where, params = engine.source_sql(drilled)
            found = database.execute_sql(f"SELECT count(*) FROM {table} WHERE {where}", params)
            assert found.fetchone()[0] == row.count, (result.drill(row), row.labels)
        for subtotal in result.subtotals.values():
            drilled = Spec("opportunity", query=result.drill(subtotal))
            table, where, params = engine.source_sql(drilled)
            found = database.execute_sql(f"SELECT count(*) FROM {table} WHERE {where}", params)
            assert found.fetchone()[0] == subtotal.count


def test_a_report_never_counts_what_the_person_may_not_read(owners):
    rows = [
        {"stage": "develop", "owner": n % 3, "revenue": 100, "created": EDGES[0], "close": None}
        for n in range(9)
    ]
    insert(rows, owners)
    roles.set_depth("sales", "opportunity", "read", "own")
    session.sign_in("rana")
    result = engine.run(
        Spec("opportunity", measures=(Measure(), Measure("sum", "estimated_revenue")))
    )
    assert list(result.totals[0].values) == [3, Decimal("3.00")]
    by_owner = engine.run(Spec("opportunity", groups=(Grouping("owner"),)))
    assert [r.labels[0] for r in by_owner.rows] == ["Rana Sales"]


def test_amounts_in_different_currencies_are_never_added(owners):
    from crm_tui.models import Quote
    from crm_tui.services.customers import accounts

    account = accounts.create({"name": "Contoso"}).id
    with write():
        for n, (currency, total) in enumerate([("USD", 1000), ("EUR", 250), ("USD", 5)]):
            values = records.new_stamps(owners[0])
            values.update(number=f"QUO-{n}", name=f"Q{n}", name_sort=f"q{n}", currency=currency,
                          account=account, total_amount=total, subtotal=total)  # fmt: skip
            records.insert_row(Quote, values)
    result = engine.run(
        Spec("quote", groups=(Grouping("state"),), measures=(Measure("sum", "total_amount"),))
    )
    assert {(t.currency, t.values[0], t.count) for t in result.totals} == {
        ("EUR", Decimal("2.50"), 1),
        ("USD", Decimal("10.05"), 2),
    }
    assert all("currency:" in result.drill(row) for row in result.rows)


def test_a_spec_that_cannot_be_run_names_each_fault(db):
    bad = Spec(
        "opportunity",
        query="stge:close",
        groups=(Grouping("description"), Grouping("created_at", "fortnight")),
        measures=(Measure("median", "estimated_revenue"), Measure("sum", "name")),
    )
    with pytest.raises(ValidationError) as caught:
        engine.run(bad)
    errors = caught.value.errors
    assert set(errors) == {"query", "group1", "group2", "measure1", "measure2"}
    assert "Topic is not a number" in errors["measure2"]
    assert Spec.from_json(Spec("case", groups=(Grouping("priority"),)).to_json()) == Spec(
        "case", groups=(Grouping("priority"),)
    )


def test_derived_values_group_and_drill_like_stored_ones(db):
    from crm_tui.services.customers import accounts
    from crm_tui.services.support import cases

    account = accounts.create({"name": "Contoso"}).id
    made = [cases.create({"title": f"Case {n}", "account_id": account, "priority": p})
            for n, p in enumerate(["high", "normal", "low", "normal"])]  # fmt: skip
    with write():
        # one overdue, one resolved late, one resolved in time
        database.execute_sql(
            "UPDATE \"case\" SET next_breach_at = '2020-01-01T00:00:00.000000' WHERE id = ?",
            [made[0].id],
        )
        for case, by in ((made[1], "2020-01-01"), (made[2], "2999-01-01")):
            database.execute_sql(
                "UPDATE \"case\" SET state = 'resolved', status_reason = 'problem_solved', "
                "resolved_at = created_at, resolve_by = ? WHERE id = ?",
                [f"{by}T00:00:00.000000", case.id],
            )
    result = engine.run(
        Spec("case", groups=(Grouping("sla"),),
             measures=(Measure(), Measure("max", "hours_to_resolve")))
    )  # fmt: skip
    assert {r.labels[0]: r.values for r in result.rows} == {
        "Breached": (1, None),
        "Missed": (1, 0),
        "Met": (1, 0),
        "In time": (1, None),
    }
    for row in result.rows:
        table, where, params = engine.source_sql(Spec("case", query=result.drill(row)))
        found = database.execute_sql(f"SELECT count(*) FROM {table} WHERE {where}", params)
        assert found.fetchone()[0] == row.count
    with pytest.raises(ValidationError, match="no list sorts by it"):
        engine.run(Spec("case", query="sort:sla"))
