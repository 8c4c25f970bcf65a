"""The state machines of marketing: campaigns and their planned steps
(the lists and literature are active or inactive, as in states.py)."""

from __future__ import annotations

from crm_tui.meta.machine import State, StateMachine, Transition
from crm_tui.meta.types import options

# Dynamics' campaign status reasons, each a state of its own here: a
# campaign's life is these steps, and only completed and canceled ones are
# done with.
CAMPAIGN = StateMachine(
    states=(
        State("proposed", "Proposed", True),
        State("ready", "Ready to launch", True),
        State("launched", "Launched", True),
        State("suspended", "Suspended", True),
        State("completed", "Completed", False),
        State("canceled", "Canceled", False),
    ),
    transitions=(
        Transition("mark_ready", "Ready to launch", ("proposed",), "ready"),
        Transition("launch", "Launch", ("proposed", "ready", "suspended"), "launched"),
        Transition("suspend", "Suspend", ("launched",), "suspended"),
        Transition("complete", "Complete", ("launched", "suspended"), "completed"),
        Transition("cancel", "Cancel", ("proposed", "ready", "launched", "suspended"), "canceled"),
        Transition("reopen", "Reopen", ("completed", "canceled"), "proposed"),
    ),
    initial="proposed",
    editable=("proposed", "ready", "launched", "suspended"),
)

# A campaign's planned step (Dynamics' campaign activity).
CAMPAIGN_ACTIVITY = StateMachine(
    states=(
        State(
            "open", "Open", True, options({"proposed": "Proposed", "in_progress": "In progress"})
        ),
        State("closed", "Closed", False, options({"completed": "Completed"})),
        State("canceled", "Canceled", False, options({"canceled": "Canceled"})),
    ),
    transitions=(
        Transition("distribute", "Distribute", ("open",), "open", ("in_progress",)),
        Transition("complete", "Complete", ("open",), "closed", ("completed",)),
        Transition("cancel", "Cancel", ("open",), "canceled", ("canceled",)),
        Transition("reopen", "Reopen", ("closed", "canceled"), "open", ("in_progress",)),
    ),
    initial="open",
    initial_reason="proposed",
    reason_attribute="status_reason",
    editable=("open",),
)
