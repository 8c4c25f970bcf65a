"""The pipeline board: a column per stage of the open opportunities, each
with its count, total and probability-weighted total, and its cards paged
by estimated close date.

Totals come from one grouped query over the covering board indexes
(opportunity_board, opportunity_owner_board), never from loading cards.
Cards page by keyset on (estimated close date, id): dated cards first, then
the undated ones by id, because a NULL date cannot take part in a row-value
comparison.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

import apsw
from peewee import DataError, OperationalError

from crm_tui.db import database, dict_rows
from crm_tui.errors import DomainError
from crm_tui.services import access, dates
from crm_tui.services.sales.opportunities import STAGES
from crm_tui.services.sales.opportunity_list import close_range, owner_ids


@dataclass(frozen=True)
class BoardFilter:
    """Which open opportunities the board shows: scope "mine" | "team" | "all",
    close None | "this_month" | "this_quarter" | "overdue"."""

    scope: str = "mine"
    close: str | None = None


@dataclass(frozen=True)
class ColumnTotals:
    """A column's head: how many cards, their estimated revenue and the
    revenue weighted by probability (minor units; no estimate counts as 0)."""

    stage: str
    count: int = 0
    total: int = 0
    weighted: int = 0


class CardRow(TypedDict):
    """A card of the board: one open opportunity."""

    id: int
    version: int
    name: str
    customer: str  # the account's name, else the contact's ("" for none)
    estimated_revenue: int | None  # minor units
    probability: int
    estimated_close_date: str | None  # ISO date
    rating: str
    owner: str
    status_reason: str
    overdue: bool  # its estimated close date has passed


@dataclass
class CardPage:
    rows: list[CardRow]
    # One per row; pass the last as `after` for the next page.
    keys: list[tuple]
    more: bool


def _where(f: BoardFilter) -> tuple[list[str], list]:
    """Conditions (besides state and stage) and their parameters."""
    where, params = [], []
    owners = owner_ids(f.scope)
    if owners is not None:
        where.append(f"owner_id IN ({', '.join('?' * len(owners))})")
        params += owners
    readable = access.read_filter("opportunity", "owner_id")
    if readable:
        where.append(readable)
    first, last = close_range(f.close)
    if first is not None:
        where.append("estimated_close_date >= ?")
        params.append(first.isoformat())
    if last is not None:
        where.append("estimated_close_date <= ?")
        params.append(last.isoformat())
    return where, params


def _index(f: BoardFilter, *, walk: bool) -> str:
    """The covering index a board query reads. Named, because without ANALYZE
    statistics SQLite picked a non-covering (owner_id, state, name) index for
    the team's totals (12k table reads, 14 ms instead of 4). A column of a
    team walks the all-owners index in card order (`walk`), skipping other
    owners inside the index, rather than sort the team's cards."""
    if f.scope == "mine" or (f.scope == "team" and not walk):
        return "opportunity_owner_board"
    return "opportunity_board"


def _weighted(revenue_times_probability: int) -> int:
    # Rounded once per column, half up, from the exact integer sum.
    exact = Decimal(revenue_times_probability) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def totals(f: BoardFilter) -> dict[str, ColumnTotals]:
    """Count, total and weighted total of every stage's open cards (stages
    with none included), from one grouped query on the covering index."""
    where, params = _where(f)
    conditions = " AND ".join(["state = 'open'", *where])
    sql = (
        "SELECT stage, count(*), coalesce(sum(estimated_revenue), 0), "
        "coalesce(sum(estimated_revenue * probability), 0) "
        f"FROM opportunity INDEXED BY {_index(f, walk=False)} WHERE {conditions} GROUP BY stage"
    )
    try:
        rows = database.execute_sql(sql, params).fetchall()
    except (OperationalError, DataError, apsw.SQLError) as exc:
        # SQLite says "integer overflow" in sum(); PostgreSQL "bigint out of
        # range" in the product (its sum() of bigints is numeric already).
        if "overflow" not in str(exc) and "out of range" not in str(exc):
            raise
        rows = None
    # SQLite turns a product past 2**63 into a float without a word.
    if rows is None or any(not isinstance(r[3], int) for r in rows):
        rows = _totals_in_python(conditions, params)
    out = {stage: ColumnTotals(stage) for stage in STAGES}
    for stage, count, total, weighted in rows:
        out[stage] = ColumnTotals(stage, count, total, _weighted(weighted))
    return out


def _totals_in_python(conditions: str, params: list) -> list[tuple]:
    # SQLite's integers stop at 2**63; Python's do not. Only revenue past
    # ~92 million million minor units (times the probability) gets here.
    sums: dict[str, list[int]] = {}
    sql = f"SELECT stage, estimated_revenue, probability FROM opportunity WHERE {conditions}"
    for stage, revenue, probability in database.execute_sql(sql, params):
        column = sums.setdefault(stage, [0, 0, 0])
        column[0] += 1
        column[1] += revenue or 0
        column[2] += (revenue or 0) * probability
    return [(stage, *column) for stage, column in sums.items()]


