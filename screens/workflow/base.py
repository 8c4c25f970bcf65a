"""What the workflow screens share: they read their rows as they open and
again when shown after the data moved on (db.generation), escape goes
back, and a row's record opens over them."""

from __future__ import annotations

from textual.screen import Screen

from crm_tui import db, styles
from crm_tui.screens.common import calls, routes
from crm_tui.widgets.record_table import FittedTable


class ReadingScreen(Screen):
    """Subclasses set HEADING and write refresh_data, which sets _read_at."""

    CSS_PATH = styles.path("workflow.tcss")
    HEADING = ""

    def __init__(self) -> None:
        super().__init__()
        self._read_at: int | None = None

    def on_mount(self) -> None:
        self.title = self.HEADING
        self.refresh_data()
        self.query_one(FittedTable).focus()

    def on_screen_resume(self) -> None:
        if self._read_at is not None and self._read_at != db.generation():
            self.refresh_data()

    def refresh_data(self) -> None:
        raise NotImplementedError

    def open_record(self, kind: str, record_id: int) -> None:
        """A record's page over this screen, when its kind has one."""
        if routes.opens(kind):
            calls.loaded(self, lambda: routes.open_detail(self.app, kind, record_id))

    def action_back(self) -> None:
        self.app.pop_screen()
