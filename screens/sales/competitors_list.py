"""Competitors (C from the pipeline board, or the palette)."""

from __future__ import annotations

from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.services.sales import competitors
from crm_tui.widgets.record_table import Column, name_cell


class CompetitorsScreen(RecordListScreen):
    KIND = "competitor"
    AREA_TITLE = "Competitors"
    VIEWS = competitors.VIEWS
    COLUMNS = [
        Column("name", "Competitor", 28, name_cell),
        Column("website", "Website", 24),
        Column("strengths", "Strengths", 30),
        Column("owner", "Owner", 14),
    ]
    SERVICE = competitors

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.sales.competitor_form import CompetitorFormScreen

        return CompetitorFormScreen(record_id)
