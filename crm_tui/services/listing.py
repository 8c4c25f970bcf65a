"""Keyset paging for lists: `WHERE (sort, id) > (?, ?)`, never OFFSET, never a
whole table in memory. With a filter, rows come from the FTS index ranked
by bm25 and page by (rank, id).

A filtered page ranks the matches inside the FTS index first (a materialized
CTE ordered by rank, id) and only then joins the record table, so the record,
its owner and the other joined rows are read for the rows shown (plus the
ones the view filters out on the way), not for every match: a short prefix
matches a large part of a big table."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm_tui.db import dict_rows
from crm_tui.errors import DomainError
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
    fts = search.query_for(query)
    if fts is not None:
        key_expr, id_expr, descending = "_r.rank_key", "_r.rid", False
    else:
        chosen = spec.sorts[sort]
        key_expr, id_expr, descending = chosen.expr, f"{alias}.id", chosen.descending

    backwards = before is not None or last
    cursor = after if after is not None else before
    # Walking backwards flips the order; rows are reversed again below.
    flip = descending != backwards
    if cursor is not None:
        op = ("<" if flip else ">") + ("=" if inclusive else "")
        where.append(f"({key_expr}, {id_expr}) {op} (?, ?)")
        params += list(cursor)
    order = "DESC" if flip else "ASC"
    select = f"SELECT {spec.columns}, {key_expr} AS _key"
    if fts is not None:
        # Rank inside the index, then walk the ranked ids in order (CROSS JOIN
        # keeps them the outer loop, so the ORDER BY needs no sort of its own)
        # and stop at the LIMIT.
        ranked = (
            f"WITH _r AS MATERIALIZED (SELECT rowid AS rid, {search.rank_expr(spec.kind)} "
            f"AS rank_key FROM {spec.kind}_fts WHERE {search.match_sql(spec.kind)} "
            f"ORDER BY rank_key {order}, rid {order}) "
        )
        source = f"{ranked}{select} FROM _r CROSS JOIN {spec.table} ON {alias}.id = _r.rid"
        params.insert(0, fts)
    else:
        source = f"{select} FROM {spec.table}"
    sql = (
        f"{source} {spec.joins} "
        f"WHERE {' AND '.join(f'({w})' for w in where)} "
        f"ORDER BY {key_expr} {order}, {id_expr} {order} LIMIT ?"
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


def page_of(spec: ListSpec, *, view: str = "active", sort: str = "name", **options) -> Page:
    """`fetch_page` for the signed-in user, refusing an unknown view or sort."""
    from crm_tui.services import session

    if view not in spec.views:
        raise DomainError(f"unknown view {view!r}; choose one of {', '.join(spec.views)}")
    if sort not in spec.sorts:
        raise DomainError(f"unknown sort {sort!r}; choose one of {', '.join(spec.sorts)}")
    return fetch_page(spec, view=view, sort=sort, me=session.current_user().id, **options)
