"""`?`: every key that works on the screen you came from."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

# Keys worth naming even though they are bound inside widgets.
LIST_KEYS = [("j k ↑ ↓", "move"), ("g G", "top, bottom"), ("enter", "open")]


def _key_label(key: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "escape": "esc",
    }
    return ", ".join(names.get(k.strip(), k.strip()) for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, source: Screen, bindings: dict) -> None:
        super().__init__()
        self.source = source
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="modal-box"):
            title = Text("Keys", style="bold")
            if self.source.title:
                title.append(f" · {self.source.title}", style="bold cyan")
            yield Static(title)
            yield DataTable(id="help-table", cursor_type="row", show_cursor=False)
            yield Static(
                Text(
                    "ctrl+p command palette: go to any record, or act on this one · esc closes",
                    style="dim",
                ),
                classes="modal-keys",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Key", width=14)
        table.add_column("Action", width=40)
        seen = set()
        rows = []
        for key, active in self.bindings.items():
            binding = active.binding
            description = binding.description or binding.action
            if (binding.action, description) in seen or binding.system:
                continue
            seen.add((binding.action, description))
            rows.append(
                (_key_label(binding.key if binding.key else key), description, active.enabled)
            )
        for key, description, enabled in rows:
            table.add_row(
                Text(key, style="bold" if enabled else "dim"),
                Text(description, style="" if enabled else "dim"),
            )
        for key, description in LIST_KEYS:
            table.add_row(Text(key, style="bold"), Text(description))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
