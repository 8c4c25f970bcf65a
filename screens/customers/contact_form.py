"""Create or edit a contact."""

from __future__ import annotations

from crm_tui import display
from crm_tui.errors import ConflictError
from crm_tui.screens.common import contact_methods
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.customers.account_form import _account_matches, owner_options
from crm_tui.services import records, session, users
from crm_tui.services.customers import contacts
from crm_tui.widgets.record_form import FieldSpec


class ContactFormScreen(RecordFormScreen):
    KIND = "contact"

    def specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("first_name", "First name"),
            FieldSpec("last_name", "Last name", required=True),
            FieldSpec("job_title", "Job title"),
            FieldSpec("account_id", "Account", "lookup", lookup=_account_matches),
            FieldSpec("email", "Email", placeholder="e.g. name@example.com"),
            FieldSpec("phone", "Business phone", placeholder="e.g. +44 20 7946 0958"),
            FieldSpec("mobile", "Mobile phone"),
            FieldSpec("street", "Street"),
            FieldSpec("city", "City"),
            FieldSpec("state_province", "State/province"),
            FieldSpec("postal_code", "Postal code"),
            FieldSpec("country", "Country"),
            *contact_methods.specs(),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Description", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            labels = {}
            account_id = self.preset.get("account_id")
            if account_id:
                labels["account_id"] = records.title_of("account", account_id)
            values = {"owner_id": session.current_user().id, **contact_methods.values()}
            return values, labels, None, "New contact"
        row = contacts.get(self.record_id)
        values = {name: getattr(row, name) for name in contacts.FIELDS if not name.endswith("_id")}
        values.update(
            account_id=row.account_id,
            owner_id=row.owner_id,
            phone=display.phone(row.phone),
            mobile=display.phone(row.mobile),
            **contact_methods.values(row),
        )
        labels = {
            "account_id": records.title_of("account", row.account_id) if row.account_id else ""
        }
        return values, labels, row.version, f"Edit contact · {row.full_name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return self.saved(contacts.create(values))
        return self.saved(contacts.update(self.record_id, version, values))

    def stored_display(self, error: ConflictError, name: str) -> str:
        if name == "account_id":
            value = error.current.get("account")
            return records.title_of("account", value) if value else ""
        if name == "owner_id":
            return users.name_of(error.current.get("owner"))
        return super().stored_display(error, name)
