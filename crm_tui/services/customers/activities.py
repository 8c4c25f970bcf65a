"""Activities: calls, emails, tasks, meetings ... regarding any record, with
follow-up tasks and the timeline that shows them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta import states as machines
from crm_tui.meta.customers import ACTIVITY, ACTIVITY_TYPES
from crm_tui.models import Activity, ActivityParty
from crm_tui.models.base import utcnow
from crm_tui.services import dates, hooks, records, session
from crm_tui.services.customers import activity_parties
from crm_tui.services.validate import Checker


@dataclass(frozen=True)
class Kind:
    """An activity type as the desk shows and logs it."""

    name: str
    label: str
    # What a freshly logged one is: a call that happened is completed, a task is open.
    logged_state: str


# The types, their labels and the states are the record metadata's
# (crm_tui.meta); the state each is logged in is the service's rule.
_LOGGED = {
    "phone_call": "completed",
    "email": "completed",
    "letter": "completed",
    "fax": "completed",
    "task": "open",
    "appointment": "scheduled",
    "service_activity": "scheduled",
    "case_resolution": "completed",
    "opportunity_close": "completed",
    "quote_close": "completed",
    "order_close": "completed",
    "campaign_response": "completed",
}
KINDS = {code: Kind(code, label, _LOGGED[code]) for code, label in ACTIVITY_TYPES.items()}
STATES = machines.ACTIVITY.codes
OPEN_STATES = machines.ACTIVITY.open_states
_DIRECTIONS = ACTIVITY.attribute("direction").option_codes
_PRIORITIES = ACTIVITY.attribute("priority").option_codes
PARTICIPATIONS = activity_parties.PARTICIPATIONS


class PartyRow(TypedDict):
    """A party of an activity (from, to, required ...)."""

    id: int
    activity: int  # the activity's id
    participation: str
    party_type: str
    party_id: int | None
    address: str


class TimelineRow(TypedDict):
    """An activity or note on a record's timeline."""

    source: str  # "a" an activity, "n" a note
    id: int
    kind: str  # the activity type, or "note"
    state: str
    subject: str
    body: str
    direction: str | None
    due_at: str | None  # as stored (UTC ISO text)
    duration_minutes: int | None
    sort_at: str  # as stored (UTC ISO text)
    version: int
    owner: str
    attachment_name: str | None
    parties: str  # "with Ana Díaz", "to ana@example.com +1"; "" for none


class HistoryRow(TimelineRow):
    """A timeline row of the history, with its paging key."""

    key: tuple  # pass the last row's as `after` for the next page


def _check(data: dict, *, creating: bool) -> dict:
    c = Checker(data)
    if creating:
        c.choice("kind", KINDS, required=True)
    c.text("subject", required=creating or c.has("subject"), max_len=200)
    c.text("description", max_len=20000, multiline=True)
    c.text("location", max_len=200)
    if c.has("direction") and data["direction"] is not None:
        c.choice("direction", _DIRECTIONS)
    elif c.has("direction"):
        c.values["direction"] = None
    if c.has("priority"):
        c.choice("priority", _PRIORITIES)
    c.integer("duration_minutes", label="duration")
    if c.values.get("duration_minutes") and c.values["duration_minutes"] > 24 * 60:
        c.fail("duration_minutes", "duration is more than a day; enter minutes")
    for name in ("due_at", "scheduled_start"):
        if c.has(name) and data[name] is not None:
            value = data[name]
            if not isinstance(value, dt.datetime) or value.tzinfo is None:
                c.fail(name, f"{name.replace('_', ' ')} must be a date and time")
            else:
                c.values[name] = value
    return c.done()


def check(data: dict) -> dict:
    """The values `log` would store for `data` (kind, subject, description,
    direction, priority, duration_minutes, due_at, scheduled_start,
    location), writing nothing (an import's dry run)."""
    return _check(data, creating=True)


