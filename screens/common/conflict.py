"""A stale save: the fields that differ side by side, and what to do about it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from crm_tui import keys, styles
from crm_tui.errors import ConflictError
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_table import Column

# A label whole ("Number of employees"): the two values share what is left.
COLUMNS = [
    Column("field", "Field", 19, keep_width=True),
    Column("yours", "Yours", 30),
    Column("theirs", "Theirs (saved now)", 30),
]


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
            yield RowsTable(COLUMNS, id="conflict-table")
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
        self.query_one(RowsTable).show(
            [
                {
                    "field": safe_line(label, "bold"),
                    "yours": safe_line(mine, "green"),
                    "theirs": safe_line(theirs, "yellow"),
                }
                for label, mine, theirs in self.rows
            ]
        )

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
