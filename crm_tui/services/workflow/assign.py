"""Who a rule assigns a record to among a queue's members: round-robin (the
next member after the one the queue last gave a record to, kept in
`queue_rotation` in the same transaction, so two assignments never pick
the same turn) or the least busy (fewest active cases held, or open
records of the kind owned; a tie goes round-robin)."""

from __future__ import annotations

from crm_tui import meta
from crm_tui.db import database
from crm_tui.errors import DomainError


def members(queue_id: int) -> list[int]:
    """The queue's active members' ids, in id order."""
    rows = database.execute_sql(
        'SELECT u.id FROM queue_member m JOIN "user" u ON u.id = m.user_id '
        "WHERE m.queue_id = ? AND u.active = 1 ORDER BY u.id",
        (queue_id,),
    ).fetchall()
    return [r[0] for r in rows]


def _rotation(queue_id: int) -> int | None:
    row = database.execute_sql(
        "SELECT last_user_id FROM queue_rotation WHERE queue_id = ?", (queue_id,)
    ).fetchone()
    return row[0] if row else None


def _after(ids: list[int], last: int | None) -> list[int]:
    """`ids` starting with the first after `last`, wrapping round."""
    later = [i for i in ids if last is None or i > last]
    return later + [i for i in ids if i not in later]


def _load(kind: str, ids: list[int]) -> dict[int, int]:
    marks = ", ".join("?" for _ in ids)
    if kind == "case":
        sql = (f'SELECT owner_id, count(*) FROM "case" WHERE owner_id IN ({marks}) '
               "AND state = 'active' AND assigned = 1 GROUP BY owner_id")  # fmt: skip
    else:
        found = meta.kind(kind)
        table = found.model._meta.table_name
        open_states = [s.code for s in found.states.states if s.is_open] if found.states else []
        state = (f" AND state IN ({', '.join(repr(s) for s in open_states)})"
                 if open_states else "")  # fmt: skip
        sql = (f'SELECT owner_id, count(*) FROM "{table}" WHERE owner_id IN ({marks})'
               f"{state} GROUP BY owner_id")  # fmt: skip
    return {r[0]: r[1] for r in database.execute_sql(sql, ids).fetchall()}


def choose(queue_id: int, queue_name: str, how: str, kind: str) -> int:
    """The member to give the next record to (inside the caller's write)."""
    ids = members(queue_id)
    if not ids:
        raise DomainError(f"the queue {queue_name} has no active members to assign to")
    order = _after(ids, _rotation(queue_id))
    if how == "least_busy":
        load = _load(kind, ids)
        chosen = min(order, key=lambda i: load.get(i, 0))
    else:
        chosen = order[0]
    database.execute_sql(
        "INSERT INTO queue_rotation (queue_id, last_user_id) VALUES (?, ?) "
        "ON CONFLICT (queue_id) DO UPDATE SET last_user_id = excluded.last_user_id",
        (queue_id, chosen),
    )
    return chosen
