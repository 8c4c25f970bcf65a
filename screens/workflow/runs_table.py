"""A table of a rule's runs (the rules log, a rule's page): when, which
rule, on which record, how it ended and what it did, or why not."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display
from crm_tui.services.workflow import runs
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_table import Column

RESULT_STYLES = {"done": "green", "skipped": "dim", "failed": "bold red", "retrying": "yellow"}


def columns(with_rule: bool) -> list[Column]:
    """The columns: the rule's name only where the runs are of many rules."""
    out = [Column("at", "When", 16, keep_width=True)]
    if with_rule:
        # on a narrow terminal what a run did, or why it failed, matters more
        out.append(Column("rule", "Rule", 24, min_table_width=110))
    out += [
        Column("record", "Record", 24),
        Column("result", "Result", 10, keep_width=True),
        Column("what", "What it did", 50),
    ]
    return out


def row(run: runs.RunRow) -> dict:
    """One run as the table's cells."""
    record = run["record"] or f"(a {display.kind_noun(run['record_type'])} you may not read)"
    what = "; ".join(run["actions"]) if run["actions"] else run["error"]
    if run["actions"] and run["error"]:
        what = f"{what} ({run['error']})"
    return {
        "key": str(run["id"]),
        "at": Text(display.time(run["at"]), style="dim"),
        "rule": safe_line(run["rule"]),
        "record": safe_line(record, "" if run["record"] else "dim"),
        "result": Text(runs.RESULTS[run["result"]], style=RESULT_STYLES[run["result"]]),
        "what": safe_line(what, "dim" if run["result"] == "skipped" else ""),
    }


class RunsTable(RowsTable):
    """Runs, newest first; `runs_shown` holds them in the rows' order."""

    def __init__(self, with_rule: bool, **kwargs) -> None:
        super().__init__(columns(with_rule), **kwargs)
        self.runs_shown: list[runs.RunRow] = []

    def show_runs(self, found: list[runs.RunRow]) -> None:
        self.runs_shown = found
        self.show([row(r) for r in found])

    @property
    def current(self) -> runs.RunRow | None:
        if not self.runs_shown or self.cursor_row >= len(self.runs_shown):
            return None
        return self.runs_shown[self.cursor_row]
