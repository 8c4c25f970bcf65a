"""A report's groups named, ordered and turned back into queries: what a
person reads for each key (an option's label, a record's name, a period),
the order rows come in, the periods with no records filled in, and the
filter-language query of the records behind a row (its drill-down).
"""

from __future__ import annotations

import re

from crm_tui import meta
from crm_tui.meta import AttributeType
from crm_tui.services import records
from crm_tui.services.reporting import buckets
from crm_tui.services.reporting import rows as rows_
from crm_tui.services.reporting.spec import Spec, is_date

T = AttributeType
EMPTY = "(none)"
_PLAIN = re.compile(r"[\w.@+-]+")


def _attribute(spec: Spec, level: int):
    return meta.kind(spec.kind).attribute(spec.groups[level].attribute)


def fill_periods(spec: Spec, rows: list, fields: list[str]) -> list:
    """With one date grouping, the periods between the first and the last
    that have no records, as rows of nothing (per currency)."""
    if not spec.fill or len(spec.groups) != 1 or not is_date(_attribute(spec, 0)):
        return rows
    bucket = spec.groups[0].bucket
    out = list(rows)
    for currency in sorted({row.currency for row in rows}):
        present = {row.keys[0] for row in rows if row.currency == currency}
        keys = sorted(k for k in present if k is not None)
        if len(keys) < 2:
            continue
        for key in buckets.between(keys[0], keys[-1], bucket):
            if key not in present:
                parts = {name: (0, 0, None, None) for name in fields}
                values = tuple(
                    (0 if m.function in ("count", "sum") else None) for m in spec.measures
                )
                out.append(rows_.Row((key,), (), values, 0, currency, parts=parts))
    return _zeros_as_amounts(spec, out)


def _zeros_as_amounts(spec: Spec, rows: list) -> list:
    """A filled period's sum of money is 0.00, as the rows around it."""
    from decimal import Decimal

    kind = meta.kind(spec.kind)
    for row in rows:
        if row.count:
            continue
        values = list(row.values)
        for index, measure in enumerate(spec.measures):
            if measure.function == "sum":
                attribute = kind.attribute(measure.attribute)
                if attribute.type is T.MONEY:
                    digits = attribute.money.minor_digits if attribute.money else 2
                    values[index] = Decimal(0).scaleb(-digits)
        row.values = tuple(values)
    return rows


def _names(spec: Spec, level: int, keys: set) -> dict:
    attribute = _attribute(spec, level)
    present = {k for k in keys if k is not None}
    if attribute.type is T.OPTION_SET:
        by_code = {o.code: o.label for o in attribute.options}
        return {k: by_code.get(k, str(k)) for k in present}
    if attribute.type is T.BOOLEAN:
        return {k: "Yes" if k in (1, True, "1") else "No" for k in present}
    if attribute.type is T.LOOKUP:
        found = records.titles_of(attribute.target, present)
        return {k: found.get(int(k), f"(deleted #{k})") for k in present}
    if is_date(attribute):
        return {k: buckets.label(k, spec.groups[level].bucket) for k in present}
    return {k: str(k) for k in present}


def name_rows(spec: Spec, rows: list) -> None:
    """Give each row what a person reads for its keys."""
    for level in range(len(spec.groups)):
        names = _names(spec, level, {row.keys[level] for row in rows})
        for row in rows:
            key = row.keys[level]
            shown = EMPTY if key is None else names[key]
            row.labels = (*row.labels[:level], shown)


def _rank(spec: Spec, level: int):
    """A row's place by its key at `level`: an option set's own order, dates
    in time, yes before no, names alphabetically; empty last."""
    from crm_tui import text

    attribute = _attribute(spec, level)
    if attribute.type is T.OPTION_SET:
        order = {o.code: i for i, o in enumerate(attribute.options)}

        def by_option(row):
            key = row.keys[level]
            return (key is None, order.get(key, len(order)), str(key))

        return by_option
    if is_date(attribute):
        return lambda row: (row.keys[level] is None, row.keys[level] or "")
    if attribute.type is T.BOOLEAN:
        return lambda row: (row.keys[level] is None, row.keys[level] not in (1, True, "1"))
    return lambda row: (row.keys[level] is None, text.sort_key(row.labels[level]))


def _first_value(row):
    value = row.values[0] if row.values else row.count
    return value if value is not None else -1


def ordered(spec: Spec, rows: list) -> list:
    """The rows in the report's order: by group, or largest first (by the
    first measure; the first level by its groups' total)."""
    depth = len(spec.groups)
    if not depth:
        return rows
    if spec.order == "value":
        fields = sorted({m.attribute for m in spec.measures if m.attribute})
        firsts: dict = {}
        for row in rows:
            firsts.setdefault(row.keys[0], []).append(row)
        weight = {}
        for key, mine in firsts.items():
            parts, count = rows_.combine(mine, fields)
            column = _column_of(spec)
            value = rows_.value_of(column, parts, count)
            weight[key] = value if value is not None else -1
        return sorted(
            rows,
            key=lambda row: (
                -weight[row.keys[0]],
                _rank(spec, 0)(row),
                -_first_value(row) if depth == 2 else 0,
            ),
        )
    rankers = [_rank(spec, level) for level in range(depth)]
    return sorted(rows, key=lambda row: tuple(r(row) for r in rankers) + (row.currency,))


def _column_of(spec: Spec):
    return rows_.columns_of(spec)[0]


def _quoted(value: str) -> str:
    if _PLAIN.fullmatch(value) and not value.endswith("*"):
        return value
    return '"' + value.replace('"', '""') + '"'


def _condition(spec: Spec, level: int, key) -> str:
    attribute = _attribute(spec, level)
    name = attribute.name
    if key is None:
        return f"-has:{name}"
    if attribute.type is T.LOOKUP:
        return f"{name}:#{int(key)}"
    if attribute.type is T.BOOLEAN:
        return f"{name}:{'yes' if key in (1, True, '1') else 'no'}"
    if is_date(attribute):
        return f"{name}:{buckets.query_value(key, spec.groups[level].bucket)}"
    return f"{name}:{_quoted(str(key))}"


def _not_kept(spec: Spec, kept: tuple) -> str:
    attribute = _attribute(spec, 0)
    values = [k for k in kept if k is not None]
    parts = []
    if values:
        conditions = [_condition(spec, 0, k) for k in values]
        # "-name:a,b" keeps what is none of them, empty fields included
        shown = ",".join(c.split(":", 1)[1] for c in conditions)
        parts.append(f"-{attribute.name}:{shown}")
    if None in kept:
        parts.append(f"has:{attribute.name}")
    return " ".join(parts)


def drill_query(spec: Spec, row, depth: int) -> str:
    """The query finding the records counted in `row` (its first `depth`
    keys): the report's query and one condition per key."""
    parts = [spec.query] if spec.query else []
    for level in range(min(depth, len(row.keys))):
        if level == 0 and row.others:
            parts.append(_not_kept(spec, row.kept))
        else:
            parts.append(_condition(spec, level, row.keys[level]))
    if row.currency:
        parts.append(f"currency:{_quoted(row.currency)}")
    return " ".join(p for p in parts if p)
