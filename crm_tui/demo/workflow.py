"""The demo's workflow rules, switched on, so that what they do shows at
once: a new Billing case is given round-robin to the queue's members, a
case's owner and queue are warned an hour before its first response is
due, a won deal gets a kick-off task, a contract a renewal task 30 days
before it ends, and a qualified lead a welcome task.

Seeded after everything else: the rules act on what happens from now on,
not on the demo's back-dated history (a rule on time fires for moments
after it was switched on)."""

from __future__ import annotations

from crm_tui.demo.context import SeedContext
from crm_tui.services import session
from crm_tui.services.workflow import rules
from crm_tui.services.workflow.spec import Rule

RULES = [
    {"name": "Billing: new cases round-robin", "kind": "case", "when": "created",
     "condition": "queue:Billing",
     "description": "Every Billing case has someone on it from the moment it arrives.",
     "actions": [{"do": "assign", "to": "queue", "queue": "Billing", "how": "round_robin"}]},
    {"name": "Warn an hour before a first response is due", "kind": "case", "when": "time",
     "date": "first_response_by", "offset": "1 hour before",
     "condition": "state:active -has:first_responded_at",
     "actions": [{"do": "notify", "to": ["owner", "queue"],
                  "text": "{number} {title}: first response due at {first_response_by}"}]},
    {"name": "Kick-off after a won deal", "kind": "opportunity", "when": "state", "to": "won",
     "actions": [{"do": "activity", "kind": "task", "subject": "Kick-off call: {title}",
                  "due": "+2d", "owner": "owner", "priority": "high"}]},
    {"name": "Renewal 30 days before a contract ends", "kind": "contract", "when": "time",
     "date": "ends_on", "offset": "30 days before", "condition": "state:active",
     "actions": [{"do": "activity", "kind": "task", "subject": "Renewal: {title} ends {ends_on}",
                  "due": "+7d", "owner": "owner"},
                 {"do": "notify", "to": ["owner"],
                  "text": "{number} {title} ends on {ends_on}: a renewal task is yours"}]},
    {"name": "Welcome a qualified lead", "kind": "lead", "when": "state", "to": "qualified",
     "actions": [{"do": "activity", "kind": "task",
                  "subject": "Send the welcome pack to {first_name} {last_name}",
                  "due": "+1d", "owner": "owner"}]},
]  # fmt: skip


def seed_workflow(ctx: SeedContext) -> None:
    """Keep the demo rules, each switched on, as the admin."""
    session.act_as(ctx.admin)
    for data in RULES:
        rules.create(Rule.from_dict({**data, "enabled": True, "owner": ctx.admin.login}))
