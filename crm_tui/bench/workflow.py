"""Workflow on the bench database: what five real-time rules on cases add to
a case write (their triggers matched and their conditions read, in the
write), and the runner's throughput on SCHEDULED due matches of a rule on
time (each a task and a notification for the case's owner), queued by one
scan and run by the job queue as `crm-tui worker` runs them.

The cases written are opened for the purpose and sit above the generator's
marks, as do the tasks and audit entries; the rules, jobs, runs and
notifications are the bench's alone: `generate.restore` empties their tables."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from crm_tui.bench.measure import stats
from crm_tui.db import database, write
from crm_tui.models.base import to_db_time, utcnow

SCHEDULED = 10_000
# Five rules on cases, as an organisation would have them: each reads the
# write's change and its condition; none of them holds for the bench's case.
RULES = (
    ("Escalate high priority", "updated", "priority:high queue:Billing"),
    ("Tell the owner of a case put on hold", "updated", "status_reason:on_hold severity:critical"),
    ("Reopened cases to Tier 2", "state", "queue:Billing"),
    ("Critical cases to the manager", "updated", "severity:critical"),
    ("Assigned cases: welcome task", "assigned", "priority:high"),
)


def _case_writes(case_id: int, count: int) -> list[float]:
    from crm_tui.services.support import cases

    out = []
    for k in range(count + 1):
        version = cases.get(case_id).version
        started = time.perf_counter()
        cases.update(case_id, version, {"description": f"Bench edit {k}"})
        if k:
            out.append((time.perf_counter() - started) * 1000)
    return out


def realtime_cost(repeat: int) -> dict:
    """A case write's milliseconds without rules and with five on cases."""
    from crm_tui.services.support import cases
    from crm_tui.services.workflow import index, rules
    from crm_tui.services.workflow.spec import Action, Rule

    row = database.execute_sql(
        'SELECT account_id, queue_id FROM "case" WHERE account_id IS NOT NULL ORDER BY id LIMIT 1'
    ).fetchone()
    case = cases.create({"title": "Bench workflow case", "account_id": row[0], "queue_id": row[1]})
    count = max(60, repeat * 4)
    without = _case_writes(case.id, count)
    for name, trigger, condition in RULES:
        rules.create(Rule(name=name, kind="case", trigger=trigger, condition=condition,
                          actions=(Action("notify", (("text", "{number}"), ("to", ["owner"]))),),
                          enabled=True))  # fmt: skip
    index.forget()
    with_rules = _case_writes(case.id, count)
    for rule in rules.all_rules():
        rules.set_enabled(rule.id, False)  # not to act during the scheduled run
    return {"without": stats(without), "with": stats(with_rules), "rules": len(RULES)}


def scheduled_throughput(log: Callable[[str], None]) -> dict:
    """Queue SCHEDULED due matches of a rule on time, then run them all."""
    from crm_tui.services.workflow import jobs, rules, schedule
    from crm_tui.services.workflow.spec import Action, Rule

    now = utcnow()
    day_old = to_db_time(now - dt.timedelta(days=1))
    eligible = database.execute_sql(
        'SELECT count(*) FROM "case" WHERE created_at <= ?', (day_old,)
    ).fetchone()[0]
    wanted = min(SCHEDULED, eligible)  # a quick bench has fewer cases
    if not wanted:
        return {"queued": 0, "scan_s": 0.0, "done": 0, "failed": 0, "run_s": 0.0,
                "per_s": 0.0, "queued_again": 0}  # fmt: skip
    newest = database.execute_sql(
        'SELECT created_at FROM "case" WHERE created_at <= ? ORDER BY created_at DESC '
        "LIMIT 1 OFFSET ?",
        (day_old, wanted - 1),
    ).fetchone()[0]
    rule = rules.create(Rule(
        name="Bench: a day after a case opens", kind="case", trigger="time", date="created_at",
        offset="1 day after", enabled=True,
        actions=(Action("activity", (("subject", "Check on {number}"), ("due", "+1d"))),
                 Action("notify", (("text", "{number} is a day old"), ("to", ["owner"])))),
    ))  # fmt: skip
    # switched on just before the SCHEDULED newest cases came due
    since = to_db_time(
        dt.datetime.fromisoformat(newest).replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
    )
    with write():
        database.execute_sql(
            "UPDATE workflow_rule SET enabled_at = ?, scanned_until = NULL WHERE id = ?",
            (since, rule.id),
        )
    started = time.perf_counter()
    queued = schedule.scan(rules.get(rule.id), now)
    scan_s = time.perf_counter() - started
    log(f"bench: {queued:,} scheduled matches queued in {scan_s:.1f} s; running them ...")
    started = time.perf_counter()
    report = jobs.run_due()
    run_s = time.perf_counter() - started
    again = schedule.scan(rules.get(rule.id), utcnow())
    return {"queued": queued, "scan_s": scan_s, "done": report.done, "failed": report.failed,
            "run_s": run_s, "per_s": report.done / run_s if run_s else 0.0,
            "queued_again": again}  # fmt: skip


def measure_all(repeat: int, log: Callable[[str], None] = print) -> dict:
    """Both measurements, as the bench user (an admin)."""
    log("bench: a case write with and without five real-time rules ...")
    out = {"realtime": realtime_cost(repeat)}
    log("bench: scheduled matches ...")
    out["scheduled"] = scheduled_throughput(log)
    return out


def add_lines(report, raw: dict) -> None:
    """The report's lines for `measure_all`'s results, against the budgets."""
    from crm_tui.bench.budgets import RULES_ADDED_MS

    real = raw["realtime"]
    added = real["with"]["median"] - real["without"]["median"]
    report.add("workflow: five real-time rules added to a case write", added, "ms",
               f"<= {RULES_ADDED_MS:.0f}", added <= RULES_ADDED_MS,
               real["with"]["p95"] - real["without"]["p95"],
               f"{real['without']['median']:.2f} ms without, {real['with']['median']:.2f} with")  # fmt: skip
    sched = raw["scheduled"]
    fired_once = sched["done"] == sched["queued"] and sched["queued_again"] == 0
    report.add("workflow: scheduled matches run", sched["per_s"], "/s", "", fired_once, None,
               f"{sched['done']:,} of {sched['queued']:,} done in {sched['run_s']:.0f} s "
               f"(queued in {sched['scan_s']:.1f} s); none queued twice")  # fmt: skip
