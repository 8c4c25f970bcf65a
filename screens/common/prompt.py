"""Ask for one line of text; enter answers, escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from crm_tui import keys, styles
from crm_tui.screens.common.confirm import leave_unless_typed


class PromptModal(ModalScreen[str | None]):
    CSS_PATH = styles.path("modals.tcss")
    BINDINGS = keys.bindings("prompt")

    def __init__(self, question: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="modal-box"):
            yield Static(Text(self.question, style="bold"))
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(
                Text(keys.fill("enter ok · {form.cancel} cancel"), style="dim"),
                classes="modal-keys",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        typed = self.query_one(Input).value != self.value
        leave_unless_typed(self, typed, lambda: self.dismiss(None))
