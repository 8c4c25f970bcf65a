"""A competitor: strengths and weaknesses, the record against them, and the
opportunities where they compete."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display
from crm_tui.screens.common import routes
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.services.sales import competitors
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_table import Column

STATE_STYLE = {"open": "green", "won": "cyan", "lost": "red"}
DEAL_COLUMNS = [
    Column("name", "Opportunity", 28),
    Column("customer", "Customer", 22),
    Column("state", "State", 6, keep_width=True),
    Column("revenue", "Revenue", 12, keep_width=True, right=True),
]


class CompetitorDetailScreen(RecordDetailScreen):
    KIND = "competitor"
    SERVICE = competitors
    EXTRA_TABS = [("deals", "Opportunities")]

    @property
    def display_name(self) -> str:
        return self.record.name if self.record else ""

    def title_text(self) -> Text:
        title = safe_line(self.record.name, "bold")
        counts = competitors.record(self.record_id)
        title.append(
            f"   won against {counts['won_against']} · lost to {counts['lost_to']}"
            f" · competing in {counts['open']} open",
            style="dim",
        )
        if self.record.state != "active":
            title.append("  inactive", style="bold red")
        return title

    def summary_rows(self):
        row = self.record
        counts = competitors.record(self.record_id)
        return [
            ("Website", row.website),
            ("Won against", str(counts["won_against"])),
            ("Lost to", str(counts["lost_to"])),
            ("Open against", str(counts["open"])),
            ("Strengths", row.strengths),
            ("Weaknesses", row.weaknesses),
            *self.stamp_rows(),
            ("Notes", row.description),
        ]

    def compose_extra(self, tab_id: str) -> ComposeResult:
        yield Static(
            Text("Not linked to any opportunity yet.", style="dim"),
            id="empty-deals",
            classes="empty-hint",
        )
        yield RowsTable(DEAL_COLUMNS, id="related-deals")

    def refresh_extra(self, tab_id: str) -> None:
        rows = competitors.opportunities_of(self.record_id, limit=200)
        self.query_one("#empty-deals").display = not rows
        shown = []
        for row in rows:
            revenue = row.get("actual_revenue") or row.get("estimated_revenue")
            shown.append(
                {
                    "key": str(row["id"]),
                    "name": safe_line(row["name"]),
                    "customer": safe_line(row.get("customer") or ""),
                    "state": Text(
                        display.state("opportunity", row["state"]),
                        style=STATE_STYLE.get(row["state"], ""),
                    ),
                    "revenue": Text(display.money(revenue), justify="right"),
                }
            )
        self.query_one("#related-deals", RowsTable).show(shown)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "related-deals":
            routes.open_detail(self.app, "opportunity", int(event.row_key.value))

    def edit_screen(self):
        from crm_tui.screens.sales.competitor_form import CompetitorFormScreen

        return CompetitorFormScreen(self.record_id)
