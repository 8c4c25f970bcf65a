"""An account: summary, its contacts, timeline, notes and history."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display, keys
from crm_tui.screens.common import contact_methods, list_membership, routes
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.services import records, session
from crm_tui.services.customers import accounts
from crm_tui.services.marketing import lists
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_table import Column

CONTACT_COLUMNS = [
    Column("name", "Name", 24),
    Column("job_title", "Job title", 20),
    Column("email", "Email", 28),
    Column("phone", "Phone", 18, keep_width=True),
]


class AccountDetailScreen(RecordDetailScreen):
    KIND = "account"
    SERVICE = accounts
    EXTRA_TABS = [("contacts", "Contacts")]
    BINDINGS = keys.bindings("account_detail")
    ACCESS = {**RecordDetailScreen.ACCESS, "new_contact": "create"}

    def create_kind(self, action: str) -> str:
        return "contact" if action == "new_contact" else self.KIND

    @property
    def display_name(self) -> str:
        return self.record.name if self.record else ""

    def title_text(self) -> Text:
        row = self.record
        title = safe_line(row.name, "bold")
        return self.title_suffix(title)

    def marketing_lists(self) -> str:
        """The active marketing lists the account is on, by name."""
        return ", ".join(r["name"] for r in lists.lists_of(self.KIND, self.record_id))

    def summary_rows(self):
        row = self.record
        parent = records.title_of("account", row.parent_id) if row.parent_id else ""
        primary = (
            records.title_of("contact", row.primary_contact_id) if row.primary_contact_id else ""
        )
        return [
            ("Account number", row.account_number),
            ("Industry", row.industry),
            ("Phone", display.phone(row.phone)),
            ("Email", row.email),
            ("Website", row.website),
            ("Address", self.address()),
            ("Parent account", parent),
            ("Primary contact", primary),
            ("Annual revenue", display.money(row.annual_revenue, session.settings().currency)),
            ("Employees", "" if row.employees is None else f"{row.employees:,}"),
            ("Contact methods", contact_methods.summary(row) or "every way"),
            ("Marketing lists", self.marketing_lists()),
            *self.stamp_rows(),
            ("Description", row.description),
        ]

    def compose_extra(self, tab_id: str) -> ComposeResult:
        yield Static(
            Text(
                keys.fill("No contacts at this account: {account.new_contact} adds one."),
                style="dim",
            ),
            id="empty-contacts",
            classes="empty-hint",
        )
        yield RowsTable(CONTACT_COLUMNS, id="related-contacts")

    def refresh_extra(self, tab_id: str) -> None:
        rows = accounts.contacts_of(self.record_id)
        self.query_one("#empty-contacts").display = not rows
        shown = []
        for row in rows:
            style = "" if row["state"] == "active" else "dim strike"
            shown.append(
                {
                    "key": str(row["id"]),
                    "name": safe_line(row["full_name"], style),
                    "job_title": safe_line(row["job_title"]),
                    "email": safe_line(row["email"]),
                    "phone": safe_line(display.phone(row["phone"])),
                }
            )
        self.query_one("#related-contacts", RowsTable).show(shown)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "related-contacts":
            routes.open_detail(self.app, "contact", int(event.row_key.value))

    def edit_screen(self):
        from crm_tui.screens.customers.account_form import AccountFormScreen

        return AccountFormScreen(self.record_id)

    def action_new_contact(self) -> None:
        from crm_tui.screens.customers.contact_form import ContactFormScreen

        def saved(contact_id: int | None) -> None:
            self.refresh_data()
            if contact_id is not None:
                self.switch_tab("contacts")

        self.app.push_screen(ContactFormScreen(None, preset={"account_id": self.record_id}), saved)

    def record_actions(self):
        return [
            (
                "New contact at this account",
                "Create a contact linked here",
                self.action_new_contact,
            ),
            *super().record_actions(),
            *list_membership.actions(self, self.KIND, self.record_id),
        ]
