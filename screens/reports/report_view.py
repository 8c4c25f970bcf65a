"""One report: its chart over its first groups and its table with
subtotals and totals. It is counted by a worker thread on a connection of
its own, so keys keep answering; the time it has taken shows as it runs,
and escape stops it. Enter on a row opens the records behind it."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from crm_tui import db, display, keys, meta, styles
from crm_tui.screens.common import calls
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.reports import writing
from crm_tui.services import session, sharing
from crm_tui.services.reporting import engine, files, saved
from crm_tui.services.reporting.spec import CHARTS, SavedReport
from crm_tui.text import safe_line
from crm_tui.widgets import charts
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import FittedTable

CHART_ROWS = 10
elapsed = time.monotonic  # how long a count takes is read from this clock
_ORDER = ("bar", "stacked", "line", "funnel", "table")


class ReportTable(FittedTable):
    """The report's lines: groups, subtotals and totals (bold)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.specs: list = []
        self.lines: list[list] = []

    def column_specs(self) -> list:
        return self.specs

    def redraw_rows(self) -> None:
        for index, cells in enumerate(self.lines):
            self.add_row(*cells, key=str(index))

    def show(self, specs: list, lines: list[list]) -> None:
        """These columns and lines, the cursor kept on its line."""
        cursor = self.cursor_row
        self.specs, self.lines = specs, lines
        self._fit_columns()
        self.redraw_rows()
        self.move_cursor(row=min(cursor, max(len(lines) - 1, 0)), animate=False)


