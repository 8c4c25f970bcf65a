"""Create or edit a lead."""

from __future__ import annotations

from crm_tui import display
from crm_tui.errors import ConflictError
from crm_tui.screens.common import contact_methods
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.customers.account_form import owner_options
from crm_tui.services import money, session, users
from crm_tui.services.sales import leads
from crm_tui.widgets.record_form import FieldSpec


class LeadFormScreen(RecordFormScreen):
    KIND = "lead"

    def specs(self) -> list[FieldSpec]:
        currency = session.settings().currency
        return [
            FieldSpec("topic", "Topic", placeholder="what they are interested in"),
            FieldSpec("first_name", "First name"),
            FieldSpec("last_name", "Last name", required=True),
            FieldSpec("company_name", "Company"),
            FieldSpec("job_title", "Job title"),
            FieldSpec("email", "Email", placeholder="e.g. name@example.com"),
            FieldSpec("phone", "Phone", placeholder="e.g. +44 20 7946 0958"),
            FieldSpec("website", "Website", placeholder="e.g. example.com"),
            FieldSpec("city", "City"),
            FieldSpec("country", "Country"),
            FieldSpec(
                "source", "Source", "select", [(v or "(none)", k) for k, v in leads.SOURCES.items()]
            ),
            FieldSpec("rating", "Rating", "select", [(v, k) for k, v in leads.RATINGS.items()]),
            FieldSpec("estimated_value", "Est. value", placeholder=f"in {currency}, e.g. 12500.00"),
            *contact_methods.specs(),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Description", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            values = {"owner_id": session.current_user().id, "source": "", "rating": "warm",
                      **contact_methods.values()}  # fmt: skip
            return values, {}, None, "New lead"
        row = leads.get(self.record_id)
        values = {
            name: getattr(row, name)
            for name in leads.FIELDS
            if name not in ("owner_id", "estimated_value")
        }
        values.update(
            owner_id=row.owner_id,
            phone=display.phone(row.phone),
            estimated_value=money.plain(row.estimated_value),
            **contact_methods.values(row),
        )
        if values["source"] not in leads.SOURCES:
            values["source"] = ""
        return values, {}, row.version, f"Edit lead · {row.full_name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return self.saved(leads.create(values))
        return self.saved(leads.update(self.record_id, version, values))

    def stored_display(self, error: ConflictError, name: str) -> str:
        if name == "owner_id":
            return users.name_of(error.current.get("owner"))
        if name == "estimated_value":
            return money.plain(error.current.get("estimated_value"))
        return super().stored_display(error, name)
