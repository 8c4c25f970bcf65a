"""The database's one workflow runner: `crm-tui worker` (under systemd, or
from cron with --once), or a running app that finds nobody holding the
lease. It holds the row of `workflow_runner`, renewed as it works; a runner
silent for longer than LEASE is taken to be gone and another takes over.
Each pass queues what the scheduled rules are due for and runs the due
jobs; exactly-once does not rest on the lease (jobs.py), which only keeps
two runners from doing the same work."""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from crm_tui.db import database, write
from crm_tui.errors import DomainError
from crm_tui.models.base import from_db_time, to_db_time, utcnow
from crm_tui.services.workflow import jobs, schedule

LEASE = dt.timedelta(seconds=120)
PAUSE_SECONDS = 5.0
SCAN_SECONDS = 30.0


@dataclass
class Pass:
    """What one pass did."""

    queued: int = 0
    jobs: jobs.Report | None = None


def holder_name() -> str:
    """Who a runner is, as its lease says: host, process, and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lease_holder() -> tuple[str, dt.datetime] | None:
    """(holder, last beat) of the lease while it is held, else None."""
    row = database.execute_sql(
        "SELECT holder, beat_at FROM workflow_runner WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    beat = from_db_time(row[1])
    return (row[0], beat) if beat > utcnow() - LEASE else None


def take_lease(holder: str) -> None:
    """Become the runner, or DomainError naming the one running."""
    now = utcnow()
    with write():
        row = database.execute_sql(
            "SELECT holder, beat_at FROM workflow_runner WHERE id = 1"
        ).fetchone()
        if row and row[0] != holder and from_db_time(row[1]) > now - LEASE:
            seen = int((now - from_db_time(row[1])).total_seconds())
            raise DomainError(
                f"another workflow runner is running ({row[0].split(':')[0]}, process "
                f"{row[0].split(':')[1]}, last seen {seen} s ago); one runs a database at a time"
            )
        database.execute_sql(
            "INSERT INTO workflow_runner (id, holder, beat_at) VALUES (1, ?, ?) ON CONFLICT (id) "
            "DO UPDATE SET holder = excluded.holder, beat_at = excluded.beat_at",
            (holder, to_db_time(now)),
        )


def beat(holder: str) -> bool:
    """Renew the lease; False when another runner took it over."""
    with write():
        return (
            database.execute_sql(
                "UPDATE workflow_runner SET beat_at = ? WHERE id = 1 AND holder = ? RETURNING id",
                (to_db_time(utcnow()), holder),
            ).fetchone()
            is not None
        )


def release(holder: str) -> None:
    """Give the lease up (a runner that stops)."""
    with write():
        database.execute_sql("DELETE FROM workflow_runner WHERE id = 1 AND holder = ?", (holder,))


def one_pass(holder: str, *, scan: bool = True) -> Pass:
    """Queue what is due (when `scan`) and run the due jobs, as `holder`."""
    done = Pass()
    if scan:
        done.queued = schedule.scan_all()
    last = [time.monotonic()]

    def still_held() -> bool:
        if time.monotonic() - last[0] < LEASE.total_seconds() / 4:
            return True
        last[0] = time.monotonic()
        return beat(holder)

    done.jobs = jobs.run_due(still_held=still_held)
    return done


def run(*, once: bool = False, stop: Callable[[], bool] = lambda: False,
        said: Callable[[Pass], None] | None = None) -> None:  # fmt: skip
    """Run as the database's runner until `stop()` (or one pass, `once`);
    DomainError when another runner holds the lease. Stops, giving the
    lease up, when another runner took it over."""
    holder = holder_name()
    take_lease(holder)
    last_scan = 0.0
    try:
        while True:
            scan = time.monotonic() - last_scan >= SCAN_SECONDS or once
            if scan:
                last_scan = time.monotonic()
            done = one_pass(holder, scan=scan)
            if said is not None:
                said(done)
            if once or stop() or not beat(holder):
                return
            deadline = time.monotonic() + PAUSE_SECONDS
            while time.monotonic() < deadline:
                if stop():
                    return
                time.sleep(0.2)
    finally:
        release(holder)