_CARD_COLUMNS = (
    "o.id AS id, o.version AS version, o.name AS name, "
    "coalesce(a.name, c.full_name, '') AS customer, o.estimated_revenue AS estimated_revenue, "
    "o.probability AS probability, o.estimated_close_date AS estimated_close_date, "
    "o.rating AS rating, u.full_name AS owner, o.status_reason AS status_reason"
)
_CARD_JOINS = (
    'JOIN "user" u ON u.id = o.owner_id LEFT JOIN account a ON a.id = o.account_id '
    "LEFT JOIN contact c ON c.id = o.contact_id"
)
# The page's ids joined to their names, owners and customers.
_JOINED = f"CROSS JOIN opportunity o ON o.id = p.id {_CARD_JOINS}"


def cards(stage: str, f: BoardFilter, *, after: tuple | None = None, limit: int = 40) -> CardPage:
    """A column's open cards by estimated close date (undated last), then id:
    the first page, or the one after a key from `keys` of the page before."""
    if stage not in STAGES:
        raise DomainError(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
    where, params = _where(f)
    index = _index(f, walk=True)
    rows: list[dict] = []
    # Dated cards first, unless the cursor is already among the undated ones.
    if after is None or after[0] is not None:
        keyset = ["estimated_close_date IS NOT NULL"]
        keyset_params: list = []
        if after is not None:
            keyset.append("(estimated_close_date, id) > (?, ?)")
            keyset_params += [_iso(after[0]), int(after[1])]
        order = "estimated_close_date, id"
        rows = _card_rows(index, stage, where + keyset, params + keyset_params, order, limit + 1)
    # A close-date filter leaves no undated cards to show.
    if len(rows) <= limit and f.close is None:
        keyset = ["estimated_close_date IS NULL"]
        keyset_params = []
        if after is not None and after[0] is None:
            keyset.append("id > ?")
            keyset_params.append(int(after[1]))
        wanted = limit + 1 - len(rows)
        rows += _card_rows(index, stage, where + keyset, params + keyset_params, "id", wanted)
    more = len(rows) > limit
    rows = _marked(rows[:limit])
    return CardPage(rows, [card_key(r) for r in rows], more)


def card(opportunity_id: int, f: BoardFilter) -> tuple[str, CardRow] | None:
    """The stage and card of one open opportunity, as `cards` pages it under
    the filter `f`; None when the board does not show it (closed, another
    owner's, outside the close dates, or not readable)."""
    where, params = _where(f)
    conditions = " AND ".join(["id = ?", "state = 'open'", *where])
    if f.close is not None:
        # as in `cards`: a close-date filter shows no undated cards
        conditions += " AND estimated_close_date IS NOT NULL"
    ids = f"SELECT id, estimated_close_date, stage FROM opportunity WHERE {conditions}"
    sql = f"SELECT p.stage AS stage, {_CARD_COLUMNS} FROM ({ids}) AS p {_JOINED}"
    rows = dict_rows(sql, [opportunity_id, *params])
    if not rows:
        return None
    row = _marked(rows)[0]
    return row.pop("stage"), row


def card_key(row: CardRow) -> tuple:
    """A card's key in its column: what `after` takes, what `key_order` sorts."""
    return (row["estimated_close_date"], row["id"])


def key_order(key: tuple) -> tuple:
    """A card key as a value that sorts the way the columns page: dated cards
    by date, then the undated ones, each by id."""
    day, opportunity_id = key
    return (day is None, "" if day is None else _iso(day), int(opportunity_id))


def _marked(rows: list[dict]) -> list[dict]:
    today = dates.today().isoformat()
    for row in rows:
        day = row["estimated_close_date"]
        row["overdue"] = day is not None and _iso(day) < today
    return rows


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _card_rows(
    index: str, stage: str, where: list[str], params: list, order: str, limit: int
) -> list[dict]:
    # The page's ids come from the covering index alone; only they are joined
    # to their names, owners and customers.
    conditions = " AND ".join(["state = 'open'", "stage = ?", *where])
    ids = (
        f"SELECT id, estimated_close_date FROM opportunity INDEXED BY {index} WHERE {conditions} "
        f"ORDER BY {order} LIMIT ?"
    )
    sql = (
        f"SELECT {_CARD_COLUMNS} FROM ({ids}) AS p {_JOINED} ORDER BY p.estimated_close_date, p.id"
    )
    return dict_rows(sql, [stage, *params, limit])
