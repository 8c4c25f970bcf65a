"""Create or edit a campaign."""

from __future__ import annotations

from crm_tui.errors import ConflictError
from crm_tui.meta.marketing import CAMPAIGN_TYPES
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.screens.customers.account_form import owner_options
from crm_tui.services import money, session, users
from crm_tui.services.marketing import campaigns
from crm_tui.widgets.record_form import FieldSpec

_MONEY = ("budget", "other_cost", "expected_revenue")


class CampaignFormScreen(RecordFormScreen):
    KIND = "campaign"

    def specs(self) -> list[FieldSpec]:
        currency = session.settings().currency
        return [
            FieldSpec("name", "Name", required=True),
            FieldSpec(
                "campaign_type", "Type", "select", [(v, k) for k, v in CAMPAIGN_TYPES.items()]
            ),
            date_spec("proposed_start", "Proposed start"),
            date_spec("proposed_end", "Proposed end"),
            FieldSpec("budget", "Budget", placeholder=f"in {currency}, e.g. 5000"),
            FieldSpec("other_cost", "Other costs", placeholder=f"in {currency}: venue, print …"),
            FieldSpec("expected_response", "Expected response %", placeholder="e.g. 5"),
            FieldSpec("expected_revenue", "Expected revenue", placeholder=f"in {currency}"),
            FieldSpec("offer", "Offer", "multiline"),
            FieldSpec("objective", "Objective", "multiline"),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Description", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            values = {"owner_id": session.current_user().id, "campaign_type": "direct_marketing"}
            return values, {}, None, "New campaign"
        row = campaigns.get(self.record_id)
        values = {
            "name": row.name,
            "campaign_type": row.campaign_type,
            "proposed_start": shown(row.proposed_start),
            "proposed_end": shown(row.proposed_end),
            **{name: money.plain(getattr(row, name)) for name in _MONEY},
            "expected_response": ""
            if row.expected_response is None
            else str(row.expected_response),
            "offer": row.offer,
            "objective": row.objective,
            "owner_id": row.owner_id,
            "description": row.description,
        }
        return values, {}, row.version, f"Edit campaign · {row.number} {row.name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return campaigns.create(values).id
        return campaigns.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        if name == "owner_id":
            return users.name_of(error.current.get("owner"))
        if name in _MONEY:
            return money.plain(error.current.get(name))
        return super().stored_display(error, name)
