"""A contact: summary, timeline, notes and history."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common import contact_methods, list_membership, routes
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.services.customers import contacts
from crm_tui.services.marketing import lists
from crm_tui.text import safe_line


class ContactDetailScreen(RecordDetailScreen):
    KIND = "contact"
    SERVICE = contacts
    BINDINGS = keys.bindings("contact_detail")

    @property
    def display_name(self) -> str:
        return self.record.full_name if self.record else ""

    def title_text(self) -> Text:
        row = self.record
        title = safe_line(row.full_name, "bold")
        if row.job_title or row.account_id:
            title.append("  ·  ", style="dim")
            title.append_text(safe_line(row.job_title))
            if row.account_id:
                title.append(" at " if row.job_title else "", style="dim")
                title.append_text(safe_line(row.account.name, "cyan"))
        return self.title_suffix(title)

    def marketing_lists(self) -> str:
        """The active marketing lists the contact is on, by name."""
        return ", ".join(r["name"] for r in lists.lists_of(self.KIND, self.record_id))

    def summary_rows(self):
        row = self.record
        return [
            ("Job title", row.job_title),
            ("Account", row.account.name if row.account_id else ""),
            ("Email", row.email),
            ("Business phone", display.phone(row.phone)),
            ("Mobile phone", display.phone(row.mobile)),
            ("Address", self.address()),
            ("Contact methods", contact_methods.summary(row) or "every way"),
            ("Marketing lists", self.marketing_lists()),
            *self.stamp_rows(),
            ("Description", row.description),
        ]

    def edit_screen(self):
        from crm_tui.screens.customers.contact_form import ContactFormScreen

        return ContactFormScreen(self.record_id)

    def action_open_account(self) -> None:
        if self.record is None or not self.record.account_id:
            self.notify("This contact has no account.", severity="warning")
            return
        routes.open_detail(self.app, "account", self.record.account_id)

    def record_actions(self):
        actions = super().record_actions()
        actions += list_membership.actions(self, self.KIND, self.record_id)
        if self.record is not None and self.record.account_id:
            actions.append(
                ("Open the contact's account", "Go to the account", self.action_open_account)
            )
        return actions
