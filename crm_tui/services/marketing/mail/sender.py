"""The sender: hands queued messages to the SMTP server, one database's
one sender at a time (a lease in mail_sender, renewed with every message
it records; a sender silent for longer than one message can take, lease_of,
is taken to be gone, and one that finds its lease taken stops).

Each message's outcome is committed as soon as the server answers, so a
run cut short resumes where it stopped. A run claims BATCH messages at a
time and sends them in order: when a run dies, only the first message it
had claimed and not recorded can have reached the server. The next run
marks that one failed, saying it may have arrived, rather than send it
again (a person can retry it), and queues the others again. A message the
server refuses for now waits longer each time (queue.backoff) until
max_attempts; one it refuses for good fails with its answer."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import socket
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from crm_tui.config_mail import MailSettings
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError
from crm_tui.meta.marketing import MEMBER_TYPES
from crm_tui.models.base import from_db_time, to_db_time, utcnow
from crm_tui.services import records
from crm_tui.services.customers import activity_files
from crm_tui.services.marketing import literature, literature_items
from crm_tui.services.marketing.mail import queue
from crm_tui.services.marketing.mail.compose import compose, recipients
from crm_tui.services.marketing.mail.settings import password, require_configured

LEASE = dt.timedelta(seconds=60)


def lease_of(settings: MailSettings) -> dt.timedelta:
    """How long a sender's lease lasts without a beat: longer than one
    message can take (the server's timeout, twice: a connect and a send)."""
    return max(LEASE, dt.timedelta(seconds=2 * settings.timeout_seconds + 30))


BATCH = 20
TAKEN_OVER = "another sender took over: this one stopped"
INTERRUPTED = (
    "the sender stopped while handing this message to the server: it may have "
    "arrived, so it is not sent again unless retried"
)


@dataclass
class Report:
    """What a run did."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0  # refused for now: tried again later
    suppressed: int = 0
    interrupted: int = 0  # left by a sender that died (see the module)
    stopped: str = ""  # why the run ended early, in one sentence


@dataclass
class _Outcome:
    state: str  # sent, failed or retry
    error: str = ""
    disconnected: bool = False


def _now() -> dt.datetime:
    return utcnow()


# --- the lease ----------------------------------------------------------------------------


def take_lease(holder: str, lease: dt.timedelta = LEASE) -> None:
    """Become the database's sender, or DomainError naming the one running
    (one whose last beat is older than `lease` is taken to be gone)."""
    now = _now()
    with write():
        row = database.execute_sql(
            "SELECT holder, beat_at FROM mail_sender WHERE id = 1"
        ).fetchone()
        if row and row[0] != holder and from_db_time(row[1]) > now - lease:
            raise DomainError(
                f"another sender is running ({row[0].split(':')[0]}, "
                f"last seen {int((now - from_db_time(row[1])).total_seconds())} s ago); "
                "one sender sends a database's mail at a time"
            )
        database.execute_sql(
            "INSERT INTO mail_sender (id, holder, beat_at) VALUES (1, ?, ?) ON CONFLICT (id) "
            "DO UPDATE SET holder = excluded.holder, beat_at = excluded.beat_at",
            (holder, to_db_time(now)),
        )


def _beat(holder: str) -> bool:
    """Renew the lease (inside the caller's write); False when another
    sender has taken it over."""
    return (
        database.execute_sql(
            "UPDATE mail_sender SET beat_at = ? WHERE id = 1 AND holder = ? RETURNING id",
            (to_db_time(_now()), holder),
        ).fetchone()
        is not None
    )


def _release(holder: str) -> None:
    with write():
        database.execute_sql("DELETE FROM mail_sender WHERE id = 1 AND holder = ?", (holder,))


# --- the queue's rows ---------------------------------------------------------------------


def recover() -> int:
    """Messages a dead sender left claimed: the first may have reached the
    server (failed, see the module), the rest go back to the queue. Returns
    how many were left."""
    with write():
        left = [r[0] for r in database.execute_sql(
            "SELECT id FROM mail_message WHERE state = 'sending' ORDER BY id"
        )]  # fmt: skip
        if left:
            database.execute_sql(
                "UPDATE mail_message SET state = 'failed', last_error = ? WHERE id = ?",
                (INTERRUPTED, left[0]),
            )
            database.execute_sql(
                "UPDATE mail_message SET state = 'queued', claim = NULL "
                "WHERE state = 'sending' AND id > ?",
                (left[0],),
            )
    return len(left)


# a campaign's mail goes while its campaign is launched and its step open
_SENDABLE = (
    "m.step_id IS NULL OR EXISTS (SELECT 1 FROM campaign_activity s "
    "JOIN campaign k ON k.id = s.campaign_id WHERE s.id = m.step_id "
    "AND s.state = 'open' AND k.state = 'launched')"
)
_REFUSES = {
    # per recipient type: those of the ids who refuse email; the parameter is
    # 1 for campaign mail, which "no marketing email" refuses too
    table: f"SELECT r.id FROM {table} r WHERE r.id IN ({{ids}}) AND (r.do_not_email = 1 "
    "OR (r.do_not_bulk_email = 1 AND ? = 1))"
    for table in MEMBER_TYPES
}


def _claim(holder: str, report: Report) -> list[dict] | None:
    """The next BATCH queued messages, marked sending; those whose recipient
    now refuses email are marked suppressed instead. None when another
    sender has taken the lease over."""
    now = to_db_time(_now())
    with write():
        if not _beat(holder):
            return None
        rows = dict_rows(
            "UPDATE mail_message SET state = 'sending', claim = ? WHERE id IN "
            "(SELECT m.id FROM mail_message m WHERE m.state = 'queued' AND "
            f"(m.next_attempt_at IS NULL OR m.next_attempt_at <= ?) AND ({_SENDABLE}) "
            "ORDER BY m.id LIMIT ?) RETURNING *",
            (holder, now, BATCH),
        )
        refused: set[int] = set()
        for kind in _REFUSES:
            mine = [r for r in rows if r["recipient_type"] == kind]
            if not mine:
                continue
            ids = [r["recipient_id"] for r in mine]
            marks = ", ".join("?" for _ in ids)
            for bulk in (True, False):
                sql = _REFUSES[kind].format(ids=marks)
                group = [r for r in mine if (r["step_id"] is not None) == bulk]
                if not group:
                    continue
                found = {x[0] for x in database.execute_sql(sql, [*ids, 1 if bulk else 0])}
                refused |= {r["id"] for r in group if r["recipient_id"] in found}
        if refused:
            marks = ", ".join("?" for _ in refused)
            database.execute_sql(
                "UPDATE mail_message SET state = 'suppressed', claim = NULL, last_error = "
                f"'the recipient asked not to be emailed' WHERE id IN ({marks})",
                list(refused),
            )
            report.suppressed += len(refused)
    return sorted((r for r in rows if r["id"] not in refused), key=lambda r: r["id"])


def _answer(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"[:500]


def _files(row: dict, cache: dict) -> list:
    """The files sent with a message: its step's literature (read once a
    run), or its email activity's literature and own files."""
    if row["step_id"] is not None:
        key = ("campaign_activity", row["step_id"])
    elif row["activity_id"] is not None:
        key = ("activity", row["activity_id"])
    else:
        return []
    if key not in cache:
        attached = literature.attached(*key)
        cache[key] = literature_items.contents(r["id"] for r in attached)
        if key[0] == "activity":  # its own files too (a printed quote)
            cache[key] = [*cache[key], *activity_files.contents(key[1])]
    return cache[key]


def _send_one(smtp: smtplib.SMTP, row: dict, settings: MailSettings, files=()) -> _Outcome:
    try:
        message = compose(row, settings, files)
    except (ValueError, TypeError, IndexError) as exc:
        # an address no message can carry: no server will take it later either
        return _Outcome("failed", f"the message could not be written: {exc}")
    try:
        refused = smtp.send_message(
            message, from_addr=settings.from_address, to_addrs=recipients(row["to_address"])
        )
    except smtplib.SMTPRecipientsRefused as exc:
        answers = exc.recipients
        permanent = all(code >= 500 for code, _ in answers.values())
        error = "; ".join(f"{a}: {_answer(c, m)}" for a, (c, m) in answers.items())
        return _Outcome("failed" if permanent else "retry", error)
    except smtplib.SMTPResponseException as exc:
        error = _answer(exc.smtp_code, exc.smtp_error)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return _Outcome("retry", f"the server closed the connection: {error}", True)
        return _Outcome("failed" if exc.smtp_code >= 500 else "retry", error)
    except smtplib.SMTPNotSupportedError as exc:
        return _Outcome("failed", f"the server cannot take this message: {exc}")
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        return _Outcome("retry", f"the connection to the server was lost ({exc})", True)
    error = "; ".join(f"{a}: {_answer(c, m)}" for a, (c, m) in refused.items())
    return _Outcome("sent", f"not accepted for {error}" if error else "")


def _record(
    row: dict, outcome: _Outcome, settings: MailSettings, report: Report, holder: str
) -> bool:
    """Keep what the server said of one message, with the lease's beat;
    False when another sender took the lease over meanwhile (this one stops)."""
    now = _now()
    attempts = row["attempts"] + 1
    with write():
        held = _beat(holder)
        if outcome.state == "sent":
            database.execute_sql(
                "UPDATE mail_message SET state = 'sent', sent_at = ?, attempts = ?, "
                "last_error = ?, claim = NULL WHERE id = ?",
                (to_db_time(now), attempts, outcome.error, row["id"]),
            )
            if row["activity_id"] is not None:
                _complete_activity(row["activity_id"], now)
            report.sent += 1
        elif outcome.state == "failed" or attempts >= settings.max_attempts:
            error = outcome.error
            if outcome.state == "retry":
                error = f"gave up after {attempts} tries: {error}"
            database.execute_sql(
                "UPDATE mail_message SET state = 'failed', attempts = ?, last_error = ?, "
                "claim = NULL WHERE id = ?",
                (attempts, error, row["id"]),
            )
            report.failed += 1
        else:
            database.execute_sql(
                "UPDATE mail_message SET state = 'queued', attempts = ?, last_error = ?, "
                "next_attempt_at = ?, claim = NULL WHERE id = ?",
                (attempts, outcome.error, to_db_time(now + queue.backoff(attempts)), row["id"]),
            )
            report.deferred += 1
    return held


def _complete_activity(activity_id: int, now: dt.datetime) -> None:
    """The email activity of a sent message is completed (unless a person
    closed it meanwhile)."""
    row = database.execute_sql(
        "SELECT version, state FROM activity WHERE id = ?", (activity_id,)
    ).fetchone()
    if row is None or row[1] != "open":
        return
    values = {"state": "completed", "actual_end": now, "sort_at": now}
    records.update_versioned("activity", activity_id, row[0], values, action="mail sent")


def _requeue(rows: list[dict]) -> None:
    if not rows:
        return
    marks = ", ".join("?" for _ in rows)
    with write():
        database.execute_sql(
            f"UPDATE mail_message SET state = 'queued', claim = NULL WHERE state = 'sending' "
            f"AND id IN ({marks})",
            [r["id"] for r in rows],
        )


def connect(settings: MailSettings) -> smtplib.SMTP:
    """A connection to the server, secured and logged in as the settings say."""
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    timeout = settings.timeout_seconds
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        if settings.security == "starttls":
            smtp.starttls(context=context)
    if settings.user:
        smtp.login(settings.user, password(settings))
    return smtp


def _unreachable(settings: MailSettings, exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"the SMTP server refused the login of {settings.user}: {_answer(exc.smtp_code, exc.smtp_error)}"
    return f"the SMTP server {settings.host}:{settings.port} cannot be reached ({exc})"


def run(
    *,
    limit: int | None = None,
    progress: Callable[[Report], None] | None = None,
    connector: Callable[[MailSettings], smtplib.SMTP] = connect,
) -> Report:
    """Send what is queued and due, as the database's one sender, until the
    queue has nothing more due (or `limit` messages were tried). Returns
    what it did; a server that cannot be reached ends the run with the
    messages still queued."""
    settings = require_configured()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    report = Report()
    take_lease(holder, lease_of(settings))
    smtp: smtplib.SMTP | None = None
    tried = 0
    files: dict = {}
    try:
        report.interrupted = recover()
        while limit is None or tried < limit:
            batch = _claim(holder, report)
            if batch is None:
                report.stopped = TAKEN_OVER
                return report
            if not batch:
                break
            for index, row in enumerate(batch):
                if smtp is None:
                    try:
                        smtp = connector(settings)
                    except (OSError, smtplib.SMTPException) as exc:
                        _requeue(batch[index:])
                        report.stopped = _unreachable(settings, exc)
                        return report
                outcome = _send_one(smtp, row, settings, _files(row, files))
                held = _record(row, outcome, settings, report, holder)
                tried += 1
                if not held:
                    # the one who took over queued the rest again; they are its now
                    report.stopped = TAKEN_OVER
                    return report
                if outcome.disconnected:
                    smtp = None
                if progress is not None:
                    progress(report)
                if limit is not None and tried >= limit:
                    _requeue(batch[index + 1 :])
                    break
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
        _release(holder)
    return report
