"""The demo's reporting: a target for each seller this quarter and last,
so the dashboard's won-against-target has something to answer, and a
report the admin shares with everyone (the open pipeline by the month it
should close).

Seeded last and without the random generator: what came before is the
same data set as ever."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_UP, Decimal

from crm_tui.demo.context import SeedContext
from crm_tui.services import dates, session
from crm_tui.services.dashboards import targets
from crm_tui.services.reporting import engine, saved
from crm_tui.services.reporting.spec import Grouping, Measure, Spec

STEP = Decimal(10_000)


def _quarter(day) -> str:
    return f"{day.year}-Q{(day.month + 2) // 3}"


def seed_reporting(ctx: SeedContext) -> None:
    session.act_as(ctx.admin)  # the targets are a manager's or an admin's to set
    today = dates.today()
    last = today.replace(day=1) - dt.timedelta(days=80)
    sellers = [u for u in ctx.team if u.role in ("sales", "manager", "admin") and u.active]
    for period, query in ((_quarter(today), "this-quarter"), (_quarter(last), "last-quarter")):
        won = engine.run(
            Spec("opportunity", f"state:won actual_close_date:{query}", (Grouping("owner"),),
                 (Measure("sum", "actual_revenue"),))
        )  # fmt: skip
        by_owner = {row.keys[0]: row.values[0] for row in won.rows}
        for index, user in enumerate(sellers):
            # a little over what they win, some more than others: not every bar is full
            hoped = by_owner.get(user.id, Decimal(0)) * Decimal("1.3") + STEP * (3 + index % 4)
            amount = (hoped / STEP).quantize(Decimal(1), ROUND_UP) * STEP
            targets.set_target(user.login, period, str(amount))
    saved.save(
        "Open pipeline by close month",
        Spec("opportunity", "state:open", (Grouping("estimated_close_date", "month"),),
             (Measure("sum", "estimated_revenue"), Measure("sum", "weighted_revenue"), Measure()),
             chart="line"),
        "everyone",
    )  # fmt: skip
