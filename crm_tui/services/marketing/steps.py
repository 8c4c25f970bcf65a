"""A campaign's planned steps (Dynamics' campaign activities): what is done
to every member of its lists (an email sent, a call made, a letter posted),
when, by whom and at what cost. Distributing a step (distribution.py) gives
each member an activity of its own; an email step's messages go through the
mail queue. Open{Proposed, In progress} -> Closed{Completed} | Canceled."""

from __future__ import annotations

from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta.marketing import ASSIGN_TO, CHANNELS
from crm_tui.meta.marketing_states import CAMPAIGN_ACTIVITY as MACHINE
from crm_tui.models import CampaignActivity, Queue, User
from crm_tui.services import records
from crm_tui.services.marketing import campaigns
from crm_tui.services.marketing.mail import templates
from crm_tui.services.validate import Checker

FIELDS = [
    "subject", "channel", "scheduled_start", "scheduled_end", "budget", "actual_cost",
    "assign_to", "assignee_id", "queue_id", "message_subject", "message_body", "html",
    "description", "owner_id",
]  # fmt: skip
STATES = {state.code: state.label for state in MACHINE.states}


class StepRow(TypedDict):
    """A step of a campaign, with what its distribution and mail came to."""

    id: int
    subject: str
    channel: str
    state: str
    status_reason: str
    scheduled_start: str | None
    scheduled_end: str | None
    budget: int | None
    actual_cost: int | None
    distributed_at: str | None
    version: int
    owner: str
    created: int  # activities made for members
    suppressed: int  # members left out by their preferences
    queued: int  # email: messages waiting (queued or being sent)
    sent: int
    failed: int


def _check(data: dict, *, current: CampaignActivity | None) -> dict:
    creating = current is None
    c = Checker(data)
    c.text("subject", required=creating or c.has("subject"), max_len=200)
    if creating or c.has("channel"):
        c.choice("channel", CHANNELS, required=True)
    c.date("scheduled_start", label="scheduled start")
    c.date("scheduled_end", label="scheduled end")
    c.money("budget", label="budget")
    c.money("actual_cost", label="actual cost")
    if c.has("assign_to"):
        c.choice("assign_to", ASSIGN_TO)
    c.reference("assignee_id", User, "choose an active user")
    c.reference("queue_id", Queue, "choose a queue")
    c.text("message_subject", max_len=200, label="message subject")
    c.text("message_body", max_len=100_000, multiline=True, label="message")
    c.flag("html", label="send as HTML")
    c.text("description", max_len=4000, multiline=True)
    c.owner(store_as="owner")
    values = c.done()

    stored = current.__data__ if current is not None else {}
    start = values.get("scheduled_start", stored.get("scheduled_start"))
    end = values.get("scheduled_end", stored.get("scheduled_end"))
    if start and end and end < start:
        raise ValidationError({"scheduled_end": "the scheduled end is before its start"})
    assign_to = values.get("assign_to", stored.get("assign_to")) or "member_owner"
    if assign_to == "user" and not values.get("assignee_id", stored.get("assignee")):
        raise ValidationError({"assignee_id": "choose the user who will own the activities"})
    if assign_to == "queue" and not values.get("queue_id", stored.get("queue")):
        raise ValidationError({"queue_id": "choose the queue whose members will own them"})
    for name in ("message_subject", "message_body"):
        if values.get(name):
            problem = templates.problem(values[name])
            if problem:
                raise ValidationError({name: problem})
    return values


def create(campaign_id: int, data: dict) -> CampaignActivity:
    """Plan a step of an open campaign: subject, channel (email, phone,
    letter, fax, appointment), schedule, budget, who will own the members'
    activities, and for email the message (subject and Markdown body with
    the member's {fields})."""
    values = _check(data, current=None)
    owner = values.pop("owner", None)
    with write():
        campaign = campaigns.get(campaign_id)
        campaigns.require_open(campaign, "plan steps")
        values["campaign_id"] = campaign_id
        new_id = records.create("campaign_activity", values, owner_id=owner)
    return get(new_id)


def get(step_id: int) -> CampaignActivity:
    """One step; NotFound if it does not exist."""
    row = records.by_id(CampaignActivity, step_id)
    if row is None:
        raise NotFound(f"campaign activity #{step_id} does not exist (it may have been deleted)")
    return records.readable("campaign_activity", row)


