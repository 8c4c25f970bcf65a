"""Campaigns (Dynamics' campaigns): what is offered to whom, when, at what
cost and with what return expected. Proposed -> Ready to launch -> Launched
-> Completed, with Suspended and Canceled on the way, and reopen; a template
is a campaign kept to be copied (campaign_links.copy) and is never launched.
The lists, products and literature it uses and its copies are in
campaign_links; its planned steps in steps; what it returned in funnel."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta.marketing import CAMPAIGN_TYPES
from crm_tui.meta.marketing_states import CAMPAIGN as MACHINE
from crm_tui.models import Campaign
from crm_tui.models.base import utcnow
from crm_tui.services import dates, numbers, records, search
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.validate import Checker

FIELDS = [
    "name", "campaign_type", "proposed_start", "proposed_end", "budget", "other_cost",
    "expected_response", "expected_revenue", "offer", "objective", "description", "owner_id",
]  # fmt: skip
STATES = {state.code: state.label for state in MACHINE.states}
OPEN = tuple(state.code for state in MACHINE.states if state.is_open)

LIST = ListSpec(
    kind="campaign",
    table="campaign k",
    columns=(
        "k.id AS id, k.number AS number, k.name AS name, k.campaign_type AS campaign_type, "
        "k.state AS state, k.proposed_start AS proposed_start, k.proposed_end AS proposed_end, "
        "k.budget AS budget, k.is_template AS is_template, k.version AS version, "
        "u.full_name AS owner, k.modified_at AS modified_at"
    ),
    joins='JOIN "user" u ON u.id = k.owner_id',
    views={
        "open": "k.is_template = 0 AND k.state IN ('proposed', 'ready', 'launched', 'suspended')",
        "mine": "k.is_template = 0 AND k.owner_id = :me AND k.state IN "
        "('proposed', 'ready', 'launched', 'suspended')",
        "launched": "k.is_template = 0 AND k.state = 'launched'",
        "closed": "k.is_template = 0 AND k.state IN ('completed', 'canceled')",
        "templates": "k.is_template = 1",
        "all": "k.is_template = 0",
    },
    sorts={"name": Sort("k.name_sort"), "modified": Sort("k.modified_at", descending=True)},
    broad_views=frozenset({"open", "all"}),
)
VIEWS = {
    "open": "Open campaigns",
    "mine": "My open campaigns",
    "launched": "Launched campaigns",
    "closed": "Completed and canceled campaigns",
    "templates": "Campaign templates",
    "all": "All campaigns",
}


class CampaignRow(TypedDict):
    """A row of the campaigns list."""

    id: int
    number: str
    name: str
    campaign_type: str
    state: str
    proposed_start: str | None  # ISO day
    proposed_end: str | None
    budget: int | None  # minor units
    is_template: int
    version: int
    owner: str
    modified_at: str


def _check(data: dict, *, current: Campaign | None) -> dict:
    creating = current is None
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=160)
    if c.has("campaign_type"):
        c.choice("campaign_type", CAMPAIGN_TYPES)
    c.date("proposed_start", label="proposed start")
    c.date("proposed_end", label="proposed end")
    c.money("budget", label="budget")
    c.money("other_cost", label="miscellaneous costs")
    c.money("expected_revenue", label="expected revenue")
    c.integer("expected_response", label="expected response")
    if (c.values.get("expected_response") or 0) > 100:
        c.fail("expected_response", "expected response is a percentage, 0-100")
    for name in ("offer", "objective", "description"):
        c.text(name, max_len=4000, multiline=True)
    c.owner(store_as="owner")
    values = c.done()
    start = values.get("proposed_start", current.proposed_start if current else None)
    end = values.get("proposed_end", current.proposed_end if current else None)
    if start and end and end < start:
        raise ValidationError({"proposed_end": "the proposed end is before the proposed start"})
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    return values


def check(data: dict, current: Campaign | None = None) -> dict:
    """The values `create` (or `update` of the stored `current`) would store
    for `data`, writing nothing; ValidationError names each bad field."""
    return _check(data, current=current)


def insert(values: dict, owner: int | None) -> int:
    """Write a checked campaign with its next number (CMP-00001), indexed;
    call inside a write transaction. Returns its id."""
    values = {**values, "number": numbers.next_number("campaign")}
    new_id = records.create("campaign", values, owner_id=owner)
    search.index("campaign", new_id)
    return new_id


def create(data: dict) -> Campaign:
    """Propose a campaign: name, type, proposed dates, budget and costs,
    expected response and revenue, offer, objective."""
    values = _check(data, current=None)
    owner = values.pop("owner", None)
    with write():
        new_id = insert(values, owner)
    return get(new_id)


def get(campaign_id: int) -> Campaign:
    """One campaign (or template); NotFound if it does not exist."""
    row = records.by_id(Campaign, campaign_id)
    if row is None:
        raise NotFound(f"campaign #{campaign_id} does not exist (it may have been deleted)")
    return records.readable("campaign", row)


def require_open(row: Campaign, doing: str) -> None:
    """Refuse `doing` to a completed or canceled campaign."""
    if row.state not in OPEN:
        raise DomainError(f"{row.number} is {STATES[row.state].lower()}; reopen it to {doing}")


def update(campaign_id: int, version: int, data: dict) -> Campaign:
    """Save changed fields if nobody saved since `version`; a completed or
    canceled campaign is read-only until reopened."""
    current = get(campaign_id)
    require_open(current, "change it")
    values = _check(data, current=current)
    with write():
        changes = records.update_versioned("campaign", campaign_id, version, values)
        if search.changed_words(changes, {"name"}):
            search.index("campaign", campaign_id)
    return get(campaign_id)


def page(**options) -> Page[CampaignRow]:
    """A page of the campaigns list (view, sort, query, paging)."""
    options.setdefault("view", "open")
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10, *, view: str = "all") -> list[CampaignRow]:
    """Best matches for `typed` (the palette and the pickers)."""
    return page(view=view, query=typed, limit=limit).rows


# --- states -------------------------------------------------------------------------------


def unsent_mail(campaign_id: int) -> int:
    """Messages of the campaign's steps still queued, being sent or failed."""
    return database.execute_sql(
        "SELECT count(*) FROM mail_message WHERE state IN ('queued', 'sending', 'failed') "
        "AND step_id IN (SELECT id FROM campaign_activity WHERE campaign_id = ?)",
        (campaign_id,),
    ).fetchone()[0]


