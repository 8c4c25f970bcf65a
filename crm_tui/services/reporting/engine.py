"""A report run: one grouped query in SQL over the records the person may
read, its rows with exact totals.

Everything is counted by the database (`GROUP BY`, count, sum, min, max),
never over rows fetched into Python. Money stays in integer minor units
until it becomes a Decimal; an average is a sum divided by a count of the
values present, so a total's average is the average of every record, not of
the groups' averages. Records whose field is empty make a group of their
own. Amounts in different currencies (quotes, orders, invoices) are never
added together: each currency has its own rows and total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crm_tui import meta
from crm_tui.db import database
from crm_tui.meta import AttributeType
from crm_tui.services import access, dates, query, search
from crm_tui.services.query.compile import column_sql
from crm_tui.services.reporting import buckets, labels, rows
from crm_tui.services.reporting.rows import Column, Row
from crm_tui.services.reporting.spec import Spec, check, is_date

T = AttributeType
ALIAS = "r"
OTHERS = "Others"


@dataclass
class Result:
    spec: Spec
    group_headings: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: list[Row]
    subtotals: dict[tuple, Row]  # (first key, currency) -> its subtotal (two groupings)
    totals: list[Row]  # one per currency (one row, currency "", when none apply)
    zone: str = ""

    def drill(self, row: Row, depth: int | None = None) -> str:
        """The filter-language query of the records behind `row` (its first
        `depth` keys): the report's own query and one condition per key."""
        return labels.drill_query(self.spec, row, depth or len(row.keys))


def _measured(spec: Spec) -> list[str]:
    seen: list[str] = []
    for measure in spec.measures:
        if measure.attribute and measure.attribute not in seen:
            seen.append(measure.attribute)
    return seen


def _group_sql(kind: meta.Kind, grouping, zone) -> str:
    attribute = kind.attribute(grouping.attribute)
    column = column_sql(ALIAS, attribute)
    if is_date(attribute):
        day = buckets.local_day_sql(column, attribute.type is T.DATETIME, zone)
        return buckets.period_sql(day, grouping.bucket)
    return column


def readable_sql(kind_name: str, alias: str = ALIAS) -> str:
    """The access condition on `kind_name`'s rows (a case waiting in a queue
    is anyone's who may read cases)."""
    kind = meta.kind(kind_name)
    if not kind.owned:
        return ""
    unowned = f"{alias}.assigned = 0" if kind_name == "case" else ""
    return access.read_filter(kind_name, f"{alias}.owner_id", unowned=unowned)


def source_sql(spec: Spec, alias: str = ALIAS) -> tuple[str, str, list]:
    """(FROM clause, WHERE conditions, params) of the records the report
    counts: the kind's table, its query, the person's access."""
    kind = meta.kind(spec.kind)
    table = f'"{kind.model._meta.table_name}" {alias}'
    where, params = [], []
    readable = readable_sql(spec.kind, alias)
    if readable:
        where.append(readable)
    if spec.query:
        compiled = query.compile_query(spec.kind, alias, spec.query)
        where += compiled.where
        params += compiled.params
        fts = search.query_for(compiled.words)
        if fts is not None:
            where.append(f"{alias}.id IN ({search.matches_sql(spec.kind)})")
            params.append(search.match_param(spec.kind, fts))
    return table, " AND ".join(f"({w})" for w in where) or "TRUE", params


def sql_of(spec: Spec, zone: dt.tzinfo) -> tuple[str, list, list[str], bool]:
    """The grouped statement of a checked spec, its params, the measured
    fields (each selected as sum, count, min, max) and whether rows are
    split by currency."""
    kind = meta.kind(spec.kind)
    selects = [f"{_group_sql(kind, g, zone)} AS g{i}" for i, g in enumerate(spec.groups)]
    fields = _measured(spec)
    by_currency = (
        bool(fields)
        and kind.has_attribute("currency")
        and any(kind.attribute(f).type is T.MONEY for f in fields)
    )
    if by_currency:
        selects.append(f"{ALIAS}.currency AS cur")
    keys = len(selects)
    selects.append("count(*) AS n")
    for index, name in enumerate(fields):
        column = column_sql(ALIAS, kind.attribute(name))
        selects += [
            f"sum({column}) AS s{index}",
            f"count({column}) AS c{index}",
            f"min({column}) AS lo{index}",
            f"max({column}) AS hi{index}",
        ]
    table, where, params = source_sql(spec)
    sql = f"SELECT {', '.join(selects)} FROM {table} WHERE {where}"
    if keys:
        sql += " GROUP BY " + ", ".join(str(i + 1) for i in range(keys))
    return sql, params, fields, by_currency


