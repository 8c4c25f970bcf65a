"""An account, contact or lead put on a static marketing list, or taken off
one, from its page (the command palette's actions on the record)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.text import Text

from crm_tui import display
from crm_tui.errors import DomainError, ValidationError
from crm_tui.screens.common import calls
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services.marketing import list_members, lists
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec


def actions(screen, kind: str, record_id: int) -> list[tuple[str, str, Callable]]:
    """The palette's two actions on the record."""
    plural = display.kind_label(kind, plural=True).lower()
    return [
        ("Add to a marketing list", f"One of the static lists of {plural}",
         partial(add, screen, kind, record_id)),
        ("Take off a marketing list", "One of the static lists it is on",
         partial(remove, screen, kind, record_id)),
    ]  # fmt: skip


def _static_lists(kind: str) -> list[tuple[str, int]]:
    page = lists.page(view="active", query=f"member_type:{kind} dynamic:no", limit=500)
    return [(r["name"], r["id"]) for r in page.rows if r["member_type"] == kind]


def _ask(screen, title: str, choices, submit, done_text: str) -> None:
    def done(result) -> None:
        if result:
            screen.notify(Text.assemble(done_text, " ", safe_line(result), "."))
            screen.refresh_data()

    screen.app.push_screen(
        form_modal(screen.app, title, [FieldSpec("list", "Marketing list", "select", choices)],
                   submit),
        done,
    )  # fmt: skip


def add(screen, kind: str, record_id: int) -> None:
    """Ask which active static list of the kind the record joins, and add it."""
    choices = calls.loaded(screen, lambda: _static_lists(kind))
    if choices is None:
        return
    if not choices:
        plural = display.kind_label(kind, plural=True).lower()
        screen.notify(f"There is no active static list of {plural} to add it to.",
                      severity="warning")  # fmt: skip
        return
    names = {list_id: name for name, list_id in choices}

    def submit(values: dict):
        chosen = values.get("list")
        if not chosen:
            raise ValidationError({"list": "choose a list"})
        if not list_members.add(int(chosen), [record_id]):
            raise DomainError(f"it is on {names[int(chosen)]} already")
        return names[int(chosen)]

    _ask(screen, "Add to a marketing list", choices, submit, "Added to")


def remove(screen, kind: str, record_id: int) -> None:
    """Ask which of the static lists the record is on it leaves, and take it off."""
    found = calls.loaded(screen, lambda: lists.lists_of(kind, record_id))
    if found is None:
        return
    choices = [(r["name"], r["id"]) for r in found if not r["dynamic"]]
    if not choices:
        screen.notify("It is on no static list (a dynamic list's query decides who is on it).")
        return
    names = {list_id: name for name, list_id in choices}

    def submit(values: dict):
        chosen = values.get("list")
        if not chosen:
            raise ValidationError({"list": "choose a list"})
        list_members.remove(int(chosen), [record_id])
        return names[int(chosen)]

    _ask(screen, "Take off a marketing list", choices, submit, "Taken off")
