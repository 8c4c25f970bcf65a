"""Every state machine of the product, written once: the state and status
reason codes stored in the database (the CHECK constraints of the
migrations), their labels as Dynamics shows them, whether each state is
open, and the transitions the services perform (named after the service
function); marketing's are in marketing_states.py. The services' guards (a
merged case cannot be reactivated, a contract needs a line to activate ...)
stay in the services."""

from __future__ import annotations

from crm_tui.meta import marketing_states
from crm_tui.meta.machine import State, StateMachine, Transition
from crm_tui.meta.types import options

# Accounts, contacts, competitors, queues, services, resources, price lists.
ACTIVE_INACTIVE = StateMachine(
    states=(State("active", "Active", True), State("inactive", "Inactive", False)),
    transitions=(
        Transition("deactivate", "Deactivate", ("active",), "inactive"),
        Transition("reactivate", "Reactivate", ("inactive",), "active"),
    ),
    initial="active",
)

CASE = StateMachine(
    states=(
        State(
            "active",
            "Active",
            True,
            options(
                {
                    "in_progress": "In progress",
                    "on_hold": "On hold",
                    "waiting_for_details": "Waiting for details",
                    "researching": "Researching",
                }
            ),
        ),
        State(
            "resolved",
            "Resolved",
            False,
            options(
                {"problem_solved": "Problem solved", "information_provided": "Information provided"}
            ),
        ),
        State("canceled", "Canceled", False, options({"canceled": "Canceled", "merged": "Merged"})),
    ),
    transitions=(
        Transition(
            "set_status",
            "Set status",
            ("active",),
            "active",
            ("in_progress", "on_hold", "waiting_for_details", "researching"),
        ),
        Transition(
            "resolve",
            "Resolve",
            ("active",),
            "resolved",
            ("problem_solved", "information_provided"),
        ),
        Transition("cancel", "Cancel", ("active",), "canceled", ("canceled",)),
        Transition("merge", "Merge", ("active",), "canceled", ("merged",)),
        # The service refuses a merged case: it lives on in the case it was merged into.
        Transition(
            "reactivate", "Reactivate", ("resolved", "canceled"), "active", ("in_progress",)
        ),
    ),
    initial="active",
    initial_reason="in_progress",
    reason_attribute="status_reason",
    editable=("active",),
)

LEAD = StateMachine(
    states=(
        State("open", "Open", True, options({"new": "New", "contacted": "Contacted"})),
        State("qualified", "Qualified", False, options({"qualified": "Qualified"})),
        State(
            "disqualified",
            "Disqualified",
            False,
            options(
                {
                    "lost": "Lost",
                    "cannot_contact": "Cannot contact",
                    "no_longer_interested": "No longer interested",
                    "canceled": "Canceled",
                }
            ),
        ),
    ),
    transitions=(
        Transition("mark_contacted", "Mark contacted", ("open",), "open", ("contacted",)),
        Transition("qualify", "Qualify", ("open",), "qualified", ("qualified",)),
        Transition(
            "disqualify",
            "Disqualify",
            ("open",),
            "disqualified",
            ("lost", "cannot_contact", "no_longer_interested", "canceled"),
        ),
        Transition("reactivate", "Reactivate", ("qualified", "disqualified"), "open", ("new",)),
    ),
    initial="open",
    initial_reason="new",
    reason_attribute="status_reason",
    editable=("open",),
)

OPPORTUNITY = StateMachine(
    states=(
        State("open", "Open", True, options({"in_progress": "In progress", "on_hold": "On hold"})),
        State("won", "Won", False, options({"won": "Won"})),
        State("lost", "Lost", False, options({"out_sold": "Out-sold", "canceled": "Canceled"})),
    ),
    transitions=(
        Transition("hold", "Put on hold", ("open",), "open", ("on_hold",)),
        Transition("resume", "Resume", ("open",), "open", ("in_progress",)),
        Transition("close_won", "Close as won", ("open",), "won", ("won",)),
        Transition("close_lost", "Close as lost", ("open",), "lost", ("out_sold", "canceled")),
        Transition("reopen", "Reopen", ("won", "lost"), "open", ("in_progress",)),
    ),
    initial="open",
    initial_reason="in_progress",
    reason_attribute="status_reason",
    editable=("open",),
)

QUOTE = StateMachine(
    states=(
        State("draft", "Draft", True, options({"in_progress": "In progress"})),
        State("active", "Active", True, options({"open": "Open"})),
        State("won", "Won", False, options({"won": "Won"})),
        State(
            "closed",
            "Closed",
            False,
            options({"lost": "Lost", "canceled": "Canceled", "revised": "Revised"}),
        ),
    ),
    transitions=(
        Transition("activate", "Activate", ("draft",), "active", ("open",)),
        # Revising also makes a new draft with the same number and revision + 1.
        Transition("revise", "Revise", ("active",), "closed", ("revised",)),
        Transition("win", "Win", ("active",), "won", ("won",)),
        Transition("close", "Close", ("draft", "active"), "closed", ("lost", "canceled")),
    ),
    initial="draft",
    initial_reason="in_progress",
    reason_attribute="status_reason",
    editable=("draft",),
)

