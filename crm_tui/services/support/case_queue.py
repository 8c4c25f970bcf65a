"""The case queue's views: which cases each view holds, walking them in
urgency order on their partial indexes, and the rows the queue shows.
`cases.page` pages a view (narrowed through the search index);
`take_next` takes the case the unassigned view puts first; `find_by_name`
finds cases for pickers and the palette."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError
from crm_tui.models.base import from_db_time
from crm_tui.models.service import Case
from crm_tui.services import access, search, session
from crm_tui.services.listing import too_many_to_rank
from crm_tui.services.support.case_record import get
from crm_tui.services.support.case_taking import take

VIEWS = {
    "mine": "My active cases",
    "unassigned": "Unassigned in my queues",
    "queue": "Cases in a queue",
    "all": "All active cases",
    "resolved": "Recently resolved",
}


class CaseRow(TypedDict):
    """A row of the case queue."""

    id: int
    version: int
    number: str
    title: str
    customer: str  # "Ann Lee (Acme)", or the one of them there is
    priority: str
    status_reason: str
    state: str
    owner: str
    assigned: int  # 0 while it waits in its queue
    queue: str  # "" when it is in none
    next_breach_at: dt.datetime | None
    first_response_by: dt.datetime | None
    resolve_by: dt.datetime | None
    first_responded_at: dt.datetime | None
    paused_since: dt.datetime | None
    resolved_at: dt.datetime | None
    created_at: dt.datetime


class CaseMatch(CaseRow):
    """A case found by name: a queue row with what pickers show."""

    name: str  # "CAS-00042 Printer jams"


_ROW_COLUMNS = (
    "k.id AS id, k.version AS version, k.number AS number, k.title AS title, "
    "CASE WHEN c.full_name IS NOT NULL AND a.name IS NOT NULL "
    "THEN c.full_name || ' (' || a.name || ')' ELSE coalesce(c.full_name, a.name, '') END "
    "AS customer, k.priority AS priority, k.status_reason AS status_reason, k.state AS state, "
    "u.full_name AS owner, k.assigned AS assigned, coalesce(q.name, '') AS queue, "
    "k.next_breach_at AS next_breach_at, k.first_response_by AS first_response_by, "
    "k.resolve_by AS resolve_by, k.first_responded_at AS first_responded_at, "
    "k.paused_since AS paused_since, k.resolved_at AS resolved_at, k.created_at AS created_at"
)
_ROW_JOINS = (
    'JOIN "user" u ON u.id = k.owner_id LEFT JOIN account a ON a.id = k.account_id '
    "LEFT JOIN contact c ON c.id = k.contact_id LEFT JOIN queue q ON q.id = k.queue_id"
)
_TIMES = (
    "next_breach_at", "first_response_by", "resolve_by", "first_responded_at",
    "paused_since", "resolved_at", "created_at",
)  # fmt: skip
# Active views walk the urgency indexes: cases with a next breach first (soonest
# first), then those without one; each part is a range of the partial index.
# Within a part, ties go to the higher priority (priority_rank: high 0, normal
# 1, low 2), then the older case. A part is (condition, the key columns it
# orders by); a row's key is (next breach, rank, id) in every part, so a
# cursor names its part by whether its first value is None.
_URGENCY = (
    ("k.next_breach_at IS NOT NULL", ("k.next_breach_at", "k.priority_rank")),
    ("k.next_breach_at IS NULL", ("k.priority_rank",)),
)
_RESOLVED = (("k.resolved_at IS NOT NULL", ("k.resolved_at",)),)
# take_next reads this many candidates at a time, and reads again this many
# times when colleagues took all of them between the read and the write.
_NEXT_BATCH = 10
_NEXT_ROUNDS = 5


def view_where(view: str, queue_id: int | None) -> tuple[str, str, tuple, bool]:
    """(WHERE fragment, index, segments, descending) of a view; only integers
    are inlined. The index is named: without ANALYZE statistics SQLite may
    take case_resolved (state, ...) for "state = 'active'" and sort."""
    me = int(session.current_user().id)
    if view == "mine":
        where = f"k.state = 'active' AND k.owner_id = {me} AND k.assigned = 1"
        return where, "case_owner_urgency", _URGENCY, False
    if view == "unassigned":
        from crm_tui.services.support import queues

        mine = queues.my_queue_ids(me)
        ids = ", ".join(str(int(i)) for i in mine) or "NULL"
        where = f"k.state = 'active' AND k.assigned = 0 AND k.queue_id IN ({ids})"
        # One queue: its own range; several: walk all active cases by urgency.
        index = "case_queue_urgency" if len(mine) == 1 else "case_active_urgency"
        return where, index, _URGENCY, False
    if view == "queue":
        if queue_id is None:
            raise DomainError("choose a queue to show its cases")
        where = f"k.state = 'active' AND k.queue_id = {int(queue_id)}"
        return where, "case_queue_urgency", _URGENCY, False
    if view == "all":
        return "k.state = 'active'", "case_active_urgency", _URGENCY, False
    if view == "resolved":
        return "k.state = 'resolved'", "case_resolved", _RESOLVED, True
    raise DomainError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")


def readable_where() -> str:
    """The access rule's condition on cases `k` ("" when every case is readable)."""
    return access.read_filter("case", "k.owner_id", unowned="k.assigned = 0")


