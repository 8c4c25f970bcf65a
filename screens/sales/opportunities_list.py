"""The pipeline as a list (b from the board): the board's filters, plus won
and lost opportunities; filter-as-you-type like every list."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.screens.common.date_field import day_column
from crm_tui.screens.sales import opportunity_actions
from crm_tui.screens.sales.board_filter import board_filter, cycle, set_board_filter
from crm_tui.services import dates
from crm_tui.services.listing import Page
from crm_tui.services.sales import opportunities
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column


def _revenue(row: dict) -> Text:
    return Text(display.money(row.get("estimated_revenue")), justify="right")


def _stage(row: dict) -> Text:
    if row["state"] != "open":
        label = display.state("opportunity", row["state"])
        return Text(label, style="cyan" if row["state"] == "won" else "red")
    return Text(opportunities.STAGE_LABELS[row["stage"]])


def _close(row: dict) -> Text:
    day = row.get("estimated_close_date")
    overdue = row["state"] == "open" and day and str(day) < dates.today().isoformat()
    return Text(display.day(day), style="red" if overdue else "")


def _name(row: dict) -> Text:
    return safe_line(row["name"], "" if row["state"] == "open" else "dim")


# Which opportunities each view shows: (scope from the board's filter?, state).
VIEWS = opportunities.VIEWS


class OpportunitiesScreen(RecordListScreen):
    KIND = "opportunity"
    AREA_TITLE = "Opportunities"
    VIEWS = VIEWS
    SORTS = {
        "close_date": "close date",
        "name": "name",
        "revenue": "revenue (largest first)",
        "modified": "recently modified",
        "owner": "owner",
    }
    COLUMNS = [
        Column("name", "Opportunity", 30, _name),
        Column("customer", "Customer", 22),
        Column("stage", "Stage", 8, _stage, keep_width=True),
        Column("estimated_revenue", "Est. revenue", 14, _revenue, keep_width=True, right=True),
        Column(
            "probability",
            "%",
            4,
            lambda r: Text(str(r["probability"]), justify="right"),
            right=True,
        ),
        day_column("estimated_close_date", "Close", _close),
        # at 80 columns the topic and customer get the room instead
        Column("owner", "Owner", 14, min_table_width=100),
    ]
    BINDINGS = keys.bindings("opportunities_list")
    ACCESS = {**RecordListScreen.ACCESS, **dict.fromkeys(("won", "lost"), "write")}
    SERVICE = opportunities

    def fetch_page(self, *, view: str, **kwargs) -> Page:
        f = board_filter(self.app)
        return opportunities.page(scope=f.scope, close=f.close, state=view, **kwargs)

    def _show_status(self) -> None:
        super()._show_status()
        f = board_filter(self.app)
        label = Text()
        label.append(self.view_name(), style="bold")
        label.append(f" · {opportunities.SCOPES[f.scope]} · {opportunities.CLOSE_FILTERS[f.close]}")
        self.query_one("#view-label").update(label)

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.sales.opportunity_form import OpportunityFormScreen

        return OpportunityFormScreen(record_id)

    def action_next_scope(self) -> None:
        set_board_filter(self.app, scope=cycle(opportunities.SCOPES, board_filter(self.app).scope))
        self.reload()

    def action_next_close(self) -> None:
        set_board_filter(
            self.app, close=cycle(opportunities.CLOSE_FILTERS, board_filter(self.app).close)
        )
        self.reload()

    def action_board(self) -> None:
        self.app.pop_screen()

    def _after(self, result) -> None:
        if result:
            self.refresh_data()

    def action_won(self) -> None:
        if (row := self.table.current_row) is not None:
            opportunity_actions.close_won(self, row, self._after)

    def action_lost(self) -> None:
        if (row := self.table.current_row) is not None:
            opportunity_actions.close_lost(self, row, self._after)

    def action_toggle_active(self) -> None:
        self.notify(
            keys.fill(
                "Close an opportunity with {opportunity.won} (won) or {pipeline.lost} (lost); "
                "reopen it from its detail."
            )
        )

    def record_actions(self):
        actions = [
            ("New opportunity", keys.fill("Create one in Qualify ({list.new})"), self.action_new)
        ]
        row = self.table.current_row
        if row is not None:
            actions += [
                ("Open this opportunity", "Show its details", lambda: self.open_record(row["id"])),
                (
                    "Edit this opportunity",
                    keys.fill("Change its fields ({list.edit})"),
                    self.action_edit,
                ),
                (
                    "Log an activity",
                    keys.fill("Regarding this opportunity ({list.activity})"),
                    self.action_log_activity,
                ),
            ]
            if row["state"] == "open":
                actions += [
                    (
                        "Close as won",
                        keys.fill("Actual revenue and date ({opportunity.won})"),
                        self.action_won,
                    ),
                    (
                        "Close as lost",
                        keys.fill("Reason and competitor ({pipeline.lost})"),
                        self.action_lost,
                    ),
                ]
        return actions
