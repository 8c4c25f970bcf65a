"""Opportunities: the deals in the pipeline, their stages and gates, and
closing them as won or lost (with the opportunity_close activity)."""

from __future__ import annotations

import datetime as dt

from crm_tui import text
from crm_tui.db import database, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta import sales as meta_sales
from crm_tui.meta import states as machines
from crm_tui.models import (
    Account,
    Campaign,
    Competitor,
    Contact,
    Lead,
    Opportunity,
    PriceList,
)
from crm_tui.services import dates, money, records, search, session
from crm_tui.services.customers import activities

# The list and its filters live in opportunity_list; screens reach them here too.
from crm_tui.services.sales.opportunity_list import CLOSE_FILTERS as CLOSE_FILTERS
from crm_tui.services.sales.opportunity_list import SCOPES as SCOPES
from crm_tui.services.sales.opportunity_list import SORT_LABELS as SORT_LABELS
from crm_tui.services.sales.opportunity_list import VIEWS as VIEWS
from crm_tui.services.sales.opportunity_list import find_by_name as find_by_name
from crm_tui.services.sales.opportunity_list import page as page
from crm_tui.services.validate import Checker

# Option sets and the state machine are the record metadata's (crm_tui.meta).
STAGE_LABELS = meta_sales.STAGES
STAGES = tuple(STAGE_LABELS)
# A card keeps following these as it moves unless someone set its probability by hand.
DEFAULT_PROBABILITY = {"qualify": 10, "develop": 30, "propose": 60, "close": 80}
RATINGS = meta_sales.RATINGS
STATES = {state.code: state.label for state in machines.OPPORTUNITY.states}
STATUS_LABELS = {reason.code: reason.label for reason in machines.OPPORTUNITY.reasons}
CLOSE_REASONS_LOST = {
    reason.code: reason.label for reason in machines.OPPORTUNITY.state("lost").reasons
}

FIELDS = [
    "name", "account_id", "contact_id", "lead_id", "price_list_id", "estimated_revenue",
    "probability", "estimated_close_date", "rating", "description", "owner_id",
]  # fmt: skip

# What each stage needs, as (stage, what a person reads, the fields that
# provide it). Gates are cumulative: Close also needs Develop's and Propose's.
CUSTOMER = "a customer"
CLOSE_DATE = "an estimated close date"
REVENUE = "estimated revenue"
NEED = "a product line or a description of need"
QUOTE = "an active quote"
NEEDS = (
    ("develop", CUSTOMER, ("account_id", "contact_id")),
    ("develop", CLOSE_DATE, ("estimated_close_date",)),
    ("propose", REVENUE, ("estimated_revenue",)),
    ("propose", NEED, ("description",)),
    ("close", QUOTE, ()),
)


class StageGateError(DomainError):
    """A forward move refused: `missing` names what `stage` still needs and
    `fields` the form fields that would provide it (a quote has none)."""

    def __init__(self, stage: str, missing: list[str]):
        self.stage = stage
        self.missing = list(missing)
        self.fields = [f for _, need, names in NEEDS if need in missing for f in names]
        message = f"{STAGE_LABELS[stage]} needs: {', '.join(missing)}"
        if QUOTE in missing:
            message += "; create a quote for this opportunity and activate it first"
        super().__init__(message)


# --- validation -----------------------------------------------------------------------


def _check(data: dict, *, creating: bool) -> dict:
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=200)
    c.text("description", max_len=4000, multiline=True)
    c.money("estimated_revenue", label="estimated revenue")
    c.date("estimated_close_date", label="estimated close date")
    if c.has("rating"):
        c.choice("rating", RATINGS)
    if c.has("probability"):
        raw = data["probability"]
        if raw in (None, "") and creating:
            pass  # the stage's default
        elif raw in (None, ""):
            c.fail("probability", "probability is required (0-100)")
        else:
            c.integer("probability")
            value = c.values.get("probability")
            if value is not None and value > 100:
                c.fail("probability", "probability is a percentage: 0 to 100")
    for name, model, what in (
        ("account_id", Account, "account"),
        ("contact_id", Contact, "contact"),
        ("lead_id", Lead, "lead"),
        ("price_list_id", PriceList, "price list"),
    ):
        c.reference(name, model, f"the {what} does not exist")
    c.owner()
    c.reference("campaign_id", Campaign, "choose a campaign")
    c.custom("opportunity", creating=creating)
    values = c.done()
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    return _to_columns(values)