def log(
    kind: str,
    subject: str,
    *,
    regarding: tuple[str, int] | None = None,
    description: str = "",
    direction: str | None = None,
    duration_minutes: int | None = None,
    due_at: dt.datetime | None = None,
    scheduled_start: dt.datetime | None = None,
    priority: str = "normal",
    location: str = "",
    follow_up: str | dt.date | None = None,
    parties: list[tuple[str, str, int | None, str]] | None = None,
    state: str | None = None,
    owner_id: int | None = None,
    occurred_at: dt.datetime | None = None,
) -> Activity:
    """Record an activity regarding a record, in one transaction with its
    follow-up task (if `follow_up` names a day), its audit entries and what
    the listeners of hooks.ACTIVITY_LOGGED write (a case's first response).

    `parties` are (participation, party_type, party_id, address) rows: a
    contact, account or lead the person may read (its email address, or for
    other kinds its phone, filled in as the address used when none is
    given), or only an address typed. They are audited with the activity.
    A call or email is logged as completed; a task is open; an appointment
    is scheduled (override with `state`). `occurred_at` logs something that
    happened earlier (it must not be in the future).
    """
    data = {
        "kind": kind,
        "subject": subject,
        "description": description,
        "direction": direction,
        "duration_minutes": duration_minutes,
        "due_at": due_at,
        "scheduled_start": scheduled_start,
        "priority": priority,
        "location": location,
    }
    values = _check(data, creating=True)
    party_rows = activity_parties.check(kind, parties or [])
    state = state or KINDS[kind].logged_state
    if state not in STATES:
        raise ValidationError({"state": f"{state!r} is not one of: {', '.join(STATES)}"})
    follow_day = None
    if follow_up:
        today = dt.datetime.now(_zone()).date()
        follow_day = (
            follow_up
            if isinstance(follow_up, dt.date)
            else dates.parse_day(follow_up, today, field="follow_up")
        )
        if follow_day < today:
            raise ValidationError({"follow_up": "the follow-up date is in the past"})
    now = utcnow()
    if occurred_at is not None:
        if occurred_at.tzinfo is None or occurred_at > now:
            raise ValidationError({"occurred_at": "when it happened must be a past date and time"})
        now = occurred_at
    values.update(_regarding(regarding))
    values["state"] = state
    if state in ("completed", "canceled"):
        values["actual_end"] = now
    values["sort_at"] = _sort_at(
        state, values.get("due_at") or values.get("scheduled_start"), values.get("actual_end"), now
    )
    with write():
        # the row as written: reading it back would be one more statement under the lock
        created = records.create_record("activity", values, owner_id=owner_id, at=now)
        new_id = created.id
        if party_rows:
            ActivityParty.insert_many([{"activity": new_id, **row} for row in party_rows]).execute()
            records.audit(
                "activity",
                new_id,
                "parties",
                {"parties": (None, [activity_parties.audit_text(row) for row in party_rows])},
                stored=(created.__data__.get("owner"), True),
            )
        if follow_day is not None:
            due = dates.end_of_working_day(follow_day, _zone())
            follow = {
                "kind": "task",
                "state": "open",
                "subject": f"Follow up: {values['subject']}"[:200],
                "description": "",
                "priority": values.get("priority", "normal"),
                "due_at": due,
                "follow_up_of": new_id,
                "sort_at": due,
                **_regarding(regarding),
            }
            records.create("activity", follow, owner_id=owner_id)
        logged = records.readable("activity", created)
        hooks.emit(hooks.ACTIVITY_LOGGED, activity=logged)
    return logged


def _with_parties(rows: list) -> list:
    words = activity_parties.party_words(row["id"] for row in rows if row["source"] == "a")
    for row in rows:
        row["parties"] = words.get(row["id"], "") if row["source"] == "a" else ""
    return rows


def _zone() -> dt.tzinfo:
    return dates.local_zone(session.settings().time_zone)


def _regarding(regarding: tuple[str, int] | None) -> dict:
    if regarding is None:
        return {"regarding_type": None, "regarding_id": None}
    kind, record_id = regarding
    records.require_regardable(kind, record_id)
    return {"regarding_type": kind, "regarding_id": int(record_id)}


def _sort_at(
    state: str, due: dt.datetime | None, ended: dt.datetime | None, created: dt.datetime
) -> dt.datetime:
    if state in OPEN_STATES:
        return due or created
    return ended or created


