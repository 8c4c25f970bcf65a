"""`crm-tui bench --load`: many people at their desks at once.

Each simulated agent is a process of its own (multiprocessing, spawn),
signed in as its own user, going round a desk's work for a fixed time:
filter a list as a person types into it, open a record (the account and its
timeline), log a call on it, open a case in a queue, take it and resolve it,
and move their own opportunity card to the next stage (back to Qualify
once it reaches Propose). Every step is the real service call a screen
makes, in the services' own transactions, so the writes of all agents queue
for the database's one write lock (SQLite's, or the advisory lock every
PostgreSQL transaction takes) exactly as people's would.

The agents act as users load01, load02 ... that the run creates once and
keeps (the manager role: the one built-in role allowed the whole round,
as an agent may not move cards and a salesperson may not take cases). On
PostgreSQL the processes connect with the --db URL's role and act as their
user, as `crm-tui` does for a person. Everything they write sits above the
generator's marks and `generate.restore` deletes it afterwards.

Reported: operations per second over the run, p50/p95 latency per
operation, and the errors (a refusal, a conflict, DatabaseBusy once the busy
timeout ran out: every one counts, and there must be none).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator

from crm_tui.bench.measure import LATIN_TYPING, PERSIAN_TYPING, stats
from crm_tui.bench.writers import run_together

OPERATIONS = (
    "filter a list",
    "open a record (+ timeline)",
    "log an activity",
    "open a case",
    "take the case",
    "resolve the case",
    "move a card forward",
    "move a card back",
)
LOGIN_PREFIX = "load"
# The queue the agents' cases wait in before they take them.
QUEUE = "Tier 1"
STAGES = ("qualify", "develop", "propose")
TYPED = LATIN_TYPING + PERSIAN_TYPING


def logins(count: int) -> list[str]:
    """The agents' logins: load01, load02 ... (three digits past 99)."""
    width = max(2, len(str(count)))
    return [f"{LOGIN_PREFIX}{i + 1:0{width}d}" for i in range(count)]


def ensure_users(count: int) -> list[str]:
    """The logins of `count` agents, each added as a manager unless it is
    already a user. Call signed in as an admin."""
    from crm_tui.services import users

    existing = {user.login for user in users.all_users(include_inactive=True)}
    wanted = logins(count)
    for login in wanted:
        if login not in existing:
            users.add(login, f"Load agent {login.removeprefix(LOGIN_PREFIX)}", "manager")
    return wanted


class Desk:
    """One agent's round of work; each step is one operation to time. A step
    that failed leaves the steps that need its result to the next round."""

    def __init__(self, rnd: random.Random, accounts: int, queue_id: int) -> None:
        from crm_tui.services import dates
        from crm_tui.services.sales import opportunities

        self.rnd = rnd
        self.accounts = accounts
        self.queue_id = queue_id
        self.account = rnd.randint(1, accounts)
        self.case = None
        # The agent's own card (untimed, before the clock starts): it carries
        # every field the Develop and Propose gates ask for, so each forward
        # move passes its gate; nobody else moves it, so no move conflicts.
        close = (dates.today() + dt.timedelta(days=60)).isoformat()
        self.card = opportunities.create(
            {
                "name": "Load test card",
                "account_id": str(self.account),
                "estimated_close_date": close,
                "estimated_revenue": "12,500.00",
                "description": "Needs a quote for the yearly renewal",
            }
        )

    def steps(self) -> Iterator[tuple[str, Callable[[], object]]]:
        """This round's (operation, call) pairs, in the order a person works;
        a case is taken and resolved only once the steps before succeeded."""
        yield "filter a list", self.filter_list
        yield "open a record (+ timeline)", self.open_record
        yield "log an activity", self.log_activity
        yield "open a case", self.open_case
        if self.case is not None:
            yield "take the case", self.take_case
        if self.case is not None and self.case.assigned:
            yield "resolve the case", self.resolve_case
        if self.card.stage == STAGES[-1]:
            yield "move a card back", self.move_card
        else:
            yield "move a card forward", self.move_card

    def filter_list(self) -> None:
        """A prefix typed into the contacts or accounts list's filter."""
        from crm_tui.services.customers import accounts, contacts

        service = contacts if self.rnd.random() < 0.5 else accounts
        service.page(view="active", query=self.rnd.choice(TYPED), limit=100)

    def open_record(self) -> None:
        """A random account as its screen opens: the record, then its timeline."""
        from crm_tui.services.customers import accounts, activities

        self.account = self.rnd.randint(1, self.accounts)
        row = accounts.get(self.account)
        _ = row.owner.full_name  # the summary shows it; Peewee loads it lazily
        regarding = ("account", self.account)
        activities.open_items(regarding)
        activities.history(regarding, limit=50)

    def log_activity(self) -> None:
        """A call logged on the account just opened."""
        from crm_tui.services.customers import activities

        activities.log(
            "phone_call",
            "Load test call",
            regarding=("account", self.account),
            direction="outgoing",
            duration_minutes=self.rnd.randint(1, 30),
        )

    def open_case(self) -> None:
        """A case for that account, waiting in QUEUE."""
        from crm_tui.services.support import cases

        self.case = None
        self.case = cases.create(
            {"title": "Load test case", "account_id": self.account, "queue_id": self.queue_id}
        )

    def take_case(self) -> None:
        """The case just opened, taken from its queue."""
        from crm_tui.services.support import cases

        case, self.case = self.case, None
        self.case = cases.take(case.id)

    def resolve_case(self) -> None:
        """The case just taken, resolved (with its resolution activity)."""
        from crm_tui.services.support import cases

        case, self.case = self.case, None
        cases.resolve(case.id, case.version, resolution="Solved on the phone")

    def move_card(self) -> None:
        """The agent's card to its next stage, or back to Qualify from Propose."""
        from crm_tui.services.sales import opportunities

        here = STAGES.index(self.card.stage)
        target = STAGES[0] if here == len(STAGES) - 1 else STAGES[here + 1]
        try:
            self.card = opportunities.move_stage(self.card.id, self.card.version, target)
        except Exception:
            self.card = opportunities.get(self.card.id)  # start the next round from what is stored
            raise


