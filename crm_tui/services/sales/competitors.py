"""Competitors: who else bids for a deal, linked to opportunities, with
their record against us (won against them, lost to them)."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound
from crm_tui.models import Competitor, Opportunity
from crm_tui.services import records, search
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.validate import Checker

FIELDS = ["name", "website", "strengths", "weaknesses", "description", "owner_id"]

LIST = ListSpec(
    kind="competitor",
    table="competitor c",
    columns=(
        "c.id AS id, c.name AS name, c.website AS website, c.strengths AS strengths, "
        "c.weaknesses AS weaknesses, c.state AS state, c.version AS version, "
        "u.full_name AS owner, c.modified_at AS modified_at"
    ),
    joins='JOIN "user" u ON u.id = c.owner_id',
    views={"active": "c.state = 'active'", "inactive": "c.state = 'inactive'", "all": "TRUE"},
    sorts={"name": Sort("c.name_sort"), "modified": Sort("c.modified_at", descending=True)},
)
VIEWS = {
    "active": "Active competitors",
    "inactive": "Inactive competitors",
    "all": "All competitors",
}


class CompetitorRow(TypedDict):
    """A row of the competitors list."""

    id: int
    name: str
    website: str
    strengths: str
    weaknesses: str
    state: str
    version: int
    owner: str
    modified_at: str  # as stored (UTC ISO text)


class LinkedCompetitorRow(TypedDict):
    """A competitor linked to an opportunity."""

    id: int
    name: str
    website: str
    strengths: str
    weaknesses: str
    state: str


class CompetitorRecord(TypedDict):
    """A competitor's record against us."""

    open: int  # open opportunities where they compete
    won_against: int  # won while they were linked
    lost_to: int  # lost naming them as the winner


class CompetitorOpportunityRow(TypedDict):
    """An opportunity where a competitor bids or won."""

    id: int
    name: str
    customer: str
    state: str
    status_reason: str
    stage: str
    estimated_revenue: int | None  # minor units
    actual_revenue: int | None
    close_date: str | None  # ISO date: the actual one when closed
    lost_to_them: int  # 1 when the deal was lost to them


def _check(data: dict, *, creating: bool) -> dict:
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=160)
    c.website("website")
    for name in ("strengths", "weaknesses", "description"):
        c.text(name, max_len=4000, multiline=True)
    c.owner(store_as="owner")
    c.custom("competitor", creating=creating)
    values = c.done()
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    return values


# --- records ------------------------------------------------------------------------


def check(data: dict, current: Competitor | None = None) -> dict:
    """The values `create` would store for `data` (with the stored `current`
    record: `update`), writing nothing (an import's dry run); ValidationError
    names each bad field."""
    return _check(data, creating=current is None)


def create(data: dict, *, checked: dict | None = None) -> Competitor:
    """Create a competitor from form data; raises ValidationError naming each bad field.
    `checked`: what `check(data)` returned for this data (an import checks
    each row once, for its dry run, and writes what the check gave).
    """
    values = dict(checked) if checked is not None else _check(data, creating=True)
    owner = values.pop("owner", None)
    with write():
        new_id = records.create("competitor", values, owner_id=owner)
        search.index("competitor", new_id)
    return get(new_id)


def get(competitor_id: int) -> Competitor:
    """One competitor; NotFound if it does not exist."""
    row = records.by_id(Competitor, competitor_id)
    if row is None:
        raise NotFound(f"competitor #{competitor_id} does not exist (it may have been deleted)")
    return records.readable("competitor", row)


def update(competitor_id: int, version: int, data: dict) -> Competitor:
    """Save changed fields if nobody saved since `version`; else ConflictError."""
    values = _check(data, creating=False)
    with write():
        changes = records.update_versioned("competitor", competitor_id, version, values)
        if search.changed_words(changes, {"name", "website"}):
            search.index("competitor", competitor_id)
    return get(competitor_id)


def deactivate(competitor_id: int, version: int) -> Competitor:
    """Retire a competitor: it leaves the pickers, its record against us stays."""
    records.set_state("competitor", competitor_id, version, "inactive")
    return get(competitor_id)


def reactivate(competitor_id: int, version: int) -> Competitor:
    """Bring an inactive competitor back to the pickers."""
    records.set_state("competitor", competitor_id, version, "active")
    return get(competitor_id)


def page(**options) -> Page[CompetitorRow]:
    """A page of the competitors list: view, sort, query (full-text),
    after/before/last, limit, inclusive (see listing.fetch_page)."""
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10, *, view: str = "all") -> list[CompetitorRow]:
    """Best matches for `typed` (for the palette and pickers); a picker that
    links passes view="active", as only active competitors can be linked."""
    return page(view=view, query=typed, limit=limit).rows


# --- opportunities ----------------------------------------------------------------------


def _open_opportunity(opportunity_id: int) -> Opportunity:
    row = records.by_id(Opportunity, opportunity_id)
    if row is None:
        raise NotFound(f"opportunity #{opportunity_id} does not exist (it may have been deleted)")
    if row.state != "open":
        raise DomainError(f"this opportunity is {row.state}; reopen it to change its competitors")
    return row