# what a transition does, as the end of "only a proposed campaign can be ..."
_DONE = {
    "mark_ready": "marked ready to launch",
    "launch": "launched",
    "suspend": "suspended",
    "complete": "completed",
    "cancel": "canceled",
    "reopen": "reopened",
}


def _transition(
    campaign_id: int, version: int, name: str, extra: dict | None = None, then=None
) -> Campaign:
    move = MACHINE.transition(name)
    with write():
        row = records.load_current("campaign", campaign_id, version, ("state",))
        if row.is_template:
            raise DomainError(
                f"{row.number} is a template: copy it to a campaign (c) to {move.label.lower()} it"
            )
        if row.state == move.target:
            raise DomainError(f"{row.number} is already {STATES[move.target].lower()}")
        if row.state not in move.sources:
            allowed = " or ".join(STATES[s].lower() for s in move.sources)
            raise DomainError(
                f"{row.number} is {STATES[row.state].lower()}; only a {allowed} campaign "
                f"can be {_DONE[name]}"
            )
        if name == "complete" and (waiting := unsent_mail(campaign_id)):
            raise DomainError(
                f"{row.number} has {waiting} email{'s' if waiting != 1 else ''} not sent "
                "(queued or failed): send them, or cancel them on their step, before completing"
            )
        values = {"state": move.target, **(extra or {})}
        records.update_versioned("campaign", campaign_id, version, values, action="state")
        if then is not None:
            then()
    return get(campaign_id)


def _stamped_day():
    """The day a write is stamped with, in the configured zone (today, or a
    seeded demo's day)."""
    return utcnow().astimezone(dates.configured_zone()).date()


def mark_ready(campaign_id: int, version: int) -> Campaign:
    """Proposed -> Ready to launch."""
    return _transition(campaign_id, version, "mark_ready")


def launch(campaign_id: int, version: int) -> Campaign:
    """Start the campaign (from proposed, ready or suspended): its steps can
    be distributed now. The first launch sets the actual start to today."""
    row = get(campaign_id)
    extra = {} if row.actual_start else {"actual_start": _stamped_day()}
    return _transition(campaign_id, version, "launch", extra)


def suspend(campaign_id: int, version: int) -> Campaign:
    """Launched -> Suspended: nothing is distributed or sent until relaunched."""
    return _transition(campaign_id, version, "suspend")


def complete(campaign_id: int, version: int) -> Campaign:
    """Launched or suspended -> Completed, with today as its actual end;
    refused while any of its emails is queued, being sent or failed."""
    return _transition(campaign_id, version, "complete", {"actual_end": _stamped_day()})


def cancel(campaign_id: int, version: int) -> Campaign:
    """Any open state -> Canceled; its queued emails are canceled with it."""

    def cancel_mail() -> None:
        database.execute_sql(
            "UPDATE mail_message SET state = 'canceled', last_error = 'campaign canceled' "
            "WHERE state = 'queued' AND step_id IN "
            "(SELECT id FROM campaign_activity WHERE campaign_id = ?)",
            (campaign_id,),
        )

    return _transition(campaign_id, version, "cancel", then=cancel_mail)


def reopen(campaign_id: int, version: int) -> Campaign:
    """Completed or canceled -> Proposed."""
    return _transition(campaign_id, version, "reopen", {"actual_end": None})
