"""The workflow log: every run of every rule (or of one), newest first: on
which record, how it ended, and what it did or why it failed. f shows the
failed ones only; enter opens a run's record."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from crm_tui import db, keys
from crm_tui.screens.common import calls
from crm_tui.screens.workflow.base import ReadingScreen
from crm_tui.screens.workflow.runs_table import RunsTable
from crm_tui.services.workflow import rules, runs
from crm_tui.widgets.key_footer import KeyFooter

SHOWN = 500


class RulesLogScreen(ReadingScreen):
    HEADING = "Workflow log"
    BINDINGS = keys.bindings("rules_log")

    def __init__(self, rule_id: int | None = None) -> None:
        super().__init__()
        self.rule_id = rule_id
        self.failed_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield RunsTable(self.rule_id is None, id="log-runs")
        yield Static(id="log-status")
        yield KeyFooter(("app.help",), ("rules.failed", "screen.back"))

    def refresh_data(self) -> None:
        """Read the latest runs again."""
        self._read_at = db.generation()
        result = "failed" if self.failed_only else None

        def read():
            name = rules.get(self.rule_id).name if self.rule_id else ""
            return name, runs.log(rule_id=self.rule_id, result=result, limit=SHOWN)

        found = calls.loaded(self, read)
        if found is None:
            return
        name, latest = found
        self.query_one(RunsTable).show_runs(latest)
        which = "failed runs" if self.failed_only else "runs"
        whose = f" of {name}" if name else ""
        said = f"The latest {len(latest)} {which}{whose}" if latest else f"No {which}{whose} yet."
        if len(latest) == SHOWN:
            said += " (crm-tui rules log shows them all)"
        hint = keys.fill(" · enter opens the record · {rules.failed} failed only or all")
        self.query_one("#log-status", Static).update(Text(said + hint, style="dim"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_record()

    def action_open_record(self) -> None:
        run = self.query_one(RunsTable).current
        if run is not None and run["record"]:
            self.open_record(run["record_type"], run["record_id"])

    def action_toggle_failed(self) -> None:
        self.failed_only = not self.failed_only
        self.refresh_data()
