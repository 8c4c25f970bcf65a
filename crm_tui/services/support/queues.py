"""Queues: where cases wait to be taken (Tier 1, Tier 2, Billing ...), and the
agents who work each one."""

from __future__ import annotations

from typing import TypedDict

from peewee import fn

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import User
from crm_tui.models.service import Queue, QueueMember
from crm_tui.services import records, session
from crm_tui.services.validate import Checker


class MemberRow(TypedDict):
    """A member of a queue."""

    id: int
    login: str
    full_name: str
    role: str
    active: int  # 1 enabled, 0 disabled


class QueueRow(TypedDict):
    """A queue with its counts."""

    id: int
    version: int
    name: str
    description: str
    state: str
    members: int
    active_cases: int
    unassigned_cases: int


def _check(data: dict, *, creating: bool, queue_id: int | None = None) -> dict:
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=100)
    c.text("description", max_len=2000, multiline=True)
    c.owner(store_as="owner")
    values = c.done()
    name = values.get("name")
    if name:
        clash = Queue.select(Queue.id).where(fn.lower(Queue.name) == name.lower())
        if queue_id is not None:
            clash = clash.where(Queue.id != queue_id)
        if clash.exists():
            raise ValidationError({"name": f"a queue named {name!r} exists already"})
    return values


def create(data: dict) -> Queue:
    """Create an active queue; its name must be unique (ignoring case)."""
    values = _check(data, creating=True)
    owner = values.pop("owner", None)
    with write():
        new_id = records.create("queue", values, owner_id=owner)
    return get(new_id)


def get(queue_id: int) -> Queue:
    """One queue; NotFound if it does not exist."""
    row = records.by_id(Queue, queue_id)
    if row is None:
        raise NotFound(f"queue #{queue_id} does not exist (it may have been deleted)")
    return row


def update(queue_id: int, version: int, data: dict) -> Queue:
    """Rename or describe a queue if nobody saved it since `version`."""
    values = _check(data, creating=False, queue_id=queue_id)
    with write():
        records.update_versioned("queue", queue_id, version, values)
    return get(queue_id)


def deactivate(queue_id: int, version: int) -> Queue:
    """Retire a queue: new cases are no longer routed to it; its cases stay."""
    records.set_state("queue", queue_id, version, "inactive")
    return get(queue_id)


def reactivate(queue_id: int, version: int) -> Queue:
    """Bring an inactive queue back."""
    records.set_state("queue", queue_id, version, "active")
    return get(queue_id)


def _member_names(queue_id: int, user_id: int) -> tuple[Queue, User]:
    queue = get(queue_id)
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(f"user #{user_id} does not exist")
    return queue, user


def add_member(queue_id: int, user_id: int) -> None:
    """Make an active user a member of a queue (audited on the queue)."""
    with write():
        queue, user = _member_names(queue_id, user_id)
        if not user.active:
            raise DomainError(f"{user.full_name} is inactive; reactivate them first")
        if queue.state != "active":
            raise DomainError(f"the queue {queue.name} is inactive; reactivate it first")
        exists = QueueMember.select().where(
            (QueueMember.queue == queue_id) & (QueueMember.user == user_id)
        )
        if exists.exists():
            raise DomainError(f"{user.full_name} is already a member of {queue.name}")
        QueueMember.insert(queue=queue_id, user=user_id).execute()
        records.audit("queue", queue_id, "add_member", {"member": (None, user.login)})


def remove_member(queue_id: int, user_id: int) -> None:
    """Take a user out of a queue; the cases they hold stay theirs."""
    with write():
        queue, user = _member_names(queue_id, user_id)
        gone = (
            QueueMember.delete()
            .where((QueueMember.queue == queue_id) & (QueueMember.user == user_id))
            .execute()
        )
        if not gone:
            raise DomainError(f"{user.full_name} is not a member of {queue.name}")
        records.audit("queue", queue_id, "remove_member", {"member": (user.login, None)})


def members(queue_id: int) -> list[MemberRow]:
    """The queue's members by name: id, login, full_name, role, active."""
    get(queue_id)
    return dict_rows(
        "SELECT u.id AS id, u.login AS login, u.full_name AS full_name, u.role AS role, "
        'u.active AS active FROM queue_member m JOIN "user" u ON u.id = m.user_id '
        "WHERE m.queue_id = ? ORDER BY u.full_name, u.id",
        (queue_id,),
    )


_QUEUE_ROWS = (
    "SELECT q.id AS id, q.version AS version, q.name AS name, q.description AS description, "
    "q.state AS state, "
    "(SELECT count(*) FROM queue_member m WHERE m.queue_id = q.id) AS members, "
    "(SELECT count(*) FROM \"case\" k WHERE k.queue_id = q.id AND k.state = 'active') "
    "AS active_cases, "
    "(SELECT count(*) FROM \"case\" k WHERE k.queue_id = q.id AND k.state = 'active' "
    "AND k.assigned = 0) AS unassigned_cases "
    "FROM queue q"
)


def queues(include_inactive: bool = False) -> list[QueueRow]:
    """Every queue by name with its member, active-case and unassigned-case counts."""
    where = "" if include_inactive else " WHERE q.state = 'active'"
    return dict_rows(f"{_QUEUE_ROWS}{where} ORDER BY q.name COLLATE NOCASE, q.id")


def my_queues(user_id: int | None = None) -> list[QueueRow]:
    """The active queues `user_id` (default: me) is a member of, with counts."""
    user_id = user_id if user_id is not None else session.current_user().id
    return dict_rows(
        f"{_QUEUE_ROWS} WHERE q.state = 'active' AND q.id IN "
        "(SELECT queue_id FROM queue_member WHERE user_id = ?) ORDER BY q.name COLLATE NOCASE, q.id",
        (user_id,),
    )


def my_queue_ids(user_id: int | None = None) -> list[int]:
    """Ids of the queues `user_id` (default: me) belongs to (active or not)."""
    user_id = user_id if user_id is not None else session.current_user().id
    rows = database.execute_sql(
        "SELECT queue_id FROM queue_member WHERE user_id = ? ORDER BY queue_id", (user_id,)
    )
    return [r[0] for r in rows]
