"""The opportunities list and the filters it shares with the pipeline board:
scope (mine, my team's, everyone's) and estimated close date (this month,
this quarter, overdue), in the configured time zone."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui.errors import DomainError
from crm_tui.models import User
from crm_tui.services import dates, session
from crm_tui.services.listing import ListSpec, Page, Sort, fetch_page

SCOPES = {"mine": "My opportunities", "team": "My team's opportunities", "all": "All opportunities"}
CLOSE_FILTERS = {
    None: "Any close date",
    "this_month": "Closing this month",
    "this_quarter": "Closing this quarter",
    "overdue": "Overdue",
}
# The list's state filter (the board shows open ones only).
VIEWS = {
    "open": "Open opportunities",
    "won": "Won opportunities",
    "lost": "Lost opportunities",
    "all": "Open, won and lost",
}


class OpportunityRow(TypedDict):
    """A row of the opportunities list."""

    id: int
    name: str
    customer: str  # the account's name, else the contact's ("" for none)
    stage: str
    estimated_revenue: int | None  # minor units
    probability: int
    estimated_close_date: str | None  # ISO date
    rating: str
    state: str
    status_reason: str
    owner: str
    version: int


def owner_ids(scope: str) -> list[int] | None:
    """The owners a scope shows (None: everyone). "team" is the users whose
    team equals mine; with no team of my own it is just me."""
    if scope not in SCOPES:
        raise DomainError(f"unknown scope {scope!r}; choose one of {', '.join(SCOPES)}")
    me = session.current_user().id
    if scope == "all":
        return None
    if scope == "team":
        # Read the team now: an admin may have changed it since sign-in.
        team = User.select(User.team).where(User.id == me).scalar() or ""
        if team:
            q = User.select(User.id).where(User.team == team).order_by(User.id)
            return [uid for (uid,) in q.tuples()]
    return [me]


def close_range(close: str | None, today: dt.date | None = None) -> tuple[dt.date | None, ...]:
    """Inclusive (first, last) estimated close dates for a close filter, in
    the configured time zone's today; (None, None) for any date."""
    if close is not None and close not in CLOSE_FILTERS:
        options = ", ".join(k for k in CLOSE_FILTERS if k)
        raise DomainError(f"unknown close filter {close!r}; choose one of {options}")
    today = today or dates.today()
    if close == "this_month":
        first = today.replace(day=1)
        return first, _month_end(first)
    if close == "this_quarter":
        first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return first, _month_end(first.replace(month=first.month + 2))
    if close == "overdue":
        return None, today - dt.timedelta(days=1)
    return None, None


def _month_end(first: dt.date) -> dt.date:
    following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
    return following - dt.timedelta(days=1)


def filter_sql(alias: str, scope: str, close: str | None) -> str:
    """The WHERE fragment for a scope and a close filter. Only integers and
    ISO dates made here are inlined, never typed text."""
    where = []
    owners = owner_ids(scope)
    if owners is not None:
        if len(owners) == 1:
            where.append(f"{alias}.owner_id = {int(owners[0])}")
        else:
            where.append(f"{alias}.owner_id IN ({', '.join(str(int(o)) for o in owners)})")
    first, last = close_range(close)
    if first is not None:
        where.append(f"{alias}.estimated_close_date >= '{first.isoformat()}'")
    if last is not None:
        where.append(f"{alias}.estimated_close_date <= '{last.isoformat()}'")
    return " AND ".join(where) or "TRUE"


# --- list ---------------------------------------------------------------------------

