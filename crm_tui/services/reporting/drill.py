"""The records behind a report's or a tile's number: any kind's records a
query finds (the same conditions and access the report counted with),
newest first, a page at a time by keyset, with the fields its list shows
(lookups by name)."""

from __future__ import annotations

from crm_tui import meta
from crm_tui.db import database, dict_rows
from crm_tui.meta import Attribute, AttributeType
from crm_tui.services import records
from crm_tui.services.listing import Page
from crm_tui.services.reporting.engine import source_sql
from crm_tui.services.reporting.spec import Spec

MAX_COLUMNS = 6


def columns(kind_name: str) -> list[Attribute]:
    """The fields a drill-down shows: the record's number and name, then
    what its list shows by default."""
    kind = meta.kind(kind_name)
    first = [kind.attribute(n) for n in (kind.number, kind.title) if n]
    rest = [a for a in kind.listed if a not in first and a.type is not AttributeType.MEMO]
    return (first + rest)[:MAX_COLUMNS]


def count(kind_name: str, query: str) -> int:
    """How many records the query finds that the person may read."""
    table, where, params = source_sql(Spec(kind_name, query=query))
    return int(database.execute_sql(f"SELECT count(*) FROM {table} WHERE {where}", params)
               .fetchone()[0])  # fmt: skip


def page(
    kind_name: str, query: str, *, after: tuple | None = None, before: tuple | None = None,
    last: bool = False, limit: int = 100, inclusive: bool = False,
) -> Page:  # fmt: skip
    """One page of the records, newest first (by id): the first, the one
    after or before a row's key, or the last."""
    shown = columns(kind_name)
    table, where, params = source_sql(Spec(kind_name, query=query))
    select = ", ".join(["r.id AS id"] + [f'r."{a.key}" AS "{a.key}"' for a in shown])
    if after is not None:
        where += f" AND r.id {'<=' if inclusive else '<'} ?"
        params = [*params, after[0]]
    elif before is not None:
        where += " AND r.id > ?"
        params = [*params, before[0]]
    backwards = before is not None or last
    order = "ASC" if backwards else "DESC"
    rows = dict_rows(
        f"SELECT {select} FROM {table} WHERE {where} ORDER BY r.id {order} LIMIT ?",
        [*params, limit + 1],
    )
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    for attribute in shown:
        if attribute.type is AttributeType.LOOKUP and attribute.target:
            names = records.titles_of(attribute.target, [r[attribute.key] for r in rows])
            for row in rows:
                row[attribute.key] = names.get(row[attribute.key], "")
    keys = [(row["id"],) for row in rows]
    if backwards:
        return Page(rows, more_after=before is not None, more_before=more, keys=keys)
    return Page(rows, more_after=more, more_before=after is not None, keys=keys)
