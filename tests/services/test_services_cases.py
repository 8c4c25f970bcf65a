"""Cases service: create (numbers, customer, routing, SLA targets), update,
status and the SLA clock's pauses, first response, take/release/move/assign,
resolve (open activities, resolution activity, contract allotment), cancel,
reactivate, merge, related cases, the queue views and search."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sys
from pathlib import Path

import old_rows
import pytest

from crm_tui.config import Settings
from crm_tui.db import database, dict_rows
from crm_tui.errors import ConflictError, DomainError, ValidationError
from crm_tui.services import export, session, users
from crm_tui.services.customers import accounts, activities, contacts, notes
from crm_tui.services.support import cases, contracts, queues, sla

sys.path.insert(0, str(Path(__file__).parents[1]))
import case_workers  # noqa: E402

UTC = dt.UTC
MONDAY_10 = dt.datetime(2026, 5, 11, 10, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def settings():
    """A fixed business calendar: Mon-Fri 09:00-17:00 UTC, default targets
    (normal: first response 240, resolve 1440 working minutes)."""
    return Settings(
        time_zone="UTC", business_days=[1, 2, 3, 4, 5], business_hours=["09:00", "17:00"]
    )


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The time cases.py reads (the SLA arithmetic's 'now')."""
    fixed = Clock(MONDAY_10)
    monkeypatch.setattr(cases, "utcnow", fixed)
    return fixed


@pytest.fixture
def acme(db):
    return accounts.create({"name": "Acme Corp"})


@pytest.fixture
def tier1(db):
    return queues.create({"name": "Tier 1"})


def new_case(account_id: int, **extra):
    return cases.create(
        {"title": extra.pop("title", "Printer jams"), "account_id": account_id, **extra}
    )


def audit_actions(case_id: int) -> list[str]:
    rows = dict_rows(
        "SELECT action FROM audit_entry WHERE record_type = 'case' AND record_id = ? ORDER BY id",
        (case_id,),
    )
    return [r["action"] for r in rows]


# --- create ---------------------------------------------------------------------------


def test_create_numbers_and_defaults(acme, clock):
    a = new_case(acme.id)
    b = new_case(acme.id, title="Second")
    assert (a.number, b.number) == ("CAS-00001", "CAS-00002")
    assert (a.state, a.status_reason, a.priority, a.case_type, a.origin) == (
        "active",
        "in_progress",
        "normal",
        "question",
        "phone",
    )
    assert a.assigned == 1 and a.owner_id == session.current_user().id
    assert a.queue_id is None
    assert audit_actions(a.id) == ["create"]
    assert cases.by_number("cas-00002").id == b.id


def test_create_sla_targets_on_the_business_calendar(acme, clock):
    case = new_case(acme.id)  # normal: 240 / 1440 working minutes from Mon 10:00
    assert case.created_at == MONDAY_10
    assert case.first_response_by == dt.datetime(2026, 5, 11, 14, 0, tzinfo=UTC)
    assert case.resolve_by == dt.datetime(2026, 5, 14, 10, 0, tzinfo=UTC)
    assert case.next_breach_at == case.first_response_by
    high = new_case(acme.id, priority="high")  # 60 / 480
    assert high.first_response_by == dt.datetime(2026, 5, 11, 11, 0, tzinfo=UTC)
    assert high.resolve_by == dt.datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


def test_create_after_hours_starts_next_morning(acme, clock):
    clock.now = dt.datetime(2026, 5, 15, 18, 30, tzinfo=UTC)  # Friday evening
    case = new_case(acme.id, priority="high")
    assert case.first_response_by == dt.datetime(2026, 5, 18, 10, 0, tzinfo=UTC)


def test_create_validation(acme):
    with pytest.raises(ValidationError) as exc:
        cases.create({"title": "", "account_id": acme.id})
    assert "title" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        cases.create({"title": "No customer"})
    assert "customer" in exc.value.errors["account_id"]
    with pytest.raises(ValidationError) as exc:
        new_case(acme.id, priority="urgent", origin="pigeon", case_type="x")
    assert set(exc.value.errors) >= {"priority", "origin", "case_type"}
    with pytest.raises(ValidationError) as invalid:
        cases.create({"title": "x", "account_id": 99999})
    assert invalid.value.errors == {"account_id": "the account does not exist"}
    with pytest.raises(ValidationError) as invalid:
        new_case(acme.id, owner_id=99999)
    assert invalid.value.errors == {"owner_id": "the owner must be an active user"}


def test_contact_alone_brings_its_account(acme):
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "account_id": acme.id})
    case = cases.create({"title": "Help", "contact_id": ann.id})
    assert (case.contact_id, case.account_id) == (ann.id, acme.id)
    assert cases.customer_name(case) == "Ann Lee (Acme Corp)"
    loner = contacts.create({"first_name": "Sam", "last_name": "Solo"})
    case = cases.create({"title": "Help", "contact_id": loner.id})
    assert (case.contact_id, case.account_id) == (loner.id, None)


def test_queue_without_owner_is_unassigned(acme, tier1):
    bob = users.add("bob", "Bob", "agent")
    waiting = new_case(acme.id, queue_id=tier1.id)
    assert (waiting.queue_id, waiting.assigned, waiting.owner_id) == (
        tier1.id,
        0,
        session.current_user().id,
    )
    held = new_case(acme.id, queue_id=tier1.id, owner_id=bob.id)
    assert (held.assigned, held.owner_id) == (1, bob.id)


def test_inactive_queue_refused(acme, tier1):
    queues.deactivate(tier1.id, tier1.version)
    with pytest.raises(ValidationError) as exc:
        new_case(acme.id, queue_id=tier1.id)
    assert "inactive" in exc.value.errors["queue_id"]


def test_routing_picks_the_queue(db, acme, tier1):
    billing = queues.create({"name": "Billing"})
    session.configure(
        Settings(
            time_zone="UTC",
            routing=[{"queue": "Billing", "type": "request"}, {"queue": "Tier 1"}],
        )
    )
    assert new_case(acme.id, case_type="request").queue_id == billing.id
    routed = new_case(acme.id, case_type="problem")
    assert (routed.queue_id, routed.assigned) == (tier1.id, 0)
    # an explicit queue wins over the rules
    assert new_case(acme.id, case_type="request", queue_id=tier1.id).queue_id == tier1.id


