"""Price lists and their prices: the lists on the left, the highlighted
list's items on the right. n new list, e edit it, + set a product's price,
− remove it; tab moves between the two tables."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common.access_keys import AccessKeys
from crm_tui.screens.common.calls import confirm_then
from crm_tui.screens.common.date_field import date_spec
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services import session
from crm_tui.services.sales import products
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column

LIST_SPECS = [
    FieldSpec("name", "Name", required=True),
    FieldSpec("currency", "Currency", placeholder="e.g. USD"),
    date_spec("begins_on", "Valid from", empty="always"),
    date_spec("ends_on", "Valid to", empty="open-ended"),
    FieldSpec("description", "Description", "multiline"),
]
# The lists' pane is some 30 columns wide on an 80-column terminal: the name
# and currency; a wider one adds the item count, then the dates.
LIST_COLUMNS = [
    Column("name", "Price list", 22),
    Column("currency", "Cur.", 4, keep_width=True),
    Column("valid", "Valid", 2 * display.DAY_WIDTH + 3, keep_width=True, min_table_width=70),
    Column("items", "Items", 5, keep_width=True, right=True, min_table_width=40),
]
# The product's name over its number when the pane is narrow; a price is
# per "user/month", so the unit keeps its room.
ITEM_COLUMNS = [
    Column("product_number", "Number", 12, keep_width=True, min_table_width=60),
    Column("product_name", "Product", 24),
    Column("unit", "Unit", 10, keep_width=True),
    Column("amount", "Price", 11, keep_width=True, right=True),
]


def _products(typed: str) -> list[dict]:
    return products.find_by_name(typed, limit=5)


class PriceListsScreen(AccessKeys, Screen):
    CSS_PATH = styles.path("price_lists.tcss")
    BINDINGS = keys.bindings("price_lists")
    KIND = "price_list"
    ACCESS = {
        "new_list": "create",
        "edit_list": "write",
        "set_price": "write",
        "remove_price": "write",
    }

    def access_target(self, action: str) -> tuple[str, int] | None:
        current = self.current_list if self.is_mounted else None
        return None if current is None else ("price_list", current["id"])

    def __init__(self) -> None:
        super().__init__()
        self._lists: list[dict] = []
        self._items: list[dict] = []
        self._items_of: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="price-lists-hint")
        with Horizontal(id="price-lists-body"):
            yield RowsTable(LIST_COLUMNS, id="price-lists")
            yield RowsTable(ITEM_COLUMNS, id="price-items")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Price lists"
        self.refresh_data()
        self.query_one("#price-lists", RowsTable).focus()

    @property
    def current_list(self) -> dict | None:
        if not self._lists:
            return None
        return self._lists[self.query_one("#price-lists", DataTable).cursor_row]

    def refresh_data(self) -> None:
        self._lists = products.price_lists()
        default = session.settings().default_price_list
        shown = []
        for row in self._lists:
            valid = " → ".join(display.day(d) or "…" for d in (row["begins_on"], row["ends_on"]))
            name = safe_line(row["name"], "bold" if row["name"] == default else "")
            if row["name"] == default:
                name.append(" (default)", style="dim")
            shown.append(
                {
                    "key": str(row["id"]),
                    "name": name,
                    "currency": safe_line(row["currency"]),
                    "valid": Text(valid if valid != "… → …" else "always"),
                    "items": Text(str(row["item_count"]), justify="right"),
                }
            )
        self.query_one("#price-lists", RowsTable).show(shown)
        hint = (
            keys.fill(
                "{price_list.new} creates a price list: products are priced from it on quotes, "
                "orders and invoices."
            )
            if not self._lists
            else keys.fill(
                "{price_list.set} sets a product's price in the highlighted list · "
                "{price_list.remove} removes it · tab switches"
            )
        )
        self.query_one("#price-lists-hint", Static).update(Text(hint, style="dim"))
        self._fill_items()

    def _fill_items(self) -> None:
        current = self.current_list
        self._items = products.items_of(current["id"]) if current else []
        table = self.query_one("#price-items", RowsTable)
        # another list's prices start at the top
        shown_of = current["id"] if current else None
        if shown_of != self._items_of:
            self._items_of = shown_of
            table.move_cursor(row=0, animate=False)
        table.show(
            [
                {
                    "key": str(row["product_id"]),
                    "product_number": safe_line(row["product_number"]),
                    "product_name": safe_line(row["product_name"]),
                    "unit": safe_line(row["unit"]),
                    "amount": Text(display.money(row["amount"]), justify="right"),
                }
                for row in self._items
            ]
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "price-lists":
            self._fill_items()
            self.access_changed()

    def _done(self, result) -> None:
        if result:
            self.refresh_data()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_list(self) -> None:
        self.app.push_screen(
            form_modal(
                self.app,
                "New price list",
                LIST_SPECS,
                products.create_price_list,
                values={"currency": session.settings().currency},
            ),
            self._done,
        )

    def action_edit_list(self) -> None:
        current = self.current_list
        if current is None:
            return
        row = products.get_price_list(current["id"])
        values = {
            "name": row.name,
            "currency": row.currency,
            "begins_on": display.day(row.begins_on),
            "ends_on": display.day(row.ends_on),
            "description": row.description,
        }
        self.app.push_screen(
            form_modal(
                self.app,
                Text.assemble(("Edit ", "bold"), safe_line(row.name, "bold")),
                LIST_SPECS,
                lambda typed: products.update_price_list(row.id, row.version, typed),
                values=values,
            ),
            self._done,
        )

    def action_set_price(self) -> None:
        current = self.current_list
        if current is None:
            self.notify(
                keys.fill("Create a price list first ({price_list.new})."), severity="warning"
            )
            return
        specs = [
            FieldSpec("product_id", "Product", "lookup", lookup=_products),
            FieldSpec("amount", "Price", placeholder=f"in {current['currency']}, e.g. 1299.00"),
        ]

        def submit(values: dict) -> object:
            if values["product_id"] is None:
                raise CrmError("type a product's name or number")
            return products.set_item(current["id"], values["product_id"], values["amount"])

        self.app.push_screen(
            form_modal(
                self.app,
                Text.assemble(("Set a price in ", "bold"), safe_line(current["name"], "bold")),
                specs,
                submit,
            ),
            self._done,
        )

    def action_remove_price(self) -> None:
        current = self.current_list
        if current is None or not self._items:
            return
        item = self._items[self.query_one("#price-items", DataTable).cursor_row]

        confirm_then(
            self,
            Text.assemble("Remove the price of ", safe_line(item["product_name"], "bold"), "?"),
            lambda: products.remove_item(current["id"], item["product_id"]),
            detail="Lines already priced keep their price.",
        )
