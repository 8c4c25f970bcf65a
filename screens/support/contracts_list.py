"""Contracts (K from the case queue, or the palette): what customers are
entitled to. The filter finds by name or number."""

from __future__ import annotations

from rich.text import Text

from crm_tui import keys
from crm_tui.screens.common.access_keys import keyed
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.screens.common.date_field import day_column
from crm_tui.screens.support import contract_actions
from crm_tui.services import query as query_language
from crm_tui.services.listing import Page
from crm_tui.services.support import contracts
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column

STATE_STYLE = {"draft": "yellow", "active": "green", "on_hold": "magenta",
               "canceled": "red", "expired": "red"}  # fmt: skip


def _state(row: dict) -> Text:
    return Text(contracts.STATES[row["state"]], style=STATE_STYLE[row["state"]])


def _words_alone(typed: str | None) -> bool:
    """Whether `typed` is words only (no conditions, sort or left-out words)."""
    if not typed:
        return False
    try:
        asked = query_language.parse(typed)
    except query_language.QueryError:
        return False
    return bool(asked.words) and not (asked.conditions or asked.sort or asked.excluded)


class ContractsScreen(RecordListScreen):
    KIND = "contract"
    AREA_TITLE = "Contracts"
    VIEWS = contracts.VIEWS
    SORTS = {"name": "name", "ends": "end date", "number": "number",
             "modified": "recently modified"}  # fmt: skip
    COLUMNS = [
        Column("number", "Number", 10, keep_width=True),
        Column("name", "Contract", 28, lambda r: safe_line(r["name"])),
        Column("customer", "Customer", 24),
        Column("state", "State", 9, _state, keep_width=True),
        day_column("starts_on", "Starts"),
        day_column("ends_on", "Ends"),
        # at 80 columns the contract and its customer get the room instead
        Column("owner", "Owner", 14, min_table_width=100),
    ]
    BINDINGS = keys.bindings("contracts_list")
    ACCESS = {**RecordListScreen.ACCESS, "step": "write"}
    SERVICE = contracts
    FILTER_HINT = "{list.filter} type to find a contract by name or number…"

    def fetch_page(self, *, view: str, sort: str, query: str | None = None, **kwargs) -> Page:
        if _words_alone(query):
            # a contract list is small: the name/number lookup, not a keyset walk
            return Page(contracts.find_by_name(query, limit=200))
        return contracts.page(view=view, sort=sort, query=query, **kwargs)

    def query_problem(self, typed: str) -> str:
        # words alone find contracts by name or number; conditions go to the list
        return "" if _words_alone(typed) else super().query_problem(typed)

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.support.contract_form import ContractFormScreen

        return ContractFormScreen(record_id)

    def action_step(self, key: str) -> None:
        row = self.table.current_row
        if row is None:
            self.notify("No contract selected.", severity="warning")
            return
        contract_actions.run_step(self, key, row, lambda r: self.refresh_data())

    def action_toggle_active(self) -> None:
        self.notify(
            keys.fill(
                "{contract.activate} activates, {contract.hold} holds or resumes, "
                "{contract.cancel} cancels a contract."
            )
        )

    def record_actions(self):
        row = self.table.current_row
        actions = [
            ("New contract", keys.fill("A draft for a customer ({list.new})"), self.action_new)
        ]
        if row is None:
            return actions
        actions += [
            (
                "Open this contract",
                "Its lines and cases (enter)",
                lambda: self.open_record(row["id"]),
            ),
            (
                "Log an activity",
                keys.fill("Regarding this contract ({list.activity})"),
                self.action_log_activity,
            ),
        ]
        if row["state"] == "draft":
            actions.append(
                (
                    "Edit this contract",
                    keys.fill("Only a draft can change ({list.edit})"),
                    self.action_edit,
                )
            )
        for step in contract_actions.legal_steps(row["state"]):
            actions.append(
                (
                    f"{step.title} this contract",
                    f"{step.help} ({keys.step('contracts_list', step.key)})",
                    keyed("step", lambda s=step: self.action_step(s.key)),
                )  # fmt: skip
            )
        return actions