# --- update ---------------------------------------------------------------------------


def test_update_and_conflict(acme, clock):
    case = new_case(acme.id)
    changed = cases.update(case.id, 1, {"title": "Printer jams daily", "severity": "high"})
    assert (changed.title, changed.severity, changed.version) == ("Printer jams daily", "high", 2)
    with pytest.raises(ConflictError):
        cases.update(case.id, 1, {"title": "stale"})
    assert cases.find_by_name("daily")[0]["id"] == case.id


def test_priority_change_recomputes_targets(acme, clock):
    case = new_case(acme.id)
    clock.now = MONDAY_10 + dt.timedelta(hours=2)
    high = cases.update(case.id, case.version, {"priority": "high"})
    # from when it was opened, not from now
    assert high.first_response_by == dt.datetime(2026, 5, 11, 11, 0, tzinfo=UTC)
    assert high.resolve_by == dt.datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
    assert high.next_breach_at == high.first_response_by


def test_update_ignores_queue_and_owner_and_refuses_closed(acme, tier1):
    case = new_case(acme.id)
    same = cases.update(case.id, case.version, {"queue_id": tier1.id, "subject": "Printers"})
    assert same.queue_id is None and same.subject == "Printers"
    closed = cases.cancel(same.id, same.version)
    with pytest.raises(DomainError, match="reactivate"):
        cases.update(closed.id, closed.version, {"title": "x"})


# --- status reasons and the clock -----------------------------------------------------


def test_pause_and_resume_shift_the_targets(acme, clock):
    case = new_case(acme.id)
    clock.now = dt.datetime(2026, 5, 11, 11, 0, tzinfo=UTC)
    held = cases.set_status(case.id, case.version, "on_hold")
    assert held.paused_since == clock.now and held.next_breach_at is None
    assert held.first_response_by == case.first_response_by  # unchanged while paused
    # still paused: waiting for details keeps the pause's start
    clock.now = dt.datetime(2026, 5, 11, 15, 0, tzinfo=UTC)
    waiting = cases.set_status(held.id, held.version, "waiting_for_details")
    assert waiting.paused_since == dt.datetime(2026, 5, 11, 11, 0, tzinfo=UTC)
    clock.now = dt.datetime(2026, 5, 12, 10, 0, tzinfo=UTC)  # Tue 10:00
    back = cases.set_status(waiting.id, waiting.version, "researching")
    # 11:00-17:00 Monday + 09:00-10:00 Tuesday = 420 working minutes
    assert (back.paused_since, back.paused_minutes) == (None, 420)
    assert back.first_response_by == dt.datetime(2026, 5, 12, 13, 0, tzinfo=UTC)
    assert back.resolve_by == dt.datetime(2026, 5, 14, 17, 0, tzinfo=UTC)
    assert back.next_breach_at == back.first_response_by


def test_set_status_refusals(acme):
    case = new_case(acme.id)
    with pytest.raises(DomainError, match="already in progress"):
        cases.set_status(case.id, case.version, "in_progress")
    with pytest.raises(ValidationError) as invalid:
        cases.set_status(case.id, case.version, "problem_solved")
    assert (
        set(invalid.value.errors) == {"reason"}
        and "'problem_solved' is not one of" in invalid.value.errors["reason"]
    )
    with pytest.raises(ConflictError):
        cases.set_status(case.id, case.version + 5, "on_hold")
    closed = cases.cancel(case.id, case.version)
    with pytest.raises(DomainError):
        cases.set_status(closed.id, closed.version, "on_hold")


def test_first_outgoing_activity_sets_first_response(acme, clock):
    case = new_case(acme.id)
    activities.log("phone_call", "They called", regarding=("case", case.id), direction="incoming")
    activities.log("task", "Look into it", regarding=("case", case.id), direction="outgoing")
    assert cases.get(case.id).first_responded_at is None  # open task: not a response
    call = activities.log(
        "phone_call", "Called back", regarding=("case", case.id), direction="outgoing"
    )
    answered = cases.get(case.id)
    assert answered.first_responded_at == call.actual_end
    assert answered.next_breach_at == answered.resolve_by
    assert "first_response" in audit_actions(case.id)
    activities.log("email", "Again", regarding=("case", case.id), direction="outgoing")
    assert cases.get(case.id).first_responded_at == call.actual_end


def test_outgoing_activity_completed_later_is_the_first_response(acme, clock):
    case = new_case(acme.id)
    callback = activities.log(
        "phone_call",
        "Call back tomorrow",
        regarding=("case", case.id),
        direction="outgoing",
        state="scheduled",
    )
    task = activities.log(
        "task", "Send the manual", regarding=("case", case.id), direction="outgoing"
    )
    incoming = activities.log("task", "Read their log", regarding=("case", case.id))
    planned = activities.log(
        "email", "Draft", regarding=("case", case.id), direction="outgoing", state="open"
    )
    assert cases.get(case.id).first_responded_at is None  # planned, not answered
    activities.complete(incoming.id, incoming.version)  # not outgoing
    activities.cancel(planned.id, planned.version)  # canceled, never sent
    assert cases.get(case.id).first_responded_at is None
    assert "first_response" not in audit_actions(case.id)
    done = activities.complete(callback.id, callback.version, duration_minutes=5)
    answered = cases.get(case.id)
    assert answered.first_responded_at == done.actual_end
    assert answered.next_breach_at == answered.resolve_by
    assert audit_actions(case.id).count("first_response") == 1
    activities.complete(task.id, task.version)  # a later one keeps the first time
    assert cases.get(case.id).first_responded_at == done.actual_end
    assert audit_actions(case.id).count("first_response") == 1


