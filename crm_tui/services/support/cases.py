"""Cases: the service desk's work items, with their SLA clocks, the queue they
wait in, who holds them, and resolving, canceling, reactivating and merging.

SLA arithmetic (business calendar, targets per priority) lives in `sla`,
routing rules in `routing`, contract allotments in `contracts`; they are
imported inside functions so this module loads on its own. Without `sla` a
case simply has no targets; without `routing` a case without a queue stays
without one.
"""

from __future__ import annotations

import datetime as dt
import re

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import Account, Activity, Contact, User
from crm_tui.models.base import from_db_time, to_db_time, utcnow
from crm_tui.models.service import Case, Contract, ContractLine, Queue
from crm_tui.services import access, dates, numbers, records, search, session
from crm_tui.services.listing import Page, too_many_to_rank
from crm_tui.services.validate import Checker

TYPES = {"question": "Question", "problem": "Problem", "request": "Request"}
ORIGINS = {"phone": "Phone", "email": "Email", "web": "Web", "walk_in": "Walk-in"}
PRIORITIES = {"high": "High", "normal": "Normal", "low": "Low"}
SEVERITIES = {"critical": "Critical", "high": "High", "default": "Default", "low": "Low"}
STATES = {"active": "Active", "resolved": "Resolved", "canceled": "Canceled"}
STATUS_LABELS = {
    "in_progress": "In progress",
    "on_hold": "On hold",
    "waiting_for_details": "Waiting for details",
    "researching": "Researching",
    "problem_solved": "Problem solved",
    "information_provided": "Information provided",
    "canceled": "Canceled",
    "merged": "Merged",
}
ACTIVE_REASONS = ("in_progress", "on_hold", "waiting_for_details", "researching")
RESOLVE_REASONS = ("problem_solved", "information_provided")
CANCEL_REASONS = ("canceled", "merged")
# Status reasons that stop the SLA clock.
PAUSING = ("on_hold", "waiting_for_details")

VIEWS = {
    "mine": "My active cases",
    "unassigned": "Unassigned in my queues",
    "queue": "Cases in a queue",
    "all": "All active cases",
    "resolved": "Recently resolved",
}

FIELDS = [
    "title", "account_id", "contact_id", "description", "case_type", "origin", "priority",
    "severity", "product_id", "subject", "queue_id", "contract_id", "contract_line_id",
    "parent_case_id", "owner_id", "follow_up_by",
]  # fmt: skip


class OpenActivities(DomainError):
    """Resolving was refused because activities regarding the case are still
    open; `activities` lists them (id, version, subject, kind, due) so the
    screen can offer to cancel them (resolve again with cancel_open=True)."""

    def __init__(self, activities: list[dict]):
        self.activities = activities
        n = len(activities)
        super().__init__(
            f"this case has {n} open {'activity' if n == 1 else 'activities'}; "
            "complete or cancel them, or resolve and cancel them"
        )


# --- optional collaborators -----------------------------------------------------------


def _sla():
    try:
        from crm_tui.services.support import sla
    except ImportError:
        return None
    return sla


def _targets(priority: str, created_at: dt.datetime, paused_minutes: int) -> tuple:
    """(first_response_by, resolve_by) for a case of `priority` created at `created_at`."""
    sla = _sla()
    if sla is None:
        return None, None
    cal = sla.calendar()
    first, resolve = sla.targets(priority)
    return (
        sla.due(created_at, first, paused_minutes, cal) if first is not None else None,
        sla.due(created_at, resolve, paused_minutes, cal) if resolve is not None else None,
    )


