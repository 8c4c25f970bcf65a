"""Rules on time, with a controlled clock: each fires once per record and
date at its moment (working time on the business calendar), never before
and never twice; an empty date never matches, a changed date re-arms it; a
rule switched on fires only for moments after that (or with catch-up for
the recent past); a job whose record no longer qualifies is skipped; jobs
failing for now are retried with backoff; a dry run leaves nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import ConflictError, DomainError
from crm_tui.models.base import stamped_by
from crm_tui.services import users
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, contracts, queues
from crm_tui.services.workflow import actions, dry_run, jobs, rules, runs, schedule
from crm_tui.services.workflow.spec import Action, Rule

MONDAY = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(db, configure):
    configure(time_zone="UTC", business_days=[1, 2, 3, 4, 5],
              business_hours=["09:00", "17:00"], holidays=[])  # fmt: skip
    now = [MONDAY]
    with stamped_by(lambda: now[0]):
        ana = users.add("ana", "Ana", "agent")
        billing = queues.create({"name": "Billing"})
        queues.add_member(billing.id, ana.id)
        acme = accounts.create({"name": "Acme"})
        yield SimpleNamespace(now=now, ana=ana, billing=billing, acme=acme)


def at(world, moment: dt.datetime) -> None:
    assert moment >= world.now[0], "the clock only goes forward"
    world.now[0] = moment


def tick(world, moment: dt.datetime) -> tuple[int, jobs.Report]:
    """Move the clock to `moment`, queue what is due, run what is due."""
    at(world, moment)
    return schedule.scan_all(moment), jobs.run_due()


def rule_on_time(date: str, offset: str, *do: Action, kind: str = "case", **options) -> Rule:
    return rules.create(Rule(name=options.pop("name", f"{offset} {date}"), kind=kind,
                             trigger="time", date=date, offset=offset, enabled=True,
                             actions=do or (NOTE,), **options))  # fmt: skip


NOTE = Action("activity", (("subject", "Look at {title}"),))


def ran(rule_id: int) -> list[int]:
    return sorted(r["record_id"] for r in runs.log(rule_id=rule_id, result="done"))


def count(table: str) -> int:
    return dict_rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def test_working_hours_after_creation_fire_once_at_the_moment(world):
    rule = rule_on_time("created_at", "4 working hours after",
                        Action("notify", (("to", ["queue"]), ("text", "{number} waited"))),
                        condition="queue:Billing -has:first_responded_at")  # fmt: skip
    opened = {MONDAY + 2 * HOUR: "Mon 10:00", MONDAY + 7 * HOUR: "Mon 15:00",
              MONDAY + dt.timedelta(days=4, hours=8): "Fri 16:00"}  # fmt: skip
    # due: Mon 14:00; Tue 11:00 (two hours Monday, two Tuesday); Mon 12:00 a week on
    due = {"Mon 10:00": MONDAY + 6 * HOUR, "Mon 15:00": MONDAY + 27 * HOUR,
           "Fri 16:00": MONDAY + dt.timedelta(days=7, hours=4)}  # fmt: skip
    made: dict[str, int] = {}
    seen: dict[int, dt.datetime] = {}
    step = MONDAY + 2 * HOUR
    while step <= MONDAY + dt.timedelta(days=9):
        at(world, step)
        if step in opened:
            made[opened[step]] = cases.create({"title": opened[step], "account_id": world.acme.id,
                                               "queue_id": world.billing.id}).id  # fmt: skip
        schedule.scan_all(step)
        jobs.run_due()
        for record_id in ran(rule.id):
            seen.setdefault(record_id, step)
        step += HOUR
    assert seen == {made[title]: moment for title, moment in due.items()}
    assert ran(rule.id) == sorted(made.values())  # never twice
    ledger = dict_rows("SELECT record_id, state FROM workflow_job ORDER BY record_id")
    assert ledger == [{"record_id": i, "state": "done"} for i in sorted(made.values())]
    assert runs.log(rule_id=rule.id)[0]["mode"] == "scheduled"
    assert count("notification") == 3  # Ana, the queue's one member, once a case


def test_not_before_its_moment_and_not_twice(world):
    rule = rule_on_time("created_at", "4 working hours after")
    at(world, MONDAY + 2 * HOUR)
    case = cases.create({"title": "Waiting", "account_id": world.acme.id})
    assert tick(world, MONDAY + 6 * HOUR - dt.timedelta(minutes=1)) == (0, jobs.Report())
    queued, report = tick(world, MONDAY + 6 * HOUR)
    assert (queued, report.done) == (1, 1) and ran(rule.id) == [case.id]
    for hours in (1, 24, 24 * 30):
        queued, report = tick(world, world.now[0] + hours * HOUR)
        assert (queued, report.total) == (0, 0)
    rules.set_enabled(rule.id, False)
    rules.set_enabled(rule.id, True, catch_up=dt.timedelta(days=60))
    assert tick(world, world.now[0] + HOUR)[0] == 0  # the ledger holds it
    assert count("activity") == 1 and ran(rule.id) == [case.id]


def test_empty_date_never_matches_and_a_changed_date_rearms(world):
    rule = rule_on_time("follow_up_by", "1 hour before")
    empty = cases.create({"title": "No date", "account_id": world.acme.id})
    dated = cases.create({"title": "Dated", "account_id": world.acme.id,
                          "follow_up_by": MONDAY + 5 * HOUR})  # fmt: skip
    assert tick(world, MONDAY + 4 * HOUR - dt.timedelta(minutes=1))[0] == 0
    assert tick(world, MONDAY + 4 * HOUR)[0] == 1
    assert ran(rule.id) == [dated.id]
    for _ in range(3):
        assert tick(world, world.now[0] + dt.timedelta(days=1))[0] == 0
    later = MONDAY + dt.timedelta(days=5, hours=2)
    current = cases.get(dated.id)
    cases.update(dated.id, current.version, {"follow_up_by": later})
    assert tick(world, later - HOUR - dt.timedelta(minutes=1))[0] == 0
    assert tick(world, later - HOUR)[0] == 1
    moments = dict_rows("SELECT record_id, moment, state FROM workflow_job ORDER BY id")
    assert [(m["record_id"], m["state"]) for m in moments] == [(dated.id, "done")] * 2
    assert moments[0]["moment"] != moments[1]["moment"]
    # moved into the past (a date already due): acted on at the next pass
    current = cases.get(dated.id)
    cases.update(dated.id, current.version, {"follow_up_by": world.now[0] - dt.timedelta(days=2)})
    assert tick(world, world.now[0] + dt.timedelta(minutes=5))[0] == 1
    assert empty.id not in ran(rule.id) and len(runs.log(rule_id=rule.id)) == 3


def test_switched_on_fires_only_from_then_or_with_catch_up(world):
    rule = rule_on_time("created_at", "2 hours after")
    rules.set_enabled(rule.id, False)
    old = cases.create({"title": "Old", "account_id": world.acme.id})  # due 10:00
    at(world, MONDAY + 5 * HOUR)
    recent = cases.create({"title": "Recent", "account_id": world.acme.id})  # due 15:00
    at(world, MONDAY + 8 * HOUR)  # 16:00
    rules.set_enabled(rule.id, True)
    at(world, MONDAY + 8 * HOUR + dt.timedelta(minutes=30))
    new = cases.create({"title": "New", "account_id": world.acme.id})  # due 18:30
    for hours in (1, 2, 3, 4):
        tick(world, MONDAY + (8 + hours) * HOUR + dt.timedelta(minutes=30))
    assert ran(rule.id) == [new.id]
    # switched on again with eight hours' catch-up (from 12:30): Recent, not Old
    rules.set_enabled(rule.id, False)
    rules.set_enabled(rule.id, True, catch_up=dt.timedelta(hours=8))
    queued, report = tick(world, world.now[0] + dt.timedelta(minutes=1))
    assert (queued, report.done) == (1, 1)
    assert ran(rule.id) == sorted([new.id, recent.id]) and old.id not in ran(rule.id)


def test_days_before_a_contracts_end(world):
    rule = rule_on_time("ends_on", "30 days before", Action("activity", (("subject",
                        "Renew {name} ({ends_on})"), ("owner", "ana"))), kind="contract",
                        condition="state:draft,active")  # fmt: skip
    ending = contracts.create({"name": "Support", "account_id": world.acme.id,
                               "starts_on": dt.date(2026, 1, 21),
                               "ends_on": dt.date(2027, 1, 20)})  # fmt: skip
    contracts.create({"name": "Long", "account_id": world.acme.id,
                      "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2028, 1, 1)})  # fmt: skip
    # the day counts from the calendar's opening: 2026-12-21 09:00
    due = dt.datetime(2026, 12, 21, 9, 0, tzinfo=dt.UTC)
    assert tick(world, due - dt.timedelta(days=3))[0] == 0
    assert tick(world, due - dt.timedelta(minutes=1))[0] == 0
    queued, report = tick(world, due)
    assert (queued, report.done) == (1, 1)
    assert dict_rows("SELECT subject, owner_id, regarding_id FROM activity") == [
        {"subject": "Renew Support (2027-01-20)", "owner_id": world.ana.id,
         "regarding_id": ending.id}
    ]  # fmt: skip
    job = dict_rows("SELECT moment FROM workflow_job")[0]
    assert job["moment"].startswith("2027-01-20")
    assert tick(world, due + dt.timedelta(days=60))[0] == 0
    assert ran(rule.id) == [ending.id]


def test_a_job_is_skipped_when_the_record_no_longer_qualifies(world):
    rule = rule_on_time("follow_up_by", "0", condition="priority:high")
    moment = MONDAY + 3 * HOUR
    one, two = (cases.create({"title": t, "account_id": world.acme.id, "priority": "high",
                              "follow_up_by": moment}) for t in ("One", "Two"))  # fmt: skip
    at(world, moment)
    assert schedule.scan_all(moment) == 2
    cases.update(one.id, cases.get(one.id).version, {"priority": "low"})
    cases.update(two.id, cases.get(two.id).version, {"follow_up_by": moment + 5 * HOUR})
    report = jobs.run_due()
    assert (report.done, report.skipped) == (0, 2)
    skipped = {r["record_id"]: r for r in runs.log(rule_id=rule.id, result="skipped")}
    assert skipped[one.id]["error"] == "its condition no longer holds"
    assert skipped[two.id]["error"] == "its date changed since"
    states = dict_rows("SELECT state, last_error FROM workflow_job ORDER BY record_id")
    assert [s["state"] for s in states] == ["skipped", "skipped"]
    assert count("activity") == 0
    # the moved date is due in its turn
    assert tick(world, moment + 5 * HOUR)[1].done == 1
    assert ran(rule.id) == [two.id]


def test_retries_with_backoff_then_fails(world, monkeypatch):
    rule = rule_on_time("follow_up_by", "0")
    case = cases.create({"title": "Busy", "account_id": world.acme.id,
                         "follow_up_by": MONDAY + HOUR})  # fmt: skip
    tries = []

    def conflict(*args):
        tries.append(world.now[0])
        raise ConflictError("case", case.id, 1, {}, "Bob")

    monkeypatch.setattr(actions, "perform", conflict)
    assert tick(world, MONDAY + HOUR)[1].retrying == 1
    for attempt in range(1, jobs.MAX_ATTEMPTS):
        job = dict_rows("SELECT state, attempts, due_at, last_error FROM workflow_job")[0]
        assert (job["state"], job["attempts"]) == ("queued", attempt)
        wait = jobs.backoff(attempt)
        assert wait == dt.timedelta(minutes=2 ** (attempt - 1))
        assert jobs.run_due().total == 0  # not yet
        at(world, world.now[0] + wait - dt.timedelta(seconds=1))
        assert jobs.run_due().total == 0
        at(world, world.now[0] + dt.timedelta(seconds=1))
        report = jobs.run_due()
        last = attempt + 1 == jobs.MAX_ATTEMPTS
        assert (report.failed, report.retrying) == ((1, 0) if last else (0, 1))
    job = dict_rows("SELECT state, attempts, last_error FROM workflow_job")[0]
    assert (job["state"], job["attempts"]) == ("failed", jobs.MAX_ATTEMPTS)
    assert job["last_error"] == str(ConflictError("case", case.id, 1, {}, "Bob"))
    results = [r["result"] for r in reversed(runs.log(rule_id=rule.id))]
    assert results == ["retrying"] * (jobs.MAX_ATTEMPTS - 1) + ["failed"]
    assert len(tries) == jobs.MAX_ATTEMPTS
    assert tick(world, world.now[0] + dt.timedelta(days=1))[1].total == 0


def test_a_refusal_fails_at_once(world, monkeypatch):
    rule = rule_on_time("follow_up_by", "0")
    cases.create({"title": "Refused", "account_id": world.acme.id,
                  "follow_up_by": MONDAY + HOUR})  # fmt: skip

    def refuse(*args):
        raise DomainError("case CAS-00001 is resolved")

    monkeypatch.setattr(actions, "perform", refuse)
    report = tick(world, MONDAY + HOUR)[1]
    assert (report.failed, report.retrying) == (1, 0)
    (run,) = runs.log(rule_id=rule.id)
    assert (run["result"], run["error"]) == ("failed", "case CAS-00001 is resolved")
    assert dict_rows("SELECT state, attempts FROM workflow_job") == [
        {"state": "failed", "attempts": 1}
    ]


LEFT = ("activity", "notification", "workflow_run", "workflow_job", "audit_entry",
        "queue_rotation", "mail_message")  # fmt: skip


def _left() -> dict:
    counted = {t: count(t) for t in LEFT}
    counted["cases"] = dict_rows('SELECT id, version, priority, owner_id FROM "case" ORDER BY id')
    return counted


def test_dry_run_shows_what_would_happen_and_keeps_nothing(world):
    at(world, MONDAY + 2 * HOUR)
    made = [cases.create({"title": f"Case {i}", "account_id": world.acme.id,
                          "queue_id": world.billing.id}) for i in range(3)]  # fmt: skip
    resolved = cases.create({"title": "Done", "account_id": world.acme.id, "priority": "high"})
    cases.resolve(resolved.id, resolved.version, resolution="fixed")
    at(world, MONDAY + dt.timedelta(days=1))
    trial = Rule(name="Trial", kind="case", trigger="updated", condition="-priority:low",
                 actions=(Action("assign", (("to", "queue"), ("queue", "Billing"),
                                            ("how", "round_robin"))),
                          Action("set", (("values", {"priority": "high"}),)),
                          Action("notify", (("to", ["owner"]), ("text", "{title}"))),
                          Action("activity", (("subject", "Call {number}"),))))  # fmt: skip
    before = _left()
    tried = dry_run.dry_run(trial)
    assert tried.matched == 4
    assert [r.record_id for r in tried.rows] == [resolved.id] + [c.id for c in made[::-1]]
    assert tried.rows[0].error == "case CAS-00004 is resolved; reactivate it before you move it"
    assert tried.rows[0].done == ()
    assert [r.done[0] for r in tried.rows[1:]] == [
        "assigned it to Ana (round-robin in Billing)"] * 3  # fmt: skip
    assert tried.rows[1].done[1:] == ("set priority to 'high'", "notified Ana",
                                      "created the task “Call CAS-00003” for Ana")  # fmt: skip
    assert "holds for 4 cases" in tried.note
    assert _left() == before


def test_dry_run_of_a_rule_on_time_lists_past_and_upcoming(world):
    at(world, MONDAY + 2 * HOUR)  # Monday 10:00
    first = cases.create({"title": "First", "account_id": world.acme.id})
    at(world, MONDAY + dt.timedelta(days=1, hours=1))  # Tuesday 09:00
    second = cases.create({"title": "Second", "account_id": world.acme.id})
    at(world, MONDAY + dt.timedelta(days=1, hours=4))  # Tuesday 12:00
    trial = Rule(name="Trial", kind="case", trigger="time", date="created_at",
                 offset="8 working hours after", actions=(NOTE,))  # fmt: skip
    before = _left()
    tried = dry_run.dry_run(trial)
    # First was due Tuesday 10:00 (past); Second is due at Tuesday's closing (upcoming)
    assert [(r.record_id, r.due_at) for r in tried.rows] == [
        (first.id, MONDAY + dt.timedelta(days=1, hours=2))]  # fmt: skip
    assert tried.rows[0].done == ("created the task “Look at First” for tester",)
    assert [(r.record_id, r.due_at) for r in tried.upcoming] == [
        (second.id, MONDAY + dt.timedelta(days=1, hours=9))]  # fmt: skip
    assert tried.note.startswith("1 already past their moment")
    assert _left() == before