_LIST_COLUMNS = (
    "o.id AS id, o.name AS name, coalesce(a.name, c.full_name, '') AS customer, "
    "o.stage AS stage, o.estimated_revenue AS estimated_revenue, o.probability AS probability, "
    "o.estimated_close_date AS estimated_close_date, o.rating AS rating, o.state AS state, "
    "o.status_reason AS status_reason, u.full_name AS owner, o.version AS version"
)
_LIST_JOINS = (
    'JOIN "user" u ON u.id = o.owner_id LEFT JOIN account a ON a.id = o.account_id '
    "LEFT JOIN contact c ON c.id = o.contact_id"
)
# Keyset paging needs a sort key that is never NULL: undated and unvalued
# opportunities sort last.
SORTS = {
    "close_date": Sort("coalesce(o.estimated_close_date, '9999-12-31')"),
    "name": Sort("o.name_sort"),
    "revenue": Sort("coalesce(o.estimated_revenue, -1)", descending=True),
    "modified": Sort("o.modified_at", descending=True),
    # a manager's "by owner": each person's deals together
    "owner": Sort("o.owner_id"),
}
SORT_LABELS = {
    "close_date": "Close date",
    "name": "Name",
    "revenue": "Revenue (largest first)",
    "modified": "Recently changed",
    "owner": "Owner",
}
LIST = ListSpec(
    kind="opportunity",
    table="opportunity o",
    columns=_LIST_COLUMNS,
    joins=_LIST_JOINS,
    views={"open": "o.state = 'open'", "all": "TRUE"},
    sorts=SORTS,
    join_after_paging=True,
)


# The index each list sort pages with, for one owner or a team / for everyone.
# Named, because without ANALYZE statistics SQLite's pick among indexes that
# look alike (owner_id, state ...) flips with the schema: for the team's
# revenue sort it once chose a non-covering index and took 34 ms, not 3.
PAGE_INDEXES = {
    "close_date": ("opportunity_owner_board", "opportunity_board"),
    "revenue": ("opportunity_owner_board", "opportunity_board"),
    "name": ("opportunity_owner_state_name", "opportunity_state_name"),
    "modified": ("opportunity_state_modified", "opportunity_state_modified"),
    "owner": ("opportunity_owner_state_name", "opportunity_owner_state_name"),
}


def list_spec(
    scope: str = "mine", close: str | None = None, state: str = "open", sort: str = "close_date"
) -> ListSpec:
    """The ListSpec of one combination of filters, as its single view "filtered"."""
    if state not in VIEWS:
        raise DomainError(f"unknown state {state!r}; choose one of {', '.join(VIEWS)}")
    where = filter_sql("o", scope, close)
    if state != "all":
        where = f"o.state = '{state}' AND {where}"
    # With a full-text filter, "all open" keeps most matches (rank them all
    # in the index); any narrower filter reads each match's record first.
    broad = scope == "all" and close is None and state in ("open", "all")
    return ListSpec(
        kind=LIST.kind,
        table=LIST.table,
        columns=LIST.columns,
        joins=LIST.joins,
        views={"filtered": where},
        sorts=SORTS,
        broad_views=frozenset({"filtered"} if broad else ()),
        join_after_paging=True,
        page_table=f"opportunity o INDEXED BY {PAGE_INDEXES[sort][scope == 'all']}",
    )


def page(
    *,
    scope: str = "mine",
    close: str | None = None,
    state: str = "open",
    sort: str = "close_date",
    query: str | None = None,
    after: tuple | None = None,
    before: tuple | None = None,
    last: bool = False,
    limit: int = 100,
    inclusive: bool = False,
) -> Page[OpportunityRow]:
    """A page of the opportunities list for the filters (the board's scope and
    close filter, plus the state), sorted by `sort` or, with `query`, by
    full-text rank; keyset-paged as listing.fetch_page."""
    if sort not in SORTS:
        raise DomainError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    return fetch_page(
        list_spec(scope, close, state, sort),
        view="filtered",
        sort=sort,
        me=session.current_user().id,
        query=query,
        after=after,
        before=before,
        last=last,
        limit=limit,
        inclusive=inclusive,
    )


def find_by_name(typed: str, limit: int = 10) -> list[OpportunityRow]:
    """Best open matches for `typed`, anyone's (for pickers and the palette)."""
    return page(scope="all", query=typed, limit=limit).rows
