"""Taking the next case: the case the unassigned view puts first (next
breach, then priority, then the older case), exactly once when agents press
it at the same moment, in one process or in two."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sys
from pathlib import Path

import pytest

from crm_tui.config import Settings
from crm_tui.db import dict_rows
from crm_tui.errors import DomainError
from crm_tui.services import session, users
from crm_tui.services.customers import accounts
from crm_tui.services.support import case_queue, cases, queues

sys.path.insert(0, str(Path(__file__).parents[1]))
import case_workers  # noqa: E402

MONDAY_10 = dt.datetime(2026, 5, 11, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def settings():
    return Settings(
        time_zone="UTC", business_days=[1, 2, 3, 4, 5], business_hours=["09:00", "17:00"]
    )


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(cases, "utcnow", lambda: MONDAY_10)


@pytest.fixture
def acme(db):
    return accounts.create({"name": "Acme Corp"})


@pytest.fixture
def tier1(db):
    queue = queues.create({"name": "Tier 1"})
    queues.add_member(queue.id, session.current_user().id)
    return queue


def new_case(account_id: int, title: str, **extra):
    return cases.create({"title": title, "account_id": account_id, **extra})


def takes(case_id: int) -> int:
    rows = dict_rows(
        "SELECT count(*) AS n FROM audit_entry WHERE record_type = 'case' "
        "AND record_id = ? AND action = 'take'",
        (case_id,),
    )
    return rows[0]["n"]


def test_next_takes_the_unassigned_view_s_first_case(acme, tier1, clock):
    tier2 = queues.create({"name": "Not mine"})
    low = new_case(acme.id, "low", priority="low", queue_id=tier1.id)
    high = new_case(acme.id, "high", priority="high", queue_id=tier1.id)
    normal = new_case(acme.id, "normal", queue_id=tier1.id)
    paused = new_case(acme.id, "paused", priority="high", queue_id=tier1.id)
    cases.set_status(paused.id, paused.version, "on_hold")  # no next breach: last
    high2 = new_case(acme.id, "high2", priority="high", queue_id=tier1.id)  # tie: older first
    new_case(acme.id, "another queue's", priority="high", queue_id=tier2.id)
    new_case(acme.id, "held already", priority="high")
    order = [high.id, high2.id, normal.id, low.id, paused.id]
    assert [r["id"] for r in cases.page(view="unassigned").rows] == order

    me = session.current_user()
    for expected in order:
        taken = cases.take_next()
        assert (taken.id, taken.owner_id, taken.assigned) == (expected, me.id, 1)
        assert takes(expected) == 1
    assert cases.take_next() is None
    assert cases.page(view="unassigned").rows == []


def test_next_refuses_someone_in_no_queue(acme, db):
    queue = queues.create({"name": "Tier 1"})
    new_case(acme.id, "waiting", queue_id=queue.id)
    with pytest.raises(DomainError, match="you are in no queue"):
        cases.take_next()


def test_a_case_taken_between_the_read_and_the_write_is_passed_over(
    acme, tier1, clock, monkeypatch
):
    maryam = users.add("maryam", "Maryam Ahmadi", "agent")
    first = new_case(acme.id, "first", priority="high", queue_id=tier1.id)
    second = new_case(acme.id, "second", queue_id=tier1.id)
    me = session.current_user()
    walk = case_queue.walk

    def colleague_takes_the_first(*args):
        found = walk(*args)
        session.act_as(maryam)
        cases.take(first.id)
        session.act_as(me)
        return found  # as read: the first still looks unassigned

    monkeypatch.setattr(case_queue, "walk", colleague_takes_the_first)
    assert cases.take_next().id == second.id
    assert cases.get(first.id).owner_id == maryam.id
    assert (takes(first.id), takes(second.id)) == (1, 1)


def test_next_says_so_when_colleagues_keep_taking_every_candidate(acme, tier1, clock, monkeypatch):
    maryam = users.add("maryam", "Maryam Ahmadi", "agent")
    for n in range(3):
        new_case(acme.id, f"case {n}", queue_id=tier1.id)
    monkeypatch.setattr(case_queue, "_NEXT_BATCH", 1)
    monkeypatch.setattr(case_queue, "_NEXT_ROUNDS", 2)
    me = session.current_user()
    walk = case_queue.walk

    def colleague_takes_them_all(*args):
        found = walk(*args)
        session.act_as(maryam)
        for row in found:
            cases.take(row[0])
        session.act_as(me)
        return found

    monkeypatch.setattr(case_queue, "walk", colleague_takes_them_all)
    with pytest.raises(DomainError, match="others took every waiting case"):
        cases.take_next()
    assert cases.page(view="mine").rows == []


def test_urgency_key_starts_a_page_at_the_case(acme, tier1, clock):
    made = [new_case(acme.id, f"case {n}", queue_id=tier1.id) for n in range(4)]
    key = cases.urgency_key(made[2].id)
    page = cases.page(view="unassigned", after=key, inclusive=True)
    assert [r["id"] for r in page.rows] == [made[2].id, made[3].id]
    assert page.more_before
    assert cases.urgency_key(99999) is None


def test_two_processes_take_next_at_the_same_moment(db, db_target, acme, tier1):
    """Two agents press the next-case key together, round after round: every
    case goes to exactly one of them, each in the queue's order."""
    tier1_id = tier1.id
    for login, name in (("alice", "Alice Adams"), ("bob", "Bob Brown")):
        queues.add_member(tier1_id, users.add(login, name, "agent").id)
    made = [new_case(acme.id, f"Race {i}", queue_id=tier1_id).id for i in range(20)]
    # the view's order: the older case first among equal next breaches
    order = [r["id"] for r in cases.page(view="unassigned").rows]
    assert sorted(order) == sorted(made)
    ctx = multiprocessing.get_context("spawn")
    rounds = 12  # 24 presses for 20 cases: the last presses find none
    barrier = ctx.Barrier(2)
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=case_workers.take_next_cases,
            args=(str(db_target), login, rounds, barrier, queue),
        )
        for login in ("alice", "bob")
    ]
    for p in procs:
        p.start()
    try:
        reports = [queue.get(timeout=120) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0, 0]
    assert [r["crash"] for r in reports] == [None, None]
    taken = {r["login"]: [i for i in r["taken"] if i is not None] for r in reports}
    together = taken["alice"] + taken["bob"]
    assert sorted(together) == sorted(made)  # every case once, none twice
    assert taken["alice"] and taken["bob"]
    for login, ids in taken.items():
        assert ids == sorted(ids, key=order.index), login  # each in the queue's order
        owners = dict_rows(
            f'SELECT u.login AS login, k.assigned AS assigned FROM "case" k JOIN "user" u '
            f"ON u.id = k.owner_id WHERE k.id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        assert owners == [{"login": login, "assigned": 1}] * len(ids)
    assert all(takes(case_id) == 1 for case_id in made)
