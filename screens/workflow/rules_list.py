"""Workflow rules, as admins keep them (from the palette): every rule, on or
off, what it watches and how its runs ended. Enter opens one; n writes a
new one, e changes it, o switches it on or off, t tries it (a dry run), L
shows the log of every rule's runs. Others may read the rules."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from crm_tui import db, display, keys
from crm_tui.screens.common import calls
from crm_tui.screens.workflow import rule_actions
from crm_tui.screens.workflow.base import ReadingScreen
from crm_tui.services.workflow import describe, rules, runs
from crm_tui.services.workflow.spec import Rule
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Column

COLUMNS = [
    Column("on", "", 3, keep_width=True),
    Column("name", "Rule", 30),
    Column("kind", "Records", 13, keep_width=True),
    Column("when", "When", 30, min_table_width=100),
    Column("runs", "Runs", 20, keep_width=True),
]


def _runs(counts: dict[str, int]) -> Text:
    done, failed = counts.get("done", 0), counts.get("failed", 0)
    said = Text(f"{done:,} done", no_wrap=True, overflow="ellipsis")
    if failed:
        said.append(f" · {failed:,} failed", style="bold red")
    return said


class RulesScreen(ReadingScreen):
    HEADING = "Workflow rules"
    BINDINGS = keys.bindings("rules_list")

    def __init__(self) -> None:
        super().__init__()
        self.rules: list[Rule] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield RowsTable(COLUMNS, id="rules")
        yield Static(id="rules-status")
        yield KeyFooter(("app.help",), ("rules.new", "rules.switch", "rules.try", "screen.back"))

    def refresh_data(self) -> None:
        """Read the rules and their runs' counts again."""
        self._read_at = db.generation()
        found = calls.loaded(self, lambda: (rules.all_rules(), runs.counts_by_rule()))
        if found is None:
            return
        self.rules, counts = found
        rows = [{
            "key": str(rule.id),
            "on": Text("on", style="bold green") if rule.enabled else Text("off", style="dim"),
            "name": safe_line(rule.name),
            "kind": Text(display.kind_label(rule.kind, plural=True)),
            "when": safe_line(describe.trigger(rule), "dim"),
            "runs": _runs(counts.get(rule.id, {})),
        } for rule in self.rules]  # fmt: skip
        self.query_one(RowsTable).show(rows)
        on = sum(1 for r in self.rules if r.enabled)
        count = len(self.rules)
        said = f"{count} rule{'' if count == 1 else 's'}, {on} on" if count else "No rules yet."
        hint = keys.fill(" · enter opens · {rules.new} new · {rules.edit} change · "
                         "{rules.switch} on/off · {rules.try} dry run · {rules.log} log · "
                         "{rules.delete} delete")  # fmt: skip
        self.query_one("#rules-status", Static).update(Text(said + hint, style="dim"))

    @property
    def current(self) -> Rule | None:
        table = self.query_one(RowsTable)
        if not self.rules or table.cursor_row >= len(self.rules):
            return None
        return self.rules[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_rule()

    def action_open_rule(self) -> None:
        if self.current is not None:
            rule_actions.open_rule(self, self.current)

    def action_new_rule(self) -> None:
        rule_actions.new_rule(self)

    def action_edit_rule(self) -> None:
        if self.current is not None:
            rule_actions.edit_rule(self, self.current)

    def action_switch_rule(self) -> None:
        if self.current is not None:
            rule_actions.switch_rule(self, self.current)

    def action_try_rule(self) -> None:
        if self.current is not None:
            rule_actions.try_rule(self, self.current)

    def action_delete_rule(self) -> None:
        rule = self.current
        if rule is not None:
            calls.confirm_then(self, Text.assemble("Delete the rule ", safe_line(rule.name), "?"),
                               lambda: rules.delete(rule.id),
                               detail="Only a rule that is off and never ran can be deleted.",
                               done_text=Text.assemble("Deleted ", safe_line(rule.name)))  # fmt: skip

    def action_show_log(self) -> None:
        rule_actions.show_log(self, None)
