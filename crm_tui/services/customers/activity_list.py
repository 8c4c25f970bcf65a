"""The activities area (area 8): activities across every record, as a
person works through them — their own open ones by when they are due
(overdue first), everyone's open ones, the completed and canceled ones
(latest first) — filtered by the query language like any list
(`kind:task`, `priority:high`, `due<fri`), and the appointments and tasks
of a span of days for the calendar."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui import meta
from crm_tui.db import dict_rows
from crm_tui.errors import QueryError
from crm_tui.models.base import to_db_time
from crm_tui.services import access, session
from crm_tui.services.listing import ListSpec, Page, Sort, page_of

_OPEN = "t.state IN ('open', 'scheduled')"  # literal: the partial indexes (m0016)
# No full-text index of activities (indexing each one would cost every write
# under the lock): a free word is looked for in the subjects of the open
# views' rows, which their partial indexes keep few. The done views hold
# nearly every activity; there words are refused (`words_refused`).
WORD_SQL = "lower(t.subject) LIKE ? ESCAPE '\\'"
_WORD_VIEWS = ("mine", "open")


def regarding_name_sql(alias: str = "t") -> str:
    """SQL naming the record an activity (as `alias`) regards, when the
    person may read that record (NULL otherwise, and for none)."""
    whens = []
    for kind in meta.regardable():
        table = kind.model._meta.table_name
        title = kind.model._meta.fields[kind.title].column_name
        # a case waiting in a queue is anyone's to read, as in every case list
        unowned = "r.assigned = 0" if kind.name == "case" else ""
        readable = access.read_filter(kind.name, "r.owner_id", unowned=unowned)
        whens.append(
            f'WHEN \'{kind.name}\' THEN (SELECT r."{title}" FROM "{table}" r '
            f"WHERE r.id = {alias}.regarding_id" + (f" AND {readable}" if readable else "") + ")"
        )
    return f"CASE {alias}.regarding_type {' '.join(whens)} END"


def _spec() -> ListSpec:
    return ListSpec(
        kind="activity",
        table="activity t",
        columns=(
            "t.id AS id, t.kind AS kind, t.subject AS subject, t.state AS state, "
            "t.priority AS priority, t.direction AS direction, t.due_at AS due_at, "
            "t.scheduled_start AS scheduled_start, t.actual_end AS actual_end, "
            "t.duration_minutes AS duration_minutes, t.sort_at AS sort_at, "
            "t.regarding_type AS regarding_type, t.regarding_id AS regarding_id, "
            "t.version AS version, t.owner_id AS owner_id, u.full_name AS owner, "
            f"{regarding_name_sql()} AS regarding"
        ),
        joins='JOIN "user" u ON u.id = t.owner_id',
        views={
            "mine": f"t.owner_id = :me AND {_OPEN}",
            "open": _OPEN,
            "completed": "t.state = 'completed'",
            "canceled": "t.state = 'canceled'",
        },
        sorts={
            "due": Sort("t.sort_at"),
            "latest": Sort("t.sort_at", descending=True),
        },
        broad_views=frozenset({"open"}),
        word_sql=WORD_SQL,
        # the regarded record's name is read for the page's rows alone
        join_after_paging=True,
    )


# Short: the area's title says "Activities", and the label beside the filter
# holds little more than these at 80 columns.
VIEWS = {
    "mine": "My open",
    "open": "All open",
    "completed": "Completed",
    "canceled": "Canceled",
}
# The order each view reads in: what is due next, or what was done last.
SORT_OF_VIEW = {"mine": "due", "open": "due", "completed": "latest", "canceled": "latest"}


class ActivityRow(TypedDict):
    """A row of the activities list."""

    id: int
    kind: str
    subject: str
    state: str
    priority: str
    direction: str | None
    due_at: str | None  # as stored (UTC ISO text)
    scheduled_start: str | None
    actual_end: str | None
    duration_minutes: int | None
    sort_at: str
    regarding_type: str | None
    regarding_id: int | None
    version: int
    owner_id: int
    owner: str
    regarding: str | None  # the regarded record's name, when the person may read it


def words_refused(view: str, typed: str | None) -> str:
    """Why `typed` cannot be run on `view` ("" when it can): free words look
    through open activities only."""
    if view in _WORD_VIEWS or not typed:
        return ""
    from crm_tui.services import query

    try:
        parsed = query.parse(typed)
    except query.QueryError:
        return ""  # the query language says what is wrong
    if parsed.words or parsed.excluded:
        return (
            "words look through open activities; on done ones use conditions: "
            "kind:task, subject:renewal*, end>last-30d, priority:high"
        )
    return ""


def page(**options) -> Page[ActivityRow]:
    """A page of the activities list: view (mine, open, completed, canceled),
    sort (due, latest; each view has its own when not given), query,
    after/before/last, limit, inclusive (see listing.fetch_page). Free words
    are looked for in the subjects of open activities (QueryError on the
    done views)."""
    view = options.pop("view", "mine")
    refused = words_refused(view, options.get("query"))
    if refused:
        raise QueryError(refused)
    options.setdefault("sort", SORT_OF_VIEW.get(view, "due"))
    return page_of(_spec(), view=view, **options)


# When an item stands in the calendar: an appointment's start, a task's due
# time. The same expression as the index activity_owner_when (m0016).
_WHEN = "coalesce(t.scheduled_start, t.due_at)"


def between(start: dt.datetime, end: dt.datetime) -> list[ActivityRow]:
    """The signed-in person's appointments, bookings, tasks and calls that
    start or are due in [start, end), by time; open and done ones, not
    canceled. For the calendar."""
    spec = _spec()
    where = [
        "t.owner_id = ?",
        f"{_WHEN} >= ?",
        f"{_WHEN} < ?",
        "t.kind IN ('appointment', 'service_activity', 'task', 'phone_call')",
        "t.state <> 'canceled'",
    ]
    params: list = [session.current_user().id, to_db_time(start), to_db_time(end)]
    readable = access.read_filter("activity", "t.owner_id")
    if readable:
        where.append(readable)
    sql = (
        f"SELECT {spec.columns} FROM {spec.table} {spec.joins} "
        f"WHERE {' AND '.join(where)} ORDER BY {_WHEN}, t.id LIMIT 2000"
    )
    return dict_rows(sql, params)