def test_completed_outgoing_task_answers_and_closed_cases_are_left_alone(acme, clock):
    case = new_case(acme.id)
    task = activities.log(
        "task", "Send the manual", regarding=("case", case.id), direction="outgoing"
    )
    done = activities.complete(task.id, task.version)
    assert cases.get(case.id).first_responded_at == done.actual_end
    other = new_case(acme.id, title="Closed before the call")
    call = activities.log(
        "phone_call", "Call", regarding=("case", other.id), direction="outgoing", state="open"
    )
    other = cases.cancel(other.id, other.version)
    activities.complete(call.id, call.version)
    assert cases.get(other.id).first_responded_at is None
    assert cases.get(other.id).version == other.version


# --- take / release / move / assign --------------------------------------------------


def test_take_release_move_assign(acme, tier1):
    maryam = users.add("maryam", "Maryam Ahmadi", "agent")
    tier2 = queues.create({"name": "Tier 2"})
    me = session.current_user()
    case = new_case(acme.id, queue_id=tier1.id)
    taken = cases.take(case.id)
    assert (taken.owner_id, taken.assigned) == (me.id, 1)
    assert cases.take(case.id).version == taken.version  # mine already: nothing happens
    released = cases.release(taken.id, taken.version)
    assert released.assigned == 0
    with pytest.raises(DomainError, match="already waiting"):
        cases.release(released.id, released.version)
    moved = cases.move(released.id, released.version, tier2.id)
    assert (moved.queue_id, moved.assigned) == (tier2.id, 0)
    with pytest.raises(DomainError, match="already in Tier 2"):
        cases.move(moved.id, moved.version, tier2.id)
    assigned = cases.assign(moved.id, moved.version, maryam.id)
    assert (assigned.owner_id, assigned.assigned) == (maryam.id, 1)
    with pytest.raises(DomainError, match="already holds"):
        cases.assign(assigned.id, assigned.version, maryam.id)
    assert audit_actions(case.id) == ["create", "take", "release", "move", "assign"]


def test_second_taker_fails_naming_the_first(acme, tier1):
    users.add("maryam", "Maryam Ahmadi", "agent")
    tester = session.current_user()
    case = new_case(acme.id, queue_id=tier1.id)
    session.sign_in("maryam")
    cases.take(case.id)
    session.act_as(tester)
    with pytest.raises(DomainError, match=r"Maryam Ahmadi took this case at \d\d:\d\d"):
        cases.take(case.id)
    assert cases.get(case.id).owner_id != tester.id


def test_take_ignores_unrelated_edits_but_not_closed(acme, tier1):
    case = new_case(acme.id, queue_id=tier1.id)
    cases.update(case.id, case.version, {"subject": "edited meanwhile"})
    assert cases.take(case.id).assigned == 1
    closed = cases.cancel(case.id, cases.get(case.id).version)
    with pytest.raises(DomainError, match="reactivate"):
        cases.take(closed.id)


def test_release_needs_a_queue_and_move_an_active_queue(acme, tier1):
    case = new_case(acme.id)
    with pytest.raises(DomainError, match="no queue"):
        cases.release(case.id, case.version)
    queues.deactivate(tier1.id, tier1.version)
    with pytest.raises(DomainError, match="inactive"):
        cases.move(case.id, case.version, tier1.id)


@pytest.fixture
def ctx():
    return multiprocessing.get_context("spawn")


def test_two_processes_take_the_same_case(db, db_target, ctx, acme, tier1):
    users.add("alice", "Alice Adams", "agent")
    users.add("bob", "Bob Brown", "agent")
    rounds = 20
    ids = [new_case(acme.id, title=f"Race {i}", queue_id=tier1.id).id for i in range(rounds)]
    barrier = ctx.Barrier(2)
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=case_workers.take_cases, args=(str(db_target), login, ids, barrier, queue)
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
    by_login = {r["login"]: r for r in reports}
    assert [r["crash"] for r in reports] == [None, None]
    names = {"alice": "Alice Adams", "bob": "Bob Brown"}
    for case_id in ids:
        outcomes = {login: by_login[login]["results"][case_id] for login in names}
        winners = [login for login, (kind, _) in outcomes.items() if kind == "ok"]
        assert len(winners) == 1, outcomes
        winner = winners[0]
        loser = "bob" if winner == "alice" else "alice"
        kind, message = outcomes[loser]
        assert kind == "refused", outcomes
        assert f"{names[winner]} took this case at" in message
        owner = dict_rows(
            'SELECT u.login AS login, k.assigned AS assigned FROM "case" k '
            'JOIN "user" u ON u.id = k.owner_id WHERE k.id = ?',
            (case_id,),
        )[0]
        assert owner == {"login": winner, "assigned": 1}
        assert audit_actions(case_id).count("take") == 1


# --- resolve / cancel / reactivate ----------------------------------------------------


def test_resolve_refuses_open_activities_then_cancels_them(acme, clock):
    case = new_case(acme.id)
    task = activities.log("task", "Order toner", regarding=("case", case.id))
    with pytest.raises(cases.OpenActivities) as exc:
        cases.resolve(case.id, case.version, resolution="New toner")
    assert [(a["id"], a["subject"], a["kind"]) for a in exc.value.activities] == [
        (task.id, "Order toner", "task")
    ]
    assert cases.get(case.id).state == "active"
    done = cases.resolve(
        case.id,
        case.version,
        resolution="Replaced the toner",
        reason="problem_solved",
        billable_minutes=30,
        cancel_open=True,
    )
    assert (done.state, done.status_reason, done.billable_minutes) == (
        "resolved",
        "problem_solved",
        30,
    )
    assert done.resolved_at is not None and done.next_breach_at is None
    assert activities.get(task.id).state == "canceled"
    resolution = dict_rows(
        "SELECT subject, description, duration_minutes, state FROM activity "
        "WHERE kind = 'case_resolution' AND regarding_id = ?",
        (case.id,),
    )
    assert resolution == [
        {
            "subject": "Resolved: Printer jams",
            "description": "Replaced the toner",
            "duration_minutes": 30,
            "state": "completed",
        }
    ]


