"""Marketing on the bench database: a dynamic list counted over a million
contacts; a static list of MEMBERS contacts built; a campaign step
distributed to them (members/s) while another process logs activities, whose
write latency says whether the desk stays responsive meanwhile. What it made
is removed afterwards (the activities by the bench's restore)."""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable

from crm_tui.bench.measure import stats, timed
from crm_tui.db import database, write

QUERY = "city:Toronto"


def _desk(path: str, login: str, ready, stop, results) -> None:
    """Another person's process: log calls until told to stop; their latencies."""
    try:
        from crm_tui import config
        from crm_tui.bench.signin import connect_as
        from crm_tui.runtime import open_for_user
        from crm_tui.services.customers import activities

        open_for_user(path, config.Settings(), login=login)
        connect_as(login)
    except Exception as exc:  # noqa: BLE001 - reported instead of hanging the parent
        ready.put(f"{type(exc).__name__}: {exc}")
        return
    ready.put("ready")
    latencies = []
    while not stop.is_set():
        started = time.perf_counter()
        activities.log("phone_call", "Desk call during a distribution",
                       regarding=("account", 1 + len(latencies) % 1000), direction="outgoing")  # fmt: skip
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.02)  # a person's pace: a write now and then, not a flood
    results.put(latencies)


def _clean(campaign_id: int, list_ids: list[int]) -> None:
    with write():
        database.execute_sql("DELETE FROM campaign WHERE id = ?", (campaign_id,))
        database.execute_sql("DELETE FROM campaign_fts WHERE rowid = ?", (campaign_id,))
        for list_id in list_ids:
            database.execute_sql("DELETE FROM marketing_list WHERE id = ?", (list_id,))
            database.execute_sql("DELETE FROM marketing_list_fts WHERE rowid = ?", (list_id,))
        database.execute_sql("DELETE FROM sequence WHERE name = 'campaign'")


def measure_all(
    repeat: int, log: Callable[[str], None] = print, *, path: str = "", members: int = 0
) -> dict:
    """The marketing measurements as the signed-in bench user: a dynamic
    list's count (ms), adding members (rows/s), distributing a step
    (members/s) and another process's write latency meanwhile (ms)."""
    from crm_tui.db import file_path, target
    from crm_tui.services.marketing import (
        campaign_links,
        campaigns,
        distribution,
        list_members,
        lists,
        steps,
    )

    members = members or (50_000 if repeat >= 10 else 5_000)
    dynamic = lists.create({"name": "Bench dynamic", "member_type": "contact", "dynamic": True,
                            "query": QUERY})  # fmt: skip
    static = lists.create({"name": "Bench static", "member_type": "contact"})
    campaign = campaigns.create({"name": "Bench campaign"})
    try:
        log(f"bench:   counting a dynamic list ({QUERY}) ...")
        counted = stats(timed(lambda: lists.count(dynamic.id), max(3, repeat // 3)))
        found = lists.get(dynamic.id).member_count
        ids = [r[0] for r in database.execute_sql(
            "SELECT id FROM contact WHERE state = 'active' ORDER BY id LIMIT ?", (members,))]  # fmt: skip
        started = time.perf_counter()
        list_members.add(static.id, ids)
        added_per_s = len(ids) / (time.perf_counter() - started)
        campaign = campaigns.launch(campaign.id, campaign.version)
        campaign_links.add_list(campaign.id, static.id)
        step = steps.create(campaign.id, {"subject": "Bench call", "channel": "phone"})
        log(f"bench:   distributing a step to {len(ids):,} members ...")
        ctx = mp.get_context("spawn")
        ready, stop, results = ctx.Queue(), ctx.Event(), ctx.Queue()
        desk = ctx.Process(target=_desk, args=(str(file_path() or target()), "bench", ready, stop,
                                               results), daemon=True)  # fmt: skip
        desk.start()
        said = ready.get(timeout=60)
        if said != "ready":
            raise RuntimeError(f"the desk process could not start: {said}")
        started = time.perf_counter()
        run = distribution.distribute(step.id)
        seconds = time.perf_counter() - started
        stop.set()
        latencies = results.get(timeout=60)
        desk.join(timeout=10)
    finally:
        _clean(campaign.id, [dynamic.id, static.id])
    return {
        "dynamic_count": {**counted, "members": found},
        "add_members_per_s": added_per_s,
        "members": run.total,
        "distribute_seconds": seconds,
        "distribute_per_s": run.created / seconds,
        "desk_write": stats(latencies) if latencies else None,
    }


def add_lines(report, raw: dict) -> None:
    """The report's lines for `measure_all`'s results, against the budgets."""
    from crm_tui.bench.budgets import DISTRIBUTE_PER_S, DYNAMIC_LIST_MS, WRITE_MS

    counted = raw["dynamic_count"]
    report.add("marketing: dynamic list count", counted["median"], "ms",
               f"<= {DYNAMIC_LIST_MS:.0f}", counted["median"] <= DYNAMIC_LIST_MS, counted["p95"],
               f"{QUERY}: {counted['members']:,} of the contacts")  # fmt: skip
    rate = raw["distribute_per_s"]
    report.add("marketing: distributing (members/s)", rate, "/s", f">= {DISTRIBUTE_PER_S:.0f}",
               rate >= DISTRIBUTE_PER_S, None,
               f"{raw['members']:,} members in {raw['distribute_seconds']:.0f} s; list built at "
               f"{raw['add_members_per_s']:,.0f}/s")  # fmt: skip
    if desk := raw["desk_write"]:
        report.add("marketing: another desk's write meanwhile", desk["median"], "ms",
                   f"<= {WRITE_MS * 5:.0f}", desk["p95"] <= WRITE_MS * 5 * 4, desk["p95"],
                   f"{desk['n']} writes while it ran")  # fmt: skip
