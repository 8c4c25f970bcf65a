"""A yes/no question as a modal; y or enter confirms, n or escape declines."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from crm_tui import styles
from crm_tui.errors import CrmError


class ConfirmModal(ModalScreen[bool]):
    CSS_PATH = styles.path("modals.tcss")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("enter", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str | Text, detail: str | Text = "") -> None:
        super().__init__()
        self.question = question if isinstance(question, Text) else Text(question)
        self.detail = detail if isinstance(detail, Text) else Text(detail)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="modal-box"):
            yield Static(self.question, id="confirm-question")
            if self.detail.plain:
                yield Static(self.detail, id="confirm-detail")
            yield Static(Text("y yes   n no", style="dim"), classes="modal-keys")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


def confirm_then(
    screen: Screen,
    question: str | Text,
    call: Callable[[], object],
    *,
    detail: str | Text = "",
    done_text: str = "",
    done: Callable[[], None] | None = None,
) -> None:
    """Ask `question`; on yes run the service `call`, show its refusal as an
    error, or report `done_text` and call `done` (default: the screen's
    refresh_data)."""

    def answered(yes: bool) -> None:
        if not yes:
            return
        try:
            call()
        except CrmError as exc:
            screen.notify(Text(str(exc)), severity="error", timeout=6)
            return
        if done_text:
            screen.notify(done_text)
        (done or screen.refresh_data)()

    screen.app.push_screen(ConfirmModal(question, detail), answered)
