"""In-process timings of the services on an open database.

Each measurement calls the real service functions (what a screen calls) and
returns milliseconds as {"median", "p95", "min", "max", "n"}. The time is
wall time around the service call, so it includes the little Python around
the query: an upper bound of the database time the budgets speak of.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from crm_tui.bench.budgets import FILTER_MS, IMPORT_ROWS_PER_S, LIST_PAGE_MS, WRITE_MS
from crm_tui.services import audit, records
from crm_tui.services.customers import accounts, activities, contacts, notes

# What a person types into the filter, one keystroke at a time.
LATIN_TYPING = ["m", "ma", "mar", "mari", "maria"]
PERSIAN_TYPING = ["م", "مر", "مری", "مریم"]


def stats(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median": round(statistics.median(ordered), 3),
        "p95": round(p95, 3),
        "min": round(ordered[0], 3),
        "max": round(ordered[-1], 3),
        "n": len(ordered),
    }


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Run `fn` `warmup` times untimed, then `repeat` times; milliseconds each."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def list_first_page(repeat: int = 20) -> dict:
    """The first page of the accounts and contacts lists (active, by name),
    and of the activities area's open and completed views (by when due, by
    when done: two million activities)."""
    from crm_tui.services.customers import activity_list

    return {
        "accounts": stats(
            timed(lambda: accounts.page(view="active", sort="name", limit=100), repeat)
        ),
        "contacts": stats(
            timed(lambda: contacts.page(view="active", sort="name", limit=100), repeat)
        ),
        "activities, all open": stats(
            timed(lambda: activity_list.page(view="open", limit=100), repeat)
        ),
        "activities, completed": stats(
            timed(lambda: activity_list.page(view="completed", limit=100), repeat)
        ),
    }


def filter_keystrokes(
    typing: dict[str, list[str]] | None = None, repeat: int = 10, limit: int = 100
) -> dict:
    """page(query=prefix) for each prefix as a person types it, on contacts
    and accounts. Returns {kind: {prefix: stats + rows}, "worst": {...}}."""
    typing = typing or {"latin": LATIN_TYPING, "persian": PERSIAN_TYPING}
    out: dict = {}
    worst = {"median": -1.0}
    for kind, service in (("contacts", contacts), ("accounts", accounts)):
        per_prefix = {}
        for sequence in typing.values():
            for prefix in sequence:

                def run(prefix=prefix, service=service):
                    return service.page(view="active", query=prefix, limit=limit)

                result = stats(timed(run, repeat))
                result["rows"] = len(run().rows)
                per_prefix[prefix] = result
                if result["median"] > worst["median"]:
                    worst = {"kind": kind, "prefix": prefix, **result}
        out[kind] = per_prefix
    out["worst"] = worst
    return out


def open_account(account_id: int, repeat: int = 10) -> dict:
    """What the account screen reads when it opens: the record (with owner and
    stamp users), open-activity count, parent and primary contact names,
    contacts, open items, the first history page, notes and the audit trail."""
    regarding = ("account", account_id)
    parts: dict[str, Callable[[], object]] = {}

    def record():
        row = accounts.get(account_id)
        # the summary reads these foreign keys; Peewee loads each lazily
        _ = (row.owner.full_name, row.created_by, row.modified_by)
        if row.parent_id:
            records.title_of("account", row.parent_id)
        if row.primary_contact_id:
            records.title_of("contact", row.primary_contact_id)
        return row

    parts["accounts.get (+owner, names)"] = record
    parts["activities.open_count"] = lambda: activities.open_count(regarding)
    parts["accounts.contacts_of"] = lambda: accounts.contacts_of(account_id)
    parts["activities.open_items"] = lambda: activities.open_items(regarding)
    parts["activities.history (50)"] = lambda: activities.history(regarding, limit=50)
    parts["notes.list_for"] = lambda: notes.list_for(regarding)
    parts["audit.history"] = lambda: audit.history("account", account_id)

    def everything():
        for fn in parts.values():
            fn()

    total = stats(timed(everything, repeat))
    breakdown = {name: stats(timed(fn, repeat))["median"] for name, fn in parts.items()}
    sizes = {
        "activities": activities.open_count(regarding) + _history_size(regarding),
        "contacts": len(accounts.contacts_of(account_id)),
        "notes": len(notes.list_for(regarding)),
        "audit": len(audit.history("account", account_id)),
    }
    return {"total": total, "breakdown": breakdown, "sizes": sizes}


def _history_size(regarding: tuple[str, int]) -> int:
    from crm_tui.db import database

    return database.execute_sql(
        "SELECT count(*) FROM activity WHERE regarding_type = ? AND regarding_id = ? "
        "AND state IN ('completed', 'canceled')",
        regarding,
    ).fetchone()[0]


def activity_write(account_ids: list[int], repeat: int = 50, seed: int = 1) -> dict:
    """One activities.log (a completed outgoing call) regarding a random account:
    its own BEGIN IMMEDIATE transaction with the audit entry."""
    rnd = random.Random(seed)

    def write():
        activities.log(
            "phone_call",
            "Bench call",
            regarding=("account", rnd.choice(account_ids)),
            direction="outgoing",
            duration_minutes=3,
        )

    return stats(timed(write, repeat, warmup=3))


# --- all of it, and the report's lines --------------------------------------------------


def steps(
    bench_account: int, accounts: int, repeat: int = 15, log: Callable[[str], None] = print
) -> list[tuple[str, Callable[[], dict]]]:
    """Every customer measurement as (its key in the raw results, the call
    that measures it), as the signed-in bench admin."""

    def announce(message: str, measure: Callable[[], dict]) -> Callable[[], dict]:
        def run() -> dict:
            log(f"bench: {message} ...")
            return measure()

        return run

    ids = list(range(1, accounts + 1))
    typing_repeat, write_repeat = max(3, repeat // 3), max(30, repeat * 2)
    return [
        ("list_first_page", announce("list first page", lambda: list_first_page(repeat))),
        ("filter", announce("filter keystrokes", lambda: filter_keystrokes(repeat=typing_repeat))),
        (
            "open_account",
            announce("opening the bench account", lambda: open_account(bench_account, repeat)),
        ),
        (
            "activity_write",
            announce("one activity write", lambda: activity_write(ids, repeat=write_repeat)),
        ),
        ("import", announce("importing contacts", lambda: _import(repeat, log))),
    ]


def _import(repeat: int, log: Callable[[str], None]) -> dict:
    from crm_tui.bench import imports

    return imports.measure(20_000 if repeat >= 10 else 2_000, log)


def add_lines(report, raw: dict) -> None:
    """The report's lines for the results of `steps` (those in `raw`), against
    the performance budgets."""

    def add(name, s, budget, note=""):
        report.add(
            name, s["median"], "ms", f"<= {budget:.0f}", s["median"] <= budget, s["p95"], note
        )

    for kind, s in raw.get("list_first_page", {}).items():
        add(f"list first page: {kind}", s, LIST_PAGE_MS)
    if typing := raw.get("filter"):
        for kind in ("contacts", "accounts"):
            for prefix, s in typing[kind].items():
                add(f"filter {kind}: {prefix!r}", s, FILTER_MS, f"{s['rows']} rows shown")
        worst = typing["worst"]
        add("filter: worst prefix", worst, FILTER_MS, f"{worst['kind']} {worst['prefix']!r}")
    if opened := raw.get("open_account"):
        slowest = max(opened["breakdown"].items(), key=lambda kv: kv[1])
        report.add(
            f"open account ({opened['sizes']['activities']:,} activities)",
            opened["total"]["median"],
            "ms",
            "",
            None,
            p95=opened["total"]["p95"],
            note=f"no budget; slowest part {slowest[0]} {slowest[1]:.1f} ms",
        )
    if "activity_write" in raw:
        add("activity write (activities.log)", raw["activity_write"], WRITE_MS)
    if done := raw.get("import"):
        for name, key, note in (
            ("import: dry run (rows/s)", "dry_run_per_s", f"{done['rows']:,} new contacts"),
            ("import: writing (rows/s)", "write_per_s",
             f"{done['created']:,} created; reverted in {done['revert_seconds']:.1f} s"),
        ):  # fmt: skip
            rate = done[key]
            report.add(name, rate, "/s", f">= {IMPORT_ROWS_PER_S:.0f}",
                       rate >= IMPORT_ROWS_PER_S, None, note)  # fmt: skip
