"""Create or edit a product."""

from __future__ import annotations

from crm_tui.errors import ConflictError
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.customers.account_form import owner_options
from crm_tui.services import money, session, users
from crm_tui.services.sales import products
from crm_tui.widgets.record_form import FieldSpec


class ProductFormScreen(RecordFormScreen):
    KIND = "product"

    def specs(self) -> list[FieldSpec]:
        currency = session.settings().currency
        return [
            FieldSpec("product_number", "Number", required=True, placeholder="e.g. LAP-14-PRO"),
            FieldSpec("name", "Name", required=True),
            FieldSpec(
                "product_type", "Type", "select", [(v, k) for k, v in products.TYPES.items()]
            ),
            FieldSpec("unit", "Unit", placeholder="each, hour, licence …"),
            FieldSpec("list_price", "List price", placeholder=f"in {currency}, e.g. 1299.00"),
            FieldSpec("cost", "Cost", placeholder=f"in {currency}"),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Description", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            values = {
                "owner_id": session.current_user().id,
                "product_type": "sales_inventory",
                "unit": "each",
            }
            return values, {}, None, "New product"
        row = products.get(self.record_id)
        values = {
            "product_number": row.product_number,
            "name": row.name,
            "product_type": row.product_type,
            "unit": row.unit,
            "list_price": money.plain(row.list_price),
            "cost": money.plain(row.cost),
            "owner_id": row.owner_id,
            "description": row.description,
        }
        return values, {}, row.version, f"Edit product · {row.name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return products.create(values).id
        return products.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        if name == "owner_id":
            return users.name_of(error.current.get("owner"))
        if name in ("list_price", "cost"):
            return money.plain(error.current.get(name))
        return super().stored_display(error, name)
