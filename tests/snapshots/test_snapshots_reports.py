"""SVG snapshots of the dashboard and of a report, at 120x36 and 80x24: a
dashboard of the pipeline, the queues, the open activities and sales by
month (the parts of a desk that read the same whatever the day), and the
built-in pipeline report with its chart, subtotals and totals.

Update with `pytest tests/snapshots/test_snapshots_reports.py --snapshot-update`
after checking the differences in snapshot_report.html.
"""

from __future__ import annotations

import datetime as dt

import pytest
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.db import database, write
from crm_tui.models.base import stamped_by
from crm_tui.screens.reports import report_view
from crm_tui.services import dates, session, users
from crm_tui.services.customers import accounts, activities
from crm_tui.services.dashboards import boards
from crm_tui.services.dashboards.boards import Tile
from crm_tui.services.reporting import saved
from crm_tui.services.sales import opportunities
from crm_tui.services.support import cases, queues

BIG = (120, 36)
SMALL = (80, 24)
DAY = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)
PROBABILITY = {"qualify": 10, "develop": 30, "propose": 60, "close": 80}


def _desk() -> None:
    users.add("rana", "Rana Sales", "sales")
    me = session.current_user()
    with stamped_by(lambda: DAY):
        acme = accounts.create({"name": "Acme Trading"})
        for n, (stage, revenue, owner) in enumerate([
            ("qualify", "12000", None), ("qualify", "4000", "rana"), ("develop", "30000", None),
            ("propose", "8500", "rana"), ("close", "56000", None),
        ]):  # fmt: skip
            deal = opportunities.create({"name": f"Deal {n}", "account_id": acme.id,
                                         "estimated_revenue": revenue})  # fmt: skip
            # the stage and owner set as they stand, past the stage gates' questions
            with write():
                database.execute_sql(
                    "UPDATE opportunity SET stage = ?, probability = ?, owner_id = ? WHERE id = ?",
                    [stage, PROBABILITY[stage], users.get(owner).id if owner else me.id, deal.id],
                )
        for month, revenue in ((1, "9000"), (2, "15500"), (4, "7000")):
            won = opportunities.create({"name": f"Won {month}", "account_id": acme.id})
            opportunities.close_won(won.id, won.version, actual_revenue=revenue,
                                    close_date=dt.date(2021, month, 10))  # fmt: skip
        tier1 = queues.create({"name": "Tier 1"})
        billing = queues.create({"name": "Billing"})
        for n, (queue, breach) in enumerate([(tier1, "2020"), (tier1, "2999"), (billing, "2999")]):
            case = cases.create({"title": f"Case {n}", "account_id": acme.id,
                                 "queue_id": queue.id})  # fmt: skip
            with write():
                database.execute_sql('UPDATE "case" SET next_breach_at = ? WHERE id = ?',
                                     [f"{breach}-01-01T00:00:00.000000", case.id])  # fmt: skip
    zone = dates.configured_zone()
    for days, subject in ((-3, "Chase the PO"), (0, "Call Acme"), (0, "Send the deck"),
                          (40, "Renewal")):  # fmt: skip
        due = dt.datetime.combine(dates.today() + dt.timedelta(days=days), dt.time(12), zone)
        activities.log("task", subject, due_at=due.astimezone(dt.UTC))
    board = boards.save("Desk", (Tile("pipeline", "me"), Tile("queue_load"),
                                 Tile("activities", "me"),
                                 Tile("report", report="builtin:sales_by_month")))  # fmt: skip
    boards.choose(board.key)
    assert me.id


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_dashboard(db, snap_compare, size):
    _desk()
    session.settings().start_area = "dashboard"

    async def loaded(pilot) -> None:
        screen = pilot.app.screen
        assert await wait_until(pilot, lambda: all(v.data for v in screen.tiles), timeout=5)
        await pilot.pause()

    assert snap_compare(CrmApp(), run_before=loaded, terminal_size=size)


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_report(db, snap_compare, size, monkeypatch):
    _desk()
    monkeypatch.setattr(report_view, "elapsed", lambda: 0.0)

    async def counted(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        app.push_screen(report_view.ReportScreen(saved.by_name("pipeline")))
        assert await wait_until(pilot, lambda: getattr(app.screen, "result", None) is not None,
                                timeout=5)  # fmt: skip
        await pilot.pause()

    assert snap_compare(CrmApp(), run_before=counted, terminal_size=size)