_RENAMED = {
    "account_id": "account",
    "contact_id": "contact",
    "lead_id": "lead",
    "price_list_id": "price_list",
    "owner_id": "owner",
}


def _to_columns(values: dict) -> dict:
    # Peewee's insert/update take foreign keys by field name, not column name.
    return {_RENAMED.get(k, k): v for k, v in values.items()}


# --- records ------------------------------------------------------------------------


def check(data: dict, current: Opportunity | None = None) -> dict:
    """The values `create` would store for `data` (with the stored `current`
    record: `update`), writing nothing (an import's dry run); ValidationError
    names each bad field."""
    return _check(data, creating=current is None)


def create(data: dict, *, checked: dict | None = None) -> Opportunity:
    """Create an open opportunity in Qualify from form data (strings: money as
    "1,250.00", dates as YYYY-MM-DD); raises ValidationError naming each bad field.
    `checked`: what `check(data)` returned for this data (an import checks
    each row once, for its dry run, and writes what the check gave).
    """
    values = dict(checked) if checked is not None else _check(data, creating=True)
    owner = values.pop("owner", None)
    values.setdefault("probability", DEFAULT_PROBABILITY["qualify"])
    if "price_list" not in values:
        values["price_list"] = _default_price_list()
    values.update(stage="qualify", state="open", status_reason="in_progress")
    with write():
        new_id = records.create("opportunity", values, owner_id=owner)
        search.index("opportunity", new_id)
    return get(new_id)


def _default_price_list() -> int | None:
    name = session.settings().default_price_list
    if not name:
        return None
    row = PriceList.select(PriceList.id).where(PriceList.name == name).tuples().first()
    return row[0] if row else None


def get(opportunity_id: int) -> Opportunity:
    """One opportunity; NotFound if it does not exist."""
    row = records.by_id(Opportunity, opportunity_id)
    if row is None:
        raise NotFound(f"opportunity #{opportunity_id} does not exist (it may have been deleted)")
    return records.readable("opportunity", row)


def customer_name(opportunity: Opportunity) -> str:
    """The customer's name: the account, else the contact; empty for none."""
    if opportunity.account_id is not None:
        return records.title_of("account", opportunity.account_id)
    if opportunity.contact_id is not None:
        return records.title_of("contact", opportunity.contact_id)
    return ""


def _require_open(row: Opportunity, verb: str) -> None:
    if row.state != "open":
        raise DomainError(
            f"this opportunity is {row.state}; reopen it before you {verb} it"
            if verb
            else f"this opportunity is already {row.state}; reopen it first"
        )


def update(opportunity_id: int, version: int, data: dict) -> Opportunity:
    """Save changed fields of an open opportunity if nobody saved since
    `version` (else ConflictError). Won and lost ones are read-only until
    reopened; a field its stage needs cannot be emptied."""
    values = _check(data, creating=False)
    with write():
        row = records.load_current("opportunity", opportunity_id, version, values.keys())
        _require_open(row, "edit")
        stored = _gate_values(row)
        changed = {**stored, **values}
        before = set(_missing(stored, opportunity_id, row.stage))
        newly = [n for n in _missing(changed, opportunity_id, row.stage) if n not in before]
        if newly:
            label = STAGE_LABELS[row.stage]
            raise ValidationError(
                {_need_field(need): f"an opportunity in {label} needs {need}" for need in newly}
            )
        changes = records.update_versioned("opportunity", opportunity_id, version, values)
        if search.changed_words(changes, {"name", "account", "contact"}):
            search.index("opportunity", opportunity_id)
    return get(opportunity_id)


# --- stages -------------------------------------------------------------------------


def _gate_values(row: Opportunity) -> dict:
    return records.stored_values(
        row, ("account", "contact", "estimated_close_date", "estimated_revenue", "description")
    )


def _need_field(need: str) -> str:
    return next(names[0] for _, n, names in NEEDS if n == need)


def _missing(values: dict, opportunity_id: int, stage: str) -> list[str]:
    """What `stage` (and every stage before it) needs that `values` lack."""
    upto = STAGES.index(stage)
    out = []
    for needed_at, need, _ in NEEDS:
        if STAGES.index(needed_at) > upto:
            continue
        if need == CUSTOMER:
            lacking = values["account"] is None and values["contact"] is None
        elif need == CLOSE_DATE:
            lacking = values["estimated_close_date"] is None
        elif need == REVENUE:
            lacking = values["estimated_revenue"] is None
        elif need == NEED:
            lacking = not (values["description"] or "").strip() and not _has_lines(opportunity_id)
        else:
            lacking = not _has_active_quote(opportunity_id)
        if lacking:
            out.append(need)
    return out


