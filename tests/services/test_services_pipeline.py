"""The pipeline board: exact column totals from one grouped query on the
covering indexes, cards paged by keyset with undated cards last, filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crm_tui.db import database
from crm_tui.errors import DomainError
from crm_tui.services import dates, users
from crm_tui.services.customers import accounts
from crm_tui.services.sales import opportunities, pipeline
from crm_tui.services.sales.pipeline import BoardFilter, ColumnTotals

TODAY = dt.date(2026, 5, 14)
ALL = BoardFilter(scope="all")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    return TODAY


def opp(name="Deal", *, stage="qualify", close="", revenue="", probability="", owner=None):
    """An open opportunity put straight into `stage` (the gates are tested elsewhere)."""
    data = {
        "name": name,
        "estimated_close_date": close,
        "estimated_revenue": revenue,
        "probability": probability,
    }
    if owner is not None:
        data["owner_id"] = owner
    row = opportunities.create(data)
    if stage != "qualify":
        database.execute_sql("UPDATE opportunity SET stage = ? WHERE id = ?", (stage, row.id))
    return row


class Trace:
    """Every statement the connection runs, with its bindings."""

    def __init__(self):
        self.statements: list[tuple[str, tuple]] = []

    def __enter__(self):
        def trace(cursor, sql, bindings):
            self.statements.append((sql, tuple(bindings or ())))
            return True

        database.connection().exec_trace = trace
        return self

    def __exit__(self, *exc):
        database.connection().exec_trace = None

    def plans(self, containing: str) -> list[str]:
        out = []
        for sql, bindings in self.statements:
            if containing in sql:
                rows = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", bindings).fetchall()
                out.append(" | ".join(row[3] for row in rows))
        return out


# --- totals ---------------------------------------------------------------------------


def test_empty_board_has_every_column(db):
    totals = pipeline.totals(BoardFilter())
    assert list(totals) == list(opportunities.STAGES)
    assert all(t == ColumnTotals(stage) for stage, t in totals.items())
    assert all(pipeline.cards(stage, BoardFilter()).rows == [] for stage in opportunities.STAGES)


def test_totals_count_total_and_weighted(db):
    opp("A", revenue="1,000.00", probability="10")
    opp("B", revenue="500.50", probability="20")
    opp("C", revenue="", probability="90")  # no estimate: counted, worth 0
    opp("D", stage="propose", revenue="200.00", probability="60")
    totals = pipeline.totals(BoardFilter())
    assert totals["qualify"] == ColumnTotals("qualify", 3, 150050, 10000 + 10010)
    assert totals["propose"] == ColumnTotals("propose", 1, 20000, 12000)
    assert totals["develop"] == ColumnTotals("develop", 0, 0, 0)


def test_weighted_is_rounded_once_per_column_half_up(db):
    # 1.01 at 50% is 0.505 each: per card that would round to 0.51 + 0.51 = 1.02;
    # the column holds exactly 1.01
    opp("A", revenue="1.01", probability="50")
    opp("B", revenue="1.01", probability="50")
    assert pipeline.totals(BoardFilter())["qualify"].weighted == 101
    # and a lone half cent rounds up
    opp("C", stage="develop", revenue="1.01", probability="50")
    assert pipeline.totals(BoardFilter())["develop"].weighted == 51
    opp("D", stage="close", revenue="0.01", probability="49")
    assert pipeline.totals(BoardFilter())["close"].weighted == 0


def test_totals_past_sqlite_integers_stay_exact(db):
    # 2**61 minor units at 100% is past 2**63: SQLite would give a float
    big = Decimal(2**61).scaleb(-2)
    opp("A", revenue=str(big), probability="100")
    opp("B", revenue=str(big), probability="33")
    opp("C", stage="develop", revenue="1.00", probability="50")
    totals = pipeline.totals(BoardFilter())
    assert totals["qualify"].count == 2
    assert totals["qualify"].total == 2 * 2**61
    expected = (Decimal(2**61 * 100 + 2**61 * 33) / 100).quantize(Decimal(1), "ROUND_HALF_UP")
    assert totals["qualify"].weighted == int(expected)
    assert totals["develop"] == ColumnTotals("develop", 1, 100, 50)
    # three near the limit: SQLite's sum() itself overflows
    near = Decimal(2**62 - 1).scaleb(-2)
    for name in ("X", "Y", "Z"):
        opp(name, stage="close", revenue=str(near), probability="1")
    column = pipeline.totals(BoardFilter())["close"]
    assert (column.count, column.total) == (3, 3 * (2**62 - 1))
    assert column.weighted == int(
        (Decimal(3 * (2**62 - 1)) / 100).quantize(Decimal(1), "ROUND_HALF_UP")
    )


def test_totals_and_cards_are_open_only(db):
    won = opp("Won", revenue="10")
    opportunities.close_won(won.id, won.version)
    lost = opp("Lost", revenue="10")
    opportunities.close_lost(lost.id, lost.version)
    opp("Open", revenue="10")
    assert pipeline.totals(ALL)["qualify"].count == 1
    assert [c["name"] for c in pipeline.cards("qualify", ALL).rows] == ["Open"]


@pytest.mark.sqlite_only  # traces SQLite's statements
def test_totals_are_one_grouped_query_on_a_covering_index(db):
    opp("A", revenue="10")
    users.set_team("tester", "north")
    for scope, index in (
        ("all", "opportunity_board"),
        ("mine", "opportunity_owner_board"),
        ("team", "opportunity_owner_board"),
    ):
        for close in (None, "overdue"):
            with Trace() as trace:
                pipeline.totals(BoardFilter(scope, close))
            grouped = [s for s, _ in trace.statements if "FROM opportunity" in s]
            assert len(grouped) == 1 and "GROUP BY stage" in grouped[0]
            [plan] = trace.plans("GROUP BY stage")
            assert f"COVERING INDEX {index}" in plan, plan


@pytest.mark.sqlite_only  # traces SQLite's statements
def test_cards_read_ids_from_a_covering_index(db):
    opp("A", close="2026-06-01")
    users.set_team("tester", "north")
    for scope, index in (
        ("all", "opportunity_board"),
        ("mine", "opportunity_owner_board"),
        ("team", "opportunity_board"),
    ):
        with Trace() as trace:
            pipeline.cards("qualify", BoardFilter(scope))
        plans = trace.plans("FROM opportunity INDEXED BY")
        assert len(plans) == 2  # dated, then undated
        for plan in plans:
            assert f"COVERING INDEX {index}" in plan, plan
            assert "SCAN opportunity" not in plan


# --- filters -------------------------------------------------------------------------


@pytest.fixture
def people(db):
    users.set_team("tester", "north")
    sam = users.add("sam", "Sam Seller", "sales")
    kim = users.add("kim", "Kim Closer", "sales")
    users.set_team("sam", "north")
    users.set_team("kim", "south")
    opp("Mine", revenue="1", owner=db.id)
    opp("Sam's", revenue="2", owner=sam.id)
    opp("Kim's", revenue="4", owner=kim.id)
    return db


def board_names(f: BoardFilter, stage: str = "qualify") -> list[str]:
    return sorted(c["name"] for c in pipeline.cards(stage, f).rows)


def test_scopes(people):
    assert board_names(BoardFilter("mine")) == ["Mine"]
    assert board_names(BoardFilter("team")) == ["Mine", "Sam's"]
    assert board_names(BoardFilter("all")) == ["Kim's", "Mine", "Sam's"]
    assert pipeline.totals(BoardFilter("mine"))["qualify"].total == 100
    assert pipeline.totals(BoardFilter("team"))["qualify"].total == 300
    assert pipeline.totals(BoardFilter("all"))["qualify"].total == 700
    # without a team, "team" is just me
    users.set_team("tester", "")
    assert board_names(BoardFilter("team")) == ["Mine"]
    assert pipeline.totals(BoardFilter("team"))["qualify"].count == 1
    with pytest.raises(DomainError, match="unknown scope"):
        pipeline.totals(BoardFilter("everyone"))


def test_close_filters(db):
    for name, close in [
        ("Last quarter", "2026-03-31"),
        ("Last month", "2026-04-30"),
        ("Yesterday", "2026-05-13"),
        ("Today", "2026-05-14"),
        ("End of month", "2026-05-31"),
        ("End of quarter", "2026-06-30"),
        ("Next quarter", "2026-07-01"),
        ("Undated", ""),
    ]:
        opp(name, close=close, revenue="1")

    def column(close):
        return [c["name"] for c in pipeline.cards("qualify", BoardFilter("mine", close)).rows]

    assert column("this_month") == ["Yesterday", "Today", "End of month"]
    assert column("this_quarter") == [
        "Last month",
        "Yesterday",
        "Today",
        "End of month",
        "End of quarter",
    ]
    assert column("overdue") == ["Last quarter", "Last month", "Yesterday"]
    assert column(None)[-1] == "Undated" and len(column(None)) == 8
    counts = {
        close: pipeline.totals(BoardFilter("mine", close))["qualify"].count
        for close in opportunities.CLOSE_FILTERS
    }
    assert counts == {None: 8, "this_month": 3, "this_quarter": 5, "overdue": 3}
    with pytest.raises(DomainError, match="unknown close filter"):
        pipeline.cards("qualify", BoardFilter("mine", "someday"))


# --- cards ---------------------------------------------------------------------------


def test_card_fields_and_overdue(db):
    acme = accounts.create({"name": "Acme"})
    late = opp("Late", close="2026-05-13", revenue="12.50", probability="40")
    opportunities.update(late.id, late.version, {"account_id": acme.id, "rating": "hot"})
    held = opp("Held", close="2026-05-14")
    opportunities.hold(held.id, held.version)
    opp("Undated")
    rows = pipeline.cards("qualify", BoardFilter()).rows
    assert rows[0] == {
        "id": late.id,
        "version": 2,
        "name": "Late",
        "customer": "Acme",
        "estimated_revenue": 1250,
        "probability": 40,
        "estimated_close_date": "2026-05-13",
        "rating": "hot",
        "owner": db.full_name,
        "overdue": True,
        "status_reason": "in_progress",
    }
    assert (rows[1]["name"], rows[1]["overdue"], rows[1]["status_reason"]) == (
        "Held",
        False,  # due today is not overdue
        "on_hold",
    )
    assert (rows[2]["name"], rows[2]["overdue"], rows[2]["customer"]) == ("Undated", False, "")


def test_cards_of_one_stage_only(db):
    opp("Q")
    opp("D", stage="develop")
    assert [c["name"] for c in pipeline.cards("develop", ALL).rows] == ["D"]
    with pytest.raises(DomainError, match="unknown stage"):
        pipeline.cards("won", ALL)


def make_column(db) -> list[int]:
    """A column of 11 cards: dated ones (with ties on a day) and undated ones,
    created in a shuffled order; returns the ids in board order."""
    spec = [
        ("u1", ""),
        ("d3a", "2026-07-01"),
        ("d1", "2026-05-01"),
        ("u2", ""),
        ("d2a", "2026-06-01"),
        ("d3b", "2026-07-01"),
        ("u3", ""),
        ("d2b", "2026-06-01"),
        ("d3c", "2026-07-01"),
        ("u4", ""),
        ("d4", "2027-01-01"),
    ]
    made = {name: opp(name, close=close, stage="develop").id for name, close in spec}
    order = ["d1", "d2a", "d2b", "d3a", "d3b", "d3c", "d4", "u1", "u2", "u3", "u4"]
    return [made[name] for name in order]


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 6, 7, 8, 10, 11, 40])
def test_keyset_paging_covers_every_card_once(db, limit):
    expected = make_column(db)
    seen, after, pages = [], None, 0
    while True:
        page = pipeline.cards("develop", ALL, after=after, limit=limit)
        assert len(page.rows) == len(page.keys) <= limit
        seen += [row["id"] for row in page.rows]
        pages += 1
        if not page.more:
            break
        assert len(page.rows) == limit
        after = page.keys[-1]
    assert seen == expected
    assert pages == -(-len(expected) // limit)


def test_keys_are_close_date_and_id(db):
    expected = make_column(db)
    page = pipeline.cards("develop", ALL, limit=11)
    assert page.keys[0] == ("2026-05-01", expected[0])
    assert page.keys[-1] == (None, expected[-1])
    assert page.more is False
    # a key may carry a date object
    after = pipeline.cards("develop", ALL, after=(dt.date(2026, 7, 1), expected[4]), limit=2)
    assert [r["id"] for r in after.rows] == expected[5:7]
    # a cursor among the undated cards pages on by id alone
    tail = pipeline.cards("develop", ALL, after=(None, expected[8]))
    assert [r["id"] for r in tail.rows] == expected[9:] and tail.more is False


def test_paging_stays_right_when_a_card_moves_away(db):
    expected = make_column(db)
    first = pipeline.cards("develop", ALL, limit=3)
    # another user moves the last card read and an unread one to Propose
    database.execute_sql(
        "UPDATE opportunity SET stage = 'propose' WHERE id IN (?, ?)", (expected[2], expected[5])
    )
    rest = pipeline.cards("develop", ALL, after=first.keys[-1], limit=20)
    remaining = [i for i in expected[3:] if i != expected[5]]
    assert [r["id"] for r in rest.rows] == remaining


def test_close_filter_pages_leave_out_undated_cards(db):
    make_column(db)
    page = pipeline.cards("develop", BoardFilter("all", "this_quarter"), limit=2)
    assert [r["name"] for r in page.rows] == ["d1", "d2a"] and page.more
    page = pipeline.cards("develop", BoardFilter("all", "this_quarter"), after=page.keys[-1])
    assert [r["name"] for r in page.rows] == ["d2b"] and not page.more


# --- one card, and where it sorts ------------------------------------------------------


def test_one_card_is_the_row_its_column_pages(people):
    acme = accounts.create({"name": "Acme"})
    late = opp("Late", close="2026-05-13", revenue="12.50", stage="develop")
    opportunities.update(late.id, late.version, {"account_id": acme.id})
    stage, row = pipeline.card(late.id, BoardFilter())
    assert stage == "develop"
    assert row == pipeline.cards("develop", BoardFilter()).rows[0]
    assert row["overdue"] is True and row["customer"] == "Acme"
    assert pipeline.card_key(row) == pipeline.cards("develop", BoardFilter()).keys[0]


def test_one_card_is_none_where_the_board_does_not_show_it(people):
    from crm_tui.models import User

    sam = User.get(User.login == "sam")
    theirs = opp("Theirs", close="2026-05-20", owner=sam.id)
    undated = opp("Undated")
    closed = opp("Closed", revenue="5", close="2026-05-01")
    opportunities.close_lost(closed.id, closed.version, reason="canceled")
    assert pipeline.card(theirs.id, BoardFilter("mine")) is None
    assert pipeline.card(theirs.id, BoardFilter("team"))[0] == "qualify"
    assert pipeline.card(theirs.id, BoardFilter("all", "overdue")) is None
    assert pipeline.card(theirs.id, BoardFilter("all", "this_month")) is not None
    # a close-date filter shows no undated cards
    assert pipeline.card(undated.id, BoardFilter("mine")) is not None
    assert pipeline.card(undated.id, BoardFilter("mine", "this_quarter")) is None
    assert pipeline.card(closed.id, BoardFilter("all")) is None


def test_key_order_sorts_keys_as_the_column_pages(db):
    expected = make_column(db)
    keys = pipeline.cards("develop", ALL, limit=11).keys
    assert sorted(reversed(keys), key=pipeline.key_order) == keys
    assert [key[1] for key in keys] == expected
    # a date object sorts as its ISO text does
    assert pipeline.key_order((dt.date(2026, 7, 1), 3)) == pipeline.key_order(("2026-07-01", 3))
    assert pipeline.key_order(("2099-01-01", 1)) < pipeline.key_order((None, 1))
