"""The dashboard's tiles: each a few numbers a person works by, worked out
in SQL over what they may read, and for each number where it comes from
(a list and its query, or one record), so that a key drills into it.

A tile is for the person ("me") or their team ("team": everyone sharing
their team; the person alone when they have none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from crm_tui import meta
from crm_tui.db import dict_rows
from crm_tui.errors import NotFound, PermissionDenied
from crm_tui.services import dates, records, session

SCOPES = {"me": "Mine", "team": "My team's"}
_WHOSE = {"me": "My", "team": "Team"}


@dataclass(frozen=True)
class Drill:
    """Where a number leads: a list of `kind` filtered by `query`, or the
    record `record_id` of `kind`."""

    kind: str
    query: str = ""
    record_id: int | None = None


@dataclass
class TileRow:
    label: str
    values: tuple  # one per column; int counts, Decimal amounts, None for none
    drill: Drill | None = None
    # a stacked bar's parts: (label, value) of the second grouping
    parts: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Figure:
    """A headline number: its label, value and unit (count, money, percent)."""

    label: str
    value: object
    unit: str = "count"
    drill: Drill | None = None


@dataclass
class TileData:
    name: str
    title: str
    columns: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # count, money, number per column
    rows: list[TileRow] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    chart: str = "bar"  # bar, stacked, funnel, line, progress, list
    note: str = ""
    note_drill: Drill | None = None
    empty: str = "Nothing here"  # said when there are no rows


def people(scope: str) -> list[int]:
    """The users a tile counts: the person, or everyone in their team."""
    me = session.current_user()
    if scope != "team" or not me.team:
        return [int(me.id)]
    rows = dict_rows('SELECT id FROM "user" WHERE team = ? ORDER BY id', [me.team])
    return [int(r["id"]) for r in rows] or [int(me.id)]


def owner_query(scope: str) -> str:
    """The people of `scope` as a query condition (owner:me, owner:#3,#7)."""
    ids = people(scope)
    if scope != "team" or ids == [int(session.current_user().id)]:
        return "owner:me"
    return "owner:" + ",".join(f"#{i}" for i in ids)


def _readable(kind: str, alias: str) -> str:
    """The access condition on `kind`'s rows as " AND ...", or ""."""
    from crm_tui.services.reporting.engine import readable_sql

    condition = readable_sql(kind, alias)
    return f" AND {condition}" if condition else ""


def _stored(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _local_midnight(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def activities(scope: str = "me") -> TileData:
    """Open activities by when they are due: overdue, today, the rest of
    the week, later, and with no due date."""
    zone = dates.configured_zone()
    today = dates.today()
    week_end = today + dt.timedelta(days=7 - today.weekday())
    edges = [_stored(_local_midnight(d, zone))
             for d in (today, today + dt.timedelta(days=1), week_end)]  # fmt: skip
    ids = people(scope)
    marks = ", ".join("?" * len(ids))
    readable = _readable("activity", "r")
    rows = dict_rows(
        "SELECT CASE WHEN due_at IS NULL THEN 'none' WHEN due_at < ? THEN 'overdue' "
        "WHEN due_at < ? THEN 'today' WHEN due_at < ? THEN 'week' ELSE 'later' END AS b, "
        f"count(*) AS n FROM activity r WHERE r.owner_id IN ({marks}) "
        f"AND r.state IN ('open', 'scheduled'){readable} GROUP BY 1",
        [*edges, *ids],
    )
    found = {r["b"]: int(r["n"]) for r in rows}
    base = f"{owner_query(scope)} state:open,scheduled"
    lines = [
        ("overdue", "Overdue", "due_at<today"),
        ("today", "Due today", "due_at:today"),
        ("week", "Later this week", "due_at>today due_at<=this-week"),
        ("later", "After this week", "due_at>this-week"),
        ("none", "No due date", "-has:due_at"),
    ]
    data = TileData("activities", f"{_WHOSE[scope]} open activities", ("Activities",), ("count",))
    for key, label, condition in lines:
        drill = Drill("activity", f"{base} {condition}")
        data.rows.append(TileRow(label, (found.get(key, 0),), drill))
    data.figures = [
        Figure("Overdue", found.get("overdue", 0), drill=data.rows[0].drill),
        Figure("Today", found.get("today", 0), drill=data.rows[1].drill),
    ]
    return data


def _from_report(name: str, title: str, spec, chart: str, *, depth: int = 1) -> TileData:
    from crm_tui.services.reporting import engine

    result = engine.run(spec)
    data = TileData(
        name, title, tuple(c.heading for c in result.columns),
        tuple(c.unit for c in result.columns), chart=chart,
    )  # fmt: skip
    if len(spec.groups) == 2 and depth == 1:
        for (first, currency), subtotal in result.subtotals.items():
            parts = tuple((r.labels[1], r.values[0]) for r in result.rows
                          if r.keys[0] == first and r.currency == currency)  # fmt: skip
            data.rows.append(TileRow(subtotal.labels[0], subtotal.values,
                                     Drill(spec.kind, result.drill(subtotal, 1)), parts))  # fmt: skip
    else:
        for row in result.rows:
            label = " · ".join(row.labels) + (f" ({row.currency})" if row.currency else "")
            data.rows.append(TileRow(label, row.values, Drill(spec.kind, result.drill(row))))
    data.figures = [
        Figure(f"Total{' ' + t.currency if t.currency else ''}", t.values[0] if t.values
               else t.count, result.columns[0].unit if result.columns else "count",
               Drill(spec.kind, spec.query))
        for t in result.totals
    ]  # fmt: skip
    return data


def pipeline(scope: str = "me") -> TileData:
    """Open opportunities by stage: how many, their estimated revenue and
    what it is worth weighted by probability."""
    from crm_tui.services.reporting.spec import Grouping, Measure, Spec

    spec = Spec(
        "opportunity", f"{owner_query(scope)} state:open", (Grouping("stage"),),
        (Measure(), Measure("sum", "estimated_revenue"), Measure("sum", "weighted_revenue")),
        fill=False,
    )  # fmt: skip
    data = _from_report("pipeline", f"{_WHOSE[scope]} pipeline", spec, "funnel")
    data.columns = ("Deals", "Revenue", "Weighted")
    total = sum((row.values[1] or 0 for row in data.rows), Decimal(0))
    weighted = sum((row.values[2] or 0 for row in data.rows), Decimal(0))
    drill = Drill("opportunity", spec.query)
    data.figures = [
        Figure("Open deals", sum(row.values[0] for row in data.rows), drill=drill),
        Figure("Revenue", total, "money", drill),
        Figure("Weighted", weighted, "money", drill),
    ]
    data.empty = "No open opportunities"
    return data


def case_sla(scope: str = "me") -> TileData:
    """Active cases by where they stand against their SLA, and the next
    one to breach."""
    from crm_tui.services.reporting.spec import Grouping, Spec

    spec = Spec("case", f"{owner_query(scope)} state:active", (Grouping("sla"),), fill=False)
    data = _from_report("case_sla", f"{_WHOSE[scope]} cases by SLA", spec, "bar")
    data.columns = ("Cases",)
    data.figures = [Figure("Active", sum(r.values[0] for r in data.rows),
                           drill=Drill("case", spec.query))]  # fmt: skip
    ids = people(scope)
    marks = ", ".join("?" * len(ids))
    soonest = dict_rows(
        "SELECT r.id AS id, r.number AS number, r.title AS title, "
        'r.next_breach_at AS next_breach_at FROM "case" r '
        f"WHERE r.owner_id IN ({marks}) AND r.state = 'active' AND r.next_breach_at IS NOT NULL "
        f"AND r.paused_since IS NULL{_readable('case', 'r')} ORDER BY r.next_breach_at LIMIT 1",
        ids,
    )
    if soonest:
        row = soonest[0]
        when = dates.as_local(row["next_breach_at"])
        data.note = f"{row['number']} {row['title']}"
        data.figures.append(
            Figure("Next breach", when, "moment", Drill("case", "", int(row["id"])))
        )
        data.note_drill = Drill("case", "", int(row["id"]))
    data.empty = "No active cases"
    return data


def quarter_won(scope: str = "me") -> TileData:
    """This quarter's won revenue against the target set for it, per person
    when it is a team's."""
    from crm_tui.services.dashboards import targets
    from crm_tui.services.reporting import engine
    from crm_tui.services.reporting.spec import Grouping, Measure, Spec

    today = dates.today()
    period = f"{today.year}-Q{(today.month + 2) // 3}"
    query = f"{owner_query(scope)} state:won actual_close_date:this-quarter"
    spec = Spec("opportunity", query, (Grouping("owner"),),
                (Measure("sum", "actual_revenue"), Measure()), fill=False)  # fmt: skip
    won_by = {row.keys[0]: row.values[0] for row in engine.run(spec).rows}
    ids = people(scope)
    goals = targets.of(ids, period)
    data = TileData("quarter_won", f"{_WHOSE[scope]} quarter: won against target",
                    ("Won", "Target") if goals else ("Won",), ("money", "money"),
                    chart="progress")  # fmt: skip
    names = records.titles_of("user", set(ids) | set(won_by))
    for user_id in sorted(names, key=lambda i: names[i].casefold()):
        if scope == "team" and user_id not in won_by and user_id not in goals:
            continue
        drill = Drill("opportunity", f"state:won actual_close_date:this-quarter owner:#{user_id}")
        won = won_by.get(user_id, Decimal("0.00"))
        values = (won, goals.get(user_id)) if goals else (won,)
        data.rows.append(TileRow(names[user_id], values, drill))
    won = sum(won_by.values(), Decimal("0.00"))
    goal = sum(goals.values(), Decimal("0.00")) if goals else None
    share = None if not goal else (won * 100 / goal).quantize(Decimal(1))
    data.figures = [
        Figure("Won", won, "money", Drill("opportunity", query)),
        Figure("Target", goal, "money"),
        Figure("Of target", share, "percent"),
    ]
    data.note = f"Q{period[-1]} {today.year}: {(_quarter_end(today) - today).days} days left"
    data.empty = "Nothing won yet this quarter"
    return data


def _quarter_end(day: dt.date) -> dt.date:
    month = 3 * ((day.month - 1) // 3) + 4
    return dt.date(day.year + (month > 12), (month - 1) % 12 + 1, 1) - dt.timedelta(days=1)


def queue_load(scope: str = "me") -> TileData:
    """Active cases per queue: in all, waiting for someone to take them,
    and past their SLA."""
    from crm_tui.services.reporting.engine import readable_sql

    now = _stored(dt.datetime.now(dt.UTC))
    readable = readable_sql("case", "k")
    rows = dict_rows(
        "SELECT k.queue_id AS queue, count(*) AS n, "
        "sum(CASE WHEN k.assigned = 0 THEN 1 ELSE 0 END) AS waiting, "
        "sum(CASE WHEN k.next_breach_at <= ? AND k.paused_since IS NULL THEN 1 ELSE 0 END) "
        "AS breached FROM \"case\" k WHERE k.state = 'active'"
        + (f" AND {readable}" if readable else "")
        + " GROUP BY k.queue_id",
        [now],
    )
    names = records.titles_of("queue", [r["queue"] for r in rows if r["queue"] is not None])
    data = TileData("queue_load", "Queues", ("Active", "Waiting", "Breached"),
                    ("count", "count", "count"), chart="stacked")  # fmt: skip
    for row in sorted(rows, key=lambda r: -int(r["n"])):
        queue = row["queue"]
        label = names.get(queue, "(no queue)") if queue is not None else "(no queue)"
        where = f"queue:#{queue}" if queue is not None else "-has:queue"
        values = (int(row["n"]), int(row["waiting"] or 0), int(row["breached"] or 0))
        parts = (("Waiting", values[1]), ("Taken", values[0] - values[1]))
        data.rows.append(TileRow(label, values, Drill("case", f"state:active {where}"), parts))
    data.figures = [
        Figure("Active", sum(r.values[0] for r in data.rows), drill=Drill("case", "state:active")),
        Figure("Waiting", sum(r.values[1] for r in data.rows),
               drill=Drill("case", "state:active assigned:no")),
        Figure("Breached", sum(r.values[2] for r in data.rows),
               drill=Drill("case", "state:active sla:breached")),
    ]  # fmt: skip
    data.empty = "No active cases"
    return data


def recent(scope: str = "me", limit: int = 8) -> TileData:
    """The records the person changed last, newest first."""
    me = session.current_user().id
    openable = {k.name for k in meta.kinds() if k.area is not None}
    rows = dict_rows(
        "SELECT record_type, record_id, max(id) AS last FROM (SELECT record_type, record_id, id "
        "FROM audit_entry WHERE user_id = ? ORDER BY id DESC LIMIT 400) AS _a "
        "GROUP BY record_type, record_id ORDER BY last DESC",
        [me],
    )
    data = TileData("recent", "Recently changed by you", ("",), ("text",), chart="list")
    for row in rows:
        kind = row["record_type"]
        if kind not in openable:
            continue
        try:  # gone since, or no longer the person's to read: not named
            record = records.require(kind, int(row["record_id"]))
        except (NotFound, PermissionDenied):
            continue
        title = getattr(record, meta.kind(kind).title)
        data.rows.append(TileRow(title, (meta.kind(kind).label,),
                                 Drill(kind, "", int(row["record_id"]))))  # fmt: skip
        if len(data.rows) >= limit:
            break
    data.empty = "Nothing changed yet"
    return data


def report(key: str, scope: str = "me") -> TileData:
    """A saved or built-in report as a tile: its first groups and their
    figures, drawn as the report's chart (`scope` is the report's own
    query's to say: a tile of it takes none)."""
    from crm_tui.services.reporting import saved

    chosen = saved.get(key)
    chart = {"table": "bar"}.get(chosen.spec.chart, chosen.spec.chart)
    data = _from_report(f"report:{key}", chosen.name, chosen.spec, chart)
    data.empty = "No records"
    return data
