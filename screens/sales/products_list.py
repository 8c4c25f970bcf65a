"""The product catalogue (P from the documents area, or the palette)."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common import calls
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.services.sales import products
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column


def _name(row: dict) -> Text:
    return safe_line(row["name"], "" if row["state"] == "active" else "dim")


def _price(row: dict) -> Text:
    return Text(display.money(row.get("list_price")), justify="right")


class ProductsScreen(RecordListScreen):
    KIND = "product"
    AREA_TITLE = "Products"
    VIEWS = products.VIEWS
    COLUMNS = [
        Column("product_number", "Number", 12, keep_width=True),
        Column("name", "Product", 30, _name),
        Column(
            "product_type", "Type", 16, lambda r: safe_line(products.TYPES.get(r["product_type"]))
        ),
        Column("unit", "Unit", 8),
        Column("list_price", "List price", 14, _price, keep_width=True, right=True),
        # "retired" whole: a state cut short reads as another
        Column("state", "State", 7, keep_width=True),
    ]
    BINDINGS = keys.bindings("products_list")
    ACCESS = {**RecordListScreen.ACCESS, **dict.fromkeys(("activate", "retire"), "write")}
    SERVICE = products

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.sales.product_form import ProductFormScreen

        return ProductFormScreen(record_id)

    def _change(self, change, done: str) -> None:
        row = self.table.current_row
        if row is None:
            return
        calls.direct(
            self,
            lambda: change(row["id"], row["version"]),
            Text.assemble(safe_line(row["name"]), done),
            lambda _: self.refresh_data(),
        )

    def action_activate(self) -> None:
        self._change(products.activate, " is active: it can be sold.")

    def action_retire(self) -> None:
        # retiring takes it out of sale, as D deactivates a record: ask first
        row = self.table.current_row
        if row is None:
            return
        calls.confirm_then(
            self,
            Text.assemble("Retire ", safe_line(row["name"], "bold"), "?"),
            lambda: products.retire(row["id"], row["version"]),
            detail=keys.fill("No new lines can use it; {product.activate} activates it again."),
            done_text=Text.assemble(
                safe_line(row["name"]), " is retired: no new lines can use it."
            ),
        )

    def action_toggle_active(self) -> None:
        row = self.table.current_row
        if row is not None:
            (self.action_retire if row["state"] == "active" else self.action_activate)()

    def action_price_lists(self) -> None:
        from crm_tui.screens.sales.price_lists import PriceListsScreen

        self.app.push_screen(PriceListsScreen())

    def record_actions(self):
        actions = [
            ("New product", keys.fill("Add to the catalogue ({list.new})"), self.action_new),
            (
                "Price lists",
                keys.fill("Prices per list ({product.price_lists})"),
                self.action_price_lists,
            ),
        ]
        row = self.table.current_row
        if row is not None:
            actions += [
                ("Edit this product", keys.fill("Change its fields ({list.edit})"), self.action_edit),
                ("Activate this product" if row["state"] != "active" else "Retire this product",
                 keys.fill("Whether new lines can use it ({product.activate} / {product.retire})"),
                 self.action_activate if row["state"] != "active" else self.action_retire),
            ]  # fmt: skip
        return actions
