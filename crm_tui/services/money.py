"""Money: integer minor units in the database, Decimal everywhere else (for
reading it, see crm_tui.display.money)."""

from __future__ import annotations

from decimal import Decimal


def to_decimal(minor: int | None, precision: int = 2) -> Decimal | None:
    if minor is None:
        return None
    return Decimal(minor).scaleb(-precision)


def plain(minor: int | None, precision: int = 2) -> str:
    """For an input field: 1250000.00 (no grouping)."""
    value = to_decimal(minor, precision)
    return "" if value is None else f"{value:.{precision}f}"