def test_resolve_refusals(acme):
    case = new_case(acme.id)
    with pytest.raises(ValidationError) as invalid:
        cases.resolve(case.id, case.version, resolution="  ")
    assert invalid.value.errors == {"resolution": "resolution is required"}
    with pytest.raises(ValidationError) as invalid:
        cases.resolve(case.id, case.version, resolution="x", reason="merged")
    assert (
        set(invalid.value.errors) == {"reason"}
        and "'merged' is not one of" in invalid.value.errors["reason"]
    )
    with pytest.raises(ValidationError) as invalid:
        cases.resolve(case.id, case.version, resolution="x", billable_minutes=-3)
    assert invalid.value.errors == {"billable_minutes": "billable minutes must be at least 0"}
    with pytest.raises(ConflictError):
        cases.resolve(case.id, case.version + 1, resolution="x")
    done = cases.resolve(case.id, case.version, resolution="x", reason="information_provided")
    with pytest.raises(DomainError, match="already resolved"):
        cases.resolve(done.id, done.version, resolution="again")
    with pytest.raises(DomainError, match="already resolved"):
        cases.cancel(done.id, done.version)


def test_resolve_while_paused_closes_the_pause(acme, clock):
    case = new_case(acme.id)
    held = cases.set_status(case.id, case.version, "on_hold")
    clock.now = MONDAY_10 + dt.timedelta(hours=1)
    done = cases.resolve(held.id, held.version, resolution="ok")
    assert (done.paused_since, done.paused_minutes) == (None, 60)


def test_cancel_and_reactivate(acme, clock):
    case = new_case(acme.id)
    canceled = cases.cancel(case.id, case.version)
    assert (canceled.state, canceled.status_reason, canceled.next_breach_at) == (
        "canceled",
        "canceled",
        None,
    )
    back = cases.reactivate(canceled.id, canceled.version)
    assert (back.state, back.status_reason) == ("active", "in_progress")
    assert back.first_response_by == case.first_response_by  # targets stay
    assert back.next_breach_at == case.first_response_by
    with pytest.raises(DomainError, match="only a closed case"):
        cases.reactivate(back.id, back.version)
    done = cases.resolve(back.id, back.version, resolution="fixed")
    again = cases.reactivate(done.id, done.version)
    assert again.state == "active" and again.resolved_at is None


# --- contracts ------------------------------------------------------------------------


def _active_line(account_id: int, allotment: str = "cases", total: int | None = 1):
    today = dt.date.today()
    contract = contracts.create(
        {
            "name": "Support 2026",
            "account_id": account_id,
            "starts_on": (today - dt.timedelta(days=30)).isoformat(),
            "ends_on": (today + dt.timedelta(days=300)).isoformat(),
        }
    )
    data = {"allotment_type": allotment}
    if total is not None:
        data["total"] = total
    contract = contracts.add_line(contract.id, contract.version, data)
    contract = contracts.activate(contract.id, contract.version)
    line_id = contracts.lines_of(contract.id)[0]["id"]
    return contract, line_id


def test_contract_line_is_checked_consumed_and_warns(acme):
    contract, line_id = _active_line(acme.id, "cases", 1)
    case = new_case(acme.id, contract_line_id=line_id)
    assert (case.contract_id, case.contract_line_id) == (contract.id, line_id)
    assert case.attach_warning is None
    cases.resolve(case.id, case.version, resolution="done")
    used = dict_rows("SELECT used FROM contract_line WHERE id = ?", (line_id,))[0]["used"]
    assert used == 1
    second = new_case(acme.id, contract_line_id=line_id)
    assert "used up" in second.attach_warning
    other = accounts.create({"name": "Globex"})
    with pytest.raises(DomainError, match="not this case's customer"):
        new_case(other.id, contract_line_id=line_id)


def test_minutes_line_consumes_billable_minutes(acme):
    _, line_id = _active_line(acme.id, "minutes", 600)
    case = new_case(acme.id, contract_line_id=line_id)
    cases.resolve(case.id, case.version, resolution="done", billable_minutes=45)
    used = dict_rows("SELECT used FROM contract_line WHERE id = ?", (line_id,))[0]["used"]
    assert used == 45


# --- merge and related ----------------------------------------------------------------


def test_merge_moves_activities_and_notes(acme):
    source = new_case(acme.id, title="Duplicate")
    target = new_case(acme.id, title="Original")
    call = activities.log("phone_call", "Call", regarding=("case", source.id))
    note = notes.add(("case", source.id), "Photo", "jammed paper")
    source = cases.get(source.id)
    merged_target = cases.merge(source.id, source.version, target.id)
    assert merged_target.id == target.id
    moved = cases.get(source.id)
    assert (moved.state, moved.status_reason, moved.merged_into_id) == (
        "canceled",
        "merged",
        target.id,
    )
    assert activities.get(call.id).regarding_id == target.id
    assert notes.get(note.id).regarding_id == target.id
    moves = dict_rows(
        "SELECT record_type, record_id FROM audit_entry WHERE action = 'move' ORDER BY id"
    )
    assert moves == [
        {"record_type": "activity", "record_id": call.id},
        {"record_type": "note", "record_id": note.id},
    ]
    assert "merge" in audit_actions(target.id)
    with pytest.raises(DomainError, match="merged into CAS-00002"):
        cases.reactivate(moved.id, moved.version)


def _parent_audits(case_id: int) -> list[dict]:
    rows = dict_rows(
        "SELECT action, changes FROM audit_entry WHERE record_type = 'case' AND record_id = ? "
        "AND action = 'reparent' ORDER BY id",
        (case_id,),
    )
    return [{"action": r["action"], "changes": json.loads(r["changes"])} for r in rows]


