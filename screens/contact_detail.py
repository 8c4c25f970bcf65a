"""A contact: summary, timeline, notes and history."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from crm_tui.errors import CrmError
from crm_tui.screens.base_detail import RecordDetailScreen
from crm_tui.services import activities, contacts, dates
from crm_tui.services.validate import display_phone
from crm_tui.text import safe_line


class ContactDetailScreen(RecordDetailScreen):
    KIND = "contact"
    BINDINGS = [
        Binding("n", "log_activity('note')", "New note"),
        Binding("o", "open_account", "Open account"),
    ]

    @property
    def display_name(self) -> str:
        return self.record.full_name if self.record else ""

    def load_record(self):
        return contacts.get(self.record_id)

    def title_text(self) -> Text:
        row = self.record
        title = safe_line(row.full_name, "bold")
        if row.job_title or row.account_id:
            title.append("  ·  ", style="dim")
            title.append_text(safe_line(row.job_title))
            if row.account_id:
                title.append(" at " if row.job_title else "", style="dim")
                title.append_text(safe_line(row.account.name, "cyan"))
        if row.state != "active":
            title.append("  inactive", style="bold red")
        open_count = activities.open_count(("contact", row.id))
        title.append(
            f"   {open_count} open activit{'y' if open_count == 1 else 'ies'}", style="dim"
        )
        return title

    def summary_rows(self):
        row = self.record
        address = ", ".join(
            p for p in (row.street, row.city, row.state_province, row.postal_code, row.country) if p
        )
        return [
            ("Job title", row.job_title),
            ("Account", row.account.name if row.account_id else ""),
            ("Email", row.email),
            ("Business phone", display_phone(row.phone)),
            ("Mobile phone", display_phone(row.mobile)),
            ("Address", address),
            ("Owner", row.owner.full_name),
            (
                "Created",
                f"{dates.display_time(row.created_at)} by "
                f"{row.created_by.full_name if row.created_by else '?'}",
            ),
            (
                "Modified",
                f"{dates.display_time(row.modified_at)} by "
                f"{row.modified_by.full_name if row.modified_by else '?'}"
                f" · version {row.version}",
            ),
            ("Description", row.description),
        ]

    def edit_screen(self):
        from crm_tui.screens.contact_form import ContactFormScreen

        return ContactFormScreen(self.record_id)

    def action_open_account(self) -> None:
        if self.record is None or not self.record.account_id:
            self.notify("This contact has no account.", severity="warning")
            return
        from crm_tui.screens.account_detail import AccountDetailScreen

        self.app.push_screen(AccountDetailScreen(self.record.account_id))

    def set_active(self, active: bool) -> None:
        try:
            if active:
                contacts.reactivate(self.record_id, self.record.version)
            else:
                contacts.deactivate(self.record_id, self.record.version)
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            return
        self.notify("Contact reactivated." if active else "Contact deactivated.")
        self.refresh_data()

    def record_actions(self):
        actions = super().record_actions()
        if self.record is not None and self.record.account_id:
            actions.append(
                ("Open the contact's account", "Go to the account", self.action_open_account)
            )
        return actions
