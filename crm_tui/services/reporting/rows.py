"""A report's rows and their arithmetic: the measures' columns, a group's
values from its sums, counts, minima and maxima, and groups added together
(subtotals, totals, Others) exactly: counts and sums added, the least
minimum, the greatest maximum, an average as the sum over the count of
values present."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from crm_tui import meta
from crm_tui.meta import AttributeType
from crm_tui.services.reporting.spec import FUNCTIONS, Measure, Spec

T = AttributeType


@dataclass(frozen=True)
class Column:
    """A measure's column: its heading and how its values read (count,
    number, or money with its decimals)."""

    measure: Measure
    heading: str
    unit: str  # "count", "number", "money"
    digits: int = 0


@dataclass
class Row:
    """One group: its keys as stored (None: empty), what a person reads for
    them, the measures' values, the records in it and its currency (amounts
    in one currency only)."""

    keys: tuple
    labels: tuple[str, ...]
    values: tuple
    count: int
    currency: str = ""
    others: bool = False  # the groups past `top`, as one row
    kept: tuple = ()  # on that row: the first-level keys shown before it
    # sums, counts of values present, minima and maxima per measured field
    parts: dict = field(default_factory=dict, repr=False)


def columns_of(spec: Spec) -> tuple[Column, ...]:
    kind = meta.kind(spec.kind)
    out = []
    for measure in spec.measures:
        if measure.function == "count":
            out.append(Column(measure, f"Count of {kind.plural.lower()}", "count"))
            continue
        attribute = kind.attribute(measure.attribute)
        money = attribute.type is T.MONEY
        digits = attribute.money.minor_digits if money and attribute.money else (2 if money else 0)
        heading = f"{FUNCTIONS[measure.function]} of {attribute.label.lower()}"
        out.append(Column(measure, heading, "money" if money else "number", digits))
    return tuple(out)


def value_of(column: Column, parts: dict, count: int):
    """A measure's value from a group's sums, counts, minima and maxima."""
    measure = column.measure
    if measure.function == "count":
        return count
    total, present, low, high = parts[measure.attribute]
    if measure.function == "avg":
        if not present:
            return None
        mean = Decimal(total) / Decimal(present)
        value = mean.scaleb(-column.digits) if column.unit == "money" else mean
        return value.quantize(Decimal(1).scaleb(-max(column.digits, 2)), ROUND_HALF_UP)
    raw = {"sum": total if present else None, "min": low, "max": high}[measure.function]
    if raw is None:
        return None if measure.function != "sum" else zero(column)
    raw = int(raw)
    return Decimal(raw).scaleb(-column.digits) if column.unit == "money" else raw


def zero(column: Column):
    return Decimal(0).scaleb(-column.digits) if column.unit == "money" else 0


def combine(rows: list[Row], fields: list[str]) -> tuple[dict, int]:
    """The parts and count of several rows together: sums and counts
    added, the least minimum and the greatest maximum."""
    parts = {}
    for name in fields:
        total = present = 0
        low = high = None
        for row in rows:
            s, c, lo, hi = row.parts[name]
            total += int(s or 0)
            present += int(c or 0)
            if lo is not None:
                low = int(lo) if low is None else min(low, int(lo))
            if hi is not None:
                high = int(hi) if high is None else max(high, int(hi))
        parts[name] = (total, present, low, high)
    return parts, sum(row.count for row in rows)


def made(columns, keys, shown, parts, count, currency="", others=False) -> Row:
    values = tuple(value_of(c, parts, count) for c in columns)
    return Row(keys, shown, values, count, currency, others, parts=parts)
