"""Past imports (from the palette): the person's own, an admin's everyone's,
newest first, with who ran each, the file, the mode and the counts. x
reverts the highlighted one after a confirmation: what it created is
removed and what it updated put back, except records changed since, which
are kept and listed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from crm_tui import display, keys, styles
from crm_tui.screens.common import calls
from crm_tui.services import dates
from crm_tui.services.imports import history
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_table import Column

COLUMNS = [
    Column("number", "#", 5, keep_width=True),
    Column("when", "When", 14, keep_width=True),
    Column("who", "By", 14, min_table_width=100),
    Column("file", "File", 22),
    Column("what", "Records", 18, min_table_width=90),
    Column("state", "State", 9, keep_width=True),
    Column("counts", "Counts", 30),
]


class ImportHistoryScreen(Screen):
    CSS_PATH = styles.path("admin.tcss")
    BINDINGS = keys.bindings("import_history")

    def __init__(self) -> None:
        super().__init__()
        self._runs: list[history.ImportRun] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="imports-hint")
        yield RowsTable(COLUMNS, id="imports")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Past imports"
        self.refresh_data()
        self.query_one("#imports", RowsTable).focus()

    def refresh_data(self, _=None) -> None:
        loaded = calls.loaded(self, history.recent, default=None)
        if loaded is None:
            return
        self._runs = loaded
        zone = dates.configured_zone()
        rows = []
        for run in self._runs:
            dim = "dim" if run.state == "reverted" else ""
            when = dates.as_local(run.started_at, zone)
            counts = ", ".join(f"{n:,} {a}" for a, n in sorted(run.counts.items()))
            rows.append({
                "key": str(run.id), "number": Text(str(run.id), style=dim),
                "when": Text(when.strftime("%d %b %H:%M") if when else "", style=dim),
                "who": safe_line(run.user, dim), "file": safe_line(run.file_name, dim or "bold"),
                "what": Text(f"{display.kind_noun(run.kind, plural=True)}, {run.mode}", style=dim),
                "state": Text(run.state, style=dim or ("yellow" if run.state != "done" else "")),
                "counts": Text(counts, style="dim"),
            })  # fmt: skip
        self.query_one("#imports", RowsTable).show(rows)
        hint = (
            "No imports yet: Import records (in the palette) brings a file in."
            if not rows
            else "{imports.revert} reverts the highlighted import"
        )
        self.query_one("#imports-hint", Static).update(Text(keys.fill(hint), style="dim"))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_revert(self) -> None:
        if not self._runs:
            return
        table = self.query_one("#imports", RowsTable)
        run = self._runs[min(table.cursor_row, len(self._runs) - 1)]
        if run.state in ("reverted", "running"):
            self.notify(f"Import #{run.id} is {run.state}.", severity="warning")
            return
        question = Text.assemble(f"Revert import #{run.id} of ", safe_line(run.file_name, "bold"),
                                 "?")  # fmt: skip
        detail = ("Records it created are removed and fields it updated are put back; records "
                  "changed since are kept and listed.")  # fmt: skip
        calls.confirm_then(self, question, lambda: history.revert(run.id), detail=detail,
                           done=self._reverted)  # fmt: skip

    def _reverted(self, done: history.Reverted) -> None:
        from crm_tui.screens.common.report_modal import ReportModal

        self.refresh_data()
        self.notify(f"Reverted: {done.removed:,} removed, {done.restored:,} put back, "
                    f"{len(done.kept):,} kept.")  # fmt: skip
        if done.kept:
            lines = [(f"{display.kind_label(kind)} #{record_id} {title}", why)
                     for kind, record_id, title, why in done.kept]  # fmt: skip
            self.app.push_screen(ReportModal(f"{len(done.kept):,} kept as they are", lines))
