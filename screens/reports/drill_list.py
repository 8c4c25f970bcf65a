"""The records behind a number of a report or a tile: the query that
counted them, how many there are, and the records themselves, newest
first; enter opens one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from crm_tui import db, display, keys, meta, styles
from crm_tui.meta import Attribute, AttributeType
from crm_tui.screens.common import calls, routes
from crm_tui.services.reporting import drill
from crm_tui.text import safe_line
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Column, RecordTable

T = AttributeType
_WIDTHS = {T.MONEY: 14, T.DATE: display.DAY_WIDTH, T.DATETIME: 17, T.BOOLEAN: 5, T.INTEGER: 8,
           T.OPTION_SET: 14, T.LOOKUP: 22}  # fmt: skip


def _render(attribute: Attribute):
    key = attribute.key
    if attribute.type is T.MONEY:
        return lambda row: Text(display.money(row[key]), justify="right")
    if attribute.type is T.OPTION_SET:
        return lambda row: safe_line(display.option_of(attribute, row[key]))
    if attribute.type is T.DATE:
        return lambda row: Text(display.day(row[key]))
    if attribute.type is T.DATETIME:
        return lambda row: Text(display.time(row[key]))
    if attribute.type is T.BOOLEAN:
        return lambda row: Text(display.yes_no(row[key]))
    if attribute.type is T.INTEGER:
        return lambda row: Text("" if row[key] is None else f"{row[key]:,}", justify="right")
    return lambda row: safe_line(row[key] or "")


def columns_of(kind: str) -> list[Column]:
    """A drill-down's columns: the kind's number and name, then its list's."""
    return [
        Column(a.key, a.label, _WIDTHS.get(a.type, 24), _render(a),
               right=a.type in (T.MONEY, T.INTEGER),
               keep_width=a.type in (T.DATE, T.DATETIME, T.MONEY))
        for a in drill.columns(kind)
    ]  # fmt: skip


class DrillScreen(Screen):
    CSS_PATH = styles.path("reports.tcss")
    BINDINGS = keys.bindings("drill_list")

    def __init__(self, kind: str, query: str, title: str = "") -> None:
        super().__init__()
        self.kind, self.query_text, self.heading = kind, query, title
        self._read_at: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="drill-bar")
        yield RecordTable(columns_of(self.kind), id="drill-records")
        yield KeyFooter(("app.help",), ("screen.back", "app.quit"))

    def on_mount(self) -> None:
        self.title = self.heading or meta.kind(self.kind).plural
        self.refresh_data(keep_position=False)
        self.query_one(RecordTable).focus()

    def refresh_data(self, keep_position: bool = True) -> None:
        """Count and read the records again (a colleague's change, or ours)."""
        self._read_at = db.generation()
        found = calls.loaded(self, lambda: drill.count(self.kind, self.query_text))
        if found is None:
            return
        table = self.query_one(RecordTable)
        calls.loaded(self, lambda: table.load(
            lambda **kw: drill.page(self.kind, self.query_text, **kw),
            keep_position=keep_position))  # fmt: skip
        bar = Text(f"{found:,} ", style="bold")
        bar.append(display.kind_noun(self.kind, plural=found != 1))
        if self.query_text:
            bar.append("  ·  ")
            bar.append_text(safe_line(self.query_text, "dim"))
        self.query_one("#drill-bar", Static).update(bar)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        record_id = self.query_one(RecordTable).current_id
        if record_id is not None and routes.opens(self.kind):
            calls.loaded(self, lambda: routes.open_detail(self.app, self.kind, record_id))

    def action_back(self) -> None:
        self.app.pop_screen()