def _pause_minutes(paused_since: dt.datetime, now: dt.datetime) -> int:
    sla = _sla()
    if sla is None:
        return int((now - paused_since).total_seconds() // 60)
    return int(sla.pause_minutes(paused_since, now, sla.calendar()))


def _next_breach(row: Case, values: dict) -> dt.datetime | None:
    """The next SLA target still open for `row` once `values` are applied."""
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


# --- validation -----------------------------------------------------------------------


def _follow_up(c: Checker) -> None:
    if not c.has("follow_up_by"):
        return
    raw = c.data["follow_up_by"]
    if raw in (None, ""):
        c.values["follow_up_by"] = None
    elif isinstance(raw, dt.datetime):
        if raw.tzinfo is None:
            c.fail("follow_up_by", "follow up by needs a time zone")
        else:
            c.values["follow_up_by"] = raw.astimezone(dt.UTC)
    else:
        zone = dates.configured_zone()
        try:
            if isinstance(raw, dt.date):
                day = raw
            else:
                day = dates.parse_day(str(raw), dates.today(), field="follow_up_by")
        except ValidationError as exc:
            c.errors.update(exc.errors)
            return
        c.values["follow_up_by"] = dates.end_of_working_day(day, zone)


def _check(data: dict, *, creating: bool) -> dict:
    c = Checker(data)
    c.text("title", required=creating or c.has("title"), max_len=200)
    c.text("description", max_len=20000, multiline=True)
    c.text("subject", max_len=200)
    for name, allowed in (
        ("case_type", TYPES),
        ("origin", ORIGINS),
        ("priority", PRIORITIES),
        ("severity", SEVERITIES),
    ):
        if c.has(name):
            c.choice(name, allowed)
    c.reference("account_id", Account, "the account does not exist")
    c.reference("contact_id", Contact, "the contact does not exist")
    c.reference("product_id", _product_model(), "the product does not exist")
    c.reference("queue_id", Queue, "the queue does not exist")
    c.reference("contract_id", Contract, "the contract does not exist")
    c.reference("contract_line_id", ContractLine, "the contract line does not exist")
    c.reference("parent_case_id", Case, "the parent case does not exist")
    c.owner()
    _follow_up(c)
    values = c.done()
    if values.get("queue_id") is not None:
        queue = records.by_id(Queue, values["queue_id"])
        if queue.state != "active":
            raise ValidationError({"queue_id": f"the queue {queue.name} is inactive"})
    if "title" in values:
        values["title_sort"] = text.sort_key(values["title"])
    return values


def _product_model():
    from crm_tui.models import Product

    return Product


_RENAMED = {
    "account_id": "account",
    "contact_id": "contact",
    "queue_id": "queue",
    "contract_id": "contract",
    "contract_line_id": "contract_line",
    "parent_case_id": "parent_case",
    "owner_id": "owner",
}


def _to_columns(values: dict) -> dict:
    return {_RENAMED.get(k, k): v for k, v in values.items()}


def _customer(values: dict, current: Case | None = None) -> None:
    """One of account and contact is needed; a contact alone brings its account."""
    account = values.get("account_id", current.account_id if current else None)
    contact = values.get("contact_id", current.contact_id if current else None)
    if account is None and contact is None:
        raise ValidationError({"account_id": "a case needs a customer: an account or a contact"})
    if account is None and contact is not None:
        contact_row = records.by_id(Contact, contact)
        if contact_row.account_id is not None:
            values["account_id"] = contact_row.account_id


def _attach(values: dict, current: Case | None = None) -> str | None:
    """Check a contract line against the customer (contracts.check_attach) and
    fill in its contract; returns the allotment warning, if any."""
    line_id = values.get("contract_line_id", current.contract_line_id if current else None)
    if line_id is None:
        return None
    line = records.by_id(ContractLine, line_id)
    contract_id = values.get("contract_id") or line.contract_id
    if contract_id != line.contract_id:
        raise ValidationError({"contract_line_id": "the contract line belongs to another contract"})
    values["contract_id"] = contract_id
    from crm_tui.services.support import contracts

    account = values.get("account_id", current.account_id if current else None)
    contact = values.get("contact_id", current.contact_id if current else None)
    return contracts.check_attach(line_id, account, contact, dates.today())


# --- records --------------------------------------------------------------------------


def create(data: dict) -> Case:
    """Open a case (active, in progress) from form data.

    It needs a title and a customer (an account, a contact, or both; a contact
    alone brings its account). Without a queue the routing rules pick one. A
    case in a queue without an explicit owner waits there unassigned (owned by
    its creator until someone takes it); with an owner it is assigned. The SLA
    targets come from the priority. Attaching a contract line is checked
    against the customer and dates; if the line's allotment is used up the
    case is still created and the returned Case carries the warning text as
    `attach_warning` (None otherwise).
    """
    values = _check(data, creating=True)
    _customer(values)
    for name, default in (("case_type", "question"), ("origin", "phone"), ("priority", "normal")):
        values.setdefault(name, default)
    explicit_owner = values.pop("owner_id", None)
    if values.get("queue_id") is None and not data.get("queue_id"):
        values["queue_id"] = _route(values)
    warning = None
    now = utcnow()
    first_by, resolve_by = _targets(values["priority"], now, 0)
    values.update(
        state="active",
        status_reason="in_progress",
        first_response_by=first_by,
        resolve_by=resolve_by,
        paused_minutes=0,
        assigned=0 if values.get("queue_id") is not None and explicit_owner is None else 1,
    )
    with write():
        warning = _attach(values)
        probe = Case(**_to_columns(values))
        values["next_breach_at"] = _next_breach(probe, {"first_responded_at": None})
        values["number"] = numbers.next_number("case")
        new_id = records.create("case", _to_columns(values), owner_id=explicit_owner, at=now)
        search.index("case", new_id)
    case = get(new_id)
    case.attach_warning = warning
    return case


def _route(values: dict) -> int | None:
    try:
        from crm_tui.services.support import routing
    except ImportError:
        return None
    keys = ("case_type", "priority", "product_id", "origin", "account_id", "contact_id")
    return routing.route({k: values.get(k) for k in keys})


def get(case_id: int) -> Case:
    """One case; NotFound if it does not exist."""
    row = records.by_id(Case, case_id)
    if row is None:
        raise NotFound(f"case #{case_id} does not exist (it may have been deleted)")
    return records.readable("case", row)


def by_number(number: str) -> Case:
    """The case numbered `number` (CAS-00042); NotFound otherwise."""
    row = Case.get_or_none(Case.number == (number or "").strip().upper())
    if row is None:
        raise NotFound(f"there is no case {number!r}")
    return row


def customer_name(case: Case) -> str:
    """The customer: the contact with their account ("Ann Lee (Acme)"), or one of them."""
    contact = records.title_of("contact", case.contact_id) if case.contact_id else ""
    account = records.title_of("account", case.account_id) if case.account_id else ""
    if contact and account:
        return f"{contact} ({account})"
    return contact or account


def _require_active(row: Case, verb: str) -> None:
    if row.state != "active":
        raise DomainError(f"case {row.number} is {row.state}; reactivate it before you {verb} it")


def update(case_id: int, version: int, data: dict) -> Case:
    """Save changed fields of an active case if nobody saved since `version`
    (else ConflictError). Queue and owner change through move/assign/take.
    A new priority recomputes the SLA targets from when the case was opened.
    A (re)checked contract line's allotment warning is `attach_warning`."""
    data = {k: v for k, v in data.items() if k not in ("queue_id", "owner_id")}
    values = _check(data, creating=False)
    with write():
        row = records.load_current("case", case_id, version, _to_columns(values).keys())
        _require_active(row, "edit")
        if "parent_case_id" in values and values["parent_case_id"] == case_id:
            raise ValidationError({"parent_case_id": "a case cannot be its own parent"})
        if values.keys() & {"account_id", "contact_id"}:
            _customer(values, row)
        warning = None
        if "contract_line_id" in values or values.keys() & {"account_id", "contact_id"}:
            if values.get("contract_line_id", row.contract_line_id) is None:
                values["contract_id"] = None
            else:
                warning = _attach(values, row)
        if "priority" in values and values["priority"] != row.priority:
            first_by, resolve_by = _targets(values["priority"], row.created_at, row.paused_minutes)
            values["first_response_by"] = first_by
            values["resolve_by"] = resolve_by
        columns = _to_columns(values)
        columns["next_breach_at"] = _next_breach(row, columns)
        changes = records.update_versioned("case", case_id, version, columns)
        if changes.keys() & {"title", "account", "contact", "subject", "description"}:
            search.index("case", case_id)
    case = get(case_id)
    case.attach_warning = warning
    return case


# --- status and the SLA clock ---------------------------------------------------------


def set_status(case_id: int, version: int, reason: str) -> Case:
    """Change an active case's status reason. On Hold and Waiting for Details
    stop the SLA clock; leaving them adds the paused working minutes and moves
    the targets on by as much."""
    if reason not in ACTIVE_REASONS:
        options = ", ".join(ACTIVE_REASONS)
        raise ValidationError({"reason": f"{reason!r} is not one of: {options}"})
    with write():
        row = records.load_current("case", case_id, version, ["status_reason"])
        _require_active(row, "change")
        if row.status_reason == reason:
            raise DomainError(f"case {row.number} is already {STATUS_LABELS[reason].lower()}")
        values: dict = {"status_reason": reason}
        was_paused, pausing = row.status_reason in PAUSING, reason in PAUSING
        if pausing and not was_paused:
            values["paused_since"] = utcnow()
        elif was_paused and not pausing:
            values.update(_resume_values(row, utcnow()))
        values["next_breach_at"] = _next_breach(row, values)
        records.update_versioned("case", case_id, version, values, action="state")
    return get(case_id)


def _resume_values(row: Case, now: dt.datetime) -> dict:
    """Restart a stopped clock: count the pause and move the open targets."""
    if row.paused_since is None:
        return {}
    paused = row.paused_minutes + _pause_minutes(row.paused_since, now)
    first_by, resolve_by = _targets(row.priority, row.created_at, paused)
    values = {"paused_since": None, "paused_minutes": paused, "resolve_by": resolve_by}
    if row.first_responded_at is None:
        values["first_response_by"] = first_by
    return values


def activity_logged(activity: Activity) -> None:
    """Hook for activities.log and activities.complete (inside their
    transaction): the first completed outgoing activity regarding an active
    case satisfies its first response, when it was completed. A call or
    email logged open or scheduled is a plan, not an answer: it counts when
    it is completed."""
    if activity.regarding_type != "case" or activity.direction != "outgoing":
        return
    if activity.state != "completed":
        return
    row = records.by_id(Case, activity.regarding_id)
    if row is None or row.state != "active" or row.first_responded_at is not None:
        return
    values: dict = {"first_responded_at": activity.actual_end or activity.created_at}
    values["next_breach_at"] = _next_breach(row, values)
    records.update_versioned("case", row.id, row.version, values, action="first_response")


# --- who holds it ---------------------------------------------------------------------


def _holder_message(row: Case) -> str:
    who = User.get_or_none(User.id == row.owner_id)
    name = who.full_name if who else f"user #{row.owner_id}"
    when = database.execute_sql(
        "SELECT at FROM audit_entry WHERE record_type = 'case' AND record_id = ? "
        "AND action IN ('create', 'take', 'assign') ORDER BY id DESC LIMIT 1",
        (row.id,),
    ).fetchone()
    if when is None:
        return f"{name} holds case {row.number}"
    local = dates.as_local(when[0])
    return f"{name} took this case at {local.strftime('%H:%M')}"


def take(case_id: int) -> Case:
    """Take an active case: I become its owner and it leaves the queue's
    unassigned list. No version is needed (unrelated edits must not stop a
    take), but the case is re-read inside the write lock, so if someone else
    holds it the take fails naming them; taking my own case again does nothing."""
    me = session.current_user()
    with write():
        row = get(case_id)
        _require_active(row, "take")
        if row.assigned:
            if row.owner_id == me.id:
                return row
            raise DomainError(_holder_message(row))
        records.update_versioned(
            "case", case_id, row.version, {"owner": me.id, "assigned": 1}, action="take"
        )
    return get(case_id)


def release(case_id: int, version: int) -> Case:
    """Put an assigned case back in its queue, unassigned."""
    with write():
        row = records.load_current("case", case_id, version, ["owner", "assigned"])
        _require_active(row, "release")
        if row.queue_id is None:
            raise DomainError(f"case {row.number} has no queue to go back to; move it to one")
        if not row.assigned:
            raise DomainError(f"case {row.number} is already waiting in its queue")
        records.update_versioned("case", case_id, version, {"assigned": 0}, action="release")
    return get(case_id)


def move(case_id: int, version: int, queue_id: int) -> Case:
    """Move an active case to another active queue, where it waits unassigned."""
    with write():
        row = records.load_current("case", case_id, version, ["queue", "assigned"])
        _require_active(row, "move")
        queue = records.by_id(Queue, queue_id)
        if queue is None:
            raise NotFound(f"queue #{queue_id} does not exist")
        if queue.state != "active":
            raise DomainError(f"the queue {queue.name} is inactive")
        if row.queue_id == queue_id:
            raise DomainError(f"case {row.number} is already in {queue.name}")
        records.update_versioned(
            "case", case_id, version, {"queue": queue_id, "assigned": 0}, action="move"
        )
    return get(case_id)


def assign(case_id: int, version: int, user_id: int) -> Case:
    """Give an active case to an active user (they hold it from now on)."""
    with write():
        row = records.load_current("case", case_id, version, ["owner", "assigned"])
        _require_active(row, "assign")
        user = User.get_or_none(User.id == user_id)
        if user is None or not user.active:
            raise ValidationError({"owner_id": "the owner must be an active user"})
        if row.assigned and row.owner_id == user_id:
            raise DomainError(f"{user.full_name} already holds case {row.number}")
        records.update_versioned(
            "case", case_id, version, {"owner": user_id, "assigned": 1}, action="assign"
        )
    return get(case_id)


# --- resolving, canceling, reactivating, merging --------------------------------------


def open_activities(case_id: int) -> list[dict]:
    """Open and scheduled activities regarding the case: id, version, subject, kind, due."""
    return dict_rows(
        "SELECT id, version, subject, kind, coalesce(due_at, scheduled_start) AS due "
        "FROM activity WHERE regarding_type = 'case' AND regarding_id = ? "
        "AND state IN ('open', 'scheduled') ORDER BY sort_at, id",
        (case_id,),
    )


def resolve(
    case_id: int,
    version: int,
    *,
    resolution: str,
    reason: str = "problem_solved",
    billable_minutes: int | None = None,
    cancel_open: bool = False,
) -> Case:
    """Resolve an active case with a resolution text (written as its
    case_resolution activity, the billable minutes as its duration). Open
    activities regarding it refuse the resolve (OpenActivities lists them)
    unless `cancel_open`, which cancels them in the same transaction. An
    attached contract line has one case or the billable minutes consumed."""
    if reason not in RESOLVE_REASONS:
        options = ", ".join(RESOLVE_REASONS)
        raise ValidationError({"reason": f"{reason!r} is not one of: {options}"})
    c = Checker({"resolution": resolution, "billable_minutes": billable_minutes})
    c.text("resolution", required=True, max_len=4000, multiline=True)
    c.integer("billable_minutes", label="billable minutes")
    checked = c.done()
    minutes = checked.get("billable_minutes")
    if minutes is not None and minutes > 100_000:
        raise ValidationError({"billable_minutes": "billable minutes look too large"})
    from crm_tui.services.customers import activities

    with write():
        row = records.load_current("case", case_id, version, ["state", "status_reason"])
        if row.state != "active":
            raise DomainError(f"case {row.number} is already {row.state}")
        still_open = open_activities(case_id)
        if still_open and not cancel_open:
            raise OpenActivities(still_open)
        for item in still_open:
            activities.cancel(item["id"], item["version"])
        activities.log(
            "case_resolution",
            f"Resolved: {row.title}"[:200],
            regarding=("case", case_id),
            description=checked["resolution"],
            duration_minutes=minutes,
        )
        row = get(case_id)  # the version may have moved (the log's hook)
        now = utcnow()
        values = {
            "state": "resolved",
            "status_reason": reason,
            "resolved_at": now,
            "billable_minutes": minutes,
            "next_breach_at": None,
        }
        if row.paused_since is not None:
            paused = row.paused_minutes + _pause_minutes(row.paused_since, now)
            values.update(paused_since=None, paused_minutes=paused)
        records.update_versioned("case", case_id, row.version, values, action="state")
        if row.contract_line_id is not None:
            from crm_tui.services.support import contracts

            contracts.consume(row.contract_line_id, minutes)
    return get(case_id)


def cancel(case_id: int, version: int) -> Case:
    """Cancel an active case (its open activities stay as they are)."""
    with write():
        row = records.load_current("case", case_id, version, ["state"])
        if row.state != "active":
            raise DomainError(f"case {row.number} is already {row.state}")
        values = {"state": "canceled", "status_reason": "canceled", "next_breach_at": None}
        records.update_versioned("case", case_id, version, values, action="state")
    return get(case_id)


def reactivate(case_id: int, version: int) -> Case:
    """Reopen a resolved or canceled case: active, in progress. Its SLA targets
    stay what they were (a late case is still late); a merged case cannot be
    reopened (work on the case it was merged into)."""
    with write():
        row = records.load_current("case", case_id, version, ["state"])
        if row.state == "active":
            raise DomainError(f"case {row.number} is active; only a closed case can be reopened")
        if row.status_reason == "merged":
            target = records.by_id(Case, row.merged_into_id) if row.merged_into_id else None
            into = f" into {target.number}" if target else ""
            raise DomainError(f"case {row.number} was merged{into}; work on that case instead")
        values: dict = {
            "state": "active",
            "status_reason": "in_progress",
            "resolved_at": None,
            "paused_since": None,
        }
        values["next_breach_at"] = _next_breach(row, values)
        records.update_versioned("case", case_id, version, values, action="state")
    return get(case_id)


def merge(source_id: int, source_version: int, target_id: int) -> Case:
    """Merge an active case into another active case: the source's activities
    and notes move to the target (each move audited), its child cases become
    the target's children (each audited as a reparent), and the source is
    canceled as Merged, pointing at the target. Returns the target."""
    if source_id == target_id:
        raise DomainError("a case cannot be merged into itself")
    with write():
        source = records.load_current("case", source_id, source_version, ["state"])
        if source.state != "active":
            raise DomainError(f"case {source.number} is {source.state}; only active cases merge")
        target = get(target_id)
        if target.state != "active":
            raise DomainError(f"case {target.number} is {target.state}; merge into an active case")
        for table, kind in (("activity", "activity"), ("note", "note")):
            moved = database.execute_sql(
                f"SELECT id FROM {table} WHERE regarding_type = 'case' AND regarding_id = ?",
                (source_id,),
            ).fetchall()
            if not moved:
                continue
            me, now = session.current_user().id, to_db_time(utcnow())
            database.execute_sql(
                f"UPDATE {table} SET regarding_id = ?, version = version + 1, "
                "modified_at = ?, modified_by_id = ? "
                "WHERE regarding_type = 'case' AND regarding_id = ?",
                (target_id, now, me, source_id),
            )
            for (record_id,) in moved:
                records.audit(
                    kind,
                    record_id,
                    "move",
                    {"regarding": (f"case#{source_id}", f"case#{target_id}")},
                )
        _reparent_children(source, target_id)
        values = {
            "state": "canceled",
            "status_reason": "merged",
            "merged_into": target_id,
            "next_breach_at": None,
        }
        records.update_versioned("case", source_id, source_version, values, action="merge")
        records.audit("case", target_id, "merge", {"merged": (None, source.number)})
    return get(target_id)


def _reparent_children(source: Case, target_id: int) -> None:
    """Point the merged case's children at the target. A child that is the
    target or above it would become its own ancestor: it takes the merged
    case's parent instead (the level it sat under vanishes)."""
    children = database.execute_sql(
        'SELECT id, version FROM "case" WHERE parent_case_id = ? ORDER BY id', (source.id,)
    ).fetchall()
    if not children:
        return
    # UNION (not UNION ALL) stops at a case already seen, so a cycle ends the walk.
    above = {
        r[0]
        for r in database.execute_sql(
            'WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT k.parent_case_id FROM "case" k '
            "JOIN up ON k.id = up.id WHERE k.parent_case_id IS NOT NULL) SELECT id FROM up",
            (target_id,),
        )
    }
    for child_id, version in children:
        parent = source.parent_case_id if child_id in above else target_id
        if parent == child_id:
            parent = None
        records.update_versioned(
            "case", child_id, version, {"parent_case": parent}, action="reparent"
        )


# --- related cases --------------------------------------------------------------------

_RELATED = (
    "SELECT k.id AS id, k.number AS number, k.title AS title, k.state AS state, "
    "k.status_reason AS status_reason, k.priority AS priority, k.created_at AS created_at "
    'FROM "case" k'
)


def related(case_id: int, limit: int = 20) -> dict:
    """The parent case (or None), the child cases, and other active cases of
    the same customer (newest first, at most `limit`)."""
    row = get(case_id)
    parent = None
    if row.parent_case_id is not None:
        found = dict_rows(f"{_RELATED} WHERE k.id = ?", (row.parent_case_id,))
        parent = found[0] if found else None
    children = dict_rows(
        f"{_RELATED} WHERE k.parent_case_id = ? ORDER BY k.id DESC LIMIT ?", (case_id, limit)
    )
    if row.account_id is not None:
        where, key = "k.account_id = ?", row.account_id
    else:
        where, key = "k.contact_id = ?", row.contact_id
    same = dict_rows(
        f"{_RELATED} WHERE {where} AND k.state = 'active' AND k.id != ? ORDER BY k.id DESC LIMIT ?",
        (key, case_id, limit),
    )
    return {"parent": parent, "children": children, "same_customer": same}


# --- the queue views ------------------------------------------------------------------

_ROW_COLUMNS = (
    "k.id AS id, k.version AS version, k.number AS number, k.title AS title, "
    "CASE WHEN c.full_name IS NOT NULL AND a.name IS NOT NULL "
    "THEN c.full_name || ' (' || a.name || ')' ELSE coalesce(c.full_name, a.name, '') END "
    "AS customer, k.priority AS priority, k.status_reason AS status_reason, k.state AS state, "
    "u.full_name AS owner, k.assigned AS assigned, coalesce(q.name, '') AS queue, "
    "k.next_breach_at AS next_breach_at, k.first_response_by AS first_response_by, "
    "k.resolve_by AS resolve_by, k.first_responded_at AS first_responded_at, "
    "k.paused_since AS paused_since, k.resolved_at AS resolved_at, k.created_at AS created_at"
)
_ROW_JOINS = (
    "JOIN user u ON u.id = k.owner_id LEFT JOIN account a ON a.id = k.account_id "
    "LEFT JOIN contact c ON c.id = k.contact_id LEFT JOIN queue q ON q.id = k.queue_id"
)
_TIMES = (
    "next_breach_at", "first_response_by", "resolve_by", "first_responded_at",
    "paused_since", "resolved_at", "created_at",
)  # fmt: skip
# Active views walk the urgency indexes: cases with a next breach first (soonest
# first), then those without one; each part is a range of the partial index.
# Within a part, ties go to the higher priority (priority_rank: high 0, normal
# 1, low 2), then the older case. A part is (condition, the key columns it
# orders by); a row's key is (next breach, rank, id) in every part, so a
# cursor names its part by whether its first value is None.
_URGENCY = (
    ("k.next_breach_at IS NOT NULL", ("k.next_breach_at", "k.priority_rank")),
    ("k.next_breach_at IS NULL", ("k.priority_rank",)),
)
_RESOLVED = (("k.resolved_at IS NOT NULL", ("k.resolved_at",)),)


def _view_where(view: str, queue_id: int | None) -> tuple[str, str, tuple, bool]:
    """(WHERE fragment, index, segments, descending) of a view; only integers
    are inlined. The index is named: without ANALYZE statistics SQLite may
    take case_resolved (state, ...) for "state = 'active'" and sort."""
    me = int(session.current_user().id)
    if view == "mine":
        where = f"k.state = 'active' AND k.owner_id = {me} AND k.assigned = 1"
        return where, "case_owner_urgency", _URGENCY, False
    if view == "unassigned":
        from crm_tui.services.support import queues

        mine = queues.my_queue_ids(me)
        ids = ", ".join(str(int(i)) for i in mine) or "NULL"
        where = f"k.state = 'active' AND k.assigned = 0 AND k.queue_id IN ({ids})"
        # One queue: its own range; several: walk all active cases by urgency.
        index = "case_queue_urgency" if len(mine) == 1 else "case_active_urgency"
        return where, index, _URGENCY, False
    if view == "queue":
        if queue_id is None:
            raise DomainError("choose a queue to show its cases")
        where = f"k.state = 'active' AND k.queue_id = {int(queue_id)}"
        return where, "case_queue_urgency", _URGENCY, False
    if view == "all":
        return "k.state = 'active'", "case_active_urgency", _URGENCY, False
    if view == "resolved":
        return "k.state = 'resolved'", "case_resolved", _RESOLVED, True
    raise DomainError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")


def _walk(where, index, params, segments, descending, cursor, backwards, inclusive, limit) -> list:
    """Rows (id, *key values) of one page in reading order of the walk."""
    flip = descending != backwards
    order = "DESC" if flip else "ASC"
    names = segments[0][1]  # every key column of the view, in key order
    walk = list(reversed(segments)) if backwards else list(segments)
    if cursor is not None:
        keyed = cursor[0] is not None
        start = next(i for i, (_, cols) in enumerate(walk) if (names[0] in cols) == keyed)
        walk = walk[start:]
    out: list = []
    for i, (condition, cols) in enumerate(walk):
        conditions = [where, condition]
        args = list(params)
        if cursor is not None and i == 0:
            op = ("<" if flip else ">") + ("=" if inclusive else "")
            conditions.append(
                f"({', '.join(cols)}, k.id) {op} ({', '.join('?' * (len(cols) + 1))})"
            )
            args += [cursor[names.index(col)] for col in cols] + [cursor[-1]]
        order_by = ", ".join(f"{col} {order}" for col in (*cols, "k.id"))
        sql = (
            f'SELECT k.id, {", ".join(names)} FROM "case" k '
            f"{f'INDEXED BY {index}' if index else 'NOT INDEXED'} "
            f"WHERE {' AND '.join(f'({c})' for c in conditions)} ORDER BY {order_by} LIMIT ?"
        )
        out += database.execute_sql(sql, [*args, limit + 1 - len(out)]).fetchall()
        if len(out) > limit:
            break
    return out


# Checking one case against the FTS index (MATCH ... AND rowid = ?) costs
# 30-100 microseconds when every prefix term is served by the index's prefix
# lengths (m0005: prefix='1 2 3'); a longer prefix makes FTS5 merge the
# doclists of every term it starts, per check (milliseconds each).
_PREFIX_INDEXED = 3
# Probing pays off while most walked cases match: at half, a page of 100
# costs about 200 checks (~10 ms), against ~35 ms for gathering a prefix that
# matches most of 200k cases. Below that the gathered matches are cheaper.
_DENSE = 0.5
# How many matches _match_share reads to estimate the share (~0.2 ms).
_SAMPLE = 2000
# A range of the match list costs about a check per 100 ids it spans.
_RANGE_PER_ID = 100
_LAST_PREFIX = re.compile(r'"((?:[^"]|"")*)"\*$')


def _indexed_prefix(fts: str) -> str:
    """`fts` with its last prefix cut to what the prefix index serves: the
    same query when checks are cheap, else one that matches a superset."""
    found = _LAST_PREFIX.search(fts)
    if found is None:
        return fts
    prefix = found.group(1).replace('""', '"')
    if len(prefix) <= _PREFIX_INDEXED:
        return fts
    return fts[: found.start()] + '"' + prefix[:_PREFIX_INDEXED].replace('"', '""') + '"*'


def _match_share(fts: str) -> float | None:
    """Roughly which share of all cases match `fts`: matches come in id order,
    so the first _SAMPLE of them spanning few ids means most cases match.
    None when there are fewer than _SAMPLE matches."""
    row = database.execute_sql(
        "SELECT rowid FROM case_fts WHERE case_fts MATCH ? LIMIT 1 OFFSET ?", (fts, _SAMPLE - 1)
    ).fetchone()
    if row is None:
        return None
    first = database.execute_sql('SELECT min(id) FROM "case"').fetchone()[0] or 1
    return _SAMPLE / max(1, row[0] - first + 1)


def _matching(fts: str, ids: list[int]) -> set[int]:
    """Which of `ids` match `fts`. Each id is a separate check, and one late
    in the index costs more; ids close together (paused cases walked by id)
    are read faster as one range of the match list."""
    low, high = min(ids), max(ids)
    if high - low < _RANGE_PER_ID * len(ids):
        sql, args = "rowid BETWEEN ? AND ?", [fts, low, high]
    else:
        sql, args = f"rowid IN ({', '.join('?' * len(ids))})", [fts, *ids]
    found = database.execute_sql(
        f"SELECT rowid FROM case_fts WHERE case_fts MATCH ? AND {sql}", args
    )
    return {r[0] for r in found}.intersection(ids)


def _probe_walk(where, fts, index, segments, descending, cursor, backwards, inclusive, limit):
    """A filtered page by walking the view unfiltered and checking the cases
    walked against the FTS index, a batch at a time; None (gather the
    matches instead) when the view's cases turn out mostly not to match,
    which a share over all cases cannot tell (a queue of other problems)."""
    need = limit + 1
    out: list = []
    batch = need
    for _ in range(2):
        rows = _walk(
            where, index, [], segments, descending, cursor, backwards, inclusive, batch - 1
        )
        hits: set = set()
        if rows:
            hits = _matching(fts, [r[0] for r in rows])
            out += [r for r in rows if r[0] in hits]
        if len(out) >= need or len(rows) < batch:
            return out[:need]
        share = len(hits) / len(rows)
        if share < _DENSE:
            return None
        last_row = rows[-1]
        cursor, inclusive = (*last_row[1:], last_row[0]), False
        batch = min(2 * need, int((need - len(out)) / share * 1.25) + 1)
    return None


def _display_rows(ids: list[int]) -> list[dict]:
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    rows = dict_rows(
        f'SELECT {_ROW_COLUMNS} FROM "case" k {_ROW_JOINS} WHERE k.id IN ({marks})', ids
    )
    by_id = {r["id"]: r for r in rows}
    out = []
    for case_id in ids:
        row = by_id[case_id]
        for name in _TIMES:
            row[name] = from_db_time(row[name])
        out.append(row)
    return out


def page(
    *,
    view: str = "mine",
    queue_id: int | None = None,
    query: str | None = None,
    after: tuple | None = None,
    before: tuple | None = None,
    last: bool = False,
    limit: int = 100,
    inclusive: bool = False,
) -> Page:
    """One page of a queue view (see VIEWS): active views by SLA urgency (the
    next breach, soonest first; cases without one last), then priority (high,
    normal, low), then id; "resolved" by resolution time, newest first.
    Keyset-paged like listing.fetch_page: pass a row's key from `page.keys`
    as `after`/`before`. `query` narrows the view through the case search
    index (number, title, customer ...)."""
    where, index, segments, descending = _view_where(view, queue_id)
    readable = access.read_filter("case", "k.owner_id", unowned="k.assigned = 0")
    if readable:
        where += f" AND {readable}"
    backwards = before is not None or last
    cursor = after if after is not None else before
    walk = (index, segments, descending, cursor, backwards, inclusive, limit)
    fts = search.query_for(query)
    # The share is read on the indexed prefix: finding even one match of a
    # longer prefix makes FTS5 merge every term it starts, as dear as
    # gathering them. Fewer superset matches than the sample: few matches.
    cheap = _indexed_prefix(fts) if fts is not None else None
    share = _match_share(cheap) if cheap is not None else 0.0
    found = None
    if share is None:
        # Few matches: read those cases by id and sort them (walking the view
        # for them would read every case in it when nothing matches).
        where += " AND k.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?)"
        found = _walk(where, None, [fts], *walk[1:])
    elif share >= _DENSE and cheap == fts:
        found = _probe_walk(where, fts, *walk)
    if found is None:
        params: list = []
        if fts is not None:
            # The matches are gathered once (a temp index of ids), then the view
            # is walked in urgency order: ~35 ms when a prefix matches most of
            # 200k cases, which _probe_walk avoids where it can. The + keeps
            # SQLite from driving the walk by the match ids (a probe per match).
            where += " AND +k.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?)"
            params.append(fts)
        found = _walk(where, index, params, *walk[1:])
    more = len(found) > limit
    found = found[:limit]
    if backwards:
        found.reverse()
    rows = _display_rows([row[0] for row in found])
    keys = [(*row[1:], row[0]) for row in found]
    if backwards:
        return Page(rows, before is not None, more, keys)
    return Page(rows, more, after is not None, keys)


def find_by_name(typed: str, limit: int = 10) -> list[dict]:
    """Best matching cases of any state for `typed` (number, title, customer),
    for pickers and the command palette."""
    fts = search.query_for(typed)
    if fts is None:
        return []
    if too_many_to_rank("case", fts):
        order = "case_fts.rowid DESC"
    else:
        order = f"{search.rank_expr('case')}, case_fts.rowid"
    readable = access.read_filter("case", "k.owner_id", unowned="k.assigned = 0")
    joined = f'CROSS JOIN "case" k ON k.id = case_fts.rowid AND {readable}' if readable else ""
    found = database.execute_sql(
        f"SELECT case_fts.rowid FROM case_fts {joined} WHERE case_fts MATCH ? "
        f"ORDER BY {order} LIMIT ?",
        (fts, limit),
    ).fetchall()
    rows = _display_rows([r[0] for r in found])
    for row in rows:
        row["name"] = f"{row['number']} {row['title']}"  # what pickers and the palette show
    return rows