def test_merge_moves_child_cases_to_the_target(acme):
    source = new_case(acme.id, title="Outage (duplicate)")
    target = new_case(acme.id, title="Outage")
    floor2 = new_case(acme.id, title="Floor 2", parent_case_id=source.id)
    floor3 = new_case(acme.id, title="Floor 3", parent_case_id=source.id)
    floor3 = cases.cancel(floor3.id, floor3.version)  # closed children follow too
    elsewhere = new_case(acme.id, title="Other child", parent_case_id=target.id)
    cases.merge(source.id, source.version, target.id)
    for child, version in ((floor2, floor2.version), (floor3, floor3.version)):
        moved = cases.get(child.id)
        assert moved.parent_case_id == target.id
        assert moved.version == version + 1
        assert _parent_audits(child.id) == [
            {"action": "reparent", "changes": {"parent_case": [source.id, target.id]}}
        ]
    assert cases.get(elsewhere.id).version == elsewhere.version  # untouched
    children = [r["id"] for r in cases.related(target.id)["children"]]
    assert sorted(children) == sorted([floor2.id, floor3.id, elsewhere.id])
    assert cases.related(source.id)["children"] == []


def test_merge_into_a_child_never_makes_it_its_own_parent(acme):
    top = new_case(acme.id, title="Top")
    source = new_case(acme.id, title="Middle", parent_case_id=top.id)
    target = new_case(acme.id, title="Child, kept", parent_case_id=source.id)
    sibling = new_case(acme.id, title="Sibling", parent_case_id=source.id)
    cases.merge(source.id, cases.get(source.id).version, target.id)
    assert cases.get(target.id).parent_case_id == top.id  # the source's parent, not itself
    assert cases.get(sibling.id).parent_case_id == target.id
    assert _parent_audits(target.id) == [
        {"action": "reparent", "changes": {"parent_case": [source.id, top.id]}}
    ]
    # merging into a case below another child: that child must not go under it
    loose = new_case(acme.id, title="Loose")
    below = new_case(acme.id, title="Below", parent_case_id=loose.id)
    leaf = new_case(acme.id, title="Leaf", parent_case_id=below.id)
    cases.merge(loose.id, cases.get(loose.id).version, leaf.id)
    assert cases.get(below.id).parent_case_id is None  # loose had no parent
    assert cases.get(leaf.id).parent_case_id == below.id


def test_merge_refusals(acme):
    a = new_case(acme.id)
    b = new_case(acme.id)
    with pytest.raises(DomainError, match="itself"):
        cases.merge(a.id, a.version, a.id)
    b = cases.cancel(b.id, b.version)
    with pytest.raises(DomainError, match="active case"):
        cases.merge(a.id, a.version, b.id)
    with pytest.raises(DomainError, match="only active cases"):
        cases.merge(b.id, b.version, a.id)
    with pytest.raises(ConflictError):
        cases.merge(a.id, a.version + 1, new_case(acme.id).id)


def test_related(acme):
    parent = new_case(acme.id, title="Outage")
    child = new_case(acme.id, title="Outage: floor 2", parent_case_id=parent.id)
    other = new_case(acme.id, title="Unrelated")
    globex = accounts.create({"name": "Globex"})
    new_case(globex.id, title="Elsewhere")
    rel = cases.related(child.id)
    assert rel["parent"]["id"] == parent.id
    assert rel["children"] == []
    assert [r["id"] for r in rel["same_customer"]] == [other.id, parent.id]
    assert [r["id"] for r in cases.related(parent.id)["children"]] == [child.id]
    with pytest.raises(ValidationError) as invalid:
        cases.update(parent.id, parent.version, {"parent_case_id": parent.id})
    assert invalid.value.errors == {"parent_case_id": "a case cannot be its own parent"}


# --- the queue views ------------------------------------------------------------------


def _ids(page) -> list[int]:
    return [r["id"] for r in page.rows]


def test_views_order_by_urgency_and_page_by_keyset(acme, tier1, clock):
    low = new_case(acme.id, title="low", priority="low", queue_id=tier1.id)  # Mon 17:00
    high = new_case(acme.id, title="high", priority="high", queue_id=tier1.id)  # Mon 11:00
    normal = new_case(acme.id, title="normal", queue_id=tier1.id)  # Mon 14:00
    paused = new_case(acme.id, title="paused", priority="high", queue_id=tier1.id)
    paused = cases.set_status(paused.id, paused.version, "on_hold")  # no next breach: last
    high2 = new_case(acme.id, title="high2", priority="high", queue_id=tier1.id)  # tie: by id
    order = [high.id, high2.id, normal.id, low.id, paused.id]
    for view in ("queue", "all"):
        assert _ids(cases.page(view=view, queue_id=tier1.id)) == order
    first = cases.page(view="queue", queue_id=tier1.id, limit=2)
    assert _ids(first) == order[:2] and first.more_after and not first.more_before
    second = cases.page(view="queue", queue_id=tier1.id, limit=2, after=first.keys[-1])
    assert _ids(second) == order[2:4] and second.more_after and second.more_before
    third = cases.page(view="queue", queue_id=tier1.id, limit=2, after=second.keys[-1])
    assert _ids(third) == order[4:] and not third.more_after
    assert third.keys[-1][0] is None
    back = cases.page(view="queue", queue_id=tier1.id, limit=2, before=third.keys[0])
    assert _ids(back) == order[2:4] and back.more_before
    last = cases.page(view="queue", queue_id=tier1.id, limit=3, last=True)
    assert _ids(last) == order[2:] and last.more_before and not last.more_after
    again = cases.page(
        view="queue", queue_id=tier1.id, limit=2, after=second.keys[0], inclusive=True
    )
    assert _ids(again) == order[2:4]
    row = first.rows[0]
    assert row["customer"] == "Acme Corp" and row["queue"] == "Tier 1"
    assert row["next_breach_at"] == dt.datetime(2026, 5, 11, 11, 0, tzinfo=UTC)
    assert set(row) >= {
        "id", "version", "number", "title", "customer", "priority", "status_reason", "state",
        "owner", "assigned", "queue", "next_breach_at", "first_response_by", "resolve_by",
        "first_responded_at", "paused_since", "created_at",
    }  # fmt: skip