def update(step_id: int, version: int, data: dict) -> CampaignActivity:
    """Save changed fields of an open step; a distributed step keeps its
    channel (its members' activities are of it)."""
    current = get(step_id)
    if current.state != "open":
        raise DomainError(f"this step is {STATES[current.state].lower()}; reopen it to change it")
    values = _check(data, current=current)
    if current.distributed_at and values.get("channel", current.channel) != current.channel:
        raise ValidationError({"channel": "this step was distributed; its channel stays"})
    with write():
        records.update_versioned("campaign_activity", step_id, version, values)
    return get(step_id)


def unsent(step_id: int) -> int:
    """The step's messages still queued, being sent or failed."""
    return database.execute_sql(
        "SELECT count(*) FROM mail_message WHERE step_id = ? "
        "AND state IN ('queued', 'sending', 'failed')",
        (step_id,),
    ).fetchone()[0]


def _move(step_id: int, version: int, name: str, then=None) -> CampaignActivity:
    move = MACHINE.transition(name)
    with write():
        row = records.load_current("campaign_activity", step_id, version, ("state",))
        if row.state not in move.sources:
            raise DomainError(
                f"this step is {STATES[row.state].lower()}; "
                f"it cannot be {move.label.lower().rstrip('e')}ed now"
            )
        if name == "complete" and (waiting := unsent(step_id)):
            raise DomainError(
                f"{waiting} email{'s' if waiting != 1 else ''} of this step "
                f"{'are' if waiting != 1 else 'is'} not sent (queued or failed): send "
                f"{'them' if waiting != 1 else 'it'}, or cancel the unsent ones, first"
            )
        values = {"state": move.target, "status_reason": move.reasons[0]}
        records.update_versioned("campaign_activity", step_id, version, values, action="state")
        if then is not None:
            then()
    return get(step_id)


def complete(step_id: int, version: int) -> CampaignActivity:
    """Open -> Completed; refused while any of its emails is not sent."""
    return _move(step_id, version, "complete")


def cancel(step_id: int, version: int) -> CampaignActivity:
    """Open -> Canceled; its queued emails are canceled with it (nothing more
    is sent), the activities already made stay with their owners."""

    def cancel_mail() -> None:
        database.execute_sql(
            "UPDATE mail_message SET state = 'canceled', last_error = 'step canceled' "
            "WHERE step_id = ? AND state = 'queued'",
            (step_id,),
        )

    return _move(step_id, version, "cancel", cancel_mail)


def reopen(step_id: int, version: int) -> CampaignActivity:
    """Completed or canceled -> Open (In progress)."""
    return _move(step_id, version, "reopen")


def cancel_unsent(step_id: int) -> int:
    """Give up on the step's failed and queued messages (they are marked
    canceled: never sent); returns how many."""
    step = get(step_id)
    with write():
        rows = database.execute_sql(
            "UPDATE mail_message SET state = 'canceled' WHERE step_id = ? "
            "AND state IN ('queued', 'failed') RETURNING id",
            (step_id,),
        ).fetchall()
        if rows:
            records.audit(
                "campaign_activity", step.id, "mail canceled", {"messages": (len(rows), 0)}
            )
    return len(rows)


def of_campaign(campaign_id: int) -> list[StepRow]:
    """The campaign's steps, in the order planned, each with its counts."""
    return dict_rows(
        "SELECT s.id AS id, s.subject AS subject, s.channel AS channel, s.state AS state, "
        "s.status_reason AS status_reason, s.scheduled_start AS scheduled_start, "
        "s.scheduled_end AS scheduled_end, s.budget AS budget, s.actual_cost AS actual_cost, "
        "s.distributed_at AS distributed_at, s.version AS version, u.full_name AS owner, "
        "(SELECT count(*) FROM campaign_distribution d WHERE d.step_id = s.id "
        " AND d.outcome = 'created') AS created, "
        "(SELECT count(*) FROM campaign_distribution d WHERE d.step_id = s.id "
        " AND d.outcome = 'suppressed') AS suppressed, "
        "(SELECT count(*) FROM mail_message m WHERE m.step_id = s.id "
        " AND m.state IN ('queued', 'sending')) AS queued, "
        "(SELECT count(*) FROM mail_message m WHERE m.step_id = s.id "
        " AND m.state = 'sent') AS sent, "
        "(SELECT count(*) FROM mail_message m WHERE m.step_id = s.id "
        " AND m.state = 'failed') AS failed "
        'FROM campaign_activity s JOIN "user" u ON u.id = s.owner_id '
        "WHERE s.campaign_id = ? ORDER BY coalesce(s.scheduled_start, '9999'), s.id",
        (campaign_id,),
    )
