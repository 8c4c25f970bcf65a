"""Create or edit an account."""

from __future__ import annotations

from crm_tui import display
from crm_tui.errors import ConflictError
from crm_tui.screens.common import contact_methods
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.services import money, records, session, users
from crm_tui.services.customers import accounts, contacts
from crm_tui.widgets.record_form import FieldSpec


def _account_matches(typed: str) -> list[dict]:
    return accounts.find_by_name(typed, limit=5)


def _contact_matches(typed: str) -> list[dict]:
    return contacts.find_by_name(typed, limit=5)


def owner_options() -> list[tuple[str, object]]:
    return [(u.full_name, u.id) for u in users.all_users()]


class AccountFormScreen(RecordFormScreen):
    KIND = "account"

    def specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("name", "Name", required=True),
            FieldSpec("account_number", "Account number"),
            FieldSpec(
                "industry", "Industry", "select", [(i or "(none)", i) for i in accounts.INDUSTRIES]
            ),
            FieldSpec("phone", "Phone", placeholder="e.g. +44 20 7946 0958"),
            FieldSpec("email", "Email", placeholder="e.g. info@example.com"),
            FieldSpec("website", "Website", placeholder="e.g. example.com"),
            FieldSpec("parent_id", "Parent account", "lookup", lookup=_account_matches),
            FieldSpec("primary_contact_id", "Primary contact", "lookup", lookup=_contact_matches),
            FieldSpec("street", "Street"),
            FieldSpec("city", "City"),
            FieldSpec("state_province", "State/province"),
            FieldSpec("postal_code", "Postal code"),
            FieldSpec("country", "Country"),
            FieldSpec(
                "annual_revenue",
                "Annual revenue",
                placeholder=f"in {session.settings().currency}, e.g. 1250000.00",
            ),
            FieldSpec("employees", "Employees"),
            *contact_methods.specs(),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Description", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            values = {"owner_id": session.current_user().id, "industry": "",
                      **contact_methods.values()}  # fmt: skip
            return values, {}, None, "New account"
        row = accounts.get(self.record_id)
        values = {name: getattr(row, name) for name in accounts.FIELDS if not name.endswith("_id")}
        values.update(
            phone=display.phone(row.phone),
            parent_id=row.parent_id,
            primary_contact_id=row.primary_contact_id,
            owner_id=row.owner_id,
            annual_revenue=money.plain(row.annual_revenue),
            **contact_methods.values(row),
        )
        if values["industry"] not in accounts.INDUSTRIES:
            values["industry"] = ""
        labels = {
            "parent_id": records.title_of("account", row.parent_id) if row.parent_id else "",
            "primary_contact_id": records.title_of("contact", row.primary_contact_id)
            if row.primary_contact_id
            else "",
        }
        return values, labels, row.version, f"Edit account · {row.name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return self.saved(accounts.create(values))
        return self.saved(accounts.update(self.record_id, version, values))

    def stored_display(self, error: ConflictError, name: str) -> str:
        current = error.current
        if name == "parent_id":
            value = current.get("parent")
            return records.title_of("account", value) if value else ""
        if name == "primary_contact_id":
            value = current.get("primary_contact")
            return records.title_of("contact", value) if value else ""
        if name == "owner_id":
            return users.name_of(current.get("owner"))
        if name == "annual_revenue":
            return money.plain(current.get("annual_revenue"))
        return super().stored_display(error, name)
