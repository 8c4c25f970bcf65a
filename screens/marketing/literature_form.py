"""Create or edit sales literature (its files are added on its page)."""

from __future__ import annotations

from crm_tui.errors import ConflictError
from crm_tui.meta.marketing import LITERATURE_TYPES
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.screens.customers.account_form import owner_options
from crm_tui.services import session, users
from crm_tui.services.marketing import literature
from crm_tui.widgets.record_form import FieldSpec


class LiteratureFormScreen(RecordFormScreen):
    KIND = "sales_literature"

    def specs(self) -> list[FieldSpec]:
        people = [("(nobody)", "")] + [(label, value) for label, value in owner_options()]
        return [
            FieldSpec("title", "Title", required=True),
            FieldSpec(
                "literature_type", "Type", "select", [(v, k) for k, v in LITERATURE_TYPES.items()]
            ),
            FieldSpec("subject", "Subject"),
            FieldSpec("keywords", "Keywords", placeholder="words it should be found by"),
            date_spec("expires_on", "Expires on", empty="never"),
            FieldSpec("employee_contact_id", "Employee contact", "select", people),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Description", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            values = {"owner_id": session.current_user().id, "literature_type": "brochure",
                      "employee_contact_id": ""}  # fmt: skip
            return values, {}, None, "New sales literature"
        row = literature.get(self.record_id)
        values = {
            "title": row.title,
            "literature_type": row.literature_type,
            "subject": row.subject,
            "keywords": row.keywords,
            "expires_on": shown(row.expires_on),
            "employee_contact_id": row.__data__.get("employee_contact") or "",
            "owner_id": row.owner_id,
            "description": row.description,
        }
        return values, {}, row.version, f"Edit sales literature · {row.title}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return literature.create(values).id
        return literature.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        if name in ("owner_id", "employee_contact_id"):
            key = "owner" if name == "owner_id" else "employee_contact"
            return users.name_of(error.current.get(key))
        return super().stored_display(error, name)