def get(activity_id: int) -> Activity:
    """One activity; NotFound if it does not exist."""
    row = records.by_id(Activity, activity_id)
    if row is None:
        raise NotFound(f"activity #{activity_id} does not exist (it may have been deleted)")
    return records.readable("activity", row)


def follow_ups_of(activity_id: int) -> list[Activity]:
    """The follow-up tasks logged with the activity."""
    return list(Activity.select().where(Activity.follow_up_of == activity_id))


def parties_of(activity_id: int) -> list[PartyRow]:
    """The activity's parties, in the order they were added."""
    return list(ActivityParty.select().where(ActivityParty.activity == activity_id).dicts())


def _transition(
    activity_id: int, version: int, allowed_from: tuple[str, ...], values: dict, verb: str
) -> Activity:
    with write():
        row = get(activity_id)
        if row.state not in allowed_from:
            raise DomainError(
                f"this {KINDS[row.kind].label.lower()} is {row.state}; only an open or scheduled "
                f"activity can be {verb}"
            )
        records.update_versioned("activity", activity_id, version, values, action="state")
    return get(activity_id)


def complete(activity_id: int, version: int, *, duration_minutes: int | None = None) -> Activity:
    """Mark an open or scheduled activity done, now. Listeners of
    hooks.ACTIVITY_COMPLETED run in the same write (completing an outgoing
    one regarding a case can be the case's first response)."""
    now = utcnow()
    values = {"state": "completed", "actual_end": now, "sort_at": now}
    if duration_minutes is not None:
        values["duration_minutes"] = int(duration_minutes)
    with write():
        done = _transition(activity_id, version, OPEN_STATES, values, "completed")
        hooks.emit(hooks.ACTIVITY_COMPLETED, activity=done)
    return done


def cancel(activity_id: int, version: int) -> Activity:
    """Cancel an open or scheduled activity; it stays in the history."""
    now = utcnow()
    return _transition(
        activity_id,
        version,
        OPEN_STATES,
        {"state": "canceled", "actual_end": now, "sort_at": now},
        "canceled",
    )


def reschedule(activity_id: int, version: int, due_at: dt.datetime | str) -> Activity:
    """Move an open or scheduled activity to a new due time (or a typed day)."""
    if isinstance(due_at, str):
        today = dt.datetime.now(_zone()).date()
        due_at = dates.end_of_working_day(dates.parse_day(due_at, today, field="due_at"), _zone())
    if due_at.tzinfo is None:
        raise ValidationError({"due_at": "the new time needs a zone"})
    return _transition(
        activity_id, version, OPEN_STATES, {"due_at": due_at, "sort_at": due_at}, "rescheduled"
    )


def update(activity_id: int, version: int, data: dict) -> Activity:
    """Edit subject, description, direction, priority, duration or location."""
    values = _check(data, creating=False)
    values.pop("due_at", None)
    with write():
        records.update_versioned("activity", activity_id, version, values)
    return get(activity_id)


# --- the timeline ---------------------------------------------------------

_TIMELINE_COLUMNS = """
    SELECT 'a' AS source, a.id AS id, a.kind AS kind, a.state AS state, a.subject AS subject,
           a.description AS body, a.direction AS direction, a.due_at AS due_at,
           a.duration_minutes AS duration_minutes, a.sort_at AS sort_at, a.version AS version,
           u.full_name AS owner, NULL AS attachment_name
    FROM activity a JOIN "user" u ON u.id = a.owner_id
"""
# Typed NULLs: a subquery's untyped NULL column is text to PostgreSQL, which
# will not put it under the activities' number column in the UNION.
_NOTE_COLUMNS = """
    SELECT 'n' AS source, n.id AS id, 'note' AS kind, 'completed' AS state,
           n.subject AS subject, n.body AS body, NULL AS direction, NULL AS due_at,
           CAST(NULL AS INTEGER) AS duration_minutes, n.created_at AS sort_at,
           n.version AS version,
           u.full_name AS owner, n.attachment_name AS attachment_name
    FROM note n JOIN "user" u ON u.id = n.owner_id
"""


