"""The notification centre (! anywhere): what rules and colleagues told the
person, newest first, unread ones marked. Enter opens a notice's record and
marks it read; m marks one read or unread, M all read, u shows only the
unread. It reads again when another process sends one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from crm_tui import db, display, keys
from crm_tui.screens.common import calls
from crm_tui.screens.workflow.base import ReadingScreen
from crm_tui.services import notifications
from crm_tui.text import safe, safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Column

COLUMNS = [
    Column("new", "", 1, keep_width=True),
    Column("at", "When", 16, keep_width=True),
    Column("text", "Notice", 60),
    Column("sender", "From", 22, min_table_width=100),
]


class NotificationsScreen(ReadingScreen):
    HEADING = "Notifications"
    BINDINGS = keys.bindings("notifications")

    def __init__(self) -> None:
        super().__init__()
        self.unread_only = False
        self.notices: list[notifications.NotificationRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield RowsTable(COLUMNS, id="notices")
        yield Static(id="notice-full")
        yield Static(id="notices-status")
        yield KeyFooter(("app.help",), ("notices.read", "notices.all_read", "screen.back"))

    def refresh_data(self) -> None:
        """Read the person's notices again."""
        self._read_at = db.generation()
        found = calls.loaded(self, lambda: notifications.page(unread_only=self.unread_only))
        if found is None:
            return
        self.notices = found
        self.query_one(RowsTable).show([self._row(n) for n in found])
        unread = sum(1 for n in found if not n["read"])
        shown = "unread only" if self.unread_only else "all"
        said = f"{unread} unread · {len(found)} shown ({shown})" if found else (
            "Nothing unread." if self.unread_only else "No notifications yet.")  # fmt: skip
        hint = keys.fill(" · enter opens · {notices.read} read/unread · {notices.unread} "
                         "unread only or all")  # fmt: skip
        self.query_one("#notices-status", Static).update(Text(said + hint, style="dim"))

    def _row(self, notice: notifications.NotificationRow) -> dict:
        style = "" if notice["read"] else "bold"
        return {
            "key": str(notice["id"]),
            "new": Text("" if notice["read"] else "●", style="bold"),
            "at": Text(display.time(notice["at"]), style="dim"),
            "text": safe_line(notice["text"], style),
            "sender": safe_line(notice["sender"], "dim"),
        }

    @property
    def current(self) -> notifications.NotificationRow | None:
        table = self.query_one(RowsTable)
        if not self.notices or table.cursor_row >= len(self.notices):
            return None
        return self.notices[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # the whole notice, however long, under the list
        notice = self.current
        full = self.query_one("#notice-full", Static)
        if notice is None:
            full.update("")
            return
        sender = f" — {notice['sender']}" if notice["sender"] else ""
        full.update(Text.assemble(safe(notice["text"]), (sender, "dim")))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_notice()

    def action_open_notice(self) -> None:
        notice = self.current
        if notice is None:
            return
        if not notice["read"]:
            calls.loaded(self, lambda: notifications.mark_read([notice["id"]]))
        kind, record_id = notice["record_type"], notice["record_id"]
        if kind and record_id:
            self.open_record(kind, record_id)
        else:
            self.refresh_data()

    def action_toggle_read(self) -> None:
        notice = self.current
        if notice is None:
            return
        calls.direct(self, lambda: notifications.mark_read([notice["id"]], not notice["read"]),
                     "", lambda _: self.refresh_data())  # fmt: skip

    def action_all_read(self) -> None:
        calls.direct(self, notifications.mark_all_read, "Every notice is read.",
                     lambda _: self.refresh_data())  # fmt: skip

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.refresh_data()
