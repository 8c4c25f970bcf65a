"""Area 2: the contacts list."""

from __future__ import annotations

from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.services.customers import contacts
from crm_tui.widgets.record_table import Column, name_cell, phone_cell


class ContactsScreen(RecordListScreen):
    KIND = "contact"
    AREA_TITLE = "Contacts"
    VIEWS = contacts.VIEWS
    COLUMNS = [
        Column("name", "Contact", 24, name_cell),
        # At 80 columns name, account and email get the room.
        Column("job_title", "Job title", 20, min_table_width=100),
        Column("account", "Account", 24),
        Column("email", "Email", 28),
        Column("phone", "Phone", 18, phone_cell, keep_width=True),
        Column("owner", "Owner", 13, min_table_width=100),
    ]

    SERVICE = contacts

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.customers.contact_form import ContactFormScreen

        return ContactFormScreen(record_id)
