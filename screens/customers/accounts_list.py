"""Area 1: the accounts list."""

from __future__ import annotations

from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.services.customers import accounts
from crm_tui.widgets.record_table import Column, name_cell, phone_cell


class AccountsScreen(RecordListScreen):
    KIND = "account"
    AREA_TITLE = "Accounts"
    VIEWS = accounts.VIEWS
    COLUMNS = [
        Column("name", "Account", 30, name_cell),
        Column("city", "City", 14),
        # At 80 columns the name gets their room: two similar names must be
        # told apart, and the city still says where.
        Column("country", "Country", 15, min_table_width=90),
        Column("phone", "Phone", 18, phone_cell, keep_width=True),
        Column("primary_contact", "Primary contact", 20, min_table_width=100),
        Column("owner", "Owner", 15),
    ]

    SERVICE = accounts

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.customers.account_form import AccountFormScreen

        return AccountFormScreen(record_id)
