"""The reports a person may run (r on the dashboard): the built-in ones,
their own, and those shared with them. Enter runs one; n builds a new
one, e changes one (run at once, saved with ctrl+s on it), x deletes one
of the person's own."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from crm_tui import db, keys, meta, styles
from crm_tui.screens.common import calls
from crm_tui.services import sharing
from crm_tui.services.reporting import saved
from crm_tui.services.reporting.spec import SavedReport
from crm_tui.text import safe_line
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Column, FittedTable


class ReportList(FittedTable):
    COLUMNS = [
        Column("name", "Report", 34),
        Column("kind", "Counts", 14),
        Column("whose", "Whose", 18, min_table_width=90),
        Column("about", "What it answers", 40, min_table_width=110),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.reports: list[SavedReport] = []

    def column_specs(self) -> list[Column]:
        return self.COLUMNS

    def redraw_rows(self) -> None:
        for report in self.reports:
            whose = "built in" if report.id is None else (
                f"{report.owner} · {sharing.SCOPES[report.scope].lower()}")  # fmt: skip
            cells = {"name": safe_line(report.name), "kind": Text(meta.kind(report.spec.kind).plural),
                     "whose": safe_line(whose, "dim"), "about": safe_line(report.description, "dim")}  # fmt: skip
            self.add_row(*(cells[c.key] for c in self.shown_columns), key=report.key)


class ReportsScreen(Screen):
    CSS_PATH = styles.path("reports.tcss")
    BINDINGS = keys.bindings("reports_list")

    def __init__(self) -> None:
        super().__init__()
        self._read_at: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield ReportList(id="reports")
        yield Static(id="reports-status")
        yield KeyFooter(("app.help",), ("reports.new", "reports.edit", "screen.back"))

    def on_mount(self) -> None:
        self.title = "Reports"
        self.refresh_data()
        self.query_one(ReportList).focus()

    def refresh_data(self) -> None:
        """Read the reports again (a colleague may have shared or deleted one)."""
        self._read_at = db.generation()
        found = calls.loaded(self, saved.visible)
        if found is None:
            return
        table = self.query_one(ReportList)
        cursor = table.cursor_row
        table.reports = found
        table.clear()
        table.redraw_rows()
        table.move_cursor(row=min(cursor, max(len(found) - 1, 0)), animate=False)
        self.query_one("#reports-status", Static).update(Text(
            keys.fill("enter runs · {reports.new} new · {reports.edit} change · "
                      "{reports.delete} delete yours"), style="dim"))  # fmt: skip

    @property
    def current(self) -> SavedReport | None:
        table = self.query_one(ReportList)
        if not table.reports or table.cursor_row >= len(table.reports):
            return None
        return table.reports[table.cursor_row]

    def _run(self, report: SavedReport) -> None:
        from crm_tui.screens.reports.report_view import ReportScreen

        self.app.push_screen(ReportScreen(report))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.current is not None:
            self._run(self.current)

    def action_new_report(self) -> None:
        from crm_tui.screens.reports.report_builder import builder

        def made(spec) -> None:
            if spec is not None:
                self._run(SavedReport(None, "New report", spec, "personal", None, "", 0, "new"))

        builder(self, None, made)

    def action_edit_report(self) -> None:
        from dataclasses import replace

        from crm_tui.screens.reports.report_builder import builder

        report = self.current
        if report is None:
            return

        def changed(spec) -> None:
            if spec is not None:
                self._run(replace(report, spec=spec))

        builder(self, report.spec, changed)

    def action_delete_report(self) -> None:
        report = self.current
        if report is None:
            return
        if report.id is None:
            self.notify("A built-in report cannot be deleted.", severity="warning")
            return
        calls.confirm_then(
            self,
            Text.assemble("Delete the report ", safe_line(report.name), "?"),
            lambda: saved.delete(report.id),
            done_text=Text.assemble("Deleted ", safe_line(report.name)),
        )

    def action_back(self) -> None:
        self.app.pop_screen()
