"""A list to choose one thing from in a modal: enter chooses the
highlighted one (the first, to begin with), escape chooses nothing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui import keys, styles


class Picker(ModalScreen[str | None]):
    """Dismisses with the id of the option chosen, or None."""

    CSS_PATH = [styles.path("modals.tcss"), styles.path("reports.tcss")]
    BINDINGS = keys.bindings("prompt")

    def __init__(self, title: str, options: list[Option], hint: str) -> None:
        super().__init__()
        self.heading, self.options, self.hint = title, options, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box picker-box"):
            yield Static(Text(self.heading, style="bold"))
            yield OptionList(*self.options)
            yield Static(Text(keys.fill(self.hint), style="dim"), classes="modal-keys")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
