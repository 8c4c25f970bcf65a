"""One workflow rule: what it does in words, whether it is on, whose rights
it acts with, and its latest runs (enter opens a run's record). e changes
it, o switches it on or off, t tries it, L shows all its runs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from crm_tui import db, keys
from crm_tui.screens.common import calls
from crm_tui.screens.workflow import rule_actions
from crm_tui.screens.workflow.base import ReadingScreen
from crm_tui.screens.workflow.runs_table import RunsTable
from crm_tui.services.workflow import describe, rules, runs
from crm_tui.services.workflow.spec import Rule
from crm_tui.text import safe_line
from crm_tui.widgets.key_footer import KeyFooter

LATEST = 100


def summary(rule: Rule, counts: dict[str, int]) -> Text:
    """The rule's head: name, on or off, the sentence, mode and owner."""
    out = Text.assemble(safe_line(rule.name, "bold"), "  ")
    out.append("on" if rule.enabled else "off", style="bold green" if rule.enabled else "dim")
    out.append("\n")
    out.append_text(safe_line(describe.trigger(rule)))
    if rule.condition:
        out.append_text(Text.assemble(", if ", safe_line(rule.condition, "italic")))
    out.append(":\n")
    for number, action in enumerate(rule.actions, start=1):
        out.append_text(Text.assemble(f"  {number}. ", safe_line(describe.action(action))))
        out.append("\n")
    mode = {"realtime": "in the write that set it off (all or nothing)",
            "background": "in the background"}.get(rule.mode, "")  # fmt: skip
    if rule.scheduled:
        mode = "on its date, in the background"
    said = ", ".join(f"{n:,} {runs.RESULTS[k].lower()}" for k, n in sorted(counts.items()))
    out.append_text(Text.assemble(
        ("Runs ", "dim"), (mode, "dim"), (" · acts with the rights of ", "dim"),
        safe_line(rule.owner, "dim"), (f" · {said or 'no runs yet'}", "dim")))  # fmt: skip
    if rule.description:
        out.append("\n")
        out.append_text(safe_line(rule.description, "dim"))
    return out


class RuleScreen(ReadingScreen):
    HEADING = "Workflow rule"
    BINDINGS = keys.bindings("rule_detail")

    def __init__(self, rule_id: int) -> None:
        super().__init__()
        self.rule_id = rule_id
        self.rule: Rule | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="rule-summary")
        yield Static(Text("Latest runs", style="bold"), id="rule-runs-title")
        yield RunsTable(False, id="rule-runs")
        yield KeyFooter(("app.help",), ("rules.edit", "rules.switch", "rules.try", "screen.back"))

    def refresh_data(self) -> None:
        """Read the rule and its latest runs again."""
        self._read_at = db.generation()
        found = calls.loaded(self, lambda: (rules.get(self.rule_id), runs.counts(self.rule_id),
                                            runs.log(rule_id=self.rule_id, limit=LATEST)))  # fmt: skip
        if found is None:
            return
        self.rule, counts, latest = found
        self.query_one("#rule-summary", Static).update(summary(self.rule, counts))
        self.query_one(RunsTable).show_runs(latest)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_record()

    def action_open_record(self) -> None:
        run = self.query_one(RunsTable).current
        if run is not None and run["record"]:
            self.open_record(run["record_type"], run["record_id"])

    def action_edit_rule(self) -> None:
        if self.rule is not None:
            rule_actions.edit_rule(self, self.rule)

    def action_switch_rule(self) -> None:
        if self.rule is not None:
            rule_actions.switch_rule(self, self.rule)

    def action_try_rule(self) -> None:
        if self.rule is not None:
            rule_actions.try_rule(self, self.rule)

    def action_show_log(self) -> None:
        if self.rule is not None:
            rule_actions.show_log(self, self.rule)
