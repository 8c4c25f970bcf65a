"""Create or edit a competitor."""

from __future__ import annotations

from crm_tui.errors import ConflictError
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.customers.account_form import owner_options
from crm_tui.services import session, users
from crm_tui.services.sales import competitors
from crm_tui.widgets.record_form import FieldSpec


class CompetitorFormScreen(RecordFormScreen):
    KIND = "competitor"

    def specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("name", "Name", required=True),
            FieldSpec("website", "Website", placeholder="e.g. example.com"),
            FieldSpec("strengths", "Strengths", "multiline"),
            FieldSpec("weaknesses", "Weaknesses", "multiline"),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Notes", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            return {"owner_id": session.current_user().id}, {}, None, "New competitor"
        row = competitors.get(self.record_id)
        values = {
            "name": row.name,
            "website": row.website,
            "strengths": row.strengths,
            "weaknesses": row.weaknesses,
            "owner_id": row.owner_id,
            "description": row.description,
        }
        return values, {}, row.version, f"Edit competitor · {row.name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return competitors.create(values).id
        return competitors.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        if name == "owner_id":
            return users.name_of(error.current.get("owner"))
        return super().stored_display(error, name)
