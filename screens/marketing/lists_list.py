"""Marketing lists (l from the campaigns, or the palette)."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.services.marketing import lists
from crm_tui.widgets.record_table import Column, name_cell


def _count(row: dict) -> Text:
    if row["dynamic"] and row["evaluated_at"] is None:
        return Text("?", style="dim", justify="right")  # counted when first opened
    return Text(f"{row['member_count']:,}", justify="right")


class MarketingListsScreen(RecordListScreen):
    KIND = "marketing_list"
    AREA_TITLE = "Marketing lists"
    VIEWS = lists.VIEWS
    COLUMNS = [
        Column("name", "List", 28, name_cell),
        Column(
            "member_type",
            "Members are",
            11,
            lambda r: Text(display.option("marketing_list", "member_type", r["member_type"])),
            keep_width=True,
        ),  # fmt: skip
        Column(
            "dynamic",
            "Kind",
            7,
            lambda r: Text("dynamic" if r["dynamic"] else "static"),
            keep_width=True,
        ),  # fmt: skip
        Column("member_count", "Members", 9, _count, keep_width=True, right=True),
        Column("purpose", "Purpose", 24, min_table_width=90),
        Column("owner", "Owner", 14, min_table_width=100),
    ]
    SERVICE = lists

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.marketing.list_form import MarketingListFormScreen

        return MarketingListFormScreen(record_id)
