"""What rules and colleagues tell a person: a case assigned to them, an SLA
about to breach, a change to a record they follow. Each notification is one
person's, read or unread; enter on it opens its record. A person follows a
record to be told when a colleague changes it.

Notifications written by a write are part of its transaction: nobody is
told of a change that was rolled back."""

from __future__ import annotations

import datetime as dt
import time
from typing import TypedDict

from crm_tui import db, meta, text
from crm_tui.db import changes, database, dict_rows, executemany, write
from crm_tui.errors import NotFound
from crm_tui.models.base import from_db_time, to_db_time, utcnow
from crm_tui.services import records, session

TEXT_MAX = 500
PAGE = 200
# How long a process trusts what it read of who follows what.
FRESH_SECONDS = 1.0


class NotificationRow(TypedDict):
    id: int
    at: dt.datetime
    text: str
    record_type: str | None
    record_id: int | None
    sender: str  # who or which rule sent it
    read: bool


def send(user_ids, said: str, *, record: tuple[str, int] | None = None,
         rule_id: int | None = None, from_user: int | None = None) -> int:  # fmt: skip
    """Tell each of `user_ids` (inactive ones and duplicates left out)
    `said` about `record`; inside the caller's write. Returns how many."""
    wanted = sorted({int(u) for u in user_ids if u is not None})
    if not wanted:
        return 0
    marks = ", ".join("?" for _ in wanted)
    active = [
        r[0]
        for r in database.execute_sql(
            f'SELECT id FROM "user" WHERE active = 1 AND id IN ({marks})', wanted
        ).fetchall()
    ]
    said = text.clean(said).strip()[:TEXT_MAX]
    at = to_db_time(utcnow())
    kind, record_id = record if record else (None, None)
    executemany(
        "INSERT INTO notification (user_id, at, text, record_type, record_id, from_user, "
        "rule_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(u, at, said, kind, record_id, from_user, rule_id) for u in active],
    )
    return len(active)


def unread_count() -> int:
    """How many of the signed-in person's notifications are unread."""
    row = database.execute_sql(
        "SELECT count(*) FROM notification WHERE user_id = ? AND read_at IS NULL",
        (session.current_user().id,),
    ).fetchone()
    return int(row[0])


def page(*, unread_only: bool = False, limit: int = PAGE) -> list[NotificationRow]:
    """The signed-in person's notifications, newest first."""
    unread = " AND n.read_at IS NULL" if unread_only else ""
    rows = dict_rows(
        "SELECT n.id, n.at, n.text, n.record_type, n.record_id, n.read_at, "
        "u.full_name AS from_name, r.name AS rule_name FROM notification n "
        'LEFT JOIN "user" u ON u.id = n.from_user '
        "LEFT JOIN workflow_rule r ON r.id = n.rule_id "
        f"WHERE n.user_id = ?{unread} ORDER BY n.id DESC LIMIT ?",
        (session.current_user().id, limit),
    )
    return [
        NotificationRow(
            id=r["id"],
            at=from_db_time(r["at"]),
            text=r["text"],
            record_type=r["record_type"],
            record_id=r["record_id"],
            sender=f"rule {r['rule_name']}" if r["rule_name"] else (r["from_name"] or ""),
            read=r["read_at"] is not None,
        )
        for r in rows
    ]


def mark_read(notification_ids, read: bool = True) -> int:
    """Mark some of the person's own notifications read (or unread again)."""
    ids = [int(i) for i in notification_ids]
    if not ids:
        return 0
    marks = ", ".join("?" for _ in ids)
    with write():
        cursor = database.execute_sql(
            f"UPDATE notification SET read_at = ? WHERE user_id = ? AND id IN ({marks})",
            [to_db_time(utcnow()) if read else None, session.current_user().id, *ids],
        )
        return changes(cursor)


def mark_all_read() -> None:
    """Mark every notification of the person read."""
    with write():
        database.execute_sql(
            "UPDATE notification SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
            (to_db_time(utcnow()), session.current_user().id),
        )


# --- following records -------------------------------------------------------------------------


def follow(kind: str, record_id: int, on: bool = True) -> bool:
    """Follow a record the person may read (or stop); returns whether they
    follow it now."""
    if meta.kind(kind).owned is False and kind != "case":
        raise NotFound(f"{meta.kind(kind).plural.lower()} cannot be followed")
    records.require(kind, record_id)
    me = session.current_user().id
    with write():
        if on:
            database.execute_sql(
                "INSERT INTO record_follow (record_type, record_id, user_id, at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (kind, record_id, me, to_db_time(utcnow())),
            )
        else:
            database.execute_sql(
                "DELETE FROM record_follow WHERE record_type = ? AND record_id = ? AND user_id = ?",
                (kind, record_id, me),
            )
    _follows.forget()
    return on


def following(kind: str, record_id: int) -> bool:
    """Whether the signed-in person follows this record."""
    return (
        database.execute_sql(
            "SELECT 1 FROM record_follow WHERE record_type = ? AND record_id = ? AND user_id = ?",
            (kind, record_id, session.current_user().id),
        ).fetchone()
        is not None
    )


def followers(kind: str, record_id: int) -> list[int]:
    """Who follows this record (user ids)."""
    return [
        r[0]
        for r in database.execute_sql(
            "SELECT user_id FROM record_follow WHERE record_type = ? AND record_id = ?",
            (kind, record_id),
        ).fetchall()
    ]


class _Follows:
    """Which records anyone follows, read again at most once a second: most
    writes change a record nobody follows, and need not ask."""

    def __init__(self) -> None:
        self.stamp = None
        self.read_at = -1.0
        self.followed: set[tuple[str, int]] = set()

    def any(self, kind: str, record_id: int) -> bool:
        now = time.monotonic()
        if now - self.read_at > FRESH_SECONDS:
            stamp = database.execute_sql("SELECT count(*), max(at) FROM record_follow").fetchone()
            if stamp != self.stamp:
                rows = database.execute_sql("SELECT record_type, record_id FROM record_follow")
                self.followed = {(r[0], int(r[1])) for r in rows.fetchall()}
                self.stamp = stamp
            self.read_at = now
        return (kind, int(record_id)) in self.followed

    def forget(self) -> None:
        self.read_at = -1.0
        self.stamp = None


_follows = _Follows()
db.on_open(_follows.forget)


def followed(kind: str, record_id: int) -> bool:
    """Whether anyone follows this record (as this process last read it)."""
    return _follows.any(kind, record_id)


def newest_unread() -> tuple[int, int, str]:
    """(how many unread, the newest one's id, its text) of the signed-in
    person, in one small query: what the app's header shows."""
    row = database.execute_sql(
        "SELECT count(*), max(id) FROM notification WHERE user_id = ? AND read_at IS NULL",
        (session.current_user().id,),
    ).fetchone()
    count, newest = int(row[0]), row[1] or 0
    if not newest:
        return 0, 0, ""
    said = database.execute_sql("SELECT text FROM notification WHERE id = ?", (newest,)).fetchone()
    return count, newest, said[0] if said else ""
