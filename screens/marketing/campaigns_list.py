"""Campaigns: the marketing area's home (9). Lists and literature are a key away."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.screens.common.date_field import day_column
from crm_tui.services.marketing import campaigns
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column

STATE_STYLE = {
    "proposed": "",
    "ready": "cyan",
    "launched": "bold green",
    "suspended": "yellow",
    "completed": "dim",
    "canceled": "dim red",
}


def _state(row: dict) -> Text:
    return Text(campaigns.STATES[row["state"]], style=STATE_STYLE.get(row["state"], ""))


class CampaignsScreen(RecordListScreen):
    KIND = "campaign"
    AREA_TITLE = "Campaigns"
    VIEWS = campaigns.VIEWS
    COLUMNS = [
        Column("number", "Code", 9, keep_width=True),
        Column("name", "Campaign", 28),
        Column(
            "campaign_type",
            "Type",
            17,
            lambda r: safe_line(display.option("campaign", "campaign_type", r["campaign_type"])),
        ),  # fmt: skip
        Column("state", "Status", 15, _state, keep_width=True),
        day_column("proposed_end", "Ends"),
        Column(
            "budget",
            "Budget",
            12,
            lambda r: Text(display.money(r.get("budget")), justify="right"),
            right=True,
            min_table_width=100,
        ),  # fmt: skip
        Column("owner", "Owner", 14, min_table_width=90),
    ]
    BINDINGS = keys.bindings("campaigns_list")
    SERVICE = campaigns

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.marketing.campaign_form import CampaignFormScreen

        return CampaignFormScreen(record_id)

    def action_lists(self) -> None:
        self.app.open_catalogue("marketing.lists_list", "MarketingListsScreen")

    def action_literature(self) -> None:
        self.app.open_catalogue("marketing.literature_list", "LiteratureScreen")

    def action_quick_campaign(self) -> None:
        from crm_tui.screens.marketing.quick_campaign import quick_campaign

        quick_campaign(self)

    def action_toggle_active(self) -> None:
        self.notify(
            keys.fill("A campaign is completed or canceled on its page (enter opens it)."),
        )
