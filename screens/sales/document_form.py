"""Create or edit the header of a quote, order or invoice: customer,
opportunity, price list, header discount, dates."""

from __future__ import annotations

from crm_tui import display
from crm_tui.errors import ConflictError
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.screens.customers.account_form import _account_matches, owner_options
from crm_tui.screens.sales.document_actions import SERVICES
from crm_tui.screens.sales.opportunity_form import price_list_options
from crm_tui.services import records, session, users
from crm_tui.services.customers import contacts
from crm_tui.services.sales import opportunities, pricing
from crm_tui.widgets.record_form import FieldSpec

LOOKUPS = {"account_id": "account", "contact_id": "contact", "opportunity_id": "opportunity"}


def _contact_matches(typed: str) -> list[dict]:
    return contacts.find_by_name(typed, limit=5)


def _opportunity_matches(typed: str) -> list[dict]:
    return opportunities.find_by_name(typed, limit=5)


class DocumentFormScreen(RecordFormScreen):
    def __init__(self, kind: str, record_id: int | None, preset: dict | None = None) -> None:
        self.KIND = kind
        self.service = SERVICES[kind]
        super().__init__(record_id, preset)

    def specs(self) -> list[FieldSpec]:
        specs = [
            FieldSpec("name", "Name", required=True),
            FieldSpec("account_id", "Account", "lookup", lookup=_account_matches),
            FieldSpec("contact_id", "Contact", "lookup", lookup=_contact_matches),
        ]
        if self.KIND == "quote":
            specs.append(
                FieldSpec("opportunity_id", "Opportunity", "lookup", lookup=_opportunity_matches)
            )
        specs += [
            FieldSpec("price_list_id", "Price list", "select", price_list_options()),
            FieldSpec("discount", "Discount", placeholder="on the whole document: 5% or 100.00"),
        ]
        if self.KIND == "quote":
            specs += [
                date_spec("effective_from", "Valid from"),
                date_spec("effective_to", "Valid to"),
            ]
        if self.KIND == "invoice":
            specs.append(date_spec("due_date", "Due"))
        return [
            *specs,
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Description", "multiline"),
        ]

    def load(self):
        label = display.kind_label(self.KIND)
        if self.record_id is None:
            values = {"owner_id": session.current_user().id, "price_list_id": None}
            labels = {
                name: records.title_of(kind, self.preset[name])
                for name, kind in LOOKUPS.items()
                if self.preset.get(name)
            }
            return values, labels, None, f"New {label.lower()}"
        row = self.service.get(self.record_id)
        values = {
            "name": row.name,
            "account_id": row.account_id,
            "contact_id": row.contact_id,
            "price_list_id": row.price_list_id,
            "discount": pricing.format_discount(row.discount_amount, row.discount_percent),
            "owner_id": row.owner_id,
            "description": row.description,
        }
        if self.KIND == "quote":
            values.update(
                opportunity_id=row.opportunity_id,
                effective_from=shown(row.effective_from),
                effective_to=shown(row.effective_to),
            )
        if self.KIND == "invoice":
            values["due_date"] = shown(row.due_date)
        labels = {
            name: records.title_of(kind, values[name])
            for name, kind in LOOKUPS.items()
            if values.get(name)
        }
        number = self.service.display_number(row)
        return values, labels, row.version, f"Edit {label.lower()} · {number} {row.name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return self.service.create(values).id
        return self.service.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        current = error.current
        value = current.get(name.removesuffix("_id"), current.get(name))
        if name in LOOKUPS:
            return records.title_of(LOOKUPS[name], value) if value else ""
        if name == "owner_id":
            return users.name_of(value)
        return super().stored_display(error, name)