def _link_id(opportunity_id: int, competitor_id: int) -> int | None:
    row = database.execute_sql(
        "SELECT id FROM opportunity_competitor WHERE opportunity_id = ? AND competitor_id = ?",
        (opportunity_id, competitor_id),
    ).fetchone()
    return row[0] if row else None


def link(opportunity_id: int, competitor_id: int) -> LinkedCompetitorRow:
    """Name an active competitor as bidding for an open opportunity (audited
    on the opportunity). Linking one already linked is refused, saying so,
    rather than passing silently: the person meant something else. Returns
    the competitor's row as of_opportunity shows it."""
    with write():
        _open_opportunity(opportunity_id)
        competitor = get(competitor_id)
        if competitor.state != "active":
            raise DomainError(f"{competitor.name} is inactive; reactivate it to link it")
        if _link_id(opportunity_id, competitor_id) is not None:
            raise DomainError(f"{competitor.name} is already linked to this opportunity")
        database.execute_sql(
            "INSERT INTO opportunity_competitor (opportunity_id, competitor_id) VALUES (?, ?)",
            (opportunity_id, competitor_id),
        )
        records.audit(
            "opportunity",
            opportunity_id,
            "competitor linked",
            {"competitor": (None, competitor.name)},
        )
    return next(r for r in of_opportunity(opportunity_id) if r["id"] == competitor_id)


def unlink(opportunity_id: int, competitor_id: int) -> None:
    """Remove a competitor from an open opportunity (audited on the opportunity)."""
    with write():
        _open_opportunity(opportunity_id)
        name = records.title_of("competitor", competitor_id)
        link_id = _link_id(opportunity_id, competitor_id)
        if link_id is None:
            raise DomainError(f"{name} is not linked to this opportunity")
        database.execute_sql("DELETE FROM opportunity_competitor WHERE id = ?", (link_id,))
        records.audit(
            "opportunity", opportunity_id, "competitor unlinked", {"competitor": (name, None)}
        )


def of_opportunity(opportunity_id: int) -> list[LinkedCompetitorRow]:
    """The competitors linked to an opportunity, by name."""
    return dict_rows(
        "SELECT c.id AS id, c.name AS name, c.website AS website, c.strengths AS strengths, "
        "c.weaknesses AS weaknesses, c.state AS state FROM opportunity_competitor oc "
        "JOIN competitor c ON c.id = oc.competitor_id WHERE oc.opportunity_id = ? "
        "ORDER BY c.name_sort, c.id",
        (opportunity_id,),
    )


def record(competitor_id: int) -> CompetitorRecord:
    """The competitor's record, counted in SQL: `open` opportunities where they
    compete, `won_against` (won while they were linked) and `lost_to`
    (lost naming them as the winner, linked or not)."""
    # CROSS JOIN walks the competitor's links first: left to itself SQLite
    # may walk every open opportunity and probe the links of each.
    row = dict_rows(
        "SELECT count(CASE WHEN o.state = 'open' THEN 1 END) AS open, "
        "count(CASE WHEN o.state = 'won' THEN 1 END) AS won_against, "
        "(SELECT count(*) FROM opportunity WHERE lost_to_id = ? AND state = 'lost') AS lost_to "
        "FROM opportunity_competitor oc CROSS JOIN opportunity o ON o.id = oc.opportunity_id "
        "WHERE oc.competitor_id = ?",
        (competitor_id, competitor_id),
    )[0]
    return row


def opportunities_of(competitor_id: int, limit: int = 200) -> list[CompetitorOpportunityRow]:
    """The opportunities where the competitor bids or won, open ones first,
    then by close date, newest first: name, customer, state, stage,
    estimated/actual revenue, close date (actual when closed) and whether
    the deal was lost to them."""
    return dict_rows(
        "SELECT o.id AS id, o.name AS name, coalesce(a.name, ct.full_name, '') AS customer, "
        "o.state AS state, o.status_reason AS status_reason, o.stage AS stage, "
        "o.estimated_revenue AS estimated_revenue, o.actual_revenue AS actual_revenue, "
        "coalesce(o.actual_close_date, o.estimated_close_date) AS close_date, "
        "CASE WHEN o.lost_to_id = ? THEN 1 ELSE 0 END AS lost_to_them "
        "FROM opportunity o LEFT JOIN account a ON a.id = o.account_id "
        "LEFT JOIN contact ct ON ct.id = o.contact_id "
        "WHERE o.id IN (SELECT opportunity_id FROM opportunity_competitor WHERE competitor_id = ?"
        " UNION SELECT id FROM opportunity WHERE lost_to_id = ?) "
        "ORDER BY o.state != 'open', "
        "coalesce(o.actual_close_date, o.estimated_close_date) DESC NULLS LAST, o.id DESC LIMIT ?",
        (competitor_id, competitor_id, competitor_id, limit),
    )
