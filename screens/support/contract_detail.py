"""A contract: its lines with what each allows and has used, the cases that
used them, and its state changes (A activate, H hold/resume, X cancel)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display, keys
from crm_tui.screens.common import routes
from crm_tui.screens.common.access_keys import keyed
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.screens.common.calls import confirm_then
from crm_tui.screens.common.date_field import day_column
from crm_tui.screens.support import contract_actions
from crm_tui.services.support import cases, contracts
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_table import Column

STATE_STYLE = {
    "draft": "bold yellow",
    "active": "bold green",
    "on_hold": "bold magenta",
    "canceled": "bold red",
    "expired": "bold red",
}
# The line number is how the Cases tab names a line.
LINE_COLUMNS = [
    Column("line_number", "#", 3, keep_width=True, right=True),
    Column("title", "Line", 24),
    Column("allotment", "Allotment", 15),
    Column("total", "Total", 5, keep_width=True, right=True),
    Column("used", "Used", 5, keep_width=True, right=True),
    Column("left", "Left", 5, keep_width=True, right=True),
    day_column("from", "From"),
    day_column("to", "To"),
]
# "Information provided" whole: the title gives way instead
CASE_COLUMNS = [
    Column("number", "Case", 10, keep_width=True),
    Column("title", "Title", 36),
    Column("line", "Line", 4, keep_width=True, right=True),
    Column("status", "Status", 20, keep_width=True),
]


def _right(value, style: str = "") -> Text:
    return Text("" if value is None else str(value), style=style, justify="right")


def _left(line: dict) -> Text:
    if line["remaining"] is None:
        return _right("—", "dim")
    if line["remaining"] == 0:
        return _right(0, "bold red")
    low = line["remaining"] <= max(1, line["total"] // 5)
    return _right(line["remaining"], "yellow" if low else "")


class ContractDetailScreen(RecordDetailScreen):
    KIND = "contract"
    SERVICE = contracts
    EXTRA_TABS = [("lines", "Lines"), ("cases", "Cases")]
    FIRST_TAB = "lines"
    BINDINGS = keys.bindings("contract_detail")
    ACCESS = {
        **RecordDetailScreen.ACCESS,
        **dict.fromkeys(("add_line", "remove_line", "step"), "write"),
    }

    def __init__(self, record_id: int) -> None:
        super().__init__(record_id)
        self._lines: list[dict] = []

    @property
    def display_name(self) -> str:
        return f"{self.record.number} {self.record.name}" if self.record else ""

    @property
    def draft(self) -> bool:
        return self.record is not None and self.record.state == "draft"

    def title_text(self) -> Text:
        row = self.record
        title = Text.assemble(safe_line(row.number, "bold"), "  ", safe_line(row.name, "bold"))
        title.append(f"  {contracts.STATES[row.state]}", style=STATE_STYLE[row.state])
        title.append(f"   {display.day(row.starts_on)} – {display.day(row.ends_on)}", style="dim")
        return title

    def summary_rows(self):
        row = self.record
        return [
            ("Customer", contracts.customer_name(row)),
            ("State", contracts.STATES[row.state]),
            ("Term", f"{display.day(row.starts_on)} to {display.day(row.ends_on)}"),
            *self.stamp_rows(),
            ("Terms", row.description),
        ]

    # --- tabs ------------------------------------------------------------------

    def compose_extra(self, tab_id: str) -> ComposeResult:
        if tab_id == "lines":
            yield Static(id="lines-hint", classes="empty-hint")
            yield RowsTable(LINE_COLUMNS, id="contract-lines")
        else:
            yield Static(
                Text("No case has used this contract yet.", style="dim"),
                id="empty-cases",
                classes="empty-hint",
            )
            yield RowsTable(CASE_COLUMNS, id="contract-cases")

    def refresh_extra(self, tab_id: str) -> None:
        if tab_id == "cases":
            self._fill_cases()
            return
        self._lines = contracts.lines_of(self.record_id)
        self.query_one("#contract-lines", RowsTable).show(
            [
                {
                    "key": str(line["id"]),
                    "line_number": _right(line["line_number"], "dim"),
                    "title": safe_line(line["title"]),
                    "allotment": safe_line(contracts.ALLOTMENT_TYPES[line["allotment_type"]]),
                    "total": _right(line["total"]),
                    "used": _right(line["used"] if line["total"] is not None else None),
                    "left": _left(line),
                    "from": Text(display.day(line["starts_on"])),
                    "to": Text(display.day(line["ends_on"])),
                }
                for line in self._lines
            ]
        )
        if self.draft:
            hint = keys.fill(
                "{lines.add} add a line · enter edit · {lines.remove} remove · "
                "{contract.activate} activates the contract"
            )
            if not self._lines:
                hint = keys.fill(
                    "No lines yet: {lines.add} adds one (cases, minutes or coverage dates)."
                )
        else:
            hint = f"{contracts.STATES[self.record.state].lower()}: the lines are locked"
            steps = contract_actions.legal_steps(self.record.state)
            if steps:
                hint += " · " + " · ".join(
                    f"{keys.step('contract_detail', s.key)} {s.title.lower()}" for s in steps
                )
        self.query_one("#lines-hint", Static).update(Text(hint, style="dim"))

    def _fill_cases(self) -> None:
        rows = contracts.cases_of(self.record_id)
        self.query_one("#empty-cases").display = not rows
        self.query_one("#contract-cases", RowsTable).show(
            [
                {
                    "key": str(row["id"]),
                    "number": safe_line(row["number"], "dim"),
                    "title": safe_line(row["title"]),
                    "line": _right(row["line_number"], "dim"),
                    "status": Text(
                        cases.STATUS_LABELS.get(row["status_reason"], row["status_reason"])
                    ),
                }
                for row in rows
            ]
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "contract-cases":
            routes.open_detail(self.app, "case", int(event.row_key.value))
        elif event.data_table.id == "contract-lines":
            line = self._current_line()
            if line is not None and self._editable():
                contract_actions.edit_line(self, self.record, line, self._after_line)

    # --- lines -----------------------------------------------------------------

    def _current_line(self) -> dict | None:
        self.ready_tab("lines")
        if not self._lines:
            return None
        table = self.query_one("#contract-lines", DataTable)
        return self._lines[min(table.cursor_row, len(self._lines) - 1)]

    def _editable(self) -> bool:
        if self.draft:
            return True
        self.notify(
            f"This contract is {contracts.STATES[self.record.state].lower()}: "
            "only a draft's lines can change.",
            severity="warning",
        )
        return False

    def _after_line(self, result) -> None:
        if result:
            self.refresh_data()
            self.switch_tab("lines")

    def action_add_line(self) -> None:
        if self._editable():
            contract_actions.edit_line(self, self.record, None, self._after_line)

    def action_remove_line(self) -> None:
        line = self._current_line()
        if line is None or not self._editable():
            return
        contract = self.record
        confirm_then(
            self,
            Text.assemble(
                "Remove line ",
                (str(line["line_number"]), "bold"),
                " ",
                safe_line(line["title"]),
                "?",
            ),  # fmt: skip
            lambda: contracts.remove_line(contract.id, contract.version, line["id"]),
        )

    # --- state -----------------------------------------------------------------

    def action_step(self, key: str) -> None:
        contract_actions.run_step(self, key, self.record, lambda r: self.refresh_data())

    def action_toggle_active(self) -> None:
        self.notify(
            keys.fill(
                "{contract.activate} activates, {contract.hold} holds or resumes, "
                "{contract.cancel} cancels a contract."
            )
        )

    def edit_screen(self):
        from crm_tui.screens.support.contract_form import ContractFormScreen

        return ContractFormScreen(self.record_id)

    def record_actions(self):
        actions = []
        if self.draft:
            actions += [
                (
                    "Edit this contract",
                    keys.fill("Name, customer, dates, terms ({detail.edit})"),
                    self.action_edit,
                ),
                (
                    "Add a line",
                    keys.fill("Cases, minutes or coverage ({lines.add})"),
                    self.action_add_line,
                ),
            ]
            if self._lines:
                actions.append(
                    (
                        "Remove the highlighted line",
                        keys.fill("({lines.remove})"),
                        self.action_remove_line,
                    )
                )
        actions.append(
            (
                "Log an activity",
                keys.fill("Regarding this contract ({detail.activity})"),
                self.action_log_activity,
            )
        )
        if self.record is not None:
            for step in contract_actions.legal_steps(self.record.state):
                actions.append(
                    (
                        f"{step.title} this contract",
                        f"{step.help} ({keys.step('contract_detail', step.key)})",
                        keyed("step", lambda s=step: self.action_step(s.key)),
                    )
                )
        return actions
