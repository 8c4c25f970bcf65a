"""`?`: every key that works on the screen you came from."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from crm_tui import styles

# Bindings that only clutter the list (focus movement and clipboard plumbing).
SKIP = {
    "app.focus_next",
    "app.focus_previous",
    "screen.copy_text",
    "scroll_left",
    "scroll_right",
    "cursor_left",
    "cursor_right",
    "command_palette",
    "scroll_home",
    "scroll_end",
    "page_left",
    "page_right",
}
# What a list's own keys do, in the words of this app.
WIDGET_WORDS = {
    "cursor_up": "Up",
    "cursor_down": "Down",
    "first": "Top",
    "last": "Bottom",
    "scroll_top": "Top",
    "scroll_bottom": "Bottom",
    "select_cursor": "Open",
}


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
    CSS_PATH = styles.path("modals.tcss")
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
        table.add_column("Key", width=20)
        table.add_column("Action", width=44)
        # section -> description -> [keys, enabled]: keys that do the same merge
        sections: dict[str, dict[str, list]] = {
            "This screen": {},
            "Everywhere": {},
            "Lists and fields": {},
        }
        for key, active in self.bindings.items():
            binding = active.binding
            if binding.system or binding.action in SKIP:
                continue
            if isinstance(active.node, App):
                section = "Everywhere"
            elif isinstance(active.node, Screen):
                section = "This screen"
            else:
                section = "Lists and fields"
            description = binding.description or binding.action
            if section == "Lists and fields":
                description = WIDGET_WORDS.get(binding.action, description)
            entry = sections[section].setdefault(description, [[], active.enabled])
            entry[0].append(_key_label(key))
        sections["Everywhere"]["Command palette: go to or act on a record"] = [
            ["ctrl+p"],
            True,
        ]
        for title, rows in sections.items():
            if not rows:
                continue
            table.add_row(Text(title, style="bold underline"), "")
            for description, (keys, enabled) in rows.items():
                table.add_row(
                    Text(", ".join(keys), style="bold" if enabled else "dim"),
                    Text(description, style="" if enabled else "dim"),
                )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
