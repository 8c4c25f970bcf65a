"""A date field as every form and modal has it: it takes the phrases
dates.parse_day reads (fri, +3d, tomorrow, 27 Nov, 2026-12-01), shows them
while it is empty, and under it the day the typed text means.

The service reads the same text with dates.read_day when the form is
saved, so what the note promised is what is stored."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from crm_tui import display
from crm_tui.errors import ValidationError
from crm_tui.services import dates
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column


def date_spec(
    name: str, label: str, *, required: bool = False, past: bool = False, empty: str = ""
) -> FieldSpec:
    """A date field; `past` for a day that cannot be in the future (a weekday
    then means the last one), `empty` says what leaving it empty means."""
    # with what empty means the hint is shorter, to fit a modal at 80 columns
    hint = f"fri · +3d · 2026-12-01 · empty: {empty}" if empty else dates.DAY_HINT

    def read(typed: str) -> tuple[bool, str]:
        try:
            day = dates.parse_day(typed, dates.today(), field=name, past=past)
        except ValidationError as exc:
            return False, exc.errors[name]
        return True, f"→ {display.day(day)}"

    return FieldSpec(name, label, "date", placeholder=hint, required=required, read=read)


def shown(value) -> str:
    """A stored day as its field shows it, in the user's date format."""
    return display.day(value) if value else ""


def day_column(
    key: str, label: str, render: Callable[[dict], Text] | None = None, **kwargs
) -> Column:
    """A list's column of days, wide enough for every day display.day gives."""
    render = render or (lambda row: Text(display.day(row.get(key))))
    return Column(key, label, display.DAY_WIDTH, render, keep_width=True, **kwargs)
