"""The mail queue: one row per message to send (mail_message), with its
state: queued, sending (handed to the sender), sent, failed (with the
server's answer), suppressed (the recipient asked for no email since it was
queued) or canceled (given up before it was sent). The sender
(sender.py) moves them on; nothing here talks to a server."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import records, session
from crm_tui.services.customers import activities
from crm_tui.text import clean

STATES = ("queued", "sending", "sent", "failed", "suppressed", "canceled")


class MessageRow(TypedDict):
    """A message of the queue as a list shows it."""

    id: int
    to_address: str
    to_name: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: str | None
    last_error: str
    queued_at: str
    sent_at: str | None


def _message_id() -> str:
    from crm_tui.services.marketing.mail.settings import current

    domain = current().from_address.rpartition("@")[2] or "crm-tui.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def enqueue(
    *,
    to_address: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    to_name: str = "",
    step_id: int | None = None,
    activity_id: int | None = None,
    recipient: tuple[str, int] | None = None,
) -> int:
    """Queue one message (call inside the write that made what it is for);
    returns its id. Its Message-ID is fixed now, so a message sent twice by
    any accident is one message to the receiving servers."""
    row = {
        "activity_id": activity_id,
        "step_id": step_id,
        "recipient_type": recipient[0] if recipient else None,
        "recipient_id": recipient[1] if recipient else None,
        "to_address": to_address,
        "to_name": clean(to_name),
        "subject": clean(subject),
        "body_text": body_text,
        "body_html": body_html,
        "message_id": _message_id(),
        "unsubscribe_token": secrets.token_urlsafe(12),
        "state": "queued",
        "queued_at": to_db_time(utcnow()),
        "queued_by_id": session.current_user().id,
    }
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    return database.execute_sql(
        f"INSERT INTO mail_message ({columns}) VALUES ({marks}) RETURNING id", list(row.values())
    ).fetchone()[0]


def send_activity(activity_id: int) -> int:
    """Queue an open email activity to the addresses of its "to" parties (the
    activity modal's send); it is completed when the server takes it.
    Returns the message's id; refused when it has no address, is not an
    email, or was queued already."""
    activity = activities.get(activity_id)
    if activity.kind != "email":
        raise DomainError("only an email can be sent")
    if activity.state != "open":
        raise DomainError("this email is already completed or canceled; log a new one to send")
    addresses = [
        p["address"]
        for p in activities.parties_of(activity_id)
        if p["participation"] in ("to", "cc") and p["address"]
    ]
    if not addresses:
        raise DomainError("this email has no address to send to: add who it is to")
    with write():
        queued = database.execute_sql(
            "SELECT 1 FROM mail_message WHERE activity_id = ?", (activity_id,)
        ).fetchone()
        if queued:
            raise DomainError("this email is already queued to be sent")
        message_id = enqueue(
            to_address=", ".join(dict.fromkeys(addresses)),
            subject=activity.subject,
            body_text=activity.description,
            activity_id=activity_id,
        )
        records.audit("activity", activity_id, "mail queued", {"to": (None, addresses)})
    return message_id


def log_and_send(subject: str, **logged) -> int:
    """Log an email (activities.log's arguments, its "to" parties among
    them) as open and queue it to them, in one transaction: nothing is
    logged when it cannot be queued. Returns the message's id."""
    with write():
        activity = activities.log("email", subject, state="open", **logged)
        return send_activity(activity.id)


def get(message_id: int) -> dict:
    """One message as stored; NotFound if there is none."""
    rows = dict_rows("SELECT * FROM mail_message WHERE id = ?", (message_id,))
    if not rows:
        raise NotFound(f"message #{message_id} does not exist")
    return rows[0]


def messages(
    *, step_id: int | None = None, state: str | None = None, limit: int = 200
) -> list[MessageRow]:
    """Messages of the queue, newest first: of one campaign step, in one state."""
    where, params = ["TRUE"], []
    if step_id is not None:
        where.append("step_id = ?")
        params.append(step_id)
    if state is not None:
        where.append("state = ?")
        params.append(state)
    return dict_rows(
        "SELECT id, to_address, to_name, subject, state, attempts, next_attempt_at, "
        f"last_error, queued_at, sent_at FROM mail_message WHERE {' AND '.join(where)} "
        "ORDER BY id DESC LIMIT ?",
        (*params, limit),
    )


def counts(step_id: int | None = None) -> dict[str, int]:
    """How many messages are in each state (of one step, or of the queue)."""
    where, params = ("WHERE step_id = ?", (step_id,)) if step_id is not None else ("", ())
    found = dict(
        database.execute_sql(
            f"SELECT state, count(*) FROM mail_message {where} GROUP BY state", params
        ).fetchall()
    )
    return {state: found.get(state, 0) for state in STATES}


def retry(message_id: int) -> None:
    """Queue a failed message again, to be sent at the sender's next run (a
    message the sender may already have handed to the server before it
    stopped is sent again only this way: a person decides)."""
    with write():
        row = database.execute_sql(
            "UPDATE mail_message SET state = 'queued', next_attempt_at = NULL, attempts = 0 "
            "WHERE id = ? AND state = 'failed' RETURNING id",
            (message_id,),
        ).fetchone()
    if row is None:
        raise DomainError(f"message #{message_id} has not failed; only a failed one is retried")


def backoff(attempts: int) -> dt.timedelta:
    """How long a message refused for now waits before its next try: a
    minute, then twice as long each time, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))
