"""Keyset paging for lists: `WHERE (sort, id) > (?, ?)`, never OFFSET, never a
whole table in memory. With a filter, rows come from the FTS index ranked
by bm25 and page by (rank, id)."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm_tui.db import dict_rows
from crm_tui.services import search


@dataclass(frozen=True)
class Sort:
    expr: str  # SQL expression of the sort column (qualified)
    descending: bool = False


@dataclass(frozen=True)
class ListSpec:
    """How one record kind is listed."""

    kind: str
    table: str  # "account a"
    columns: str  # the SELECT list (must include a.id AS id)
    joins: str
    views: dict[str, str]  # name -> WHERE fragment; may use :me
    sorts: dict[str, Sort]


@dataclass
class Page:
    rows: list[dict]
    # True when more rows exist beyond the last (or before the first) row.
    more_after: bool = False
    more_before: bool = False
    keys: list[tuple] = field(default_factory=list)


def fetch_page(
    spec: ListSpec,
    *,
    view: str,
    sort: str,
    me: int,
    query: str | None = None,
    after: tuple | None = None,
    before: tuple | None = None,
    last: bool = False,
    limit: int = 100,
    inclusive: bool = False,
) -> Page:
    """One page of `spec`'s rows: the first, the one after/before a row's key
    (`inclusive` starts at that row itself), or the last. Each row's key is in
    `page.keys` for the next call."""
    alias = spec.table.split()[1]
    where = [spec.views[view].replace(":me", str(int(me)))]
    params: list = []
    joins = spec.joins
    fts = search.query_for(query)
    if fts is not None:
        key_expr = search.rank_expr(spec.kind)
        descending = False
        joins = f"JOIN {spec.kind}_fts ON {spec.kind}_fts.rowid = {alias}.id " + joins
        where.append(search.match_sql(spec.kind))
        params.append(fts)
    else:
        chosen = spec.sorts[sort]
        key_expr, descending = chosen.expr, chosen.descending

    backwards = before is not None or last
    cursor = after if after is not None else before
    # Walking backwards flips the order; rows are reversed again below.
    flip = descending != backwards
    if cursor is not None:
        op = ("<" if flip else ">") + ("=" if inclusive else "")
        where.append(f"({key_expr}, {alias}.id) {op} (?, ?)")
        params += list(cursor)
    order = "DESC" if flip else "ASC"
    sql = (
        f"SELECT {spec.columns}, {key_expr} AS _key FROM {spec.table} {joins} "
        f"WHERE {' AND '.join(f'({w})' for w in where)} "
        f"ORDER BY {key_expr} {order}, {alias}.id {order} LIMIT ?"
    )
    params.append(limit + 1)
    rows = dict_rows(sql, params)
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    keys = [(r.pop("_key"), r["id"]) for r in rows]
    if backwards:
        return Page(rows, more_after=before is not None, more_before=more, keys=keys)
    return Page(rows, more_after=more, more_before=after is not None, keys=keys)
