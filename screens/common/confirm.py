"""A yes/no question as a modal; y or enter confirms, n or escape declines.
`leave_unless_typed` is what escape does on every form and modal that takes
typing (a choice from a list, as in qualifying a lead, is made again at once)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from crm_tui import keys, styles


class ConfirmModal(ModalScreen[bool]):
    CSS_PATH = styles.path("modals.tcss")
    BINDINGS = keys.bindings("confirm")

    def __init__(self, question: str | Text, detail: str | Text = "") -> None:
        super().__init__()
        self.question = question if isinstance(question, Text) else Text(question)
        self.detail = detail if isinstance(detail, Text) else Text(detail)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="modal-box"):
            yield Static(self.question, id="confirm-question")
            if self.detail.plain:
                yield Static(self.detail, id="confirm-detail")
            yield Static(
                Text(keys.fill("{confirm.yes} yes   {confirm.no} no"), style="dim"),
                classes="modal-keys",
            )

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


def leave_unless_typed(screen: Screen, typed: bool, leave: Callable[[], None]) -> None:
    """Escape on a form or modal: leave at once when nothing was typed (or
    changed); when something was, ask first, as leaving loses it."""
    if not typed:
        leave()
        return
    screen.app.push_screen(
        ConfirmModal("Discard your changes?", "They have not been saved."),
        lambda yes: leave() if yes else None,
    )
