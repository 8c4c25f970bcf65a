"""Create or edit a marketing list: its member type and whether it is
dynamic are chosen when it is made."""

from __future__ import annotations

from crm_tui.errors import ConflictError
from crm_tui.meta.marketing import MEMBER_TYPES
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.customers.account_form import owner_options
from crm_tui.services import money, session, users
from crm_tui.services.marketing import lists
from crm_tui.widgets.record_form import FieldSpec

QUERY_HINT = "for a dynamic list: city:Tehran owner:me created>-90d"


class MarketingListFormScreen(RecordFormScreen):
    KIND = "marketing_list"

    def specs(self) -> list[FieldSpec]:
        made = [] if self.record_id is not None else [
            FieldSpec("member_type", "Members are", "select",
                      [(v, k) for k, v in MEMBER_TYPES.items()]),
            FieldSpec("dynamic", "Kind", "select",
                      [("Static: members added one by one", "0"),
                       ("Dynamic: whoever a query finds", "1")]),
        ]  # fmt: skip
        currency = session.settings().currency
        return [
            FieldSpec("name", "Name", required=True),
            *made,
            FieldSpec("query", "Query", placeholder=QUERY_HINT),
            FieldSpec("purpose", "Purpose"),
            FieldSpec("source", "Source", placeholder="where the names came from"),
            FieldSpec("cost", "Cost", placeholder=f"in {currency}"),
            FieldSpec("owner_id", "Owner", "select", owner_options()),
            FieldSpec("description", "Description", "multiline"),
        ]

    def load(self):
        if self.record_id is None:
            values = {"owner_id": session.current_user().id, "member_type": "contact",
                      "dynamic": "0"}  # fmt: skip
            return values, {}, None, "New marketing list"
        row = lists.get(self.record_id)
        values = {
            "name": row.name,
            "query": row.query,
            "purpose": row.purpose,
            "source": row.source,
            "cost": money.plain(row.cost),
            "owner_id": row.owner_id,
            "description": row.description,
        }
        kind = "dynamic" if row.dynamic else "static"
        return values, {}, row.version, f"Edit {kind} list · {row.name}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            return lists.create(values).id
        return lists.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        if name == "owner_id":
            return users.name_of(error.current.get("owner"))
        if name == "cost":
            return money.plain(error.current.get(name))
        return super().stored_display(error, name)
