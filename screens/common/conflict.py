"""A stale save: the fields that differ side by side, and what to do about it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from crm_tui import keys, styles
from crm_tui.errors import ConflictError
from crm_tui.text import safe_line


class ConflictModal(ModalScreen[str | None]):
    """Dismisses with "reload", "overwrite" or None (keep editing)."""

    CSS_PATH = styles.path("modals.tcss")

    BINDINGS = keys.bindings("conflict")

    def __init__(self, error: ConflictError, rows: list[tuple[str, str, str]]) -> None:
        """`rows` are (field label, yours, theirs) for each field that differs."""
        super().__init__()
        self.error = error
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-box", classes="modal-box"):
            yield Static(Text(str(self.error), style="bold"), id="conflict-message")
            yield DataTable(id="conflict-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                Text(
                    keys.fill(
                        "{conflict.reload} reload theirs (drop my edits)   "
                        "{conflict.overwrite} overwrite with mine   {conflict.keep} keep editing"
                    ),
                    style="dim",
                ),
                classes="modal-keys",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Field", width=18)
        table.add_column("Yours", width=30)
        table.add_column("Theirs (saved now)", width=30)
        for label, mine, theirs in self.rows:
            table.add_row(
                Text(label, style="bold"), safe_line(mine, "green"), safe_line(theirs, "yellow")
            )

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
