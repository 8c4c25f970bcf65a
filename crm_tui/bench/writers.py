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
        from crm_tui.bench.signin import connect_as
        from crm_tui.runtime import open_for_user
        from crm_tui.services.customers import activities

        open_for_user(path, config.Settings(), login=login)
        connect_as(login)
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


def run_together(
    procs, ready, go, results, seconds: float, start_timeout: float, what: str, log=None
) -> tuple[list[dict], float]:
    """Start `procs`, wait until every one says it is ready, let them all go
    at once and collect one result each; returns (results, seconds taken).
    Each process puts ("ready", login) or ("failed", detail) on `ready`, waits
    for `go`, then puts its result on `results`."""
    started = time.perf_counter()
    for p in procs:
        p.start()
    try:
        failures = []
        for _ in procs:
            status, detail = ready.get(timeout=start_timeout)
            if status != "ready":
                failures.append(detail)
        if failures:
            raise RuntimeError(f"{len(failures)} {what}(s) could not start: {failures[0]}")
        if log is not None:
            log(
                f"bench:   {len(procs)} {what}s ready in {time.perf_counter() - started:.0f} s; "
                "working ..."
            )
        started = time.perf_counter()
        go.set()
        outcomes = [results.get(timeout=seconds + start_timeout) for _ in procs]
        return outcomes, time.perf_counter() - started
    except queue.Empty:
        raise RuntimeError(f"a {what} process did not answer in time") from None
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()


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
    outcomes, elapsed = run_together(procs, ready, go, results, seconds, start_timeout, "writer")
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
