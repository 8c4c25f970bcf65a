"""Distributing a campaign step to the members of its campaign's lists
(Dynamics' "distribute campaign activity"): one activity per member, owned
by the member's owner, one chosen user, or a queue's members in turn, and
for an email step a message per member in the mail queue.

A member is given a step once: `campaign_distribution` is keyed by step and
member, so a run again, or two people running it at once, add only the
members not yet given it. Members whose preferences refuse the channel (do
not email, phone, mail; no address to use; an inactive record) are recorded
as suppressed, counted and listed, and never contacted.

`Distribution.step()` writes one batch of BATCH members in one short
transaction, so the screen shows progress and others' saves go on."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import access, dates, records, session
from crm_tui.services.customers import activities
from crm_tui.services.marketing import campaign_links, campaigns, lists, steps
from crm_tui.services.marketing.mail import queue, templates

BATCH = 50
# the activity each channel makes, and the state it starts in
_ACTIVITY = {
    "email": ("email", "open"),
    "phone": ("phone_call", "open"),
    "letter": ("letter", "open"),
    "fax": ("fax", "open"),
    "appointment": ("appointment", "scheduled"),
}
# what a member's row is read as, per member type (the templates' fields too)
_MEMBER = {
    "contact": (
        "SELECT r.id AS id, r.owner_id AS owner_id, r.state AS state, r.first_name AS first_name, "
        "r.last_name AS last_name, r.full_name AS name, coalesce(a.name, '') AS company, "
        "r.email AS email, r.phone AS phone, r.mobile AS mobile, r.city AS city, "
        "r.country AS country, r.job_title AS job_title, u.full_name AS owner, "
        "r.do_not_email AS do_not_email, r.do_not_bulk_email AS do_not_bulk_email, "
        "r.do_not_phone AS do_not_phone, r.do_not_mail AS do_not_mail "
        'FROM contact r LEFT JOIN account a ON a.id = r.account_id JOIN "user" u '
        "ON u.id = r.owner_id"
    ),
    "lead": (
        "SELECT r.id AS id, r.owner_id AS owner_id, 'active' AS state, "
        "r.first_name AS first_name, r.last_name AS last_name, r.full_name AS name, "
        "r.company_name AS company, r.email AS email, r.phone AS phone, '' AS mobile, "
        "r.city AS city, r.country AS country, r.job_title AS job_title, u.full_name AS owner, "
        "r.do_not_email AS do_not_email, r.do_not_bulk_email AS do_not_bulk_email, "
        "r.do_not_phone AS do_not_phone, r.do_not_mail AS do_not_mail "
        'FROM lead r JOIN "user" u ON u.id = r.owner_id'
    ),
    "account": (
        "SELECT r.id AS id, r.owner_id AS owner_id, r.state AS state, '' AS first_name, "
        "'' AS last_name, r.name AS name, r.name AS company, r.email AS email, "
        "r.phone AS phone, '' AS mobile, r.city AS city, r.country AS country, "
        "'' AS job_title, u.full_name AS owner, r.do_not_email AS do_not_email, "
        "r.do_not_bulk_email AS do_not_bulk_email, r.do_not_phone AS do_not_phone, "
        'r.do_not_mail AS do_not_mail FROM account r JOIN "user" u ON u.id = r.owner_id'
    ),
}


def suppression(channel: str, member: dict) -> str:
    """Why `member` must not be contacted by `channel` ("" when it may be)."""
    if member["state"] == "inactive":
        return "inactive"
    if channel == "email":
        if member["do_not_email"]:
            return "do not email"
        if member["do_not_bulk_email"]:
            return "no marketing email"
        if not member["email"]:
            return "no email address"
    elif channel in ("phone", "fax"):
        if member["do_not_phone"]:
            return "do not phone"
        if not (member["phone"] or member["mobile"]):
            return "no phone number"
    elif channel == "letter" and member["do_not_mail"]:
        return "do not send letters"
    return ""


@dataclass
class Distribution:
    """One run of distributing a step: what remains, and what was done."""

    step_id: int
    pending: list[tuple[str, int]] = field(default_factory=list)
    total: int = 0
    done: int = 0
    created: int = 0
    suppressed: int = 0
    skipped: int = 0  # given the step by another run meanwhile
    _turn: int = 0
    _owners: list[int] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """Whether every member has been through."""
        return self.done >= self.total

    def step(self, size: int = BATCH) -> bool:
        """Distribute the next `size` members in one transaction; True while
        members remain (the screen takes smaller batches, so keys answer
        between them)."""
        chunk = self.pending[self.done : self.done + size]
        if not chunk:
            return False
        with write():
            step = steps.get(self.step_id)
            _require_distributable(step)
            if step.distributed_at is None or step.status_reason != "in_progress":
                records.update_versioned(
                    "campaign_activity",
                    step.id,
                    step.version,
                    {"distributed_at": utcnow(), "status_reason": "in_progress"},
                    action="distribute",
                )
            for member_type in dict.fromkeys(t for t, _ in chunk):
                ids = [i for t, i in chunk if t == member_type]
                for member in _members(member_type, ids):
                    self._one(step, member_type, member)
        self.done += len(chunk)
        return not self.finished

    def _one(self, step, member_type: str, member: dict) -> None:
        reason = suppression(step.channel, member)
        claimed = database.execute_sql(
            "INSERT INTO campaign_distribution (step_id, member_type, member_id, outcome, reason, "
            "at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING member_id",
            (step.id, member_type, member["id"], "suppressed" if reason else "created", reason,
             to_db_time(utcnow())),
        ).fetchone()  # fmt: skip
        if claimed is None:
            self.skipped += 1
            return
        if reason:
            self.suppressed += 1
            return
        kind, state = _ACTIVITY[step.channel]
        address = (
            member["email"] if step.channel == "email" else member["phone"] or member["mobile"]
        )
        subject = step.subject
        if step.channel == "email" and step.message_subject:
            subject = templates.render_text(step.message_subject, member)[:200]
        logged = activities.log(
            kind,
            subject,
            regarding=(member_type, member["id"]),
            description=step.description,
            direction="outgoing",
            due_at=_due(step),
            state=state,
            owner_id=self._owner(step, member),
            parties=[("to", member_type, member["id"], address)],
        )
        database.execute_sql(
            "UPDATE campaign_distribution SET activity_id = ? WHERE step_id = ? "
            "AND member_type = ? AND member_id = ?",
            (logged.id, step.id, member_type, member["id"]),
        )
        if step.channel == "email":
            body = step.message_body or step.description
            queue.enqueue(
                to_address=member["email"],
                to_name=member["name"],
                subject=subject,
                body_text=templates.render_text(body, member),
                body_html=templates.render_html(body, member) if step.html else None,
                step_id=step.id,
                activity_id=logged.id,
                recipient=(member_type, member["id"]),
            )
        self.created += 1

    def _owner(self, step, member: dict) -> int:
        if step.assign_to == "user" and step.__data__.get("assignee"):
            return step.__data__["assignee"]
        if step.assign_to == "queue" and self._owners:
            owner = self._owners[self._turn % len(self._owners)]
            self._turn += 1
            return owner
        return member["owner_id"]


def _due(step) -> dt.datetime | None:
    day = step.scheduled_end or step.scheduled_start
    if day is None:
        return None
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dates.end_of_working_day(day, dates.local_zone(session.settings().time_zone))


def _members(member_type: str, ids: list[int]) -> list[dict]:
    marks = ", ".join("?" for _ in ids)
    return dict_rows(f"{_MEMBER[member_type]} WHERE r.id IN ({marks}) ORDER BY r.id", ids)


def _require_distributable(step) -> None:
    if step.state != "open":
        raise DomainError("this step is closed or canceled; reopen it to distribute it")
    campaign = campaigns.get(step.__data__["campaign"])
    if campaign.state != "launched":
        raise DomainError(
            f"{campaign.number} is {campaigns.STATES[campaign.state].lower()}: "
            "launch the campaign to distribute its steps"
        )
    access.require("write", "campaign_activity", step.owner_id)


def start(step_id: int) -> Distribution:
    """A run distributing the step to the members of the campaign's lists
    not yet given it (the members the person may read); nothing is written
    until `step()`. Refused unless the campaign is launched and the step open."""
    step = steps.get(step_id)
    _require_distributable(step)
    if step.channel == "email" and not (step.message_body or step.description):
        raise DomainError("write the message (its body) before distributing an email step")
    run = Distribution(step_id)
    seen: set[tuple[str, int]] = set()
    for target in campaign_links.lists_of(step.__data__["campaign"]):
        if target["state"] != "active":
            continue
        lst = lists.get(target["id"])
        sql, params = lists.members_sql(lst)
        given = (
            f"SELECT member_id FROM ({sql}) AS _m WHERE member_id NOT IN (SELECT member_id "
            "FROM campaign_distribution WHERE step_id = ? AND member_type = ?) ORDER BY member_id"
        )
        for (member_id,) in database.execute_sql(given, [*params, step_id, lst.member_type]):
            key = (lst.member_type, member_id)
            if key not in seen:
                seen.add(key)
                run.pending.append(key)
    run.total = len(run.pending)
    if step.assign_to == "queue" and step.__data__.get("queue"):
        run._owners = [
            r[0]
            for r in database.execute_sql(
                'SELECT u.id FROM queue_member q JOIN "user" u ON u.id = q.user_id '
                "WHERE q.queue_id = ? AND u.active = 1 ORDER BY u.id",
                (step.__data__["queue"],),
            )
        ]
        if not run._owners:
            raise DomainError("the step's queue has no active members to own the activities")
    return run


# Between two batches the lock is let go this long: a colleague's save that
# waits for it gets in, instead of the next batch taking it back at once.
PAUSE_SECONDS = 0.003


def distribute(step_id: int) -> Distribution:
    """`start` and every batch, for the command line and the tests."""
    run = start(step_id)
    while run.step():
        time.sleep(PAUSE_SECONDS)
    return run


def suppressed(step_id: int, limit: int = 500) -> list[dict]:
    """The members a step left out and why: member type, id, name, reason."""
    rows = dict_rows(
        "SELECT member_type, member_id, reason FROM campaign_distribution "
        "WHERE step_id = ? AND outcome = 'suppressed' ORDER BY member_type, member_id LIMIT ?",
        (step_id, limit),
    )
    for member_type in {r["member_type"] for r in rows}:
        names = records.titles_of(member_type, [r["member_id"] for r in rows])
        for row in rows:
            if row["member_type"] == member_type:
                row["name"] = names.get(row["member_id"], "(deleted)")
    return rows