def walk(where, index, params, segments, descending, cursor, backwards, inclusive, limit) -> list:
    """Rows (id, *key values) of one page in reading order of the walk."""
    flip = descending != backwards
    order = "DESC" if flip else "ASC"
    names = segments[0][1]  # every key column of the view, in key order
    parts = list(reversed(segments)) if backwards else list(segments)
    if cursor is not None:
        keyed = cursor[0] is not None
        start = next(i for i, (_, cols) in enumerate(parts) if (names[0] in cols) == keyed)
        parts = parts[start:]
    out: list = []
    for i, (condition, cols) in enumerate(parts):
        conditions = [where, condition]
        args = list(params)
        if cursor is not None and i == 0:
            op = ("<" if flip else ">") + ("=" if inclusive else "")
            conditions.append(
                f"({', '.join(cols)}, k.id) {op} ({', '.join('?' * (len(cols) + 1))})"
            )
            args += [cursor[names.index(col)] for col in cols] + [cursor[-1]]
        order_by = ", ".join(f"{col} {order}" for col in (*cols, "k.id"))
        sql = (
            f'SELECT k.id, {", ".join(names)} FROM "case" k '
            f"{f'INDEXED BY {index}' if index else 'NOT INDEXED'} "
            f"WHERE {' AND '.join(f'({c})' for c in conditions)} ORDER BY {order_by} LIMIT ?"
        )
        out += database.execute_sql(sql, [*args, limit + 1 - len(out)]).fetchall()
        if len(out) > limit:
            break
    return out


def urgency_key(case_id: int) -> tuple | None:
    """The key an active view orders the case by (as `cases.page` hands keys
    out), for a page that starts at it; None when the case does not exist."""
    found = database.execute_sql(
        'SELECT next_breach_at, priority_rank, id FROM "case" WHERE id = ?', (case_id,)
    ).fetchone()
    return None if found is None else tuple(found)


def take_next() -> Case | None:
    """Take the case waiting unassigned in my queues that the unassigned view
    puts first (the next breach soonest, then the higher priority, then the
    older case); None when none waits.

    The view is read before the write, so its walk never holds the write
    lock; inside the write (which holds the database's write lock from its
    start, as `take` does) each candidate is read again and the first one
    still waiting is taken. Two agents pressing it at once get two different
    cases: the second finds the first's case taken and goes on to the next."""
    from crm_tui.services.support import queues

    mine = queues.my_queue_ids()
    if not mine:
        raise DomainError("you are in no queue, so no case waits for you; an admin adds you to one")
    where, index, segments, descending = view_where("unassigned", None)
    readable = readable_where()
    if readable:
        where += f" AND {readable}"
    for _ in range(_NEXT_ROUNDS):
        found = walk(where, index, [], segments, descending, None, False, False, _NEXT_BATCH)
        if not found:
            return None
        with write():
            for row in found:
                case = get(row[0])
                if case.state == "active" and not case.assigned and case.queue_id in mine:
                    return take(case.id)
    raise DomainError("others took every waiting case as you pressed; press it again")


def display_rows(ids: list[int]) -> list[CaseRow]:
    """The queue rows of the cases `ids`, in that order."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    rows = dict_rows(
        f'SELECT {_ROW_COLUMNS} FROM "case" k {_ROW_JOINS} WHERE k.id IN ({marks})', ids
    )
    by_id = {r["id"]: r for r in rows}
    out = []
    for case_id in ids:
        row = by_id[case_id]
        for name in _TIMES:
            row[name] = from_db_time(row[name])
        out.append(row)
    return out


def find_by_name(typed: str, limit: int = 10) -> list[CaseMatch]:
    """Best matching cases of any state for `typed` (number, title, customer),
    for pickers and the command palette."""
    fts = search.query_for(typed)
    if fts is None:
        return []
    if too_many_to_rank("case", fts):
        index, match = "case_fts", search.unranked_match_sql("case")
        order = "case_fts.rowid DESC"
    else:
        index, match = search.fts_from("case"), search.match_sql("case")
        order = f"{search.rank_expr('case')}, case_fts.rowid"
    readable = readable_where()
    joined = f'CROSS JOIN "case" k ON k.id = case_fts.rowid AND {readable}' if readable else ""
    found = database.execute_sql(
        f"SELECT case_fts.rowid FROM {index} {joined} WHERE {match} ORDER BY {order} LIMIT ?",
        (search.match_param("case", fts), limit),
    ).fetchall()
    rows = display_rows([r[0] for r in found])
    for row in rows:
        row["name"] = f"{row['number']} {row['title']}"  # what pickers and the palette show
    return rows
