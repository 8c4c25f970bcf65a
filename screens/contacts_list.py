"""Area 2: the contacts list."""

from __future__ import annotations

from rich.text import Text

from crm_tui.errors import CrmError
from crm_tui.screens.base_list import RecordListScreen
from crm_tui.services import contacts
from crm_tui.services.listing import Page
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column, phone_cell


def _name(row: dict) -> Text:
    style = "" if row.get("state") == "active" else "dim strike"
    return safe_line(row["name"], style)


class ContactsScreen(RecordListScreen):
    KIND = "contact"
    AREA_TITLE = "Contacts"
    VIEWS = contacts.VIEWS
    COLUMNS = [
        Column("name", "Contact", 24, _name),
        Column("job_title", "Job title", 20),
        Column("account", "Account", 24),
        Column("email", "Email", 28),
        Column("phone", "Phone", 19, phone_cell),
        Column("owner", "Owner", 13),
    ]

    def fetch_page(self, **kwargs) -> Page:
        return contacts.page(**kwargs)

    def open_record(self, record_id: int) -> None:
        from crm_tui.screens.contact_detail import ContactDetailScreen

        self.app.push_screen(ContactDetailScreen(record_id))

    def new_record(self) -> None:
        from crm_tui.screens.contact_form import ContactFormScreen

        self.app.push_screen(ContactFormScreen(None), self._after_form)

    def edit_record(self, record_id: int) -> None:
        from crm_tui.screens.contact_form import ContactFormScreen

        self.app.push_screen(ContactFormScreen(record_id), self._after_form)

    def _after_form(self, saved_id: int | None) -> None:
        if saved_id is not None:
            self.refresh_data()

    def set_active(self, row: dict, active: bool) -> None:
        try:
            if active:
                contacts.reactivate(row["id"], row["version"])
            else:
                contacts.deactivate(row["id"], row["version"])
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            return
        self.notify(
            Text.assemble(safe_line(row["name"]), " reactivated" if active else " deactivated")
        )
        self.refresh_data()
