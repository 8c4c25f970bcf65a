"""Who holds a case: taking it from its queue, releasing it back, moving it
to another queue, and assigning it to someone."""

from __future__ import annotations

from crm_tui.db import database, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import User
from crm_tui.models.service import Case, Queue
from crm_tui.services import dates, records, session
from crm_tui.services.support.case_record import get, require_active


def _holder_message(row: Case) -> str:
    who = User.get_or_none(User.id == row.owner_id)
    name = who.full_name if who else f"user #{row.owner_id}"
    when = database.execute_sql(
        "SELECT at FROM audit_entry WHERE record_type = 'case' AND record_id = ? "
        "AND action IN ('create', 'take', 'assign') ORDER BY id DESC LIMIT 1",
        (row.id,),
    ).fetchone()
    if when is None:
        return f"{name} holds case {row.number}"
    local = dates.as_local(when[0])
    return f"{name} took this case at {local.strftime('%H:%M')}"


def take(case_id: int) -> Case:
    """Take an active case: I become its owner and it leaves the queue's
    unassigned list. No version is needed (unrelated edits must not stop a
    take), but the case is re-read inside the write lock, so if someone else
    holds it the take fails naming them; taking my own case again does nothing."""
    me = session.current_user()
    with write():
        row = get(case_id)
        require_active(row, "take")
        if row.assigned:
            if row.owner_id == me.id:
                return row
            raise DomainError(_holder_message(row))
        records.update_versioned(
            "case", case_id, row.version, {"owner": me.id, "assigned": 1}, action="take"
        )
    return get(case_id)


def release(case_id: int, version: int) -> Case:
    """Put an assigned case back in its queue, unassigned."""
    with write():
        row = records.load_current("case", case_id, version, ["owner", "assigned"])
        require_active(row, "release")
        if row.queue_id is None:
            raise DomainError(f"case {row.number} has no queue to go back to; move it to one")
        if not row.assigned:
            raise DomainError(f"case {row.number} is already waiting in its queue")
        records.update_versioned("case", case_id, version, {"assigned": 0}, action="release")
    return get(case_id)


def move(case_id: int, version: int, queue_id: int) -> Case:
    """Move an active case to another active queue, where it waits unassigned."""
    with write():
        row = records.load_current("case", case_id, version, ["queue", "assigned"])
        require_active(row, "move")
        queue = records.by_id(Queue, queue_id)
        if queue is None:
            raise NotFound(f"queue #{queue_id} does not exist")
        if queue.state != "active":
            raise DomainError(f"the queue {queue.name} is inactive")
        if row.queue_id == queue_id:
            raise DomainError(f"case {row.number} is already in {queue.name}")
        records.update_versioned(
            "case", case_id, version, {"queue": queue_id, "assigned": 0}, action="move"
        )
    return get(case_id)


def assign(case_id: int, version: int, user_id: int) -> Case:
    """Give an active case to an active user (they hold it from now on)."""
    with write():
        row = records.load_current("case", case_id, version, ["owner", "assigned"])
        require_active(row, "assign")
        user = User.get_or_none(User.id == user_id)
        if user is None or not user.active:
            raise ValidationError({"owner_id": "the owner must be an active user"})
        if row.assigned and row.owner_id == user_id:
            raise DomainError(f"{user.full_name} already holds case {row.number}")
        records.update_versioned(
            "case", case_id, version, {"owner": user_id, "assigned": 1}, action="assign"
        )
    return get(case_id)
