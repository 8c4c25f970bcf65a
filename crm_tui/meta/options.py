"""Option sets' values: the code stored and the words a person reads. Both
attributes (option sets) and state machines (states, reasons) are built of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """One value of an option set: the code stored in the database and the
    words a person reads."""

    code: str
    label: str


def options(labels: dict[str, str]) -> tuple[Option, ...]:
    """Options from {code: label}, in the dict's order (the display order)."""
    return tuple(Option(code, label) for code, label in labels.items())
