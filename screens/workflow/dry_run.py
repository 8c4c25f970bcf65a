"""A rule's dry run (t): the records it would act on now and what it would
do to each, found by really doing it and undoing it; for a rule on time,
those already past their moment and the next ones to come. o switches it
on from here; enter opens a record."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from crm_tui import db, display, keys
from crm_tui.screens.common import calls
from crm_tui.screens.workflow import rule_actions
from crm_tui.screens.workflow.base import ReadingScreen
from crm_tui.services.workflow import dry_run, rules
from crm_tui.services.workflow.spec import Rule
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Column

COLUMNS = [
    Column("record", "Record", 30),
    Column("due", "Due", 16, keep_width=True),
    Column("what", "What it would do", 60),
]


def _row(row: dry_run.DryRow, upcoming: bool = False) -> dict:
    if upcoming:
        what = Text("comes later: acted on at its moment", style="dim")
    elif row.error:
        what = Text.assemble(("fails: ", "bold red"), safe_line(row.error), no_wrap=True,
                             overflow="ellipsis")  # fmt: skip
    else:
        what = safe_line("; ".join(row.done))
    return {
        "key": f"{'u' if upcoming else 'r'}{row.record_id}",
        "record": safe_line(row.title),
        "due": Text(display.time(row.due_at) if row.due_at else "", style="dim"),
        "what": what,
    }


class DryRows(RowsTable):
    """The records tried; the Due column only for a rule on time (the
    others' is empty, and the record's name has its room)."""

    def drop_due(self) -> None:
        self._columns = [c for c in COLUMNS if c.key != "due"]
        self._fit_columns()


class DryRunScreen(ReadingScreen):
    HEADING = "Dry run"
    BINDINGS = keys.bindings("dry_run")

    def __init__(self, rule_id: int) -> None:
        super().__init__()
        self.rule_id = rule_id
        self.rule: Rule | None = None
        self.result: dry_run.DryRun | None = None
        self.shown: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="dry-note")
        yield DryRows(COLUMNS, id="dry-rows")
        yield KeyFooter(("app.help",), ("rules.switch", "screen.back"))

    def on_mount(self) -> None:
        # the dry run is tried once, as the screen opens (it takes the write
        # lock a moment); refresh_data reads only whether the rule is on
        self.title = self.HEADING
        self._try()
        self.query_one(RowsTable).focus()

    def _try(self) -> None:
        """Try the rule as it is now (once: it takes the write lock a moment)."""

        def tried():
            rule = rules.get(self.rule_id)
            return rule, dry_run.dry_run(rule)

        found = calls.loaded(self, tried)
        if found is None:
            return
        self.rule, self.result = found
        if not self.rule.scheduled:
            self.query_one(DryRows).drop_due()
        self._note()
        rows = [_row(r) for r in self.result.rows]
        rows += [_row(r, True) for r in self.result.upcoming]
        self.shown = [r.record_id for r in self.result.rows + self.result.upcoming]
        self.query_one(RowsTable).show(rows)

    def _note(self) -> None:
        state = "on" if self.rule.enabled else "off"
        note = Text.assemble(safe_line(self.rule.name, "bold"), f" (now {state})\n",
                             safe_line(self.result.note), ("\nNothing was kept: every action "
                             "was undone.", "dim"))  # fmt: skip
        self.query_one("#dry-note", Static).update(note)

    def refresh_data(self) -> None:
        """Read whether the rule is on (switched here or elsewhere); the dry
        run itself is not done again."""
        self._read_at = db.generation()
        found = calls.loaded(self, lambda: rules.get(self.rule_id))
        if found is not None and self.result is not None:
            self.rule = found
            self._note()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_record()

    def action_open_record(self) -> None:
        table = self.query_one(RowsTable)
        if self.rule is None or table.cursor_row >= len(self.shown):
            return
        self.open_record(self.rule.kind, self.shown[table.cursor_row])

    def action_switch_rule(self) -> None:
        if self.rule is not None:
            rule_actions.switch_rule(self, self.rule)
