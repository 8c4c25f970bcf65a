"""`?`: every key that works on the screen you came from, as the user's
keymap has it, with the id that remaps it in config.toml."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from crm_tui import keys, styles

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
    # ctrl+home and ctrl+end: the lists' g and G (home, end) say it
    "scroll_top",
    "scroll_bottom",
}
# What a list's own keys do, in the words of this app.
WIDGET_WORDS = {
    "cursor_up": "Up",
    "cursor_down": "Down",
    "first": "Top",
    "last": "Bottom",
    "select_cursor": "Open",
}


_ORDER = {binding_id: number for number, binding_id in enumerate(keys.DEFAULTS)}


def _registry_order(row: tuple[str, list]) -> int:
    """Rows in the registry's order: a key moved by the keymap keeps its place
    (Textual lists remapped keys last); rows without an id go at the end."""
    return min(
        (_ORDER.get(binding_id, len(_ORDER)) for binding_id in row[1][2]), default=len(_ORDER)
    )


class HelpScreen(ModalScreen[None]):
    CSS_PATH = styles.path("modals.tcss")
    BINDINGS = keys.bindings("help")

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
            palette = keys.display(self.app.COMMAND_PALETTE_BINDING)
            yield Static(
                Text(
                    f"{palette} command palette: go to any record, or act on this one · "
                    + keys.fill("{help.close} closes\n")
                    + 'config.toml changes a key by its id: [keymap] "list.new" = "ctrl+n"',
                    style="dim",
                ),
                classes="modal-keys",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Key", width=16)
        table.add_column("Action", width=27)
        table.add_column("Id", width=23)
        # section -> description -> [keys, enabled, ids]: keys that do the same merge
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
            entry = sections[section].setdefault(description, [[], active.enabled, []])
            entry[0].append(keys.display(key))
            if binding.id and binding.id not in entry[2]:
                entry[2].append(binding.id)
        sections["Everywhere"]["Command palette"] = [
            [keys.display(self.app.COMMAND_PALETTE_BINDING)],
            True,
            [],
        ]
        for title, rows in sections.items():
            if not rows:
                continue
            table.add_row(Text(title, style="bold underline"), "", "")
            for description, (names, enabled, ids) in sorted(rows.items(), key=_registry_order):
                table.add_row(
                    Text(", ".join(names), style="bold" if enabled else "dim"),
                    Text(description, style="" if enabled else "dim"),
                    Text(", ".join(ids), style="dim"),
                )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
