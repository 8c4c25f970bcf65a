"""Cases: the service desk's work items. This module is the case API:
opening, changing and closing cases (status, resolve, cancel, reactivate),
and paging the queue views through the search index. The rest of a case
lives beside it and is reached through here too: reading one in
`case_record`, its fields' checks in `case_fields`, its SLA clock in
`case_clock`, who holds it in `case_taking`, merging in `case_merge`, the
views' walk and rows, and taking the next waiting case, in `case_queue`.
`sla`, `routing` and `contract_cases` are imported when first needed, so the
case modules load on their own.
"""

from __future__ import annotations

import re
from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, ValidationError
from crm_tui.meta import states as machines
from crm_tui.meta.support import CASE_ORIGINS, CASE_PRIORITIES, CASE_SEVERITIES, CASE_TYPES
from crm_tui.models.base import utcnow
from crm_tui.models.service import Case
from crm_tui.services import numbers, records, search
from crm_tui.services.listing import Page
from crm_tui.services.query import QueryError, compile_query
from crm_tui.services.support import case_clock, case_fields
from crm_tui.services.support.case_fields import FIELDS
from crm_tui.services.support.case_merge import merge
from crm_tui.services.support.case_queue import (
    VIEWS,
    CaseMatch,
    CaseRow,
    display_rows,
    find_by_name,
    readable_where,
    take_next,
    urgency_key,
    view_where,
    walk,
)
from crm_tui.services.support.case_record import (
    RelatedCaseRow,
    RelatedCases,
    by_number,
    customer_name,
    get,
    related,
    require_active,
)
from crm_tui.services.support.case_taking import assign, move, release, take

# Option sets and the state machine are the record metadata's (crm_tui.meta).
TYPES = CASE_TYPES
ORIGINS = CASE_ORIGINS
PRIORITIES = CASE_PRIORITIES
SEVERITIES = CASE_SEVERITIES
STATES = {state.code: state.label for state in machines.CASE.states}
STATUS_LABELS = {reason.code: reason.label for reason in machines.CASE.reasons}
ACTIVE_REASONS = machines.CASE.reason_codes("active")
RESOLVE_REASONS = machines.CASE.reason_codes("resolved")
CANCEL_REASONS = machines.CASE.reason_codes("canceled")
# Status reasons that stop the SLA clock.
PAUSING = ("on_hold", "waiting_for_details")


class OpenActivityRow(TypedDict):
    """An open or scheduled activity regarding a case."""

    id: int
    version: int
    subject: str
    kind: str
    due: str | None  # as stored (UTC ISO text): the due time, else the scheduled start


class OpenActivities(DomainError):
    """Resolving was refused because activities regarding the case are still
    open; `activities` lists them (id, version, subject, kind, due) so the
    screen can offer to cancel them (resolve again with cancel_open=True)."""

    def __init__(self, activities: list[OpenActivityRow]):
        self.activities = activities
        n = len(activities)
        super().__init__(
            f"this case has {n} open {'activity' if n == 1 else 'activities'}; "
            "complete or cancel them, or resolve and cancel them"
        )


# --- records --------------------------------------------------------------------------


def create(data: dict) -> Case:
    """Open a case (active, in progress) from form data.

    It needs a title and a customer (an account, a contact, or both; a contact
    alone brings its account). Without a queue the routing rules pick one. A
    case in a queue without an explicit owner waits there unassigned (owned by
    its creator until someone takes it); with an owner it is assigned. The SLA
    targets come from the priority. Attaching a contract line is checked
    against the customer and dates; if the line's allotment is used up the
    case is still created and the returned Case carries the warning text as
    `attach_warning` (None otherwise).
    """
    values = case_fields.check(data, creating=True)
    case_fields.customer(values)
    for name, default in (("case_type", "question"), ("origin", "phone"), ("priority", "normal")):
        values.setdefault(name, default)
    explicit_owner = values.pop("owner_id", None)
    if values.get("queue_id") is None and not data.get("queue_id"):
        values["queue_id"] = case_fields.route(values)
    warning = None
    now = utcnow()
    first_by, resolve_by = case_clock.targets(values["priority"], now, 0)
    values.update(
        state="active",
        status_reason="in_progress",
        first_response_by=first_by,
        resolve_by=resolve_by,
        paused_minutes=0,
        assigned=0 if values.get("queue_id") is not None and explicit_owner is None else 1,
    )
    with write():
        warning = case_fields.attach(values)
        probe = Case(**case_fields.to_columns(values))
        values["next_breach_at"] = case_clock.next_breach(probe, {"first_responded_at": None})
        values["number"] = numbers.next_number("case")
        columns = case_fields.to_columns(values)
        new_id = records.create("case", columns, owner_id=explicit_owner, at=now)
        search.index("case", new_id)
    case = get(new_id)
    case.attach_warning = warning
    return case