def _tied_queue(acme, tier1, clock) -> list[int]:
    """Cases in Tier 1 whose next breach ties (Mon 14:00) or is None (paused),
    created low first so that the id alone would order them backwards; the
    expected queue order."""
    due_2pm = []
    for created, priority in (
        (dt.datetime(2026, 5, 8, 14, 0, tzinfo=UTC), "low"),  # Fri 14:00 + 480 working min
        (MONDAY_10, "normal"),  # + 240
        (dt.datetime(2026, 5, 11, 13, 0, tzinfo=UTC), "high"),  # + 60
    ):
        clock.now = created
        due_2pm.append(new_case(acme.id, title=priority, priority=priority, queue_id=tier1.id))
    assert {c.next_breach_at for c in due_2pm} == {dt.datetime(2026, 5, 11, 14, 0, tzinfo=UTC)}
    soon = new_case(acme.id, title="soon", priority="low", queue_id=tier1.id)  # Mon 13:00+480
    clock.now = dt.datetime(2026, 5, 11, 9, 0, tzinfo=UTC)
    first = new_case(acme.id, title="first", priority="low", queue_id=tier1.id)  # Mon 17:00
    paused = []
    for priority in ("low", "normal", "high", "normal"):
        case = new_case(acme.id, title=f"paused {priority}", priority=priority, queue_id=tier1.id)
        paused.append(cases.set_status(case.id, case.version, "on_hold"))
    assert all(c.next_breach_at is None for c in paused)
    low, normal, high = due_2pm
    p_low, p_normal, p_high, p_normal2 = paused
    # Mon 14:00 (high, normal, low), Mon 17:00 first (low), Tue soon (low) ...
    ordered = [high, normal, low, first, soon, p_high, p_normal, p_normal2, p_low]
    return [c.id for c in ordered]


def test_urgency_ties_and_paused_cases_order_by_priority(acme, tier1, clock):
    order = _tied_queue(acme, tier1, clock)
    for view in ("queue", "all"):
        assert _ids(cases.page(view=view, queue_id=tier1.id)) == order, view
    keys = cases.page(view="queue", queue_id=tier1.id).keys
    assert keys[0][0] is not None and keys[0][1:] == (0, order[0])
    assert keys[-1] == (None, 2, order[-1])


def test_queue_rows_are_breached_from_their_next_breach_on(acme, tier1, clock):
    """The queue's first row is the next to breach; at that very instant its
    clock (read from the stored row, as the queue does) is breached, a
    microsecond before it is not, and the next row is still in time."""
    high = new_case(acme.id, title="high", priority="high", queue_id=tier1.id)  # Mon 11:00
    normal = new_case(acme.id, title="normal", queue_id=tier1.id)  # Mon 14:00
    rows = cases.page(view="queue", queue_id=tier1.id).rows
    assert [r["id"] for r in rows] == [high.id, normal.id]
    due = rows[0]["next_breach_at"]
    assert due == high.next_breach_at == dt.datetime(2026, 5, 11, 11, 0, tzinfo=UTC)
    tick = dt.timedelta(microseconds=1)
    assert [sla.clock(r, due).state for r in rows] == ["breached", "in_time"]
    assert [sla.clock(r, due - tick).state for r in rows] == ["nearing", "in_time"]
    stored = cases.get(high.id)
    assert sla.clock(stored, due).state == "breached"
    assert sla.clock(stored, due - tick).state == "nearing"
    # the second row breaches at its own next breach, not before
    later = rows[1]["next_breach_at"]
    assert sla.clock(rows[1], later).state == "breached"
    assert sla.clock(rows[1], later - tick).state == "nearing"


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_keyset_paging_through_priority_ties_both_ways(acme, tier1, clock, limit):
    order = _tied_queue(acme, tier1, clock)
    walk = dict(view="queue", queue_id=tier1.id, limit=limit)
    seen, page = [], cases.page(**walk)
    while True:
        seen += _ids(page)
        if not page.more_after:
            break
        page = cases.page(**walk, after=page.keys[-1])
    assert seen == order
    seen, page = [], cases.page(**walk, last=True)
    while True:
        seen = _ids(page) + seen
        if not page.more_before:
            break
        page = cases.page(**walk, before=page.keys[0])
    assert seen == order
    for i in range(len(order)):
        key = cases.page(view="queue", queue_id=tier1.id).keys[i]
        again = cases.page(**walk, after=key, inclusive=True)
        assert _ids(again) == order[i : i + limit]


def test_priority_change_moves_a_paused_case(acme, tier1, clock):
    order = _tied_queue(acme, tier1, clock)
    p_low = cases.get(order[-1])
    cases.update(p_low.id, p_low.version, {"priority": "high"})
    # now high like p_high, and older: ahead of it
    assert _ids(cases.page(view="queue", queue_id=tier1.id))[-4:] == [
        p_low.id, order[5], order[6], order[7]
    ]  # fmt: skip


