"""Sales literature (i from the campaigns, or the palette); the filter finds
words inside its files too."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.screens.common.date_field import day_column
from crm_tui.services.marketing import literature
from crm_tui.widgets.record_table import Column, name_cell


class LiteratureScreen(RecordListScreen):
    KIND = "sales_literature"
    AREA_TITLE = "Sales literature"
    VIEWS = literature.VIEWS
    COLUMNS = [
        Column("name", "Title", 28, name_cell),
        Column(
            "literature_type",
            "Type",
            14,
            lambda r: Text(
                display.option("sales_literature", "literature_type", r["literature_type"])
            ),
        ),  # fmt: skip
        Column("subject", "Subject", 20, min_table_width=90),
        Column(
            "items",
            "Files",
            5,
            lambda r: Text(str(r["items"]), justify="right"),
            keep_width=True,
            right=True,
        ),  # fmt: skip
        day_column("expires_on", "Expires"),
        Column("owner", "Owner", 14, min_table_width=100),
    ]
    SERVICE = literature

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.marketing.literature_form import LiteratureFormScreen

        return LiteratureFormScreen(record_id)
