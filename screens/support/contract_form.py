"""Create a contract, or edit a draft one (the service refuses other states)."""

from __future__ import annotations

import datetime as dt

from crm_tui.errors import ConflictError, DomainError
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.screens.customers.account_form import _account_matches, owner_options
from crm_tui.screens.sales.document_form import _contact_matches
from crm_tui.services import dates, records, session, users
from crm_tui.services.support import contracts
from crm_tui.widgets.record_form import FieldSpec

LOOKUPS = {"account_id": "account", "contact_id": "contact"}


def _year_from(day: dt.date) -> dt.date:
    """The last day of a year's term starting on `day`."""
    try:
        return day.replace(year=day.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class ContractFormScreen(RecordFormScreen):
    KIND = "contract"

    def specs(self) -> list[FieldSpec]:
        return [
            FieldSpec("name", "Name", required=True, placeholder="e.g. Premier support 2027"),
            FieldSpec("account_id", "Account", "lookup", lookup=_account_matches),
            FieldSpec("contact_id", "Contact", "lookup", lookup=_contact_matches),
            date_spec("starts_on", "Starts", required=True),
            date_spec("ends_on", "Ends", required=True),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Terms", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            today = dates.today()
            values = {
                "owner_id": session.current_user().id,
                "starts_on": shown(today),
                "ends_on": shown(_year_from(today)),
            }
            labels = {
                name: records.title_of(kind, self.preset[name])
                for name, kind in LOOKUPS.items()
                if self.preset.get(name)
            }
            values.update({name: self.preset[name] for name in labels})
            return values, labels, None, "New contract"
        row = contracts.get(self.record_id)
        if row.state != "draft":
            raise DomainError(
                f"{row.number} is {contracts.STATES[row.state].lower()}: "
                "only a draft contract can be edited"
            )
        values = {
            "name": row.name,
            "account_id": row.account_id,
            "contact_id": row.contact_id,
            "starts_on": shown(row.starts_on),
            "ends_on": shown(row.ends_on),
            "owner_id": row.owner_id,
            "description": row.description,
        }
        labels = {
            name: records.title_of(kind, values[name])
            for name, kind in LOOKUPS.items()
            if values.get(name)
        }
        return values, labels, row.version, f"Edit contract · {row.number} {row.name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return contracts.create(values).id
        return contracts.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        value = error.current.get(name.removesuffix("_id"), error.current.get(name))
        if name in LOOKUPS:
            return records.title_of(LOOKUPS[name], value) if value else ""
        if name == "owner_id":
            return users.name_of(value)
        return super().stored_display(error, name)