def update(case_id: int, version: int, data: dict) -> Case:
    """Save changed fields of an active case if nobody saved since `version`
    (else ConflictError). Queue and owner change through move/assign/take.
    A new priority recomputes the SLA targets from when the case was opened.
    A (re)checked contract line's allotment warning is `attach_warning`."""
    data = {k: v for k, v in data.items() if k not in ("queue_id", "owner_id")}
    values = case_fields.check(data, creating=False)
    with write():
        columns = case_fields.to_columns(values)
        row = records.load_current("case", case_id, version, columns.keys())
        require_active(row, "edit")
        if "parent_case_id" in values and values["parent_case_id"] == case_id:
            raise ValidationError({"parent_case_id": "a case cannot be its own parent"})
        if values.keys() & {"account_id", "contact_id"}:
            case_fields.customer(values, row)
        warning = None
        if "contract_line_id" in values or values.keys() & {"account_id", "contact_id"}:
            if values.get("contract_line_id", row.contract_line_id) is None:
                values["contract_id"] = None
            else:
                warning = case_fields.attach(values, row)
        if "priority" in values and values["priority"] != row.priority:
            first_by, resolve_by = case_clock.targets(
                values["priority"], row.created_at, row.paused_minutes
            )
            values["first_response_by"] = first_by
            values["resolve_by"] = resolve_by
        columns = case_fields.to_columns(values)
        columns["next_breach_at"] = case_clock.next_breach(row, columns)
        changes = records.update_versioned("case", case_id, version, columns)
        if search.changed_words(changes, {"title", "account", "contact", "subject", "description"}):
            search.index("case", case_id)
    case = get(case_id)
    case.attach_warning = warning
    return case


# --- status and the SLA clock ---------------------------------------------------------


def set_status(case_id: int, version: int, reason: str) -> Case:
    """Change an active case's status reason. On Hold and Waiting for Details
    stop the SLA clock; leaving them adds the paused working minutes and moves
    the targets on by as much."""
    if reason not in ACTIVE_REASONS:
        options = ", ".join(ACTIVE_REASONS)
        raise ValidationError({"reason": f"{reason!r} is not one of: {options}"})
    with write():
        row = records.load_current("case", case_id, version, ["status_reason"])
        require_active(row, "change")
        if row.status_reason == reason:
            raise DomainError(f"case {row.number} is already {STATUS_LABELS[reason].lower()}")
        values: dict = {"status_reason": reason}
        was_paused, pausing = row.status_reason in PAUSING, reason in PAUSING
        if pausing and not was_paused:
            values["paused_since"] = utcnow()
        elif was_paused and not pausing:
            values.update(case_clock.resume_values(row, utcnow()))
        values["next_breach_at"] = case_clock.next_breach(row, values)
        records.update_versioned("case", case_id, version, values, action="state")
    return get(case_id)


# --- resolving, canceling, reactivating -----------------------------------------------


def open_activities(case_id: int) -> list[OpenActivityRow]:
    """Open and scheduled activities regarding the case: id, version, subject, kind, due."""
    return dict_rows(
        "SELECT id, version, subject, kind, coalesce(due_at, scheduled_start) AS due "
        "FROM activity WHERE regarding_type = 'case' AND regarding_id = ? "
        "AND state IN ('open', 'scheduled') ORDER BY sort_at, id",
        (case_id,),
    )


def resolve(
    case_id: int,
    version: int,
    *,
    resolution: str,
    reason: str = "problem_solved",
    billable_minutes: int | None = None,
    cancel_open: bool = False,
) -> Case:
    """Resolve an active case with a resolution text (written as its
    case_resolution activity, the billable minutes as its duration). Open
    activities regarding it refuse the resolve (OpenActivities lists them)
    unless `cancel_open`, which cancels them in the same transaction. An
    attached contract line has one case or the billable minutes consumed."""
    resolution, minutes = case_fields.check_resolution(resolution, reason, billable_minutes)
    from crm_tui.services.customers import activities

    with write():
        row = records.load_current("case", case_id, version, ["state", "status_reason"])
        if row.state != "active":
            raise DomainError(f"case {row.number} is already {row.state}")
        still_open = open_activities(case_id)
        if still_open and not cancel_open:
            raise OpenActivities(still_open)
        for item in still_open:
            activities.cancel(item["id"], item["version"])
        activities.log(
            "case_resolution",
            f"Resolved: {row.title}"[:200],
            regarding=("case", case_id),
            description=resolution,
            duration_minutes=minutes,
        )
        row = get(case_id)  # the version may have moved (the log's listeners)
        now = utcnow()
        values = {
            "state": "resolved",
            "status_reason": reason,
            "resolved_at": now,
            "billable_minutes": minutes,
            "next_breach_at": None,
        }
        if row.paused_since is not None:
            paused = row.paused_minutes + case_clock.pause_minutes(row.paused_since, now)
            values.update(paused_since=None, paused_minutes=paused)
        records.update_versioned("case", case_id, row.version, values, action="state")
        if row.contract_line_id is not None:
            from crm_tui.services.support import contract_cases

            contract_cases.consume(row.contract_line_id, minutes)
    return get(case_id)


