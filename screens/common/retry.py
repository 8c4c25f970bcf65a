"""A busy database: what happened, and the choice to try the same thing again
(r or enter) or leave it (escape); nothing typed is lost either way."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from crm_tui import keys, styles


class RetryModal(ModalScreen[bool]):
    CSS_PATH = styles.path("modals.tcss")
    BINDINGS = keys.bindings("retry")

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="retry-box", classes="modal-box"):
            yield Static(Text("Not saved", style="bold"), id="retry-title")
            yield Static(Text(self.message), id="retry-message")
            yield Static(
                Text(keys.fill("{retry.again} try again   {retry.back} back"), style="dim"),
                classes="modal-keys",
            )

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
