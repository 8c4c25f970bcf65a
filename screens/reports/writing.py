"""Report and tile values as a person reads them: counts and amounts with
thousands separators, percentages, moments in the person's zone."""

from __future__ import annotations

from decimal import Decimal

from crm_tui import display


def write(value: object, unit: str) -> str:
    """`value` of `unit` (count, number, money, percent, moment, text) as
    text; "–" for no value. "short:money" writes a large amount in
    thousands or millions (a headline: its rows below are exact)."""
    if unit.startswith("short:"):
        unit = unit[6:]
        if unit == "money" and isinstance(value, Decimal) and abs(value) >= 10_000:
            return _short(value)
    if unit == "text":
        return "" if value is None else str(value)
    if value is None:
        return "–"
    if unit == "moment":
        return display.time(value)
    if unit == "percent":
        return f"{value} %"
    if isinstance(value, Decimal):
        digits = 2 if unit == "money" or value != value.to_integral_value() else 0
        return display.amount(value, precision=digits)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _short(value: Decimal) -> str:
    for size, suffix in ((Decimal(1_000_000_000), "B"), (Decimal(1_000_000), "M"),
                         (Decimal(1_000), "K")):  # fmt: skip
        if abs(value) >= size:
            scaled = value / size
            digits = 2 if abs(scaled) < 10 else 1 if abs(scaled) < 100 else 0
            return f"{scaled:,.{digits}f}{suffix}"
    return f"{value:,.2f}"