ORDER = StateMachine(
    states=(
        State("active", "Active", True, options({"new": "New", "pending": "Pending"})),
        State("submitted", "Submitted", True, options({"submitted": "Submitted"})),
        State(
            "fulfilled", "Fulfilled", False, options({"complete": "Complete", "partial": "Partial"})
        ),
        State("invoiced", "Invoiced", False, options({"invoiced": "Invoiced"})),
        State("canceled", "Canceled", False, options({"canceled": "Canceled"})),
    ),
    transitions=(
        # Editing an active order's header may set its status: new or pending.
        Transition("update", "Set status", ("active",), "active", ("new", "pending")),
        Transition("submit", "Submit", ("active",), "submitted", ("submitted",)),
        Transition("fulfil", "Fulfil", ("submitted",), "fulfilled", ("complete", "partial")),
        Transition("create_invoice", "Invoice", ("fulfilled",), "invoiced", ("invoiced",)),
        Transition("cancel", "Cancel", ("active", "submitted"), "canceled", ("canceled",)),
    ),
    initial="active",
    initial_reason="new",
    reason_attribute="status_reason",
    editable=("active",),
)

INVOICE = StateMachine(
    states=(
        State("active", "Active", True, options({"new": "New", "billed": "Billed"})),
        State("paid", "Paid", False, options({"complete": "Complete", "partial": "Partial"})),
        State("canceled", "Canceled", False, options({"canceled": "Canceled"})),
    ),
    transitions=(
        Transition("mark_billed", "Mark billed", ("active",), "active", ("billed",)),
        Transition("pay", "Record payment", ("active",), "paid", ("complete", "partial")),
        Transition("cancel", "Cancel", ("active",), "canceled", ("canceled",)),
    ),
    initial="active",
    initial_reason="new",
    reason_attribute="status_reason",
    editable=("active",),
)

CONTRACT = StateMachine(
    states=(
        State("draft", "Draft", True),
        State("active", "Active", True),
        State("on_hold", "On hold", True),
        State("canceled", "Canceled", False),
        State("expired", "Expired", False),
    ),
    transitions=(
        Transition("activate", "Activate", ("draft",), "active"),
        Transition("hold", "Put on hold", ("active",), "on_hold"),
        Transition("resume", "Resume", ("on_hold",), "active"),
        Transition("cancel", "Cancel", ("draft", "active", "on_hold"), "canceled"),
        Transition("expire_due", "Expire", ("active", "on_hold"), "expired", by_system=True),
    ),
    initial="draft",
    editable=("draft",),
)

PRODUCT = StateMachine(
    states=(
        State("draft", "Draft", True),
        State("active", "Active", True),
        State("retired", "Retired", False),
    ),
    transitions=(
        Transition("activate", "Activate", ("draft", "retired"), "active"),
        Transition("retire", "Retire", ("active",), "retired"),
    ),
    initial="draft",
)

# Knowledge articles. Open: the version still takes part in work (kb.IN_PROGRESS
# is the narrower "being written or reviewed": draft, in review, approved).
ARTICLE = StateMachine(
    states=(
        State("draft", "Draft", True),
        State("in_review", "In review", True),
        State("approved", "Approved", True),
        State("published", "Published", True),
        State("archived", "Archived", False),
        State("expired", "Expired", False),
    ),
    transitions=(
        Transition("submit", "Send for review", ("draft",), "in_review"),
        Transition("approve", "Approve", ("in_review",), "approved"),
        Transition("reject", "Reject", ("in_review", "approved"), "draft"),
        Transition("publish", "Publish", ("approved",), "published"),
        Transition(
            "publish_due", "Publish as scheduled", ("approved",), "published", by_system=True
        ),
        Transition("archive", "Archive", ("published",), "archived"),
        # Publishing a newer version archives the published one: nobody chooses it.
        Transition("supersede", "Supersede", ("published",), "archived", by_system=True),
        Transition("expire_due", "Expire", ("published",), "expired", by_system=True),
    ),
    initial="draft",
    editable=("draft",),
)

# The initial state depends on the activity type (a logged call is completed,
# a task open, an appointment scheduled): see activities.KINDS' logged_state.
ACTIVITY = StateMachine(
    states=(
        State("open", "Open", True),
        State("scheduled", "Scheduled", True),
        State("completed", "Completed", False),
        State("canceled", "Canceled", False),
    ),
    transitions=(
        Transition("complete", "Mark complete", ("open", "scheduled"), "completed"),
        Transition("cancel", "Cancel", ("open", "scheduled"), "canceled"),
    ),
    initial="open",
)

MACHINES: dict[str, StateMachine] = {
    "active_inactive": ACTIVE_INACTIVE,
    "case": CASE,
    "lead": LEAD,
    "opportunity": OPPORTUNITY,
    "quote": QUOTE,
    "order": ORDER,
    "invoice": INVOICE,
    "contract": CONTRACT,
    "product": PRODUCT,
    "article": ARTICLE,
    "activity": ACTIVITY,
    "campaign": marketing_states.CAMPAIGN,
    "campaign_activity": marketing_states.CAMPAIGN_ACTIVITY,
}
