"""Importing a file (from the palette): the file, kind, mode and key asked
first, then the dry run shown before anything is written - how the file was
read, which column fills which field (e changes one), the counts of rows to
create, update, leave, and set apart as duplicates or errors, and the first
of each with its reasons. i imports after a confirmation, a batch at a time
with a progress bar and a rate; escape stops it between batches (what was
written stays, and can be reverted from Past imports)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from crm_tui import display, keys, styles
from crm_tui.screens.common import calls
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services.imports import cells, mapping, maps, plan, runs, targets
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column

COLUMNS = [
    Column("header", "Column of the file", 26),
    Column("sample", "First value", 24, min_table_width=90),
    Column("field", "Fills", 28),
]
ROWS = [
    Column("row", "Row", 6, keep_width=True),
    Column("action", "Outcome", 10, keep_width=True),
    Column("column", "Column", 18, min_table_width=100),
    Column("value", "Value", 18),
    Column("why", "Why", 40),
]
# Rows shown per tick of a run: short enough for keys to answer between them.
SCREEN_BATCH = 100
READ_BATCH = 400
_ACTION_STYLE = {"error": "red", "duplicate": "yellow", "update": "cyan", "unchanged": "dim"}


def _option_specs(kind: str) -> list[FieldSpec]:
    keys_ = [("(none: create only)", ""), *((k, k) for k in targets.keys(kind))]
    saved = [("(guess from the headers)", ""), *((m.name, m.name) for m in maps.all_for(kind))]
    return [
        FieldSpec("file", "File", required=True, placeholder="a .csv, .xlsx or .vcf path"),
        FieldSpec("map", "Column map", "select", saved),
        FieldSpec("mode", "Mode", "select", [(v, k) for k, v in targets.MODES.items()
                                              if k in targets.modes(kind)]),  # fmt: skip
        FieldSpec("key", "Match on", "select", keys_),
        FieldSpec("create_missing", "Missing accounts", "select",
                  [("are errors", "no"), ("are created", "yes")]),  # fmt: skip
        FieldSpec("dates", "Dates like 03/04", "select",
                  [("ask when unclear", ""), *((v, k) for k, v in cells.DATE_ORDERS.items())]),
        FieldSpec("decimal", "Decimal mark", "select",
                  [("ask when unclear", ""), *((v, k) for k, v in cells.DECIMAL_MARKS.items())]),
    ]  # fmt: skip


class ImportScreen(Screen):
    CSS_PATH = styles.path("admin.tcss")
    BINDINGS = keys.bindings("import")

    def __init__(self) -> None:
        super().__init__()
        self.kind = "contact"
        self.path = ""
        self.columns: dict[str, str | None] = {}
        self.options = plan.Options()
        self.map_name = ""
        self.found: plan.Plan | None = None
        self.sample: dict[str, str] = {}
        self.runner: runs.Runner | None = None
        self.reading: plan.DryRun | None = None
        self._stop = False
        self.imported = 0  # the import made from the dry run shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="import-summary")
        yield RowsTable(COLUMNS, id="import-columns")
        yield RowsTable(ROWS, id="import-rows")
        yield Static(id="import-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Import records"
        self._show()
        self.action_choose_kind()

    # --- choosing -------------------------------------------------------------------

    def action_choose_kind(self) -> None:
        if self.runner is not None:
            return
        specs = [FieldSpec("kind", "Import", "select",
                           [(display.kind_noun(k, plural=True).capitalize(), k)
                            for k in targets.KINDS])]  # fmt: skip
        self.app.push_screen(
            form_modal(self.app, "What do you import?", specs, lambda v: v["kind"],
                       values={"kind": self.kind}),
            self._kind_chosen,
        )  # fmt: skip

    def _kind_chosen(self, kind) -> None:
        if kind:
            if kind != self.kind:
                self.columns, self.options, self.map_name = {}, plan.Options(), ""
            self.kind = kind
            self.action_options()

    def action_options(self) -> None:
        if self.runner is not None:
            return
        values = {"file": self.path, "map": self.map_name, "mode": self.options.mode,
                  "key": self.options.key, "dates": self.options.dates,
                  "decimal": self.options.decimal,
                  "create_missing": "yes" if self.options.create_missing else "no"}  # fmt: skip
        title = f"Import {display.kind_noun(self.kind, plural=True)}"
        self.app.push_screen(
            form_modal(self.app, title, _option_specs(self.kind), self._dry_run_of,
                       values=values, intro=Text(
                           "Nothing is written until you import from the dry run.",
                           style="dim")),
        )  # fmt: skip

    def _dry_run_of(self, typed: dict):
        """The form's save: read the file and run the dry run (a refusal stays
        beside the field it is about)."""
        from crm_tui.services.imports import sources

        source = sources.open_source(typed.get("file") or "")
        map_name = typed.get("map") or ""
        if map_name:
            saved = maps.by_name(self.kind, map_name)
            columns = maps.applied(saved, source.headers)
        elif str(source.path) == self.path and self.columns:
            columns = self.columns  # the person's own changes stay
        else:
            columns = mapping.guess(self.kind, source.headers)
        options = plan.Options(
            mode=typed.get("mode") or "create", key=typed.get("key") or "",
            dates=typed.get("dates") or "", decimal=typed.get("decimal") or "",
            create_missing=typed.get("create_missing") == "yes",
        )  # fmt: skip
        running = plan.DryRun(source.path, self.kind, columns, options)
        self.path, self.columns, self.options, self.map_name = (
            str(source.path), columns, options, map_name)  # fmt: skip
        first = next(iter(source.rows()), None)
        self.sample = first.cells if first else {}
        self._read(running)
        return True

    def _read(self, running: plan.DryRun) -> None:
        """Read the dry run a few hundred rows per tick, saying how far."""
        self.found, self.reading, self.imported = running.plan, running, 0
        self.set_timer(0.01, lambda: self._read_tick(running))

    def _read_tick(self, running: plan.DryRun) -> None:
        if running is not self.reading:
            return  # another file or map was chosen since
        try:
            more = running.step(READ_BATCH)
        except Exception as exc:
            self.reading = None
            calls.report_or_raise(self, exc)
            return
        if more:
            self.query_one("#import-status", Static).update(Text(
                f"Reading the file (nothing is written): {running.plan.total:,} rows so far",
                style="bold"))  # fmt: skip
            self.set_timer(0.01, lambda: self._read_tick(running))
            return
        self.reading = None
        self._show()

    def action_change_column(self) -> None:
        table = self.query_one("#import-columns", RowsTable)
        if self.found is None or self.runner is not None or not table.rows_shown:
            return
        header = table.rows_shown[min(table.cursor_row, len(table.rows_shown) - 1)]["key"]
        choices = [("(not imported)", ""), *((label, name) for name, label
                                             in mapping.choices(self.kind))]  # fmt: skip
        specs = [FieldSpec("field", "Fills", "select", choices)]

        def submit(typed: dict):
            changed = {**self.columns, header: typed.get("field") or None}
            running = plan.DryRun(self.path, self.kind, changed, self.options)
            self.columns = changed
            self._read(running)
            return True

        title = Text.assemble("Column ", safe_line(header, "bold"))
        self.app.push_screen(
            form_modal(self.app, title, specs, submit,
                       values={"field": self.columns.get(header) or ""}),
        )  # fmt: skip

    def action_save_map(self) -> None:
        if self.found is None:
            return
        specs = [FieldSpec("name", "Map name", required=True,
                           placeholder="for next time, and crm-tui import --map")]  # fmt: skip

        def submit(typed: dict):
            saved = maps.save(self.kind, typed.get("name") or "", self.columns, self.options)
            self.map_name = saved.name
            return saved

        self.app.push_screen(
            form_modal(self.app, "Save this column map", specs, submit,
                       values={"name": self.map_name}),
            lambda saved: self.notify(Text(f"Saved the map {saved.name}.")) if saved else None,
        )  # fmt: skip

    # --- showing --------------------------------------------------------------------

    def _show(self) -> None:
        found = self.found
        summary = self.query_one("#import-summary", Static)
        if found is None:
            summary.update(Text(keys.fill("{import.options} chooses a file to import."),
                                style="dim"))  # fmt: skip
            return
        counts = " · ".join(f"{found.counts[a]:,} {a}" for a in plan.ACTIONS if found.counts[a])
        line = Text.assemble(
            safe_line(found.source.path.name, "bold"), f" · {found.source.describe()}\n",
            f"{display.kind_noun(self.kind, plural=True).capitalize()}, {self.options.mode}",
            f" matched on {self.options.key}" if self.options.key else "",
            f" · {found.total:,} rows: ", (counts or "none", "bold"),
        )  # fmt: skip
        for target, name in sorted(found.to_create_first)[:3]:
            line.append(f"\nnew {target}: ")
            line.append(safe_line(name))
        for note in found.notes:
            line.append("\n")
            line.append(safe_line(note, "dim"))
        for column, why in found.questions.items():
            line.append("\n")
            line.append(safe_line(column, "bold yellow"))
            line.append(f": {why} ({keys.fill('{import.options}')})", style="yellow")
        summary.update(line)
        labels = dict(mapping.choices(self.kind))
        self.query_one("#import-columns", RowsTable).show([
            {"key": header, "header": safe_line(header),
             "sample": safe_line(self.sample.get(header, ""), "dim"),
             "field": Text(labels.get(field, field)) if field else Text("(not imported)", "dim")}
            for header, field in found.mapping.items()
        ])  # fmt: skip
        shown = []
        for action in ("error", "duplicate", "update", "create", "unchanged"):
            for row in found.shown.get(action, []):
                problems = row.problems or [("", "", "")]
                column, value, why = problems[0]
                shown.append({
                    "key": f"{action}:{row.number}", "row": Text(str(row.number)),
                    "action": Text(action, style=_ACTION_STYLE.get(action, "")),
                    "column": safe_line(column), "value": safe_line(value),
                    "why": safe_line("; ".join(p[2] for p in problems if p[2])),
                })  # fmt: skip
        self.query_one("#import-rows", RowsTable).show(shown)
        hint = "{import.run} imports · {import.column} changes a column · {import.save_map} saves the map"
        self.query_one("#import-status", Static).update(Text(keys.fill(hint), style="dim"))

    # --- writing --------------------------------------------------------------------

    def action_run_import(self) -> None:
        found = self.found
        if found is None or self.runner is not None or self.reading is not None:
            return
        if self.imported:
            self.notify(keys.fill(f"This dry run was imported (#{self.imported}); "
                                  "{import.options} reads the file again."), severity="warning")  # fmt: skip
            return
        if found.questions:
            self.notify("Answer the file's questions first (dates, decimals).", severity="warning")
            return
        writes = found.counts["create"] + found.counts["update"]
        if not writes:
            self.notify("Nothing to create or update in this file.", severity="warning")
            return
        question = Text(f"Import {found.counts['create']:,} new and {found.counts['update']:,} "
                        f"updated {display.kind_noun(self.kind, plural=True)}?")  # fmt: skip
        left = found.counts["duplicate"] + found.counts["error"]
        detail = f"{left:,} rows are not written; they go to an error file. " if left else ""
        detail += "The import can be reverted (Past imports)."
        calls.confirm_then(self, question, self._start, detail=detail, done=lambda _: None)

    def _start(self):
        # planned here, between keys: a planner process cannot be started
        # from under the terminal's driver
        self.runner = runs.Runner(self.path, self.kind, self.columns, self.options,
                                  map_name=self.map_name, batch=SCREEN_BATCH)  # fmt: skip
        self._stop = False
        self._progress()
        self.set_timer(0.01, self._tick)
        return True

    def _tick(self) -> None:
        runner = self.runner
        if runner is None:
            return
        try:
            more = runner.step()
        except Exception as exc:
            refusal = calls.as_refusal(exc)
            if refusal is None:
                raise
            self._done(stopped=f"by a fault: {refusal}")
            return
        self._progress()
        if more and not self._stop:
            self.set_timer(0.01, self._tick)
        else:
            self._done(stopped="at your request" if more else "")

    def _progress(self) -> None:
        runner, found = self.runner, self.found
        total = max(found.total if found else 1, 1)
        done = runner.progress.done
        filled = round(30 * done / total)
        self.query_one("#import-status", Static).update(Text.assemble(
            ("Importing ", "bold"), ("━" * filled, "green"), ("━" * (30 - filled), "dim"),
            f" {done:,} of {total:,} · {runner.progress.rate:,.0f} rows/s",
            (keys.fill(" · {screen.back} stops"), "dim"),
        ))  # fmt: skip

    def _done(self, stopped: str) -> None:
        runner, self.runner = self.runner, None
        try:
            result = runner.finish(stopped=bool(stopped))
        except Exception as exc:
            calls.report_or_raise(self, exc)
            return
        self.imported = result.import_id
        counts = ", ".join(f"{n:,} {a}" for a, n in sorted(result.counts.items()))
        said = Text(f"Import #{result.import_id}: {counts}.")
        if stopped:
            said.append(f" Stopped {stopped}: what was written stays (Past imports reverts it).")
        if result.error_file:
            said.append(f" Rows not written: {result.error_file}")
        self.notify(said, severity="warning" if stopped else "information", timeout=15)
        self.query_one("#import-status", Static).update(said)

    def action_back(self) -> None:
        if self.runner is not None:
            self._stop = True
            return
        self.app.pop_screen()