def _agent(target, login, accounts, queue_id, seconds, seed, ready, go, results) -> None:
    try:
        from crm_tui import config
        from crm_tui.bench.signin import connect_as
        from crm_tui.runtime import open_for_user

        open_for_user(target, config.Settings(), login=login)
        connect_as(login)
        desk = Desk(random.Random(seed), accounts, queue_id)
    except Exception as exc:  # report instead of hanging the parent
        ready.put(("failed", f"{login}: {type(exc).__name__}: {exc}"))
        return
    ready.put(("ready", login))
    go.wait()
    latencies: dict[str, list[float]] = {op: [] for op in OPERATIONS}
    errors: Counter[str] = Counter()
    rounds = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for operation, step in desk.steps():
            t0 = time.perf_counter()
            if t0 >= end:
                break
            try:
                step()
            except Exception as exc:
                reason = " ".join(str(exc).split())[:120]
                errors[f"{operation}: {type(exc).__name__}: {reason}"] += 1
                continue
            latencies[operation].append((time.perf_counter() - t0) * 1000)
        rounds += 1
    results.put({"login": login, "latencies": latencies, "errors": dict(errors), "rounds": rounds})


def run(
    target: str,
    *,
    agents: int = 50,
    seconds: float = 30.0,
    accounts: int,
    queue_id: int,
    agent_logins: list[str],
    start_timeout: float = 180.0,
    log: Callable[[str], None] = print,
) -> dict:
    """Start `agents` processes on the database at `target` (users
    `agent_logins` must exist), let them work for `seconds` together and
    return throughput, per-operation latency (ms) and errors."""
    ctx = mp.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(
            target=_agent,
            args=(
                target,
                agent_logins[i],
                accounts,
                queue_id,
                seconds,
                7000 + i,
                ready,
                go,
                results,
            ),  # fmt: skip
            daemon=True,
        )
        for i in range(agents)
    ]
    outcomes, elapsed = run_together(
        procs, ready, go, results, seconds, start_timeout, "agent", log=log
    )
    return summarize(outcomes, agents=agents, seconds=seconds, elapsed=elapsed)


def summarize(outcomes: list[dict], *, agents: int, seconds: float, elapsed: float) -> dict:
    """The agents' results together: completed operations/s over the run's
    `seconds`, per-operation stats (ms) with their count and rate, the errors
    by kind (a failed operation is an error, not a sample)."""
    errors: Counter[str] = Counter()
    per_operation = {}
    for op in OPERATIONS:
        samples = [x for o in outcomes for x in o["latencies"][op]]
        per_operation[op] = (
            {**stats(samples), "count": len(samples), "per_s": round(len(samples) / seconds, 1)}
            if samples
            else {"count": 0, "per_s": 0.0}
        )
    for o in outcomes:
        errors.update(o["errors"])
    total = sum(s["count"] for s in per_operation.values())
    return {
        "agents": agents,
        "seconds": seconds,
        "wall_seconds": round(elapsed, 2),
        "operations": total,
        "operations_per_s": round(total / seconds, 1),
        "rounds": sum(o["rounds"] for o in outcomes),
        "per_operation": per_operation,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors.most_common()),
    }


def measure(target: str, *, agents: int, seconds: float, log: Callable[[str], None]) -> dict:
    """The load test on the bench database at `target` (nothing open): the
    agents' users made sure of as the bench admin, then `run`."""
    from crm_tui import config
    from crm_tui.db import close_database, database, is_url
    from crm_tui.runtime import open_for_user
    from crm_tui.services import session

    open_for_user(target, config.Settings(), login="bench")
    try:
        agent_logins = ensure_users(agents)
        accounts = database.execute_sql("SELECT max(id) FROM account").fetchone()[0]
        queue_id = database.execute_sql("SELECT id FROM queue WHERE name = ?", (QUEUE,)).fetchone()
    finally:
        session.act_as(None)
        close_database()
    if is_url(str(target)):
        from crm_tui.bench import postgres

        postgres.enforce_access(str(target), log)  # the agents' roles
    log(f"bench: load test: {agents} agents for {seconds:g} s (starting the processes) ...")
    return run(
        target,
        agents=agents,
        seconds=seconds,
        accounts=accounts,
        queue_id=queue_id[0],
        agent_logins=agent_logins,
        log=log,
    )


def add_lines(report, result: dict) -> None:
    """The report's lines for a load test: throughput, each operation's
    p50/p95 (under load: no single-user budget applies), and the errors."""
    agents, seconds = result["agents"], result["seconds"]
    report.add(
        f"load: {agents} agents x {seconds:g} s: operations/s",
        result["operations_per_s"],
        "/s",
        note=f"{result['operations']:,} operations in {result['rounds']:,} desk rounds",
    )
    for op, s in result["per_operation"].items():
        if not s["count"]:
            report.add(f"load: {op}", None, "ms", "", False, note="never completed")
            continue
        report.add(
            f"load: {op}", s["median"], "ms", p95=s["p95"], note=f"{s['count']:,} ({s['per_s']}/s)"
        )
    report.add(
        f"load: {agents} agents: errors",
        result["errors"],
        "",
        "= 0",
        result["errors"] == 0,
        note="; ".join(f"{k} x{v}" for k, v in list(result["error_kinds"].items())[:5]),
    )
