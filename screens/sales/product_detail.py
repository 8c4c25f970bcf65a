"""A product: its fields, timeline, notes and history."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common import calls
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.services import session
from crm_tui.services.sales import products
from crm_tui.text import safe_line

STATE_STYLE = {"draft": "bold yellow", "active": "bold green", "retired": "bold red"}


class ProductDetailScreen(RecordDetailScreen):
    KIND = "product"
    SERVICE = products
    BINDINGS = keys.bindings("product_detail")
    ACCESS = {**RecordDetailScreen.ACCESS, **dict.fromkeys(("activate", "retire"), "write")}

    @property
    def display_name(self) -> str:
        return self.record.name if self.record else ""

    def title_text(self) -> Text:
        row = self.record
        title = safe_line(row.product_number, "dim")
        title.append("  ")
        title.append_text(safe_line(row.name, "bold"))
        title.append(f"  {row.state}", style=STATE_STYLE.get(row.state, "bold"))
        return title

    def summary_rows(self):
        row = self.record
        currency = session.settings().currency
        return [
            ("Number", row.product_number),
            ("Type", products.TYPES.get(row.product_type, row.product_type)),
            ("Unit", row.unit),
            ("List price", display.money(row.list_price, currency)),
            ("Cost", display.money(row.cost, currency)),
            *self.stamp_rows(),
            ("Description", row.description),
        ]

    def edit_screen(self):
        from crm_tui.screens.sales.product_form import ProductFormScreen

        return ProductFormScreen(self.record_id)

    def _change(self, change, done: str) -> None:
        version = self.record.version
        calls.direct(
            self, lambda: change(self.record_id, version), done, lambda _: self.refresh_data()
        )

    def action_activate(self) -> None:
        self._change(products.activate, "Active: it can be sold.")

    def action_retire(self) -> None:
        # retiring takes it out of sale, as D deactivates a record: ask first
        version = self.record.version
        calls.confirm_then(
            self,
            Text.assemble("Retire ", safe_line(self.record.name, "bold"), "?"),
            lambda: products.retire(self.record_id, version),
            detail=keys.fill("No new lines can use it; {product.activate} activates it again."),
            done_text="Retired: no new lines can use it.",
        )

    def action_toggle_active(self) -> None:
        (self.action_retire if self.record.state == "active" else self.action_activate)()

    def record_actions(self):
        actions = [
            ("Edit this product", keys.fill("Change its fields ({detail.edit})"), self.action_edit),
            (
                "Log an activity",
                keys.fill("Regarding this product ({detail.activity})"),
                self.action_log_activity,
            ),
        ]
        if self.record is not None:
            if self.record.state == "active":
                actions.append(
                    (
                        "Retire this product",
                        keys.fill("No new lines ({product.retire})"),
                        self.action_retire,
                    )
                )
            else:
                actions.append(
                    (
                        "Activate this product",
                        keys.fill("It can be sold ({product.activate})"),
                        self.action_activate,
                    )
                )
        return actions