def cancel(case_id: int, version: int) -> Case:
    """Cancel an active case (its open activities stay as they are)."""
    with write():
        row = records.load_current("case", case_id, version, ["state"])
        if row.state != "active":
            raise DomainError(f"case {row.number} is already {row.state}")
        values = {"state": "canceled", "status_reason": "canceled", "next_breach_at": None}
        records.update_versioned("case", case_id, version, values, action="state")
    return get(case_id)


def reactivate(case_id: int, version: int) -> Case:
    """Reopen a resolved or canceled case: active, in progress. Its SLA targets
    stay what they were (a late case is still late); a merged case cannot be
    reopened (work on the case it was merged into)."""
    with write():
        row = records.load_current("case", case_id, version, ["state"])
        if row.state == "active":
            raise DomainError(f"case {row.number} is active; only a closed case can be reopened")
        if row.status_reason == "merged":
            target = records.by_id(Case, row.merged_into_id) if row.merged_into_id else None
            into = f" into {target.number}" if target else ""
            raise DomainError(f"case {row.number} was merged{into}; work on that case instead")
        values: dict = {
            "state": "active",
            "status_reason": "in_progress",
            "resolved_at": None,
            "paused_since": None,
        }
        values["next_breach_at"] = case_clock.next_breach(row, values)
        records.update_versioned("case", case_id, version, values, action="state")
    return get(case_id)


# --- the queue page, narrowed through the search index --------------------------------

# Checking one case against the FTS index (MATCH ... AND rowid = ?) costs
# 30-100 microseconds when every prefix term is served by the index's prefix
# lengths (m0005: prefix='1 2 3'); a longer prefix makes FTS5 merge the
# doclists of every term it starts, per check (milliseconds each).
_PREFIX_INDEXED = 3
# Probing pays off while most walked cases match: at half, a page of 100
# costs about 200 checks (~10 ms), against ~35 ms for gathering a prefix that
# matches most of 200k cases. Below that the gathered matches are cheaper.
_DENSE = 0.5
# How many matches _match_share reads to estimate the share (~0.2 ms).
_SAMPLE = 2000
# A range of the match list costs about a check per 100 ids it spans.
_RANGE_PER_ID = 100
_LAST_PREFIX = re.compile(r'"((?:[^"]|"")*)"\*$')


def _indexed_prefix(fts: str) -> str:
    """`fts` with its last prefix cut to what the prefix index serves: the
    same query when checks are cheap, else one that matches a superset."""
    found = _LAST_PREFIX.search(fts)
    if found is None:
        return fts
    prefix = found.group(1).replace('""', '"')
    if len(prefix) <= _PREFIX_INDEXED:
        return fts
    return fts[: found.start()] + '"' + prefix[:_PREFIX_INDEXED].replace('"', '""') + '"*'


def _match_share(fts: str) -> float | None:
    """Roughly which share of all cases match `fts`: matches come in id order,
    so the first _SAMPLE of them spanning few ids means most cases match.
    None when there are fewer than _SAMPLE matches."""
    row = database.execute_sql(
        f"{search.matches_sql('case')} LIMIT 1 OFFSET ?",
        (search.match_param("case", fts), _SAMPLE - 1),
    ).fetchone()
    if row is None:
        return None
    first = database.execute_sql('SELECT min(id) FROM "case"').fetchone()[0] or 1
    return _SAMPLE / max(1, row[0] - first + 1)


def _matching(fts: str, ids: list[int]) -> set[int]:
    """Which of `ids` match `fts`. Each id is a separate check, and one late
    in the index costs more; ids close together (paused cases walked by id)
    are read faster as one range of the match list."""
    low, high = min(ids), max(ids)
    if high - low < _RANGE_PER_ID * len(ids):
        sql, args = "rowid BETWEEN ? AND ?", [low, high]
    else:
        sql, args = f"rowid IN ({', '.join('?' * len(ids))})", list(ids)
    found = database.execute_sql(
        f"{search.matches_sql('case')} AND {sql}", [search.match_param("case", fts), *args]
    )
    return {r[0] for r in found}.intersection(ids)


