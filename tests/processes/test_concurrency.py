"""Many processes, one file: real spawned processes write the same database."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest

from crm_tui.db import change_watcher, dict_rows
from crm_tui.services import users
from crm_tui.services.customers import accounts, activities, contacts

sys.path.insert(0, str(Path(__file__).parents[1]))
import workers  # noqa: E402

WORKERS = 4
LOGS_EACH = 200


@pytest.fixture
def ctx():
    return multiprocessing.get_context("spawn")


def run(ctx, target, args_list, timeout: float = 60) -> list:
    """Start one process per args tuple (each gets the queue last), collect one
    report per process, and check they all exited cleanly."""
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, queue)) for args in args_list]
    for p in procs:
        p.start()
    try:
        reports = [queue.get(timeout=timeout) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * len(procs)
    return reports


def test_many_processes_read_then_write(db, db_path, ctx):
    logins = [f"agent{i}" for i in range(WORKERS)]
    for login in logins:
        users.add(login, login.title(), "agent")
    account = accounts.create({"name": "Shared Account"})
    barrier = ctx.Barrier(WORKERS)

    reports = run(
        ctx,
        workers.log_activities,
        [(str(db_path), login, account.id, LOGS_EACH, barrier) for login in logins],
        timeout=120,
    )

    assert [r["errors"] for r in reports] == [[]] * WORKERS
    assert sorted(r["login"] for r in reports) == logins
    assert [r["logged"] for r in reports] == [LOGS_EACH] * WORKERS
    total = dict_rows("SELECT count(*) AS n FROM activity")[0]["n"]
    assert total == WORKERS * LOGS_EACH
    per_owner = dict_rows(
        "SELECT u.login AS login, count(*) AS n FROM activity a JOIN user u ON u.id = a.owner_id"
        " GROUP BY u.login ORDER BY u.login"
    )
    assert per_owner == [{"login": login, "n": LOGS_EACH} for login in logins]
    audits = dict_rows("SELECT count(*) AS n FROM audit_entry WHERE record_type = 'activity'")
    assert audits[0]["n"] == WORKERS * LOGS_EACH
    assert dict_rows("PRAGMA integrity_check") == [{"integrity_check": "ok"}]

    for r in reports:
        # one transaction per log, every one BEGIN IMMEDIATE
        assert len(r["begins"]) == LOGS_EACH
        assert set(r["begins"]) == {"BEGIN IMMEDIATE"}
        # an activity and its audit entry per log, all inside a transaction
        assert r["writes"] >= 2 * LOGS_EACH
        assert r["writes_outside_transaction"] == []

    assert activities.open_count(("account", account.id)) == 0
    rows, more = activities.history(("account", account.id), limit=WORKERS * LOGS_EACH)
    assert len(rows) == WORKERS * LOGS_EACH and more is False


def test_two_processes_edit_the_same_contact(db, db_target, ctx):
    users.add("alice", "Alice", "sales")
    users.add("bob", "Bob", "sales")
    # one team: sales may edit their team's contacts
    for login in ("tester", "alice", "bob"):
        users.set_team(login, "North")
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "job_title": "Buyer"})
    assert ann.version == 1

    a_read, b_read, a_done, b_done = (ctx.Event() for _ in range(4))
    go_a, go_b = ctx.Event(), ctx.Event()
    queue = ctx.Queue()
    a = ctx.Process(
        target=workers.edit_contact,
        args=(str(db_target), "alice", ann.id, "Head of Purchasing", go_a, a_read, a_done, queue),
    )
    b = ctx.Process(
        target=workers.edit_contact,
        args=(str(db_target), "bob", ann.id, "Intern", go_b, b_read, b_done, queue),
    )
    a.start()
    b.start()
    try:
        # both have read version 1 before anyone saves
        assert a_read.wait(60) and b_read.wait(60)
        go_a.set()
        assert a_done.wait(60)
        first = queue.get(timeout=30)
        go_b.set()
        assert b_done.wait(60)
        second = queue.get(timeout=30)
    finally:
        go_a.set()
        go_b.set()
        for p in (a, b):
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert (a.exitcode, b.exitcode) == (0, 0)

    assert first == ("alice", "saved", 1, 2)
    login, outcome, read_version, current = second
    assert (login, outcome, read_version) == ("bob", "conflict", 1)
    assert current == {"version": 2, "job_title": "Head of Purchasing"}

    stored = contacts.get(ann.id)
    assert (stored.job_title, stored.version) == ("Head of Purchasing", 2)
    assert stored.modified_by.login == "alice"


def test_the_change_watcher_sees_only_other_processes(db, db_target, engine, ctx):
    # PRAGMA data_version on SQLite, LISTEN/NOTIFY on PostgreSQL
    watcher = change_watcher()
    assert watcher.changed() is False
    assert watcher.changed() is False

    (report,) = run(ctx, workers.write_once, [(str(db_target), "tester", "From child")])
    assert report[0] == "ok", report

    assert watcher.changed() is True
    assert watcher.changed() is False
    assert accounts.get(report[1]).name == "From child"

    # our own commits are not "someone else's change"
    accounts.create({"name": "From parent"})
    acc = accounts.create({"name": "Another"})
    accounts.update(acc.id, acc.version, {"city": "Oslo"})
    assert watcher.changed() is False

    # and a second outside commit is seen again
    (report,) = run(ctx, workers.write_once, [(str(db_target), "tester", "Child two")])
    assert report[0] == "ok", report
    assert watcher.changed() is True
    assert watcher.changed() is False
    if engine == "postgresql":  # any program's commit, not only crm-tui's
        import psycopg

        with psycopg.connect(db_target, autocommit=True) as conn:
            conn.execute("UPDATE account SET city = 'Bergen' WHERE name = 'Another'")
        assert watcher.changed() is True
