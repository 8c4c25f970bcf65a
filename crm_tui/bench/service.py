"""In-process timings of the customer-service services (issue 4): the case
queue's first page per view, the SLA countdown the queue redraws every few
seconds, taking and resolving a case, and finding a slot for a service. Like
crm_tui.bench.measure, each calls the real service functions a screen calls
and returns milliseconds (see measure.stats).

Everything runs signed in as the generator's agent (service_data.SERVICE_LOGIN),
a member of two queues, so "mine" and "unassigned" are a real agent's share.
The cases taken and resolved here are opened for the purpose (through
cases.create, into the agent's busiest queue of the 200k-case table); they,
their resolution activities and audit entries sit above the generator's
marks and `generate.restore` deletes them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from crm_tui.bench.budgets import FILTER_MS, LIST_PAGE_MS, WRITE_MS
from crm_tui.bench.measure import stats, timed
from crm_tui.bench.service_data import SERVICE_LOGIN
from crm_tui.bench.signin import signed_in
from crm_tui.db import database
from crm_tui.models.base import to_db_time
from crm_tui.services.support import cases, queues, scheduling, sla

# What the case queue screen asks for: RecordTable's page_size.
PAGE = 100
# The rows RecordTable.refresh_column redraws: a 30-row screen and a
# screenful either side.
VISIBLE = 90
VIEWS = ("mine", "unassigned", "queue", "all")
# screens/booking_modal.py asks for SLOTS_SHOWN * 3 slots.
SLOTS_ASKED = 24


def _countdown() -> tuple[Callable, str]:
    """The queue screen's cell function, or the SLA clock it draws when the
    screens cannot be imported."""
    try:
        from crm_tui.screens.support.sla_clock import countdown
    except Exception:  # noqa: BLE001 - any import failure: measure the clock alone
        cal = sla.calendar()
        return (lambda row, now: sla.clock(row, now, cal)), "sla.clock"
    return countdown, "sla_clock.countdown"


def busiest_queue(user_id: int) -> int:
    """The queue of `user_id` with the most active cases."""
    ids = queues.my_queue_ids(user_id)
    return max(
        ids,
        key=lambda q: database.execute_sql(
            "SELECT count(*) FROM \"case\" WHERE queue_id = ? AND state = 'active'", (q,)
        ).fetchone()[0],
    )


def _view_size(view: str, user_id: int, queue_id: int) -> int:
    where = {
        "mine": f"owner_id = {int(user_id)} AND assigned = 1",
        "unassigned": "assigned = 0 AND queue_id IN "
        f"(SELECT queue_id FROM queue_member WHERE user_id = {int(user_id)})",
        "queue": f"queue_id = {int(queue_id)}",
        "all": "TRUE",
    }[view]
    sql = f"SELECT count(*) FROM \"case\" WHERE state = 'active' AND {where}"
    return database.execute_sql(sql).fetchone()[0]


def queue_first_page(user_id: int, queue_id: int, repeat: int = 15, limit: int = PAGE) -> dict:
    """cases.page of each view's first page; each result carries the rows
    shown and the active cases in the view."""
    out = {}
    for view in VIEWS:

        def first(view=view):
            if view == "queue":
                return cases.page(view="queue", queue_id=queue_id, limit=limit)
            return cases.page(view=view, limit=limit)

        result = stats(timed(first, repeat))
        result["rows"] = len(first().rows)
        result["cases"] = _view_size(view, user_id, queue_id)
        out[view] = result
    return out


def countdown_refresh(queue_id: int, repeat: int = 15) -> dict:
    """The countdown cells of a page's first VISIBLE rows (what
    RecordTable.refresh_column redraws around the viewport; and of all PAGE
    rows), per view, at the
    time of each tick. Returns {view: stats + rows + page_ms}, "worst" and
    "via" (the function measured)."""
    cell, via = _countdown()
    out: dict = {"via": via}
    worst = {"median": -1.0}
    for view in VIEWS:
        kwargs = {"queue_id": queue_id} if view == "queue" else {}
        rows = cases.page(view=view, limit=PAGE, **kwargs).rows

        def redraw(rows=rows):
            now = dt.datetime.now(dt.UTC)
            for row in rows:
                cell(row, now)

        result = stats(timed(lambda rows=rows: redraw(rows[:VISIBLE]), repeat))
        result["rows"] = len(rows[:VISIBLE])
        result["page_rows"] = len(rows)
        result["page_ms"] = stats(timed(lambda rows=rows: redraw(rows), repeat))["median"]
        states = {}
        now = dt.datetime.now(dt.UTC)
        for row in rows[:VISIBLE]:
            state = sla.clock(row, now).state
            states[state] = states.get(state, 0) + 1
        result["states"] = states
        # A breached clock counts the working minutes since the breach day by
        # day (sla.working_minutes_between), so old breaches cost the most.
        late = [now - row["next_breach_at"] for row in rows[:VISIBLE] if row["next_breach_at"]]
        result["overdue_days"] = max((d.days for d in late), default=0)
        out[view] = result
        if result["median"] > worst["median"]:
            worst = {"view": view, **result}
    out["worst"] = worst
    return out


def take_and_resolve(queue_id: int, repeat: int = 30) -> dict:
    """cases.take of an unassigned case waiting in `queue_id`, then
    cases.resolve of it, `repeat` times each after one warm-up."""
    account = database.execute_sql(
        'SELECT account_id FROM "case" WHERE queue_id = ? AND account_id IS NOT NULL '
        "ORDER BY id LIMIT 1",
        (queue_id,),
    ).fetchone()[0]
    opened = [
        cases.create({"title": f"Bench case {k}", "account_id": account, "queue_id": queue_id})
        for k in range(repeat + 1)
    ]
    assert all(not case.assigned for case in opened), "a bench case was not left unassigned"
    takes, resolves, taken = [], [], []
    for i, case in enumerate(opened):
        t0 = time.perf_counter()
        taken.append(cases.take(case.id))
        if i:
            takes.append((time.perf_counter() - t0) * 1000)
    for i, case in enumerate(taken):
        t0 = time.perf_counter()
        cases.resolve(case.id, case.version, resolution="Fixed by the bench", billable_minutes=15)
        if i:
            resolves.append((time.perf_counter() - t0) * 1000)
    return {"take": stats(takes), "resolve": stats(resolves), "cases": len(opened)}


def find_slot(repeat: int = 15) -> dict:
    """scheduling.find_slots of every active service from now, asking for as
    many slots as the booking dialog does. Returns {service: stats +
    candidates, slots, bookings}, and "worst"."""
    out: dict = {}
    worst = {"median": -1.0}
    for service in scheduling.services():
        requirements = scheduling.requirements_of(service["id"])
        candidates = set()
        for resource_id, group in requirements:
            if resource_id is not None:
                candidates.add(resource_id)
            else:
                candidates |= {r["id"] for r in scheduling.resources(group)}

        def find(service_id=service["id"]):
            now = dt.datetime.now(dt.UTC)
            return scheduling.find_slots(service_id, after=now, count=SLOTS_ASKED)

        result = stats(timed(find, repeat))
        slots = find()
        marks = ", ".join("?" * len(candidates))
        result["candidates"] = len(candidates)
        result["slots"] = len(slots)
        result["bookings"] = database.execute_sql(
            f"SELECT count(*) FROM booking WHERE resource_id IN ({marks}) AND ends_at > ?",
            [*candidates, to_db_time(dt.datetime.now(dt.UTC))],
        ).fetchone()[0]
        result["requires"] = service["requires"]
        out[service["name"]] = result
        if result["median"] > worst["median"]:
            worst = {"service": service["name"], **result}
    out["worst"] = worst
    return out


# --- all of it, and the report's lines --------------------------------------------------


def measure_all(repeat: int = 15, log: Callable[[str], None] = print) -> dict:
    """Every service measurement, signed in as the bench agent."""
    with signed_in(SERVICE_LOGIN) as user:
        queue_id = busiest_queue(user.id)
        out: dict = {
            "user": user.login,
            "queue": queues.get(queue_id).name,
            "active_cases": _view_size("all", user.id, queue_id),
            "cases": database.execute_sql('SELECT count(*) FROM "case"').fetchone()[0],
        }
        # Reads first, so that they see the generated cases only.
        log("bench: case queue first page ...")
        out["case_queue"] = queue_first_page(user.id, queue_id, repeat)
        log("bench: SLA countdown refresh ...")
        out["countdown"] = countdown_refresh(queue_id, repeat)
        log("bench: finding a slot ...")
        out["find_slot"] = find_slot(repeat)
        log("bench: taking and resolving cases ...")
        out["cases_write"] = take_and_resolve(queue_id, max(30, repeat * 2))
    return out


def add_lines(report, raw: dict) -> None:
    """The report's lines for `measure_all`'s result, against the performance budgets."""

    def add(name, s, budget, note=""):
        report.add(
            name, s["median"], "ms", f"<= {budget:.0f}", s["median"] <= budget, s["p95"], note
        )

    first = raw["case_queue"]
    who = f"as {raw['user']}"
    for view in VIEWS:
        s = first[view]
        note = f"{s['rows']} rows of {s['cases']:,} active"
        if view == "mine":
            note += f"; {who}, of {raw['cases']:,} cases"
        elif view == "queue":
            note += f" in {raw['queue']}"
        elif view == "unassigned":
            note += " unassigned in my queues"
        add(f"case queue first page: {view}", s, LIST_PAGE_MS, note)

    clock = raw["countdown"]
    s = clock["worst"]
    states = ", ".join(f"{n} {state}" for state, n in sorted(s["states"].items()))
    add(f"SLA countdown refresh ({s['rows']} rows)", s, FILTER_MS,
        f"{clock['via']} per row, view {s['view']} ({states}, up to {s['overdue_days']} days "
        f"late); keystroke budget; all {s['page_rows']} rows of the page "
        f"{s['page_ms']:.1f} ms")  # fmt: skip

    write = raw["cases_write"]
    write_note = "a write: activity-write budget"
    add("take a case", write["take"], WRITE_MS, write_note)
    add("resolve a case", write["resolve"], WRITE_MS, write_note + "; with its resolution activity")

    slots = raw["find_slot"]
    for name, s in slots.items():
        if name == "worst":
            continue
        add(f"find a slot: {name}", s, FILTER_MS,
            f"an interactive lookup: keystroke/filter budget; {s['slots']} slots, "
            f"{s['candidates']} resources, {s['bookings']:,} bookings ahead")  # fmt: skip
