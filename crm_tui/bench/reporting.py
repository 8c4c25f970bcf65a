"""Reports and the dashboard on the bench database: grouped reports over the
million contacts and two million activities, and every tile of the
built-in dashboards for a seller (the busiest one) and for their manager
(their team's), each timed as the report engine and the tiles run them."""

from __future__ import annotations

from collections.abc import Callable

from crm_tui.bench.measure import stats, timed

# (what it is, kind, query, groupings as (attribute, period), measures)
REPORTS = (
    ("contacts by country", "contact", "", (("country", ""),), ()),
    ("contacts by owner", "contact", "", (("owner", ""),), ()),
    ("contacts by month created", "contact", "", (("created_at", "month"),), ()),
    ("activities by owner and type", "activity", "", (("owner", ""), ("kind", "")), ()),
    ("open activities by type", "activity", "state:open", (("kind", ""),), ()),
    ("activities by month created", "activity", "", (("created_at", "month"),), ()),
    ("pipeline by stage and owner", "opportunity", "state:open", (("stage", ""), ("owner", "")),
     (("sum", "estimated_revenue"), ("sum", "weighted_revenue"))),
    ("cases by SLA and priority", "case", "", (("sla", ""), ("priority", "")), ()),
)  # fmt: skip


def _busiest_seller() -> str:
    from crm_tui.db import dict_rows

    rows = dict_rows(
        'SELECT u.login AS login FROM opportunity o JOIN "user" u ON u.id = o.owner_id '
        "WHERE u.role = 'sales' GROUP BY u.login ORDER BY count(*) DESC LIMIT 1"
    )
    return rows[0]["login"] if rows else "bench"


def measure_all(repeat: int, log: Callable[[str], None] = print) -> dict:
    """Grouped reports (ms, with their row and record counts) and dashboard
    tiles (ms), as the bench user and as a seller and a manager."""
    from crm_tui.services import session, users
    from crm_tui.services.dashboards import boards
    from crm_tui.services.reporting import engine
    from crm_tui.services.reporting.spec import Grouping, Measure, Spec

    out: dict = {"reports": {}, "tiles": {}}
    runs = max(3, repeat // 3)
    for name, kind, query, groups, measures in REPORTS:
        spec = Spec(kind, query, tuple(Grouping(a, b) for a, b in groups),
                    (Measure(), *(Measure(f, a) for f, a in measures)))  # fmt: skip
        result = engine.run(spec)
        log(f"bench: report {name} ({result.totals[0].count:,} records)")
        out["reports"][name] = {
            **stats(timed(lambda spec=spec: engine.run(spec), runs)),
            "rows": len(result.rows),
            "records": result.totals[0].count,
        }
    me = session.current_user()
    seller = users.get(_busiest_seller())
    try:
        for who, user, board in (("seller", seller, "sales"), ("manager", seller, "manager"),
                                 ("agent", me, "service")):  # fmt: skip
            # the manager's desk of the seller's team: their tiles at team scope
            session.act_as(user)
            for tile in boards.BUILTIN[board].tiles:
                label = f"{who}: {tile.tile}" + (f" ({tile.scope})" if tile.scope != "me" else "")
                if tile.tile == "report":
                    label = f"{who}: report {tile.report.split(':')[1]}"
                out["tiles"][label] = stats(timed(lambda tile=tile: boards.load(tile), repeat))
        log(f"bench: dashboard tiles as {seller.login} and the bench user")
    finally:
        session.act_as(me)
    return out


def add_lines(report, raw: dict) -> None:
    """The report's lines for `measure_all`'s results, against the budgets."""
    from crm_tui.bench.budgets import REPORT_MS, TILE_MS

    for name, s in raw["reports"].items():
        report.add(f"report: {name}", s["median"], "ms", f"<= {REPORT_MS:.0f}",
                   s["median"] <= REPORT_MS, s["p95"],
                   f"{s['records']:,} records in {s['rows']:,} groups")  # fmt: skip
    worst = max(raw["tiles"].items(), key=lambda item: item[1]["median"])
    for name, s in raw["tiles"].items():
        report.add(f"dashboard tile: {name}", s["median"], "ms", f"<= {TILE_MS:.0f}",
                   s["median"] <= TILE_MS, s["p95"],
                   "the slowest tile" if name == worst[0] else "")  # fmt: skip