def _probe_walk(
    where, params, fts, index, segments, descending, cursor, backwards, inclusive, limit
):
    """A filtered page by walking the view unfiltered and checking the cases
    walked against the FTS index, a batch at a time; None (gather the
    matches instead) when the view's cases turn out mostly not to match,
    which a share over all cases cannot tell (a queue of other problems)."""
    need = limit + 1
    out: list = []
    batch = need
    for _ in range(2):
        rows = walk(
            where, index, params, segments, descending, cursor, backwards, inclusive, batch - 1
        )
        hits: set = set()
        if rows:
            hits = _matching(fts, [r[0] for r in rows])
            out += [r for r in rows if r[0] in hits]
        if len(out) >= need or len(rows) < batch:
            return out[:need]
        share = len(hits) / len(rows)
        if share < _DENSE:
            return None
        last_row = rows[-1]
        cursor, inclusive = (*last_row[1:], last_row[0]), False
        batch = min(2 * need, int((need - len(out)) / share * 1.25) + 1)
    return None


def _plan(where, params, fts, walk_args) -> list:
    """The rows (id, *key) of a page of the view `where` (its `params`)
    narrowed to the cases matching `fts`, by the cheapest plan for how much
    of the view matches."""
    # The share is read on the indexed prefix: finding even one match of a
    # longer prefix makes FTS5 merge every term it starts, as dear as
    # gathering them. Fewer superset matches than the sample: few matches.
    cheap = _indexed_prefix(fts)
    share = _match_share(cheap)
    found = None
    if share is None:
        # Few matches: read those cases by id and sort them (walking the view
        # for them would read every case in it when nothing matches).
        where += f" AND k.id IN ({search.matches_sql('case')})"
        return walk(where, None, [*params, search.match_param("case", fts)], *walk_args[1:])
    if share >= _DENSE and cheap == fts:
        found = _probe_walk(where, params, fts, *walk_args)
    if found is None:
        # The matches are gathered once (a temp index of ids), then the view
        # is walked in urgency order: ~35 ms when a prefix matches most of
        # 200k cases, which _probe_walk avoids where it can. The + keeps
        # SQLite from driving the walk by the match ids (a probe per match).
        where += f" AND +k.id IN ({search.matches_sql('case')})"
        found = walk(
            where, walk_args[0], [*params, search.match_param("case", fts)], *walk_args[1:]
        )
    return found


def page(
    *,
    view: str = "mine",
    queue_id: int | None = None,
    query: str | None = None,
    after: tuple | None = None,
    before: tuple | None = None,
    last: bool = False,
    limit: int = 100,
    inclusive: bool = False,
) -> Page[CaseRow]:
    """One page of a queue view (see VIEWS): active views by SLA urgency (the
    next breach, soonest first; cases without one last), then priority (high,
    normal, low), then id; "resolved" by resolution time, newest first.
    Keyset-paged like listing.fetch_page: pass a row's key from `page.keys`
    as `after`/`before`. `query` narrows the view through the case search
    index (number, title, customer ...), and its conditions (the query
    language, services/query) narrow it further; a queue keeps its order."""
    where, index, segments, descending = view_where(view, queue_id)
    readable = readable_where()
    if readable:
        where += f" AND {readable}"
    asked = compile_query("case", "k", query)
    if asked.sort is not None:
        raise QueryError("a queue is always in order of urgency: leave sort: out")
    where += "".join(f" AND ({condition})" for condition in asked.where)
    backwards = before is not None or last
    cursor = after if after is not None else before
    walk_args = (index, segments, descending, cursor, backwards, inclusive, limit)
    fts = search.query_for(asked.words)
    if fts is None:
        found = walk(where, index, asked.params, *walk_args[1:])
    else:
        found = _plan(where, asked.params, fts, walk_args)
    more = len(found) > limit
    found = found[:limit]
    if backwards:
        found.reverse()
    rows = display_rows([row[0] for row in found])
    keys = [(*row[1:], row[0]) for row in found]
    if backwards:
        return Page(rows, before is not None, more, keys)
    return Page(rows, more, after is not None, keys)


__all__ = [
    "ACTIVE_REASONS",
    "CANCEL_REASONS",
    "FIELDS",
    "ORIGINS",
    "PAUSING",
    "PRIORITIES",
    "RESOLVE_REASONS",
    "SEVERITIES",
    "STATES",
    "STATUS_LABELS",
    "TYPES",
    "VIEWS",
    "CaseMatch",
    "CaseRow",
    "OpenActivities",
    "OpenActivityRow",
    "RelatedCaseRow",
    "RelatedCases",
    "assign",
    "by_number",
    "cancel",
    "create",
    "customer_name",
    "find_by_name",
    "get",
    "merge",
    "move",
    "open_activities",
    "page",
    "reactivate",
    "related",
    "release",
    "resolve",
    "set_status",
    "take",
    "take_next",
    "update",
    "urgency_key",
]
