"""Activities (kinds, states, follow-ups, timeline), notes (attachments, conflicts,
delete) and typed dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from crm_tui.db import dict_rows, trace_statements
from crm_tui.errors import ConflictError, DomainError, NotFound, ValidationError
from crm_tui.models import Account, Activity, Note
from crm_tui.services import audit, dates, session
from crm_tui.services.customers import accounts, activities, contacts, notes

UTC = dt.UTC


@pytest.fixture
def acme(db):
    return accounts.create({"name": "Acme"})


def count(table: str) -> int:
    return dict_rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def local_today() -> dt.date:
    return dt.datetime.now(dates.local_zone(session.settings().time_zone)).date()


# --- kinds and states ---------------------------------------------------------------


@pytest.mark.parametrize("kind", list(activities.KINDS))
def test_log_every_kind_with_its_state(acme, kind):
    act = activities.log(kind, f"A {kind}", regarding=("account", acme.id))
    assert act.kind == kind
    assert act.state == activities.KINDS[kind].logged_state
    assert (act.regarding_type, act.regarding_id) == ("account", acme.id)
    if act.state == "completed":
        assert act.actual_end is not None and act.sort_at == act.actual_end
    else:
        assert act.actual_end is None and act.sort_at == act.created_at
    assert [r["action"] for r in audit.history("activity", act.id)] == ["create"]


def test_states_by_kind_are_what_dynamics_does():
    states = {k: v.logged_state for k, v in activities.KINDS.items()}
    assert states["phone_call"] == states["email"] == "completed"
    assert states["task"] == "open"
    assert states["appointment"] == "scheduled"
    assert set(states.values()) <= set(activities.STATES)


def test_log_validation(acme):
    with pytest.raises(ValidationError) as excinfo:
        activities.log("carrier_pigeon", "x")
    assert "kind" in excinfo.value.errors
    with pytest.raises(ValidationError) as excinfo:
        activities.log("phone_call", "  ")
    assert "required" in excinfo.value.errors["subject"]
    with pytest.raises(ValidationError) as excinfo:
        activities.log("phone_call", "x", direction="sideways")
    assert "direction" in excinfo.value.errors
    with pytest.raises(ValidationError) as excinfo:
        activities.log("phone_call", "x", duration_minutes=24 * 60 + 1)
    assert "more than a day" in excinfo.value.errors["duration_minutes"]
    with pytest.raises(ValidationError) as excinfo:
        activities.log("task", "x", due_at=dt.datetime(2030, 1, 1, 9))  # naive
    assert "due_at" in excinfo.value.errors
    with pytest.raises(ValidationError) as excinfo:
        activities.log("task", "x", state="finished")
    assert "state" in excinfo.value.errors
    with pytest.raises(ValidationError) as excinfo:
        activities.log("email", "x", parties=[("sender", "contact", 1, "")])
    assert "parties" in excinfo.value.errors
    assert count("activity") == 0  # the bad party rolled the whole log back


def test_log_with_parties_direction_and_duration(acme):
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "account_id": acme.id})
    act = activities.log(
        "phone_call",
        "Price question\x1b[31m",
        regarding=("account", acme.id),
        direction="incoming",
        duration_minutes=12,
        parties=[("from", "contact", ann.id, "+441234"), ("to", "user", 1, "")],
    )
    assert act.subject == "Price question"
    assert (act.direction, act.duration_minutes) == ("incoming", 12)
    parties = activities.parties_of(act.id)
    assert [(p["participation"], p["party_id"]) for p in parties] == [("from", ann.id), ("to", 1)]


def test_log_without_regarding(db):
    act = activities.log("task", "Tidy the desk")
    assert act.regarding_type is None and act.regarding_id is None


# --- transitions ---------------------------------------------------------------------


def test_complete_open_task(acme):
    task = activities.log("task", "Send brochure", regarding=("account", acme.id))
    done = activities.complete(task.id, task.version, duration_minutes=15)
    assert done.state == "completed" and done.version == 2
    assert done.duration_minutes == 15 and done.actual_end is not None
    assert done.sort_at == done.actual_end
    trail = audit.history("activity", task.id)
    assert trail[0]["action"] == "state"
    assert trail[0]["changes"]["state"] == ["open", "completed"]


def test_cancel_scheduled_appointment(acme):
    meeting = activities.log("appointment", "Kick-off", regarding=("account", acme.id))
    assert meeting.state == "scheduled"
    canceled = activities.cancel(meeting.id, meeting.version)
    assert canceled.state == "canceled" and canceled.actual_end is not None


def test_reschedule_open_task(acme, configure):
    configure(time_zone="UTC")
    task = activities.log("task", "Call back", regarding=("account", acme.id))
    when = dt.datetime(2031, 5, 6, 9, 30, tzinfo=UTC)
    moved = activities.reschedule(task.id, task.version, when)
    assert moved.due_at == when and moved.sort_at == when and moved.state == "open"
    moved = activities.reschedule(moved.id, moved.version, "tomorrow")
    tomorrow = local_today() + dt.timedelta(days=1)
    assert moved.due_at == dt.datetime.combine(tomorrow, dt.time(17), tzinfo=UTC)
    with pytest.raises(ValidationError) as invalid:
        activities.reschedule(moved.id, moved.version, dt.datetime(2031, 1, 1))
    assert invalid.value.errors == {"due_at": "the new time needs a zone"}
    with pytest.raises(ValidationError) as excinfo:
        activities.reschedule(moved.id, moved.version, "someday")
    assert "due_at" in excinfo.value.errors
    with pytest.raises(ConflictError):
        activities.reschedule(task.id, 1, when)


@pytest.mark.parametrize("final", ["complete", "cancel"])
def test_transitions_refused_from_completed_or_canceled(acme, final):
    task = activities.log("task", "Follow the lead", regarding=("account", acme.id))
    closed = getattr(activities, final)(task.id, task.version)
    later = dt.datetime(2031, 1, 1, tzinfo=UTC)
    for attempt in (
        lambda: activities.complete(closed.id, closed.version),
        lambda: activities.cancel(closed.id, closed.version),
        lambda: activities.reschedule(closed.id, closed.version, later),
    ):
        with pytest.raises(DomainError, match=f"is {closed.state}; only an open or scheduled"):
            attempt()
    assert activities.get(task.id).version == closed.version


def test_logged_call_is_already_completed(acme):
    call = activities.log("phone_call", "Chat", regarding=("account", acme.id))
    with pytest.raises(DomainError, match="is completed"):
        activities.complete(call.id, call.version)


def test_update_activity_and_conflict(acme):
    task = activities.log("task", "Draft", regarding=("account", acme.id))
    edited = activities.update(task.id, 1, {"subject": "Final", "priority": "high"})
    assert (edited.subject, edited.priority, edited.version) == ("Final", "high", 2)
    with pytest.raises(ConflictError) as excinfo:
        activities.update(task.id, 1, {"subject": "Other"})
    assert excinfo.value.current == {"subject": "Final"}


def test_get_missing_activity(db):
    with pytest.raises(NotFound):
        activities.get(404)


# --- follow-ups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["today", "tomorrow", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "+3d", "+2w"]
)
def test_follow_up_creates_open_task_on_the_typed_day(acme, configure, typed):
    configure(time_zone="UTC")
    today = local_today()
    call = activities.log(
        "phone_call", "Quote", regarding=("account", acme.id), follow_up=typed, priority="high"
    )
    (task,) = activities.follow_ups_of(call.id)
    day = dates.parse_day(typed, today)
    assert task.kind == "task" and task.state == "open"
    assert task.follow_up_of.id == call.id
    assert (task.regarding_type, task.regarding_id) == ("account", acme.id)
    assert task.due_at == dt.datetime.combine(day, dt.time(17), tzinfo=UTC)
    assert task.sort_at == task.due_at
    assert task.subject == "Follow up: Quote" and task.priority == "high"
    assert [r["action"] for r in audit.history("activity", task.id)] == ["create"]


def test_follow_up_iso_date_and_local_end_of_day(acme, configure):
    configure(time_zone="Asia/Tehran")  # UTC+03:30, no DST since 2022
    call = activities.log(
        "phone_call", "Quote", regarding=("account", acme.id), follow_up="2031-03-04"
    )
    (task,) = activities.follow_ups_of(call.id)
    assert task.due_at == dt.datetime(2031, 3, 4, 13, 30, tzinfo=UTC)  # 17:00 in Tehran
    assert task.due_at.astimezone(ZoneInfo("Asia/Tehran")).hour == 17


def test_follow_up_as_date_object(acme):
    day = local_today() + dt.timedelta(days=10)
    call = activities.log("email", "Sent", regarding=("account", acme.id), follow_up=day)
    (task,) = activities.follow_ups_of(call.id)
    zone = dates.local_zone(session.settings().time_zone)
    assert task.due_at.astimezone(zone).date() == day


@pytest.mark.parametrize("typed", ["next week", "fridayy", "+1000d", "32/13", "2026-02-30", "mo"])
def test_follow_up_garbage_is_a_helpful_validation_error(acme, typed):
    with pytest.raises(ValidationError) as excinfo:
        activities.log("phone_call", "Quote", regarding=("account", acme.id), follow_up=typed)
    message = excinfo.value.errors["follow_up"]
    assert repr(typed) in message
    for example in ("today", "tomorrow", "fri", "+3d", "+2w"):
        assert example in message
    assert count("activity") == 0  # nothing half-written


def test_follow_up_in_the_past_is_refused(acme):
    yesterday = local_today() - dt.timedelta(days=1)
    for typed in ("2020-01-01", yesterday.isoformat(), yesterday):
        with pytest.raises(ValidationError) as excinfo:
            activities.log("phone_call", "Quote", regarding=("account", acme.id), follow_up=typed)
        assert "past" in excinfo.value.errors["follow_up"]
    assert count("activity") == 0


@pytest.mark.sqlite_only  # traces SQLite's statements
def test_follow_up_is_written_in_the_same_transaction(acme):
    statements: list[tuple[str, bool]] = []
    trace_statements(lambda sql, in_tx: statements.append((sql.strip().upper(), in_tx)))
    try:
        activities.log("phone_call", "Quote", regarding=("account", acme.id), follow_up="+1d")
    finally:
        trace_statements(lambda sql, in_tx: None)
    begins = [i for i, (sql, _) in enumerate(statements) if sql.startswith("BEGIN")]
    ends = [i for i, (sql, _) in enumerate(statements) if sql.startswith(("COMMIT", "END"))]
    inserts = [
        i for i, (sql, _) in enumerate(statements) if sql.startswith('INSERT INTO "ACTIVITY"')
    ]
    assert len(begins) == 1 and len(ends) == 1 and len(inserts) == 2
    assert statements[begins[0]][0] == "BEGIN IMMEDIATE"
    assert begins[0] < inserts[0] < inserts[1] < ends[0]
    assert all(statements[i][1] for i in inserts)


@pytest.mark.sqlite_only  # traces SQLite's statements
def test_a_logged_call_reads_nothing_back_while_it_holds_the_lock(acme):
    activities.log("phone_call", "Warm-up", regarding=("account", acme.id))
    statements: list[str] = []
    trace_statements(lambda sql, in_tx: statements.append(sql.strip().upper()) if in_tx else None)
    try:
        activities.log("phone_call", "Traced", regarding=("account", acme.id))
    finally:
        trace_statements(lambda sql, in_tx: None)
    assert [sql.split(" (")[0] for sql in statements] == [
        'INSERT INTO "ACTIVITY"',
        'INSERT INTO "AUDIT_ENTRY"',
        "COMMIT;",
    ]


def test_a_logged_activity_is_the_row_as_stored(acme):
    tomorrow = local_today() + dt.timedelta(days=1)
    logged = activities.log(
        "email",
        "Offer 50%",
        regarding=("account", acme.id),
        direction="outgoing",
        parties=[("to", "account", acme.id, "buyer@acme.test")],
        follow_up=tomorrow,
    )
    # as Peewee itself reads them back: every field, of the same type, nothing dirty
    for made, model in ((logged, Activity), (activities.get(logged.id), Activity), (acme, Account)):
        stored = model.get_by_id(made.id)
        assert made.__data__ == stored.__data__
        assert [type(v) for v in made.__data__.values()] == [
            type(v) for v in stored.__data__.values()
        ]
        assert not made._dirty


# --- occurred_at ----------------------------------------------------------------------


def test_occurred_at_logs_something_that_happened_earlier(acme):
    when = (dt.datetime.now(UTC) - dt.timedelta(hours=3)).replace(microsecond=0)
    call = activities.log("phone_call", "Earlier", regarding=("account", acme.id), occurred_at=when)
    assert call.created_at == when and call.actual_end == when and call.sort_at == when
    task = activities.log("task", "Was due", regarding=("account", acme.id), occurred_at=when)
    assert task.created_at == when and task.actual_end is None


def test_occurred_at_in_the_future_or_naive_is_refused(acme):
    for when in (
        dt.datetime.now(UTC) + dt.timedelta(hours=1),
        dt.datetime.now() - dt.timedelta(hours=1),
    ):
        with pytest.raises(ValidationError) as excinfo:
            activities.log("phone_call", "x", regarding=("account", acme.id), occurred_at=when)
        assert "occurred_at" in excinfo.value.errors


# --- regarding -------------------------------------------------------------------------


def test_regarding_a_missing_record_is_not_found(db):
    with pytest.raises(NotFound, match="account #999 does not exist"):
        activities.log("phone_call", "x", regarding=("account", 999))
    with pytest.raises(NotFound):
        activities.log("phone_call", "x", regarding=("contact", 999))
    with pytest.raises(NotFound):
        notes.add(("account", 999), body="x")
    with pytest.raises(NotFound):
        notes.add(("spaceship", 1), body="x")
    note = notes.add(("account", accounts.create({"name": "A"}).id), body="x")
    with pytest.raises(NotFound, match="cannot regard"):
        notes.add(("note", note.id), body="a note on a note")
    assert count("activity") == 0 and count("note") == 1


# --- timeline ---------------------------------------------------------------------------


def test_open_items_first_by_due(acme):
    base = dt.datetime(2031, 1, 10, 9, tzinfo=UTC)
    late = activities.log(
        "task", "Late", regarding=("account", acme.id), due_at=base + dt.timedelta(days=5)
    )
    soon = activities.log("task", "Soon", regarding=("account", acme.id), due_at=base)
    meet = activities.log(
        "appointment", "Meet", regarding=("account", acme.id), due_at=base + dt.timedelta(days=1)
    )
    done = activities.log("task", "Done", regarding=("account", acme.id), due_at=base)
    activities.complete(done.id, done.version)
    activities.log("phone_call", "Call", regarding=("account", acme.id))
    other = accounts.create({"name": "Other"})
    activities.log("task", "Elsewhere", regarding=("account", other.id), due_at=base)

    items = activities.open_items(("account", acme.id))
    assert [r["id"] for r in items] == [soon.id, meet.id, late.id]
    assert activities.open_count(("account", acme.id)) == 3
    history, more = activities.history(("account", acme.id))
    assert {r["subject"] for r in history} == {"Done", "Call"} and more is False


def test_history_merges_notes_and_activities_newest_first(acme):
    t0 = dt.datetime.now(UTC) - dt.timedelta(days=1)
    call = activities.log("phone_call", "Call", regarding=("account", acme.id), occurred_at=t0)
    note = notes.add(("account", acme.id), "Note", "text", at=t0 + dt.timedelta(minutes=1))
    mail = activities.log(
        "email", "Mail", regarding=("account", acme.id), occurred_at=t0 + dt.timedelta(minutes=2)
    )
    rows, more = activities.history(("account", acme.id))
    assert [(r["source"], r["id"]) for r in rows] == [
        ("a", mail.id),
        ("n", note.id),
        ("a", call.id),
    ]
    assert rows[1]["kind"] == "note" and rows[1]["body"] == "text"
    assert more is False
    assert all(r["key"] == (r["sort_at"], r["source"], r["id"]) for r in rows)


def test_history_pages_through_120_mixed_rows_without_duplicates(acme):
    t0 = dt.datetime.now(UTC) - dt.timedelta(days=10)
    regarding = ("account", acme.id)
    for i in range(60):
        # every timestamp is shared by a note and an activity, and pairs repeat
        at = t0 + dt.timedelta(minutes=i // 2)
        activities.log("phone_call", f"call {i}", regarding=regarding, occurred_at=at)
        notes.add(regarding, f"note {i}", at=at)
    # noise: open items, another record's history
    activities.log("task", "open task", regarding=regarding)
    other = accounts.create({"name": "Other"})
    notes.add(("account", other.id), "not mine")

    expected = dict_rows(
        "SELECT sort_at, 'a' AS source, id FROM activity WHERE regarding_type = 'account'"
        " AND regarding_id = ? AND state IN ('completed', 'canceled')"
        " UNION ALL SELECT created_at, 'n', id FROM note WHERE regarding_type = 'account'"
        " AND regarding_id = ? ORDER BY 1 DESC, 2 DESC, 3 DESC",
        (acme.id, acme.id),
    )
    expected_keys = [(r["sort_at"], r["source"], r["id"]) for r in expected]
    assert len(expected_keys) == 120

    seen: list[tuple] = []
    rows, more = activities.history(regarding, limit=25)
    pages = 1
    seen += [r["key"] for r in rows]
    while more:
        rows, more = activities.history(regarding, after=rows[-1]["key"], limit=25)
        seen += [r["key"] for r in rows]
        pages += 1
    assert pages == 5
    assert len(seen) == len(set(seen)) == 120
    assert seen == expected_keys


# --- notes ------------------------------------------------------------------------------


def test_note_add_get_list(acme):
    note = notes.add(("account", acme.id), "Call summary", "line 1\r\nline 2\x1b[2J")
    assert (note.subject, note.body, note.version) == ("Call summary", "line 1\nline 2", 1)
    assert (note.regarding_type, note.regarding_id) == ("account", acme.id)
    assert note.attachment_name is None
    listed = notes.list_for(("account", acme.id))
    assert [n["id"] for n in listed] == [note.id]
    assert listed[0]["owner_name"] == "tester"
    assert "attachment" not in listed[0]  # never the blob in lists
    with pytest.raises(ValidationError, match="needs a subject"):
        notes.add(("account", acme.id))


def test_note_with_attachment_bytes_and_save(acme, tmp_path):
    payload = bytes(range(256)) * 4
    note = notes.add(("account", acme.id), "Contract", attachment=("contract.pdf", payload))
    assert (note.attachment_name, note.attachment_size) == ("contract.pdf", 1024)
    assert note.attachment_mime == "application/pdf"
    out = notes.save_attachment(note.id, tmp_path)  # a folder: keeps the name
    assert out == tmp_path / "contract.pdf" and out.read_bytes() == payload
    other = notes.save_attachment(note.id, tmp_path / "copy.bin")
    assert other.read_bytes() == payload
    with pytest.raises(ValidationError, match="exists"):
        notes.save_attachment(note.id, tmp_path / "copy.bin")
    plain = notes.add(("account", acme.id), body="no file")
    with pytest.raises(NotFound, match="no attachment"):
        notes.save_attachment(plain.id, tmp_path)


def test_note_attachment_from_path_strips_folders(acme, tmp_path):
    src = tmp_path / "quote.txt"
    src.write_text("hello")
    note = notes.add(("account", acme.id), attachment=src)
    assert (note.attachment_name, note.attachment_size, note.attachment_mime) == (
        "quote.txt",
        5,
        "text/plain",
    )
    evil = notes.add(("account", acme.id), attachment=("../../etc/passwd", b"x"))
    assert evil.attachment_name == "passwd"
    with pytest.raises(ValidationError, match="not a readable file"):
        notes.add(("account", acme.id), attachment=tmp_path / "missing.txt")


def test_note_attachment_size_cap(acme, tmp_path, configure):
    configure(attachment_max_bytes=100)
    notes.add(("account", acme.id), attachment=("ok.bin", b"x" * 100))
    with pytest.raises(ValidationError) as excinfo:
        notes.add(("account", acme.id), attachment=("big.bin", b"x" * 101))
    assert "limited to 100 bytes" in excinfo.value.errors["attachment"]
    big = tmp_path / "big.txt"
    big.write_bytes(b"y" * 101)
    with pytest.raises(ValidationError) as excinfo:
        notes.add(("account", acme.id), attachment=big)
    assert "101 bytes" in excinfo.value.errors["attachment"]
    assert count("note") == 1


def test_note_update_and_conflict(acme):
    note = notes.add(("account", acme.id), "Subject", "Body")
    edited = notes.update(note.id, 1, "Subject", "Better body")
    assert (edited.body, edited.version) == ("Better body", 2)
    with pytest.raises(ConflictError) as excinfo:
        notes.update(note.id, 1, "Stale", "Stale body")
    assert excinfo.value.current["body"] == "Better body"
    assert excinfo.value.version == 2
    assert notes.get(note.id).subject == "Subject"
    trail = audit.history("note", note.id)
    assert [r["action"] for r in trail] == ["update", "create"]
    assert trail[0]["changes"] == {"body": ["Body", "Better body"]}


def test_note_delete_with_audit(acme):
    note = notes.add(("account", acme.id), "Secret", "What it said")
    edited = notes.update(note.id, 1, "Secret", "What it said now")
    with pytest.raises(ConflictError):
        notes.delete(note.id, 1)
    assert Note.get_or_none(Note.id == note.id) is not None
    notes.delete(note.id, edited.version)
    assert Note.get_or_none(Note.id == note.id) is None
    with pytest.raises(NotFound):
        notes.get(note.id)
    with pytest.raises(NotFound):
        notes.delete(note.id, edited.version)
    trail = audit.history("note", note.id)
    assert trail[0]["action"] == "delete"
    assert trail[0]["changes"]["body"] == ["What it said now", None]
    assert trail[0]["changes"]["regarding"] == [f"account#{acme.id}", None]


def test_note_delete_leaves_other_rows(acme):
    keep = notes.add(("account", acme.id), body="keep")
    gone = notes.add(("account", acme.id), body="gone")
    notes.delete(gone.id, gone.version)
    assert [n["id"] for n in notes.list_for(("account", acme.id))] == [keep.id]
    assert Activity.select().count() == 0


# --- dates.parse_day ---------------------------------------------------------------------

THU = dt.date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        ("today", THU, THU),
        ("tod", THU, THU),
        ("  Tomorrow ", THU, dt.date(2026, 11, 27)),
        ("tom", THU, dt.date(2026, 11, 27)),
        ("fri", THU, dt.date(2026, 11, 27)),
        ("FRIDAY", THU, dt.date(2026, 11, 27)),
        ("sat", THU, dt.date(2026, 11, 28)),
        ("sun", THU, dt.date(2026, 11, 29)),
        ("mon", THU, dt.date(2026, 11, 30)),
        ("tues", THU, dt.date(2026, 12, 1)),
        ("wed", THU, dt.date(2026, 12, 2)),
        ("thu", THU, dt.date(2026, 12, 3)),  # today's weekday means a week ahead
        ("thursday", THU, dt.date(2026, 12, 3)),
        ("+0d", THU, THU),
        ("+3d", THU, dt.date(2026, 11, 29)),
        ("+ 3 d", THU, dt.date(2026, 11, 29)),
        ("+10d", dt.date(2026, 12, 25), dt.date(2027, 1, 4)),
        ("+2w", THU, dt.date(2026, 12, 10)),
        ("+1m", dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        ("+1m", dt.date(2024, 1, 31), dt.date(2024, 2, 29)),  # leap year
        ("+1m", dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
        ("+1m", dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
        ("+1m", dt.date(2026, 8, 31), dt.date(2026, 9, 30)),
        ("+2m", dt.date(2026, 12, 31), dt.date(2027, 2, 28)),
        ("+13m", dt.date(2026, 1, 31), dt.date(2027, 2, 28)),
        ("+12m", dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
        ("2026-12-01", THU, dt.date(2026, 12, 1)),
        ("2020-01-01", THU, dt.date(2020, 1, 1)),  # parse_day does not judge the past
        ("yesterday", THU, dt.date(2026, 11, 25)),
        ("yest", THU, dt.date(2026, 11, 25)),
        ("now", THU, THU),
        ("tmr", THU, dt.date(2026, 11, 27)),
        ("-3d", THU, dt.date(2026, 11, 23)),
        ("- 2 w", THU, dt.date(2026, 11, 12)),
        ("-1m", dt.date(2026, 3, 31), dt.date(2026, 2, 28)),
        ("-1m", dt.date(2026, 1, 15), dt.date(2025, 12, 15)),
        # a day as display.day shows it reads back (this year when none is given)
        ("Fri 27 Nov", THU, dt.date(2026, 11, 27)),
        ("27 Nov", THU, dt.date(2026, 11, 27)),
        ("27 nov 2025", THU, dt.date(2025, 11, 27)),
        ("Fri, 27 November 2026", THU, dt.date(2026, 11, 27)),
        ("4 jan 2027", THU, dt.date(2027, 1, 4)),
        ("1 Sept", THU, dt.date(2026, 9, 1)),
        # the day number wins over a weekday left in front of it
        ("Fri 28 Nov", THU, dt.date(2026, 11, 28)),
    ],
)
def test_parse_day(typed, today, expected):
    assert dates.parse_day(typed, today) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "soon", "fr", "fridays", "+d", "+3y", "+1000d", "1/12/2026", "31 Feb", "27 Novx",
     "Fry 27 Nov", "27 Nov 26", "-3y"],
)  # fmt: skip
def test_parse_day_refuses_garbage_naming_the_field(typed):
    with pytest.raises(ValidationError) as excinfo:
        dates.parse_day(typed, THU, field="due")
    assert "try today, tomorrow, fri, +3d, +2w or 2026-12-01" in excinfo.value.errors["due"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("fri", dt.date(2026, 11, 20)),  # last Friday, not the next
        ("thu", THU),  # today's weekday is today
        ("wed", dt.date(2026, 11, 25)),
        ("monday", dt.date(2026, 11, 23)),
        ("+3d", dt.date(2026, 11, 29)),  # the rest means what it always means
        ("yesterday", dt.date(2026, 11, 25)),
    ],
)
def test_a_past_field_reads_a_weekday_as_the_last_one(typed, expected):
    assert dates.parse_day(typed, THU, past=True) == expected


def test_read_day_is_what_a_service_gets_from_a_form(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: THU)
    assert dates.read_day(None) is None
    assert dates.read_day("  ") is None
    assert dates.read_day(THU) == THU
    assert dates.read_day(dt.datetime(2026, 1, 2, 9, tzinfo=UTC)) == dt.date(2026, 1, 2)
    assert dates.read_day("+3d") == dt.date(2026, 11, 29)
    assert dates.read_day("fri", past=True) == dt.date(2026, 11, 20)
    with pytest.raises(ValidationError) as invalid:
        dates.read_day("soonish", field="ends_on")
    assert invalid.value.errors == {
        "ends_on": "'soonish' is not a date; try today, tomorrow, fri, +3d, +2w or 2026-12-01"
    }


def test_parse_when_with_and_without_time():
    zone = ZoneInfo("Europe/London")
    nine = dt.time(9)
    assert dates.parse_when("fri 14:30", THU, zone, default_time=nine) == dt.datetime(
        2026, 11, 27, 14, 30, tzinfo=UTC
    )
    assert dates.parse_when("+2d", THU, zone, default_time=nine) == dt.datetime(
        2026, 11, 28, 9, tzinfo=UTC
    )
    # a start prefilled as the app shows it reads back
    assert dates.parse_when("Fri 27 Nov 14:30", THU, zone, default_time=nine) == dt.datetime(
        2026, 11, 27, 14, 30, tzinfo=UTC
    )
    with pytest.raises(ValidationError) as invalid:
        dates.parse_when("fri 25:00", THU, zone, default_time=nine)
    assert (
        set(invalid.value.errors) == {"when"}
        and "'25:00' is not a time of day" in invalid.value.errors["when"]
    )
