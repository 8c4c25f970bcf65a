"""Create or edit an opportunity."""

from __future__ import annotations

from crm_tui.errors import ConflictError
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.common.date_field import shown
from crm_tui.screens.customers.account_form import owner_options
from crm_tui.screens.sales.opportunity_actions import GATE_SPECS
from crm_tui.services import money, records, session, users
from crm_tui.services.sales import opportunities, products
from crm_tui.widgets.record_form import FieldSpec

LOOKUPS = {"account_id": "account", "contact_id": "contact", "price_list_id": "price_list"}


def price_list_options() -> list[tuple[str, object]]:
    return [("(default)", None)] + [(row["name"], row["id"]) for row in products.price_lists()]


class OpportunityFormScreen(RecordFormScreen):
    KIND = "opportunity"

    def specs(self) -> list[FieldSpec]:
        currency = session.settings().currency
        return [
            FieldSpec("name", "Topic", required=True, placeholder="e.g. 40 laptops for Acme"),
            GATE_SPECS["account_id"],
            GATE_SPECS["contact_id"],
            FieldSpec(
                "estimated_revenue", "Est. revenue", placeholder=f"in {currency}, e.g. 12500.00"
            ),
            FieldSpec("probability", "Probability %", placeholder="0-100"),
            GATE_SPECS["estimated_close_date"],
            FieldSpec(
                "rating", "Rating", "select", [(v, k) for k, v in opportunities.RATINGS.items()]
            ),
            FieldSpec("price_list_id", "Price list", "select", price_list_options()),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Need", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            values = {
                "owner_id": session.current_user().id,
                "rating": "warm",
                "price_list_id": None,
            }
            return values, {}, None, "New opportunity"
        row = opportunities.get(self.record_id)
        values = {
            "name": row.name,
            "account_id": row.account_id,
            "contact_id": row.contact_id,
            "estimated_revenue": money.plain(row.estimated_revenue),
            "probability": str(row.probability),
            "estimated_close_date": shown(row.estimated_close_date),
            "rating": row.rating,
            "price_list_id": row.price_list_id,
            "owner_id": row.owner_id,
            "description": row.description,
        }
        labels = {
            name: records.title_of(kind, values[name]) if values[name] else ""
            for name, kind in LOOKUPS.items()
            if name != "price_list_id"
        }
        return values, labels, row.version, f"Edit opportunity · {row.name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return opportunities.create(values).id
        return opportunities.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        current = error.current
        value = current.get(name.removesuffix("_id"), current.get(name))
        if name in LOOKUPS and value:
            return records.title_of(LOOKUPS[name], value)
        if name == "owner_id":
            return users.name_of(value)
        if name == "estimated_revenue":
            return money.plain(value)
        return super().stored_display(error, name)