def _has_lines(opportunity_id: int) -> bool:
    sql = "SELECT 1 FROM opportunity_line WHERE opportunity_id = ? LIMIT 1"
    return database.execute_sql(sql, (opportunity_id,)).fetchone() is not None


def _has_active_quote(opportunity_id: int) -> bool:
    # Read the table itself: the quotes service belongs to another area.
    sql = "SELECT 1 FROM quote WHERE opportunity_id = ? AND state = 'active' LIMIT 1"
    return database.execute_sql(sql, (opportunity_id,)).fetchone() is not None


def _stage(stage: str) -> str:
    if stage not in STAGES:
        raise DomainError(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
    return stage


def missing_for(opportunity_id: int, stage: str) -> list[str]:
    """What the opportunity lacks to be in `stage`, in words a person reads
    (e.g. ["a customer", "an estimated close date"]); empty when it may move."""
    row = get(opportunity_id)
    return _missing(_gate_values(row), opportunity_id, _stage(stage))


def gate_fields(stage: str) -> list[str]:
    """The fields a gate prompt offers for moving into `stage` (Close offers
    none: it needs an active quote, which is made elsewhere)."""
    _stage(stage)
    return [f for needed_at, _, names in NEEDS if needed_at == stage for f in names]


def move_stage(
    opportunity_id: int, version: int, stage: str, data: dict | None = None
) -> Opportunity:
    """Move an open opportunity to `stage`: forward one step at a time through
    the gate, back any number of steps. `data` holds fields filled in the gate
    prompt; they are validated and saved with the move, or not at all. Raises
    StageGateError naming what is still missing."""
    _stage(stage)
    values = _check(data, creating=False) if data else {}
    with write():
        row = records.load_current("opportunity", opportunity_id, version, ["stage", *values])
        if row.state != "open":
            raise DomainError(f"this opportunity is {row.state}; reopen it to move it")
        here, there = STAGES.index(row.stage), STAGES.index(stage)
        if here == there:
            raise DomainError(f"this opportunity is already in {STAGE_LABELS[stage]}")
        if there > here + 1:
            following = STAGE_LABELS[STAGES[here + 1]]
            raise DomainError(
                f"move one stage at a time: from {STAGE_LABELS[row.stage]} the next is {following}"
            )
        if there > here:
            missing = _missing({**_gate_values(row), **values}, opportunity_id, stage)
            if missing:
                raise StageGateError(stage, missing)
        values["stage"] = stage
        if "probability" not in values and row.probability == DEFAULT_PROBABILITY[row.stage]:
            values["probability"] = DEFAULT_PROBABILITY[stage]
        changes = records.update_versioned(
            "opportunity", opportunity_id, version, values, action="stage"
        )
        if search.changed_words(changes, {"name", "account", "contact"}):
            search.index("opportunity", opportunity_id)
    return get(opportunity_id)


# --- closing ------------------------------------------------------------------------


def _close_date(value: str | dt.date | None) -> dt.date:
    c = Checker({"close_date": value})
    c.date("close_date", label="close date", past=True)
    day = c.done()["close_date"] or dates.today()
    if day > dates.today():
        raise ValidationError({"close_date": "the close date is in the future"})
    return day


def _notes(description: str) -> str:
    c = Checker({"description": description})
    c.text("description", max_len=4000, multiline=True)
    return c.done()["description"]


def close_won(
    opportunity_id: int,
    version: int,
    *,
    actual_revenue: str | None = None,
    close_date: str | dt.date | None = None,
    description: str = "",
) -> Opportunity:
    """Close an open opportunity as won: actual revenue (default: the estimated
    revenue) and close date (default: today), with an opportunity_close activity
    in the same transaction."""
    c = Checker({"actual_revenue": actual_revenue})
    c.money("actual_revenue", label="actual revenue")
    revenue = c.done()["actual_revenue"]
    day = _close_date(close_date)
    notes = _notes(description)
    with write():
        row = records.load_current(
            "opportunity", opportunity_id, version, ["state", "actual_revenue"]
        )
        _require_open(row, "")
        if revenue is None:
            revenue = row.estimated_revenue
        if revenue is None:
            raise ValidationError(
                {"actual_revenue": "enter the actual revenue (there is no estimate to use)"}
            )
        values = {
            "state": "won",
            "status_reason": "won",
            "actual_revenue": revenue,
            "actual_close_date": day,
            "lost_to": None,
            "close_reason": notes,
        }
        records.update_versioned("opportunity", opportunity_id, version, values, action="state")
        # Words stored in the close activity, written once as a person reads
        # money (crm_tui.display is the screens' and sits above the services).
        amount = f"{money.to_decimal(revenue):,.2f} {session.settings().currency}"
        summary = [
            f"Actual revenue: {amount}",
            f"Close date: {day.isoformat()}",
        ]
        _log_close(opportunity_id, f"Won: {row.name}", summary, notes)
    return get(opportunity_id)


def close_lost(
    opportunity_id: int,
    version: int,
    *,
    reason: str = "out_sold",
    competitor_id: int | None = None,
    close_date: str | dt.date | None = None,
    description: str = "",
) -> Opportunity:
    """Close an open opportunity as lost (out-sold or canceled), naming the
    competitor who won if known, with an opportunity_close activity."""
    if reason not in CLOSE_REASONS_LOST:
        options = ", ".join(CLOSE_REASONS_LOST)
        raise ValidationError({"reason": f"{reason!r} is not one of: {options}"})
    c = Checker({"competitor_id": competitor_id})
    c.reference("competitor_id", Competitor, "the competitor does not exist")
    competitor = c.done()["competitor_id"]
    day = _close_date(close_date)
    notes = _notes(description)
    with write():
        row = records.load_current(
            "opportunity", opportunity_id, version, ["state", "status_reason"]
        )
        _require_open(row, "")
        values = {
            "state": "lost",
            "status_reason": reason,
            "actual_revenue": None,
            "actual_close_date": day,
            "lost_to": competitor,
            "close_reason": notes,
        }
        records.update_versioned("opportunity", opportunity_id, version, values, action="state")
        summary = [f"Reason: {CLOSE_REASONS_LOST[reason]}"]
        if competitor is not None:
            summary.append(f"Lost to: {records.title_of('competitor', competitor)}")
        summary.append(f"Close date: {day.isoformat()}")
        _log_close(opportunity_id, f"Lost: {row.name}", summary, notes)
    return get(opportunity_id)


def _log_close(opportunity_id: int, subject: str, summary: list[str], notes: str) -> None:
    body = "\n".join(summary) + (f"\n\n{notes}" if notes else "")
    activities.log(
        "opportunity_close",
        subject[:200],
        regarding=("opportunity", opportunity_id),
        description=body,
    )


def reopen(opportunity_id: int, version: int) -> Opportunity:
    """Open a won or lost opportunity again (in progress, in its last stage);
    its actual revenue, close date and competitor are cleared."""
    with write():
        row = records.load_current("opportunity", opportunity_id, version, ["state"])
        if row.state == "open":
            raise DomainError("this opportunity is open; only a won or lost one can be reopened")
        values = {
            "state": "open",
            "status_reason": "in_progress",
            "actual_revenue": None,
            "actual_close_date": None,
            "lost_to": None,
            "close_reason": "",
        }
        records.update_versioned("opportunity", opportunity_id, version, values, action="state")
    return get(opportunity_id)


def _set_status(opportunity_id: int, version: int, want: str, allowed_from: str) -> Opportunity:
    with write():
        row = records.load_current("opportunity", opportunity_id, version, ["status_reason"])
        _require_open(row, "put on hold" if want == "on_hold" else "resume")
        if row.status_reason != allowed_from:
            raise DomainError(f"this opportunity is already {STATUS_LABELS[want].lower()}")
        records.update_versioned(
            "opportunity", opportunity_id, version, {"status_reason": want}, action="state"
        )
    return get(opportunity_id)


def hold(opportunity_id: int, version: int) -> Opportunity:
    """Put an open opportunity on hold (it stays on the board, marked)."""
    return _set_status(opportunity_id, version, "on_hold", "in_progress")


def resume(opportunity_id: int, version: int) -> Opportunity:
    """Take an opportunity off hold: in progress again."""
    return _set_status(opportunity_id, version, "in_progress", "on_hold")