class ReportScreen(Screen):
    CSS_PATH = styles.path("reports.tcss")
    BINDINGS = keys.bindings("report_view")

    def __init__(self, report: SavedReport) -> None:
        super().__init__()
        self.report = report
        self.spec = report.spec
        self.chart = report.spec.chart
        self.result: engine.Result | None = None
        self.sources: list = []
        self._started = 0.0
        self._stop = None  # interrupts the worker's statement
        self._stopped = False
        self._ticker = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="report-bar")
        yield Static(id="report-chart")
        yield ReportTable(id="report-table")
        yield Static(id="report-status")
        yield KeyFooter(("app.help",), ("reports.chart", "reports.change", "reports.save",
                                        "reports.export", "screen.back"))  # fmt: skip

    def on_mount(self) -> None:
        self.title = self.report.name
        self._describe()
        self.rerun()

    def _describe(self) -> None:
        kind = meta.kind(self.spec.kind)
        bar = Text(kind.plural, style="bold")
        if self.spec.query:
            bar.append("  ")
            bar.append_text(safe_line(self.spec.query, "dim"))
        if self.spec.groups:
            by = ", ".join(kind.attribute(g.attribute).label.lower()
                           + (f" by {g.bucket}" if g.bucket else "") for g in self.spec.groups)  # fmt: skip
            bar.append(f"  ·  grouped by {by}")
        self.query_one("#report-bar", Static).update(bar)

    # --- running --------------------------------------------------------------

    def rerun(self) -> None:
        """Count the report again, in a worker thread."""
        if self._stop is not None:
            return  # one run at a time
        self._started, self._stopped = elapsed(), False
        self._ticker = self.set_interval(0.1, self._tick)
        self._tick()
        self.run_worker(self._count, thread=True, exclusive=True, group="report")

    def action_rerun(self) -> None:
        self.rerun()

    # No refresh_data: a report may take seconds, and colleagues commit every
    # second on a busy desk; it says when it was counted, and r counts again.

    def _count(self) -> None:
        spec = self.spec
        try:
            self._stop = db.interrupter()
            result = engine.run(spec)
        except Exception as exc:  # shown on the screen's own thread
            self.app.call_from_thread(self._failed, exc)
        else:
            self.app.call_from_thread(self._show, result)
        finally:
            self._stop = None
            db.close_thread_connection()

    def _tick(self) -> None:
        took = elapsed() - self._started
        line = Text(f"Counting … {took:.1f} s", style="bold")
        line.append(keys.fill("  ·  {screen.back} stops"), style="dim")
        self.query_one("#report-status", Static).update(line)

    def _done_ticking(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _failed(self, exc: Exception) -> None:
        self._done_ticking()
        status = self.query_one("#report-status", Static)
        if self._stopped:
            status.update(Text("Stopped. r counts it again.", style="dim"))
            return
        status.update(Text(""))
        calls.report_or_raise(self, exc, retry=self.rerun)

    def _show(self, result: engine.Result) -> None:
        self._done_ticking()
        self.result = result
        took = elapsed() - self._started
        self._fill_table(result)
        self._draw_chart()
        total = result.totals[0].count if result.totals else 0
        noun = display.kind_noun(self.spec.kind, plural=total != 1)
        line = Text(f"{total:,} {noun}", style="bold")
        line.append(f"  ·  counted in {took * 1000:,.0f} ms", style="dim")
        line.append(keys.fill("  ·  {reports.refresh} counts again"), style="dim")
        if result.zone:
            line.append(f"  ·  days in {result.zone}", style="dim")
        self.query_one("#report-status", Static).update(line)

    # --- drawing --------------------------------------------------------------

    def _fill_table(self, result: engine.Result) -> None:
        from crm_tui.widgets.record_table import Column

        headings, rows, kinds, self.sources = files.table_of(result)
        units = ["text"] * (len(headings) - len(result.columns)) + [c.unit for c in result.columns]
        texts = [[writing.write(v, u) if u != "text" else str(v) for v, u in zip(row, units,
                                                                                strict=True)]
                 for row in rows]  # fmt: skip
        widest = [max((len(t[i]) for t in texts), default=4) for i in range(len(headings))]
        room = (self.size.width or self.app.size.width) - 2 * len(headings) - 2
        full = [max(w, len(h)) for w, h in zip(widest, headings, strict=True)]
        # amounts are never cut; headings are, when the whole table cannot fit
        whole = sum(full) <= room
        specs = []
        for i, (heading, unit) in enumerate(zip(headings, units, strict=True)):
            if unit == "text":
                specs.append(Column(str(i), heading, full[i] if whole else max(widest[i], 8)))
            else:
                width = full[i] if whole else max(widest[i], min(len(heading), 12))
                specs.append(Column(str(i), heading, width, right=True, keep_width=True))
        lines = []
        for row, kind in zip(rows, kinds, strict=True):
            style = "bold" if kind != "row" else ""
            cells = []
            for value, unit in zip(row, units, strict=True):
                if unit == "text":
                    cells.append(safe_line(str(value), style))
                else:
                    cells.append(Text(writing.write(value, unit), style=style, justify="right"))
            lines.append(cells)
        self.query_one(ReportTable).show(specs, lines)

    def _draw_chart(self) -> None:
        chart = self.query_one("#report-chart", Static)
        result = self.result
        if result is None or self.chart == "table" or not result.rows:
            chart.display = False
            return
        chart.display = True
        width = max(self.size.width - 4, 20)
        unit = result.columns[0].unit if result.columns else "count"
        picked = self._picked_first_key()
        if len(self.spec.groups) == 2:
            firsts = [(k, r) for k, r in result.subtotals.items()]
            lines_in = [
                (r.labels[0],
                 tuple((x.labels[1], x.values[0]) for x in result.rows
                       if x.keys[0] == k[0] and x.currency == k[1]),
                 writing.write(r.values[0], unit))
                for k, r in firsts[:CHART_ROWS]
            ]  # fmt: skip
            selected = next((i for i, (k, _) in enumerate(firsts) if k[0] == picked), None)
            if self.chart in ("stacked", "bar"):
                chart.update(Text("\n").join(charts.stacked(lines_in, width, selected=selected)))
                return
            rows = [(label, _sum(parts), text) for label, parts, text in lines_in]
        else:
            rows = [(" · ".join(r.labels), r.values[0], writing.write(r.values[0], unit))
                    for r in result.rows]  # fmt: skip
            selected = next((i for i, r in enumerate(result.rows) if r.keys[0] == picked), None)
        if self.chart == "line":
            lines = charts.columns(rows, width, height=6, selected=selected)
        elif self.chart == "funnel":
            lines = charts.funnel(rows[:CHART_ROWS], width, selected=selected)
        else:
            lines = charts.bars(rows[:CHART_ROWS], width, selected=selected)
        chart.update(Text("\n").join(lines))

    def _picked_first_key(self):
        table = self.query_one(ReportTable)
        if not self.sources or table.cursor_row >= len(self.sources):
            return None
        keys_ = self.sources[table.cursor_row].keys
        return keys_[0] if keys_ else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._draw_chart()

    def on_resize(self) -> None:
        self._draw_chart()

    # --- keys -----------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        table = self.query_one(ReportTable)
        if self.result is None or table.cursor_row >= len(self.sources):
            return
        from crm_tui.screens.reports.drill_list import DrillScreen

        row = self.sources[table.cursor_row]
        query = self.result.drill(row) if row.keys else self.spec.query
        label = " · ".join(x for x in row.labels if x)
        self.app.push_screen(DrillScreen(self.spec.kind, query, f"{self.report.name}: {label}"))

    def action_next_chart(self) -> None:
        self.chart = _ORDER[(_ORDER.index(self.chart) + 1) % len(_ORDER)]
        self.notify(f"Chart: {CHARTS[self.chart]}")
        self._draw_chart()

    def action_back(self) -> None:
        if self._stop is not None:
            self._stopped = True
            self._stop()
            return
        self.app.pop_screen()

    def action_edit_report(self) -> None:
        from crm_tui.screens.reports.report_builder import builder

        def changed(spec) -> None:
            if spec is not None:
                self.spec = spec
                self.chart = spec.chart
                self._describe()
                self.rerun()

        builder(self, self.spec, changed)

    def action_save_report(self) -> None:
        me = session.current_user()
        own = self.report.id is not None and self.report.owner_id == me.id
        specs = [_name_spec()]
        if me.role in sharing.SHARERS:
            specs.append(_scope_spec())
        spec = replace(self.spec, chart=self.chart)

        def submit(typed: dict):
            name = typed["name"] or ""
            scope = typed.get("scope") or (self.report.scope if own else "personal")
            if own and name.strip().casefold() == self.report.name.casefold():
                return saved.update(self.report.id, self.report.version, spec=spec, scope=scope)
            return saved.save(name, spec, scope)

        def kept(report) -> None:
            if report is not None:
                self.report = report
                self.title = report.name
                self.notify(Text.assemble("Saved ", safe_line(report.name)))

        values = {"name": self.report.name if own else "", "scope": self.report.scope}
        self.app.push_screen(
            form_modal(self.app, "Save the report", specs, submit, values=values), kept
        )

    def action_export(self) -> None:
        if self.result is None:
            return
        from crm_tui.widgets.record_form import FieldSpec

        result, title = self.result, self.report.name
        spec = FieldSpec("file", "File", placeholder="~/report.csv (.xlsx, .json)", required=True)
        self.app.push_screen(
            form_modal(self.app, "Export the report", [spec],
                       lambda typed: files.to_new_file(result, typed["file"] or "", title),
                       save_label="write"),
            lambda done: done and self.notify(Text.assemble(f"{done[0]:,} rows written to ",
                                                            safe_line(done[1]))),
        )  # fmt: skip


def _sum(parts) -> object:
    values = [v for _, v in parts if isinstance(v, int | Decimal)]
    return sum(values) if values else 0


def _name_spec():
    from crm_tui.widgets.record_form import FieldSpec

    return FieldSpec("name", "Name", required=True)


def _scope_spec():
    from crm_tui.widgets.record_form import FieldSpec

    return FieldSpec("scope", "Shared with", "select",
                     [(label, key) for key, label in sharing.SCOPES.items()])  # fmt: skip
