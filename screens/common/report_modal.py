"""A list of lines to read after something finished (the records a bulk
action left as they were, and why); escape or enter closes it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from crm_tui import keys, styles
from crm_tui.text import safe_line


class ReportModal(ModalScreen[None]):
    CSS_PATH = styles.path("modals.tcss")
    BINDINGS = keys.bindings("report")

    def __init__(self, title: str | Text, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.lines = title, lines

    def compose(self) -> ComposeResult:
        with Vertical(id="report-box", classes="modal-box"):
            yield Static(Text(self.title_text, style="bold") if isinstance(self.title_text, str)
                         else self.title_text)  # fmt: skip
            with VerticalScroll(id="report-lines"):
                for name, why in self.lines:
                    yield Static(Text.assemble(safe_line(name, "bold"), "  ", safe_line(why)))
            yield Static(Text(keys.fill("{report.close} closes"), style="dim"),
                         classes="modal-keys")  # fmt: skip

    def action_close(self) -> None:
        self.dismiss(None)