# What the record's workflow rules did (services/workflow/runs.py), on its
# timeline among its activities and notes: the rule's name, what each action
# did (or the error, carried in attachment_name's place), how it ended.
_RUN_COLUMNS = """
    SELECT 'w' AS source, w.id AS id, 'rule' AS kind, w.result AS state,
           r.name AS subject, w.actions AS body, NULL AS direction, NULL AS due_at,
           CAST(NULL AS INTEGER) AS duration_minutes, w.at AS sort_at, 0 AS version,
           COALESCE(u.full_name, '') AS owner, w.error AS attachment_name
    FROM workflow_run w JOIN workflow_rule r ON r.id = w.rule_id
    LEFT JOIN "user" u ON u.id = w.acting_as
"""


def open_items(regarding: tuple[str, int], limit: int = 50) -> list[TimelineRow]:
    """Open and scheduled activities regarding the record, soonest due first."""
    sql = (
        _TIMELINE_COLUMNS + " WHERE a.regarding_type = ? AND a.regarding_id = ? "
        "AND a.state IN ('open', 'scheduled') ORDER BY a.sort_at, a.id LIMIT ?"
    )
    return _with_parties(dict_rows(sql, (*regarding, limit)))


def history(
    regarding: tuple[str, int], *, after: tuple | None = None, limit: int = 50
) -> tuple[list[HistoryRow], bool]:
    """Completed/canceled activities, notes and the runs of workflow rules,
    newest first, a page at a time.
    Pass the last row's `key` as `after` for the next page. Returns (rows, more)."""
    kind, record_id = regarding
    act_where = (
        "a.regarding_type = ? AND a.regarding_id = ? AND a.state IN ('completed', 'canceled')"
    )
    note_where = "n.regarding_type = ? AND n.regarding_id = ?"
    params: list = [kind, record_id]
    note_params: list = [kind, record_id]
    if after is not None:
        act_where += " AND (a.sort_at, 'a', a.id) < (?, ?, ?)"
        note_where += " AND (n.created_at, 'n', n.id) < (?, ?, ?)"
        params += list(after)
        note_params += list(after)
    run_where = "w.record_type = ? AND w.record_id = ?"
    run_params: list = [kind, record_id]
    if after is not None:
        run_where += " AND (w.at, 'w', w.id) < (?, ?, ?)"
        run_params += list(after)
    sql = (
        f"SELECT * FROM ({_TIMELINE_COLUMNS} WHERE {act_where} "
        f"ORDER BY a.sort_at DESC, a.id DESC LIMIT ?) AS acts "
        f"UNION ALL SELECT * FROM ({_NOTE_COLUMNS} WHERE {note_where} "
        f"ORDER BY n.created_at DESC, n.id DESC LIMIT ?) AS notes "
        f"UNION ALL SELECT * FROM ({_RUN_COLUMNS} WHERE {run_where} "
        f"ORDER BY w.at DESC, w.id DESC LIMIT ?) AS runs "
        "ORDER BY sort_at DESC, source DESC, id DESC LIMIT ?"
    )
    rows = dict_rows(sql, (*params, limit + 1, *note_params, limit + 1, *run_params,
                           limit + 1, limit + 1))  # fmt: skip
    for row in rows:
        if row["source"] == "w":
            done = "; ".join(json.loads(row["body"] or "[]"))
            row["subject"] = f"{row['subject']}: {done or row['attachment_name']}"
            row["body"], row["attachment_name"] = "", None
    more = len(rows) > limit
    rows = rows[:limit]
    for row in rows:
        row["key"] = (row["sort_at"], row["source"], row["id"])
    return _with_parties(rows), more


def open_count(regarding: tuple[str, int]) -> int:
    """How many open or scheduled activities regard the record."""
    # The states are literal so that the partial index activity_open_regarding
    # applies (the planner cannot see bound parameters' values).
    return database.execute_sql(
        "SELECT count(*) FROM activity WHERE regarding_type = ? AND regarding_id = ? "
        "AND state IN ('open', 'scheduled')",
        (regarding[0], int(regarding[1])),
    ).fetchone()[0]
