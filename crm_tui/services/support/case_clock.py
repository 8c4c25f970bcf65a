"""The SLA clock of one case: its targets from the priority, the working
minutes a pause lasted, the next target still open (the queue's urgency
order), and the first response an outgoing activity gives.

The business-calendar arithmetic lives in `sla`, imported when first needed
so that the case modules load on their own. Without `sla` a case simply has
no targets and a pause counts wall-clock minutes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from crm_tui.models.service import Case
from crm_tui.services import records

if TYPE_CHECKING:
    from crm_tui.models import Activity


def _sla():
    try:
        from crm_tui.services.support import sla
    except ImportError:
        return None
    return sla


def targets(priority: str, created_at: dt.datetime, paused_minutes: int) -> tuple:
    """(first_response_by, resolve_by) for a case of `priority` created at
    `created_at` that has been paused for `paused_minutes` working minutes."""
    sla = _sla()
    if sla is None:
        return None, None
    cal = sla.calendar()
    first, resolve = sla.targets(priority)
    return (
        sla.due(created_at, first, paused_minutes, cal) if first is not None else None,
        sla.due(created_at, resolve, paused_minutes, cal) if resolve is not None else None,
    )


def pause_minutes(paused_since: dt.datetime, now: dt.datetime) -> int:
    """The working minutes between `paused_since` and `now`."""
    sla = _sla()
    if sla is None:
        return int((now - paused_since).total_seconds() // 60)
    return int(sla.pause_minutes(paused_since, now, sla.calendar()))


def next_breach(row: Case, values: dict) -> dt.datetime | None:
    """The next SLA target still open for `row` once `values` are applied
    (they are set on `row`)."""
    for name, value in values.items():
        setattr(row, name, value)
    sla = _sla()
    if sla is not None and hasattr(sla, "next_breach"):
        return sla.next_breach(row)
    if row.state != "active" or row.paused_since is not None:
        return None
    if row.first_responded_at is None and row.first_response_by is not None:
        return row.first_response_by
    return row.resolve_by


def resume_values(row: Case, now: dt.datetime) -> dict:
    """The values that restart a stopped clock at `now`: the pause counted
    and the open targets moved on by as much."""
    if row.paused_since is None:
        return {}
    paused = row.paused_minutes + pause_minutes(row.paused_since, now)
    first_by, resolve_by = targets(row.priority, row.created_at, paused)
    values = {"paused_since": None, "paused_minutes": paused, "resolve_by": resolve_by}
    if row.first_responded_at is None:
        values["first_response_by"] = first_by
    return values


def first_response(activity: Activity) -> None:
    """The listener of logged and completed activities (inside their write):
    the first completed outgoing activity regarding an active case satisfies
    its first response, when it was completed. A call or email logged open
    or scheduled is a plan, not an answer: it counts when it is completed."""
    if activity.regarding_type != "case" or activity.direction != "outgoing":
        return
    if activity.state != "completed":
        return
    row = records.by_id(Case, activity.regarding_id)
    if row is None or row.state != "active" or row.first_responded_at is not None:
        return
    values: dict = {"first_responded_at": activity.actual_end or activity.created_at}
    values["next_breach_at"] = next_breach(row, values)
    records.update_versioned("case", row.id, row.version, values, action="first_response")
