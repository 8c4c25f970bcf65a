"""The dashboard's tiles: each number checked, and each drill-down finding
exactly the records behind it; targets set by managers only; dashboards
chosen, kept and shared like views."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crm_tui.db import database, write
from crm_tui.errors import NotFound, PermissionDenied, ValidationError
from crm_tui.services import dates, session, users
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.dashboards import boards, targets, tiles
from crm_tui.services.dashboards.boards import Tile
from crm_tui.services.reporting import engine
from crm_tui.services.reporting.spec import Spec
from crm_tui.services.sales import opportunities


def found(drill: tiles.Drill) -> int:
    """How many records the list a number drills into shows."""
    if drill.record_id is not None:
        return 1
    table, where, params = engine.source_sql(Spec(drill.kind, query=drill.query))
    return database.execute_sql(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()[0]


def every_number_drills_to_its_records(data: tiles.TileData) -> None:
    for row in data.rows:
        if row.drill is not None and isinstance(row.values[0], int):
            assert found(row.drill) == row.values[0], (row.label, row.drill)


def test_open_activities_by_when_they_are_due(db):
    zone = dates.configured_zone()
    today = dates.today()

    def at(days: int, hour: int) -> dt.datetime:
        day = today + dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(hour), tzinfo=zone).astimezone(dt.UTC)

    for n, due in enumerate([at(-1, 23), at(-30, 9), at(0, 0), at(0, 23), at(40, 9), None]):
        activities.log("task", f"Task {n}", due_at=due)
    done = activities.log("task", "Done already", due_at=at(-2, 9))
    activities.complete(done.id, done.version)
    data = tiles.activities()
    counts = {row.label: row.values[0] for row in data.rows}
    assert counts["Overdue"] == 2 and counts["Due today"] == 2
    assert counts["After this week"] == 1 and counts["No due date"] == 1
    assert sum(counts.values()) == 6
    every_number_drills_to_its_records(data)


def test_the_pipeline_weighs_revenue_by_probability(db):
    acme = accounts.create({"name": "Acme"})
    for name, revenue, probability in (("A", "1000.05", 10), ("B", "300", 55), ("C", None, 90)):
        opportunities.create({"name": name, "account_id": acme.id, "estimated_revenue": revenue,
                              "probability": probability})  # fmt: skip
    data = tiles.pipeline()
    (qualify,) = [row for row in data.rows if row.label == "Qualify"]
    # 1000.05 x 10 % = 100.005 -> 100.01 (half up); 300 x 55 % = 165
    assert qualify.values == (3, Decimal("1300.05"), Decimal("265.01"))
    assert [f.value for f in data.figures] == [3, Decimal("1300.05"), Decimal("265.01")]
    every_number_drills_to_its_records(data)


def test_won_this_quarter_against_targets_set_by_managers(db):
    users.add("rana", "Rana Sales", "sales")
    users.add("mina", "Mina Manager", "manager")
    for login in ("rana", "mina", "tester"):
        users.set_team(login, "north")
    acme = accounts.create({"name": "Acme"})
    today = dates.today()
    period = f"{today.year}-Q{(today.month + 2) // 3}"
    session.sign_in("rana")
    deal = opportunities.create({"name": "Won", "account_id": acme.id,
                                 "estimated_revenue": "5000"})  # fmt: skip
    opportunities.close_won(deal.id, deal.version, actual_revenue="4000", close_date=today)
    with pytest.raises(PermissionDenied, match="only managers and admins"):
        targets.set_target("rana", period, "10000")
    session.sign_in("mina")
    with pytest.raises(ValidationError) as caught:
        targets.set_target("rana", "2026-Q5", "ten")
    assert set(caught.value.errors) == {"period", "amount"}
    assert targets.set_target("rana", period, "10,000") == Decimal("10000")
    targets.set_target("mina", period, "6000")
    team = tiles.quarter_won("team")
    assert [(r.label, r.values) for r in team.rows] == [
        ("Mina Manager", (Decimal("0.00"), Decimal("6000.00"))),
        ("Rana Sales", (Decimal("4000.00"), Decimal("10000.00"))),
    ]
    assert [f.value for f in team.figures] == [Decimal("4000.00"), Decimal("16000.00"), 25]
    assert found(team.rows[1].drill) == 1
    session.sign_in("rana")
    mine = tiles.quarter_won()
    assert [f.value for f in mine.figures] == [Decimal("4000.00"), Decimal("10000.00"), 40]
    session.sign_in("mina")
    assert targets.set_target("rana", period, "") is None
    assert tiles.quarter_won("me").figures[1].value == Decimal("6000.00")


def test_queues_and_the_sla_of_my_cases(db):
    from crm_tui.services.support import cases

    acme = accounts.create({"name": "Acme"}).id
    made = [cases.create({"title": f"Case {n}", "account_id": acme}) for n in range(3)]
    with write():
        database.execute_sql(
            "UPDATE \"case\" SET next_breach_at = '2020-01-01T00:00:00.000000' WHERE id = ?",
            [made[0].id],
        )
    sla = tiles.case_sla()
    every_number_drills_to_its_records(sla)
    assert sla.figures[0].value == sum(r.values[0] for r in sla.rows)
    load = tiles.queue_load()
    assert sum(r.values[0] for r in load.rows) == sla.figures[0].value
    every_number_drills_to_its_records(load)
    for figure in load.figures:
        assert found(figure.drill) == figure.value, figure.label


def test_recent_records_are_what_i_changed_newest_first(db):
    first = accounts.create({"name": "First"})
    accounts.create({"name": "Second"})
    accounts.update(first.id, first.version, {"city": "Shiraz"})
    assert [r.label for r in tiles.recent().rows] == ["First", "Second"]
    users.add("rana", "Rana Sales", "sales")
    session.sign_in("rana")
    assert tiles.recent().rows == []


def test_dashboards_by_role_chosen_kept_and_shared(db):
    users.add("rana", "Rana Sales", "sales")
    users.add("aria", "Aria Agent", "agent")
    users.add("mina", "Mina Manager", "manager")
    for login in ("rana", "mina"):
        users.set_team(login, "north")
    session.sign_in("aria")
    assert boards.current().name == "Service desk"
    session.sign_in("rana")
    assert boards.current().name == "Sales desk"
    assert [d.name for d in boards.available()][:3] == ["Sales desk", "Service desk",
                                                        "Manager's desk"]  # fmt: skip
    mine = boards.save("Mine", (Tile("pipeline"), Tile("report", report="builtin:lead_sources")))
    with pytest.raises(PermissionDenied):
        boards.save("Shared", (Tile("pipeline"),), "team")
    with pytest.raises(ValidationError) as caught:
        boards.save("", (Tile("nonsense"), Tile("recent", "team")))
    assert set(caught.value.errors) == {"name", "tiles"}
    with pytest.raises(ValidationError, match="not shared with you|does not exist"):
        boards.save("Gone", (Tile("report", report="saved:999"),))
    boards.choose(mine.key)
    assert boards.current() == mine
    for tile in mine.tiles:
        boards.load(tile)
    session.sign_in("mina")
    team = boards.save("North", (Tile("quarter_won", "team"),), "team")
    session.sign_in("rana")
    assert team.key in [d.key for d in boards.available()]
    with pytest.raises(PermissionDenied):
        boards.update(team.key, team.version, name="Mine now")
    moved = boards.update(mine.key, mine.version, chosen=(Tile("recent"),))
    assert moved.tiles == (Tile("recent"),) and moved.version == 2
    boards.delete(mine.key)
    assert boards.current().name == "Sales desk"
    with pytest.raises(NotFound):
        boards.get(mine.key)


def test_a_team_tile_counts_only_what_the_person_may_read(db):
    from crm_tui.services import roles

    users.add("rana", "Rana Sales", "sales")
    users.add("omid", "Omid Sales", "sales")
    for login in ("rana", "omid"):
        users.set_team(login, "north")
    for login in ("rana", "omid"):
        session.sign_in(login)
        activities.log("task", f"{login}'s task")
        accounts.create({"name": f"{login}'s account"})
        contacts.create({"last_name": f"{login}'s contact"})
    session.sign_in("tester")  # the admin
    roles.set_depth("sales", "activity", "read", "own")
    roles.set_depth("sales", "account", "read", "own")
    session.sign_in("rana")
    counted = tiles.activities("team")
    assert sum(r.values[0] for r in counted.rows) == 1
    every_number_drills_to_its_records(counted)
    session.sign_in("omid")
    assert [r.label for r in tiles.recent().rows] == ["omid's contact", "omid's account"]
    with write():  # the account passes to rana: omid no longer reads it
        database.execute_sql("UPDATE account SET owner_id = ? WHERE owner_id = ?",
                             [users.get("rana").id, users.get("omid").id])  # fmt: skip
    assert [r.label for r in tiles.recent().rows] == ["omid's contact"]