def run(spec: Spec, *, zone: dt.tzinfo | None = None) -> Result:
    """Run a report: ValidationError for a spec that cannot be run (each
    part named), QueryError for its query; the database's own errors as
    they come (a cancelled run: the engine's interruption)."""
    spec = check(spec)
    zone = zone or dates.configured_zone()
    sql, params, fields, by_currency = sql_of(spec, zone)
    cursor = database.execute_sql(sql, params)
    depth = len(spec.groups)
    columns = rows.columns_of(spec)
    leaves: list[Row] = []
    for record in cursor.fetchall():
        keys = tuple(record[:depth])
        currency = (record[depth] or "") if by_currency else ""
        at = depth + (1 if by_currency else 0)
        count = int(record[at])
        parts = {}
        for index, name in enumerate(fields):
            s, c, lo, hi = record[at + 1 + 4 * index : at + 5 + 4 * index]
            parts[name] = (int(s or 0), int(c or 0), lo, hi)
        leaves.append(rows.made(columns, keys, (), parts, count, currency))
    leaves = labels.fill_periods(spec, leaves, fields)
    labels.name_rows(spec, leaves)
    leaves = labels.ordered(spec, leaves)
    leaves = _top(spec, columns, leaves, fields)
    currencies = sorted({row.currency for row in leaves if row.count or depth}) or [""]
    totals = []
    for currency in currencies:
        mine = [row for row in leaves if row.currency == currency]
        parts, count = rows.combine(mine, fields)
        totals.append(rows.made(columns, (), ("Total",), parts, count, currency))
    subtotals: dict[tuple, Row] = {}
    if depth == 2:
        for row in leaves:
            subtotals.setdefault((row.keys[0], row.currency), None)
        for first, currency in list(subtotals):
            mine = [r for r in leaves if r.keys[0] == first and r.currency == currency]
            parts, count = rows.combine(mine, fields)
            others = any(r.others for r in mine)
            subtotal = rows.made(
                columns, (first,), (mine[0].labels[0],), parts, count, currency, others
            )
            subtotal.kept = mine[0].kept
            subtotals[(first, currency)] = subtotal
    headings = tuple(
        meta.kind(spec.kind).attribute(g.attribute).label + (f" ({g.bucket})" if g.bucket else "")
        for g in spec.groups
    )
    shown = leaves if depth else []  # without groups, the totals are the report
    return Result(spec, headings, columns, shown, subtotals, totals, getattr(zone, "key", ""))


def _top(spec: Spec, columns, leaves: list[Row], fields) -> list[Row]:
    """The first `top` first-level groups, the rest as one row per
    second-level key (and currency) labelled Others."""
    if not spec.top or not spec.groups:
        return leaves
    firsts: list = []
    for row in leaves:
        if row.keys[0] not in firsts:
            firsts.append(row.keys[0])
    if len(firsts) <= spec.top:
        return leaves
    kept = set(firsts[: spec.top])
    out = [row for row in leaves if row.keys[0] in kept]
    rest: dict[tuple, list[Row]] = {}
    for row in leaves:
        if row.keys[0] not in kept:
            rest.setdefault((row.keys[1:], row.currency), []).append(row)
    for (tail, currency), gathered in rest.items():
        parts, count = rows.combine(gathered, fields)
        row = rows.made(columns, (OTHERS, *tail), (OTHERS, *gathered[0].labels[1:]), parts, count,
                    currency, True)  # fmt: skip
        row.kept = tuple(firsts[: spec.top])
        out.append(row)
    return out
