"""Area 1: the accounts list."""

from __future__ import annotations

from rich.text import Text

from crm_tui.errors import CrmError
from crm_tui.screens.base_list import RecordListScreen
from crm_tui.services import accounts
from crm_tui.services.listing import Page
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column, phone_cell


def _name(row: dict) -> Text:
    style = "" if row.get("state") == "active" else "dim strike"
    return safe_line(row["name"], style)


class AccountsScreen(RecordListScreen):
    KIND = "account"
    AREA_TITLE = "Accounts"
    VIEWS = accounts.VIEWS
    COLUMNS = [
        Column("name", "Account", 30, _name),
        Column("city", "City", 14),
        Column("country", "Country", 15),
        Column("phone", "Phone", 19, phone_cell),
        Column("primary_contact", "Primary contact", 20),
        Column("owner", "Owner", 15),
    ]

    def fetch_page(self, **kwargs) -> Page:
        return accounts.page(**kwargs)

    def open_record(self, record_id: int) -> None:
        from crm_tui.screens.account_detail import AccountDetailScreen

        self.app.push_screen(AccountDetailScreen(record_id))

    def new_record(self) -> None:
        from crm_tui.screens.account_form import AccountFormScreen

        self.app.push_screen(AccountFormScreen(None), self._after_form)

    def edit_record(self, record_id: int) -> None:
        from crm_tui.screens.account_form import AccountFormScreen

        self.app.push_screen(AccountFormScreen(record_id), self._after_form)

    def _after_form(self, saved_id: int | None) -> None:
        if saved_id is not None:
            self.refresh_data()

    def set_active(self, row: dict, active: bool) -> None:
        try:
            if active:
                accounts.reactivate(row["id"], row["version"])
            else:
                accounts.deactivate(row["id"], row["version"])
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            return
        self.notify(
            Text.assemble(safe_line(row["name"]), " reactivated" if active else " deactivated")
        )
        self.refresh_data()
