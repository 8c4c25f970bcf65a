"""The workflow runner with real processes on one database: jobs run exactly
once when two runners ignore the lease, and when a runner is killed (-9) in
the middle of a batch and run again; the lease names who holds it and is
taken over once it lapses."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from crm_tui.db import dict_rows, write
from crm_tui.errors import DomainError
from crm_tui.models.base import stamped_by, utcnow
from crm_tui.services.customers import accounts
from crm_tui.services.workflow import jobs, rules, runner
from crm_tui.services.workflow.spec import Action, Rule

sys.path.insert(0, str(Path(__file__).parents[1]))
import workflow_workers  # noqa: E402

JOBS = 300


@pytest.fixture
def ctx():
    return multiprocessing.get_context("spawn")


def queue_jobs(count: int) -> int:
    """A background rule on new accounts and `count` accounts (one write):
    `count` queued jobs, each to log one task regarding its account."""
    rule = rules.create(Rule(name="Welcome call", kind="account", trigger="created",
                             mode="background", enabled=True,
                             actions=(Action("activity", (("subject", "Welcome {name}"),)),)))  # fmt: skip
    with write():
        for i in range(count):
            accounts.create({"name": f"Account {i:04}"})
    queued = dict_rows("SELECT count(*) AS n FROM workflow_job WHERE state = 'queued'")
    assert queued[0]["n"] == count
    return rule.id


def assert_each_done_once(rule_id: int, count: int) -> None:
    states = dict_rows("SELECT state, count(*) AS n FROM workflow_job GROUP BY state")
    assert states == [{"state": "done", "n": count}]
    per_account = dict_rows(
        "SELECT regarding_id, count(*) AS n FROM activity WHERE regarding_type = 'account' "
        "GROUP BY regarding_id HAVING count(*) <> 1"
    )
    assert per_account == []
    assert dict_rows("SELECT count(*) AS n FROM activity")[0]["n"] == count
    ran = dict_rows(
        "SELECT count(*) AS n, count(DISTINCT job_id) AS jobs FROM workflow_run "
        "WHERE rule_id = ? AND result = 'done'",
        (rule_id,),
    )
    assert ran == [{"n": count, "jobs": count}]
    assert dict_rows("SELECT count(*) AS n FROM workflow_run WHERE result <> 'done'")[0]["n"] == 0
    done = dict_rows("SELECT min(attempts) AS lo, max(attempts) AS hi FROM workflow_job")
    assert done == [{"lo": 1, "hi": 1}]


def finish(procs) -> None:
    for p in procs:
        p.join(timeout=60)
        if p.is_alive():
            p.kill()
            p.join(timeout=10)


def test_two_runners_ignoring_the_lease_run_each_job_once(db, db_target, ctx):
    rule_id = queue_jobs(JOBS)
    barrier = ctx.Barrier(2)
    queue = ctx.Queue()
    procs = [ctx.Process(target=workflow_workers.run_jobs, args=(str(db_target), barrier, queue))
             for _ in range(2)]  # fmt: skip
    for p in procs:
        p.start()
    try:
        reports = [queue.get(timeout=240) for _ in procs]
    finally:
        finish(procs)
    assert [p.exitcode for p in procs] == [0, 0]
    assert [r["errors"] for r in reports] == [[], []]
    assert sum(r["done"] for r in reports) == JOBS
    assert [r["failed"] + r["skipped"] for r in reports] == [0, 0]
    assert_each_done_once(rule_id, JOBS)
    assert jobs.run_due().total == 0


def _done() -> int:
    return dict_rows("SELECT count(*) AS n FROM workflow_job WHERE state = 'done'")[0]["n"]


def test_a_runner_killed_mid_batch_leaves_nothing_half_done(db, db_path, ctx):
    rule_id = queue_jobs(JOBS)
    queue = ctx.Queue()
    slow = ctx.Process(target=workflow_workers.run_jobs_slowly, args=(str(db_path), 0.02, queue))
    slow.start()
    try:
        assert queue.get(timeout=60)[0] == "started"
        deadline = time.monotonic() + 120
        while _done() < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(slow.pid, signal.SIGKILL)
        slow.join(timeout=30)
    finally:
        finish([slow])
    assert slow.exitcode == -signal.SIGKILL
    killed_at = _done()
    assert 40 <= killed_at < JOBS  # in the middle of it
    queued = dict_rows("SELECT count(*) AS n FROM workflow_job WHERE state = 'queued'")
    assert queued[0]["n"] == JOBS - killed_at
    # what was done is whole: an activity and a run for each done job, none for the rest
    assert dict_rows("SELECT count(*) AS n FROM activity")[0]["n"] == killed_at
    assert dict_rows("SELECT count(*) AS n FROM workflow_run")[0]["n"] == killed_at

    again = ctx.Process(target=workflow_workers.run_jobs, args=(str(db_path), None, queue))
    again.start()
    try:
        report = queue.get(timeout=240)
    finally:
        finish([again])
    assert again.exitcode == 0 and report["errors"] == []
    assert report["done"] == JOBS - killed_at
    assert_each_done_once(rule_id, JOBS)
    assert dict_rows("PRAGMA integrity_check") == [{"integrity_check": "ok"}]


def test_the_lease_names_its_holder_and_lapses(db, db_path, ctx):
    go, queue = ctx.Event(), ctx.Queue()
    other = ctx.Process(target=workflow_workers.hold_lease, args=(str(db_path), go, queue))
    other.start()
    try:
        said, holder = queue.get(timeout=60)
        assert said == "holding"
        host, pid, _ = holder.split(":")
        assert int(pid) == other.pid
        assert runner.lease_holder()[0] == holder
        mine = runner.holder_name()
        with pytest.raises(DomainError) as refused:
            runner.take_lease(mine)
        assert f"({host}, process {other.pid}, last seen" in str(refused.value)
        assert "one runs a database at a time" in str(refused.value)
        with pytest.raises(DomainError, match=f"process {other.pid}"):
            runner.run(once=True)
        assert runner.lease_holder()[0] == holder  # refused runners leave it be
        # silent for longer than the lease: taken over
        later = utcnow() + runner.LEASE + dt.timedelta(seconds=1)
        with stamped_by(lambda: later):
            assert runner.lease_holder() is None
            runner.take_lease(mine)
        assert runner.lease_holder()[0] == mine
        go.set()
        assert queue.get(timeout=60) == ("beat", False)  # it lost the lease
    finally:
        go.set()
        finish([other])
    assert other.exitcode == 0
    assert runner.lease_holder()[0] == mine  # its release left mine alone
    runner.release(mine)
    assert runner.lease_holder() is None
    runner.run(once=True)  # free again
    assert runner.lease_holder() is None