def test_upgrade_ranks_existing_cases(db_path):
    from crm_tui.db import close_database, migrations, open_database

    open_database(db_path, migrate=False)
    try:
        migrations.upgrade(database, target=5)
        now = "2026-05-01T10:00:00.000000"
        stamps = old_rows.STAMPS
        with database.atomic("IMMEDIATE"):
            old_rows.user_and_account(now)
            for case_id, priority in ((1, "low"), (2, "high"), (3, "normal")):
                database.execute_sql(
                    f'INSERT INTO "case" (id, {stamps}, number, title, title_sort, account_id,'
                    " priority) VALUES (?, 1, ?, 1, ?, 1, 1, ?, 'x', 'x', 1, ?)",
                    (case_id, now, now, f"CAS-{case_id:05}", priority),
                )
        migrations.upgrade(database)
        ranks = database.execute_sql('SELECT id, priority_rank FROM "case" ORDER BY id').fetchall()
        assert [tuple(r) for r in ranks] == [(1, 2), (2, 0), (3, 1)]
        for index, lead in (
            ("case_active_urgency", []),
            ("case_queue_urgency", ["queue_id"]),
            ("case_owner_urgency", ["owner_id"]),
        ):
            info = database.execute_sql(f"PRAGMA index_info({index})").fetchall()
            assert [r[2] for r in info] == [*lead, "next_breach_at", "priority_rank", "id"]
        database.execute_sql("UPDATE \"case\" SET priority = 'high' WHERE id = 1")
        assert (
            database.execute_sql('SELECT priority_rank FROM "case" WHERE id = 1').fetchone()[0] == 0
        )
    finally:
        close_database()


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_paging_after_a_cursor_stays_on_the_index(acme, tier1, clock, monkeypatch):
    _tied_queue(acme, tier1, clock)
    plans: list[tuple[bool, str]] = []
    real = database.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.startswith("SELECT k.id, ") and 'FROM "case" k' in sql:
            rows = real(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            plans.append(("k.id) " in sql, " | ".join(str(r[-1]) for r in rows)))
        return real(sql, params, *args, **kwargs)

    keys = cases.page(view="all").keys
    monkeypatch.setattr(database.obj, "execute_sql", spy)
    for key in (keys[1], keys[-2]):  # a cursor in each part of the walk
        cases.page(view="all", limit=2, after=key)
        cases.page(view="all", limit=2, before=key)
    cases.page(view="all", last=True)
    assert sum(cursor for cursor, _ in plans) == 4
    for cursor, plan in plans:
        assert "case_active_urgency" in plan and "TEMP B-TREE" not in plan, plan
        if cursor:  # the cursor's row value seeks (no walk from the start of the part)
            assert ">" in plan or "<" in plan, plan


def test_mine_unassigned_and_resolved_views(acme, tier1, clock):
    tier2 = queues.create({"name": "Tier 2"})
    me = session.current_user()
    queues.add_member(tier1.id, me.id)
    in_mine = new_case(acme.id, title="in my queue", queue_id=tier1.id)
    elsewhere = new_case(acme.id, title="not my queue", queue_id=tier2.id)
    held = new_case(acme.id, title="held by me")
    assert _ids(cases.page(view="unassigned")) == [in_mine.id]
    assert _ids(cases.page(view="mine")) == [held.id]
    cases.take(in_mine.id)
    assert _ids(cases.page(view="unassigned")) == []
    assert set(_ids(cases.page(view="mine"))) == {held.id, in_mine.id}
    assert elsewhere.id not in _ids(cases.page(view="mine"))
    clock.now = MONDAY_10 + dt.timedelta(hours=1)
    cases.resolve(held.id, held.version, resolution="one")
    clock.now = MONDAY_10 + dt.timedelta(hours=2)
    fresh = cases.get(in_mine.id)
    cases.resolve(fresh.id, fresh.version, resolution="two")
    resolved = cases.page(view="resolved")
    assert _ids(resolved) == [in_mine.id, held.id]
    assert _ids(cases.page(view="resolved", limit=1, after=resolved.keys[0])) == [held.id]
    assert _ids(cases.page(view="mine")) == []
    with pytest.raises(DomainError):
        cases.page(view="nonsense")
    with pytest.raises(DomainError):
        cases.page(view="queue")


def test_filter_as_you_type(acme, tier1):
    a = new_case(acme.id, title="Printer jams", queue_id=tier1.id)
    new_case(acme.id, title="Email bounces", queue_id=tier1.id)
    assert _ids(cases.page(view="all", query="print")) == [a.id]
    assert _ids(cases.page(view="all", query="CAS-00001")) == [a.id]
    assert _ids(cases.page(view="all", query="acme")) != []
    assert cases.find_by_name("bounce")[0]["title"] == "Email bounces"
    assert cases.find_by_name("") == []


def _filter_fixture(acme, tier1, clock) -> None:
    """Cases of every priority, some paused, most titled to match "pr"."""
    titles = ["Printer jams", "Problem with VPN", "Email bounces", "Profile photo"]
    for i in range(36):
        clock.now = MONDAY_10 + dt.timedelta(minutes=7 * (i % 9))
        priority = ("high", "normal", "low")[i % 3]
        case = new_case(acme.id, title=titles[i % 4], priority=priority, queue_id=tier1.id)
        if i % 5 == 0:
            cases.set_status(case.id, case.version, "on_hold")


def _every_page(walk: dict) -> tuple[list[int], list[int], list[list[int]]]:
    """The ids paging forward, paging backward, and from each row on (inclusive)."""
    forward, page = [], cases.page(**walk)
    while True:
        forward += _ids(page)
        if not page.more_after:
            break
        page = cases.page(**walk, after=page.keys[-1])
    backward, page = [], cases.page(**walk, last=True)
    while True:
        backward = _ids(page) + backward
        if not page.more_before:
            break
        page = cases.page(**walk, before=page.keys[0])
    everything = cases.page(**{**walk, "limit": 1000}).keys
    starts = [_ids(cases.page(**walk, after=key, inclusive=True)) for key in everything]
    return forward, backward, starts


@pytest.mark.parametrize("range_per_id", [0, 10**9])  # checks one by one · one id range
def test_filter_plans_agree_in_every_direction(acme, tier1, clock, monkeypatch, range_per_id):
    _filter_fixture(acme, tier1, clock)
    monkeypatch.setattr(cases, "_RANGE_PER_ID", range_per_id)
    probed: list = []
    real_probe = cases._probe_walk

    def probe(*args):
        probed.append(real_probe(*args))
        return probed[-1]

    monkeypatch.setattr(cases, "_probe_walk", probe)
    for view, query, limit in (
        ("all", "pr", 4),
        ("queue", "p", 7),
        ("all", "print", 3),
        ("all", "acm", 5),
        ("queue", "jams", 1),
        ("all", "zz", 4),
    ):
        walk = {"view": view, "queue_id": tier1.id, "query": query, "limit": limit}
        monkeypatch.setattr(cases, "_match_share", lambda fts: 0.0)
        gathered = _every_page(walk)
        monkeypatch.setattr(cases, "_match_share", lambda fts: None)
        sorted_few = _every_page(walk)
        assert not probed
        monkeypatch.setattr(cases, "_match_share", lambda fts: 1.0)
        checked = _every_page(walk)
        assert checked == gathered == sorted_few, (view, query)
        assert gathered[0] == gathered[1]
        assert len(gathered[0]) == len(set(gathered[0]))
        if query == "acm":  # every case matches (the customer): never gathered
            assert probed and None not in probed
        if query == "pr":  # three in four match: checked, bar a sparse stretch
            assert any(found is not None for found in probed)
        probed.clear()
    everything = cases.page(view="all", limit=1000)
    pr = [r["id"] for r in everything.rows if r["title"][:2] in ("Pr",)]
    assert _ids(cases.page(view="all", query="pr", limit=1000)) == pr


def test_filter_falls_back_when_the_view_mostly_does_not_match(acme, tier1, clock, monkeypatch):
    _filter_fixture(acme, tier1, clock)
    monkeypatch.setattr(cases, "_match_share", lambda fts: 1.0)
    probed: list = []
    real_probe = cases._probe_walk
    monkeypatch.setattr(
        cases, "_probe_walk", lambda *args: probed.append(real_probe(*args)) or probed[-1]
    )
    emails = _ids(cases.page(view="all", query="em", limit=3))
    assert probed == [None]  # a quarter of the walked cases matched: gathered instead
    assert len(emails) == 3
    assert all(cases.get(i).title == "Email bounces" for i in emails)


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_few_matches_are_read_by_id_not_by_walking_the_view(acme, tier1, monkeypatch):
    wanted = new_case(acme.id, title="Toner", queue_id=tier1.id)
    for i in range(5):
        new_case(acme.id, title=f"Printer {i}", queue_id=tier1.id)
    plans: list[str] = []
    real = database.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.startswith("SELECT k.id, ") and 'FROM "case" k' in sql:
            rows = real(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            plans.append(" | ".join(str(r[-1]) for r in rows))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", spy)
    assert _ids(cases.page(view="all", query="ton")) == [wanted.id]
    assert plans and all("PRIMARY KEY" in p and "urgency" not in p for p in plans), plans


def test_only_short_prefixes_are_checked_case_by_case():
    assert cases._indexed_prefix('"pr"*') == '"pr"*'
    assert cases._indexed_prefix('"company" "12"*') == '"company" "12"*'
    assert cases._indexed_prefix('"a""b"*') == '"a""b"*'
    assert cases._indexed_prefix('"problem"*') == '"pro"*'
    assert cases._indexed_prefix('"x" "pr""ob"*') == '"x" "pr"""*'
    assert cases._indexed_prefix('"problem"') == '"problem"'


def test_long_prefix_estimates_on_its_indexed_part(acme, monkeypatch):
    shares: list = []
    real_share = cases._match_share
    monkeypatch.setattr(cases, "_match_share", lambda fts: shares.append(fts) or real_share(fts))
    printer = new_case(acme.id, title="Printer jams")
    new_case(acme.id, title="Problem")
    assert _ids(cases.page(view="all", query="printer")) == [printer.id]
    assert shares == ['"pri"*']


def test_match_share_estimate(acme, monkeypatch):
    for i in range(6):
        new_case(acme.id, title="Printer" if i % 2 else "Email")
    monkeypatch.setattr(cases, "_SAMPLE", 3)
    assert cases._match_share('"printer"*') == 0.5  # 3 matches by id 6 of 1..6
    assert cases._match_share('"acm"*') == 1.0
    assert cases._match_share('"zzz"*') is None  # fewer matches than the sample


@pytest.mark.parametrize(
    ("view", "index"),
    [
        ("queue", "case_queue_urgency"),
        ("mine", "case_owner_urgency"),
        ("all", "case_active_urgency"),
        ("resolved", "case_resolved"),
        ("unassigned", "case_queue_urgency"),
    ],
)
@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_views_use_their_index(acme, tier1, view, index, monkeypatch):
    queues.add_member(tier1.id, session.current_user().id)
    plans: list[str] = []
    real = database.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.startswith("SELECT k.id, ") and 'FROM "case" k' in sql:
            rows = real(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            plans.append(" | ".join(str(r[-1]) for r in rows))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", spy)
    cases.page(view=view, queue_id=tier1.id)
    assert plans
    for plan in plans:
        assert index in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_export_cases(acme):
    new_case(acme.id)
    names, rows = export.rows("cases")
    data = list(rows)
    assert "number" in names and len(data) == 1
    assert data[0][names.index("number")] == "CAS-00001"


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_unassigned_in_several_queues_walks_the_active_index(acme, tier1, monkeypatch):
    tier2 = queues.create({"name": "Tier 2"})
    me = session.current_user().id
    queues.add_member(tier1.id, me)
    queues.add_member(tier2.id, me)
    a = new_case(acme.id, queue_id=tier2.id, priority="high")
    b = new_case(acme.id, queue_id=tier1.id)
    plans: list[str] = []
    real = database.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.startswith("SELECT k.id, ") and 'FROM "case" k' in sql:
            rows = real(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            plans.append(" | ".join(str(r[-1]) for r in rows))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", spy)
    assert _ids(cases.page(view="unassigned")) == [a.id, b.id]
    assert all("case_active_urgency" in p and "TEMP B-TREE" not in p for p in plans), plans


def test_update_attaches_and_detaches_a_contract_line(acme):
    contract, line_id = _active_line(acme.id, "cases", 5)
    case = new_case(acme.id)
    attached = cases.update(case.id, case.version, {"contract_line_id": line_id})
    assert (attached.contract_id, attached.contract_line_id) == (contract.id, line_id)
    assert attached.attach_warning is None
    detached = cases.update(attached.id, attached.version, {"contract_line_id": None})
    assert (detached.contract_id, detached.contract_line_id) == (None, None)
    done = cases.resolve(detached.id, detached.version, resolution="no contract")
    assert done.state == "resolved"
    used = dict_rows("SELECT used FROM contract_line WHERE id = ?", (line_id,))[0]["used"]
    assert used == 0


def test_services_stay_free_of_textual():
    import subprocess

    code = (
        "import sys; import crm_tui.services.support.cases, crm_tui.services.support.queues; "
        "sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
