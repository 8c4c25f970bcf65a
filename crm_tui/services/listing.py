"""Keyset paging for lists: `WHERE (sort, id) > (?, ?)`, never OFFSET, never a
whole table in memory. With a filter, rows come from the FTS index ranked
by bm25 and page by (rank, id).

A short prefix matches a large part of a big table, so a filtered page never
joins the display rows (owner, account ...) for every match: in a broad view
the matches are ranked inside the FTS index first and records are read for
the page only; in a narrow view each match's record is read to filter it and
only the survivors are ranked (see ListSpec.broad_views)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from crm_tui import meta
from crm_tui.db import dict_rows, is_postgres
from crm_tui.errors import DomainError, QueryError
from crm_tui.services import access, search

if TYPE_CHECKING:
    from crm_tui.services.query.compile import AskedSort


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
    # Views that keep most rows: a filtered page of these ranks every match
    # first and reads records for the page only; other views read each
    # match's record first and rank only those that pass.
    broad_views: frozenset[str] = frozenset({"active", "all"})
    # Unfiltered pages pick the page's ids (and sort keys) first and join the
    # display rows for those alone: a sort no index walks in order then sorts
    # index entries, not joined rows. Views and sorts may then use only the
    # table's own columns.
    join_after_paging: bool = False
    # The paging query's FROM in that case, when it must name its index
    # ("opportunity o INDEXED BY ..."); empty: `table`.
    page_table: str = ""
    # A kind without a full-text index: the condition one free word puts on
    # a row (its one `?` takes "%word%"), within the view's rows.
    word_sql: str = ""


# The row type of a page: a service's TypedDict (Page[ContactRow]).
RowT = TypeVar("RowT")


@dataclass
class Page(Generic[RowT]):
    rows: list[RowT]
    # True when more rows exist beyond the last (or before the first) row.
    more_after: bool = False
    more_before: bool = False
    keys: list[tuple] = field(default_factory=list)
    # False when a filter matched too many rows to rank: newest first instead.
    ranked: bool = True


@dataclass(frozen=True)
class _NothingAsked:
    where: tuple = ()
    params: tuple = ()
    words: None = None
    sort: None = None
    drivers: tuple = ()


_NOTHING_ASKED = _NothingAsked()

# bm25 costs a few microseconds a match: a one-letter prefix on a million
# contacts matches over half of them, far past any keystroke budget, and
# ranking that many near-equal hits tells a person nothing. Past this many
# matches a filtered list shows the newest matches first (streamed from the
# index, every match still reachable by scrolling) until the query narrows.
RANK_LIMIT = 5000
NEWEST = "newest"


def too_many_to_rank(kind: str, fts: str) -> bool:
    """Whether the FTS query `fts` matches more than RANK_LIMIT rows of `kind`."""
    return search.count_matches(kind, fts, RANK_LIMIT + 1) > RANK_LIMIT


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
    spec = _with_custom_columns(spec, alias)
    where = [spec.views[view].replace(":me", str(int(me)))]
    readable = access.read_filter(spec.kind, f"{alias}.owner_id")
    if readable:
        where.append(readable)
    # the query language: conditions join the view's, free words are searched
    # (read when there is a query: an unfiltered page, a first frame, needs none)
    if query:
        from crm_tui.services.query import compile_query

        asked = compile_query(spec.kind, alias, query, spec.word_sql)
    else:
        asked = _NOTHING_ASKED
    where += asked.where
    params: list = list(asked.params)
    fts = search.query_for(asked.words)
    if fts is not None and asked.sort is not None:
        # sorted as asked: the words only filter, nothing is ranked
        where.append(f"{alias}.id IN ({search.matches_sql(spec.kind)})")
        params.append(search.match_param(spec.kind, fts))
        fts = None
    if fts is not None:
        cursor = after if after is not None else before
        # A cursor keeps the order its page was read in, even if the match
        # count crossed the limit meanwhile.
        newest = cursor[0] == NEWEST if cursor is not None else too_many_to_rank(spec.kind, fts)
        if newest:
            return _newest_matches(spec, where, params, fts, after, before, last, limit, inclusive)
    broad = fts is not None and view in spec.broad_views
    if fts is None:
        chosen = _asked_sort(spec, asked.sort) if asked.sort is not None else spec.sorts[sort]
        key_expr, id_expr, descending = chosen.expr, f"{alias}.id", chosen.descending
    elif broad:
        key_expr, id_expr, descending = "_r.rank_key", "_r.rid", False
    else:
        key_expr, id_expr, descending = search.rank_expr(spec.kind), f"{alias}.id", False

    table = spec.page_table or spec.table if spec.join_after_paging else spec.table
    if fts is None and asked.drivers:
        driven = _driven_from(asked.drivers[0], spec, alias)
        if driven is not None:
            table, driver_params = driven
            params = [*driver_params, *params]
    backwards = before is not None or last
    cursor = after if after is not None else before
    # Walking backwards flips the order; rows are reversed again below.
    flip = descending != backwards
    if cursor is not None:
        op = ("<" if flip else ">") + ("=" if inclusive else "")
        where.append(f"({key_expr}, {id_expr}) {op} (?, ?)")
        params += list(cursor)
    order = "DESC" if flip else "ASC"
    conditions = " AND ".join(f"({w})" for w in where)
    select = f"SELECT {spec.columns}, {key_expr} AS _key"
    fts_table = f"{spec.kind}_fts"
    if fts is None and spec.join_after_paging:
        page = (
            f"SELECT {alias}.id AS id, {key_expr} AS _key FROM {table} "
            f"WHERE {conditions} "
            f"ORDER BY {key_expr} {order}, {id_expr} {order} LIMIT ?"
        )
        sql = (
            f"SELECT {spec.columns}, _p._key AS _key FROM ({page}) AS _p "
            f"CROSS JOIN {spec.table} ON {alias}.id = _p.id {spec.joins} "
            f"ORDER BY _p._key {order}, _p.id {order}"
        )
    elif fts is None:
        sql = (
            f"{select} FROM {table} {spec.joins} WHERE {conditions} "
            f"ORDER BY {key_expr} {order}, {id_expr} {order} LIMIT ?"
        )
    elif broad:
        # Most matches pass the view: rank every match inside the index, then
        # walk the ranked ids in order (CROSS JOIN keeps them the outer loop,
        # so the ORDER BY needs no sort of its own), reading the record and
        # its joined rows only until the page is full.
        ranked = (
            f"SELECT rowid AS rid, {search.rank_expr(spec.kind)} AS rank_key "
            f"FROM {search.fts_from(spec.kind)} WHERE {search.match_sql(spec.kind)} "
            f"ORDER BY rank_key {order}, rid {order}"
        )
        # PostgreSQL joins in any order and sees no CTE's order: it would join
        # every match to the whole table, then sort. A sorted subquery in FROM
        # is planned apart and its order is known outside, so the join walks
        # it and stops at the page.
        if is_postgres():
            with_ranked, ranked_from = "", f"({ranked}) AS _r"
        else:
            with_ranked, ranked_from = f"WITH _r AS MATERIALIZED ({ranked}) ", "_r"
        sql = (
            f"{with_ranked}{select} FROM {ranked_from} "
            f"CROSS JOIN {spec.table} ON {alias}.id = _r.rid {spec.joins} "
            f"WHERE {conditions} ORDER BY {key_expr} {order}, {id_expr} {order} LIMIT ?"
        )
    else:
        # A narrow view (mine, inactive): filter each match by its record
        # first, so only the rows that pass are ranked, and join the display
        # rows (owner, account ...) for the page alone.
        page = (
            f"SELECT {alias}.id AS id, {key_expr} AS _key FROM {search.fts_from(spec.kind)} "
            f"CROSS JOIN {spec.table} ON {alias}.id = {fts_table}.rowid "
            f"WHERE ({search.match_sql(spec.kind)}) AND {conditions} "
            f"ORDER BY _key {order}, {alias}.id {order} LIMIT ?"
        )
        sql = (
            f"SELECT {spec.columns}, _p._key AS _key FROM ({page}) AS _p "
            f"CROSS JOIN {spec.table} ON {alias}.id = _p.id {spec.joins} "
            f"ORDER BY _p._key {order}, _p.id {order}"
        )
    if fts is not None:
        params.insert(0, search.match_param(spec.kind, fts))
    return _read_page(sql, params, limit, after, before, last)


def _with_custom_columns(spec: ListSpec, alias: str) -> ListSpec:
    """`spec` selecting its kind's custom fields too (cf_<name> AS cf_<name>),
    so that a view can show them as columns."""
    from crm_tui.services import custom_defs

    custom_defs.current()
    custom = [a.name for a in meta.kind(spec.kind).attributes if a.custom]
    if not custom:
        return spec
    extra = "".join(f', {alias}."{name}" AS "{name}"' for name in custom)
    return replace(spec, columns=spec.columns + extra)


# A condition on a searchable custom field drives the page from its own
# index when it holds at most this many records (sorting them is cheap);
# more, and the list's order is walked as for any condition.
DRIVEN_AT_MOST = 5000


def _driven_from(driver: tuple[str, list], spec: ListSpec, alias: str):
    """(FROM clause, its params) reading `spec`'s table through the records
    `driver` selects, or None when it selects too many for that to pay."""
    sql, params = driver
    counted = dict_rows(
        f"SELECT count(*) AS n FROM ({sql} LIMIT {DRIVEN_AT_MOST + 1}) AS _c", params
    )[0]["n"]
    if counted > DRIVEN_AT_MOST:
        return None
    # CROSS JOIN: SQLite keeps the few matches as the outer loop
    return f"({sql}) AS _m CROSS JOIN {spec.table} ON {alias}.id = _m.mid", list(params)


def _asked_sort(spec: ListSpec, asked: AskedSort) -> Sort:
    """The list's own sort on the column `sort:` asked for, in the direction
    asked: only those have indexes to walk on a big table."""
    from crm_tui.services.query.compile import sort_column

    alias = spec.table.split()[1]

    def own_sort(column: str) -> Sort | None:
        named = re.compile(rf"(?<![\w.]){re.escape(f'{alias}.{column}')}(?!\w)")
        return next((s for s in spec.sorts.values() if named.search(s.expr)), None)

    found = own_sort(asked.column)
    if found is not None:
        return Sort(found.expr, asked.descending)
    kind = meta.kind(spec.kind)
    sortable = [a.name for a in kind.attributes if own_sort(sort_column(kind, a))]
    raise QueryError(
        f"{kind.plural.lower()} cannot be sorted by {asked.label.lower()} here; "
        f"by {', '.join(sortable)}",
        asked.position,
    )


def _read_page(sql, params, limit, after, before, last, *, ranked=True) -> Page:
    """Run a page query (it asks for limit + 1 rows, in reverse when walking
    backwards) and turn the rows into a Page in display order."""
    backwards = before is not None or last
    rows = dict_rows(sql, [*params, limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    keys = [(r.pop("_key"), r["id"]) for r in rows]
    if backwards:
        return Page(rows, before is not None, more, keys, ranked)
    return Page(rows, more, after is not None, keys, ranked)


def _newest_matches(spec, where, where_params, fts, after, before, last, limit, inclusive) -> Page:
    """A filtered page for a query with too many matches to rank: matches by
    descending id, streamed from the index and stopped at the page."""
    alias = spec.table.split()[1]
    fts_table = f"{spec.kind}_fts"
    backwards = before is not None or last
    cursor = after if after is not None else before
    params: list = [search.match_param(spec.kind, fts), *where_params]
    conditions = [search.unranked_match_sql(spec.kind), *where]
    if cursor is not None:
        op = (">" if backwards else "<") + ("=" if inclusive else "")
        conditions.append(f"{fts_table}.rowid {op} ?")
        params.append(cursor[1])
    order = "ASC" if backwards else "DESC"
    sql = (
        f"SELECT {spec.columns}, '{NEWEST}' AS _key FROM {fts_table} "
        f"CROSS JOIN {spec.table} ON {alias}.id = {fts_table}.rowid {spec.joins} "
        f"WHERE {' AND '.join(f'({c})' for c in conditions)} "
        f"ORDER BY {fts_table}.rowid {order} LIMIT ?"
    )
    return _read_page(sql, params, limit, after, before, last, ranked=False)


def page_of(spec: ListSpec, *, view: str = "active", sort: str = "name", **options) -> Page:
    """`fetch_page` for the signed-in user, refusing an unknown view or sort."""
    from crm_tui.services import session

    if view not in spec.views:
        raise DomainError(f"unknown view {view!r}; choose one of {', '.join(spec.views)}")
    if sort not in spec.sorts:
        raise DomainError(f"unknown sort {sort!r}; choose one of {', '.join(spec.sorts)}")
    return fetch_page(spec, view=view, sort=sort, me=session.current_user().id, **options)
