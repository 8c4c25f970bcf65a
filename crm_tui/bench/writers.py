"""Several processes logging activities into one database at once.

Each writer is a separate process (multiprocessing, spawn) signed in as its
own bench user, calling activities.log in a loop: every write is the service's
own BEGIN IMMEDIATE transaction with its audit entry, so this measures what
many agents on one host would do. The writers work on the bench database
itself; `generate.restore` deletes what they wrote afterwards.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import random
import time
from collections import Counter

from crm_tui.bench.measure import stats


def _writer(
    path: str,
    login: str,
    accounts: int,
    contacts: int,
    seconds: float,
    seed: int,
    ready,
    go,
    results,
) -> None:
    try:
        from crm_tui import config
        from crm_tui.runtime import open_for_user
        from crm_tui.services.customers import activities

        open_for_user(path, config.Settings(), login=login)
        rnd = random.Random(seed)
    except Exception as exc:  # report instead of hanging the parent
        ready.put(("failed", f"{type(exc).__name__}: {exc}"))
        return
    ready.put(("ready", login))
    go.wait()
    count = 0
    errors: Counter[str] = Counter()
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    while True:
        t0 = time.perf_counter()
        if t0 >= end:
            break
        if rnd.random() < 0.5:
            regarding = ("account", rnd.randint(1, accounts))
        else:
            regarding = ("contact", rnd.randint(1, contacts))
        try:
            activities.log(
                "phone_call",
                f"Bench writer call {count}",
                regarding=regarding,
                direction="outgoing",
                duration_minutes=rnd.randint(1, 30),
            )
            count += 1
        except Exception as exc:
            errors[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
        latencies.append((time.perf_counter() - t0) * 1000)
    results.put({"login": login, "writes": count, "errors": dict(errors), "latencies": latencies})


def run(
    path: str,
    *,
    processes: int = 8,
    seconds: float = 5.0,
    accounts: int,
    contacts: int,
    logins: list[str] | None = None,
    start_timeout: float = 60.0,
) -> dict:
    """Start `processes` writers, let them write for `seconds` together, and
    return total writes/s, errors and per-write latency (ms)."""
    ctx = mp.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    logins = logins or [f"bench{i + 1:02d}" for i in range(processes)]
    procs = [
        ctx.Process(
            target=_writer,
            args=(
                str(path),
                logins[i % len(logins)],
                accounts,
                contacts,
                seconds,
                1000 + i,
                ready,
                go,
                results,
            ),
            daemon=True,
        )
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    failures = []
    try:
        for _ in procs:
            status, detail = ready.get(timeout=start_timeout)
            if status != "ready":
                failures.append(detail)
        if failures:
            raise RuntimeError(f"writer could not start: {failures[0]}")
        started = time.perf_counter()
        go.set()
        outcomes = []
        for _ in procs:
            outcomes.append(results.get(timeout=seconds + start_timeout))
        elapsed = time.perf_counter() - started
    except queue.Empty:
        raise RuntimeError("a writer process did not answer in time") from None
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()
    writes = sum(o["writes"] for o in outcomes)
    errors: Counter[str] = Counter()
    for o in outcomes:
        errors.update(o["errors"])
    latencies = [x for o in outcomes for x in o["latencies"]]
    return {
        "processes": processes,
        "seconds": seconds,
        "wall_seconds": round(elapsed, 2),
        "writes": writes,
        "writes_per_s": round(writes / seconds, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "per_process": sorted(o["writes"] for o in outcomes),
        "latency_ms": stats(latencies) if latencies else None,
    }
