"""LineTable: the lines of a quote, order, invoice or opportunity, with
columns fitted to the terminal's width (an 80-column terminal shows the
amount column rather than scrolling sideways)."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column, FittedTable


def _right(text: str, style: str = "") -> Text:
    return Text(text, justify="right", style=style)


def _product(row: dict) -> Text:
    label = safe_line(row["label"])
    if row.get("product_number"):
        # cut short with "…" like a write-in's label, not silently
        return Text.assemble(
            safe_line(row["product_number"], "dim"), " ", label, no_wrap=True, overflow="ellipsis"
        )
    return label


def _price(row: dict) -> Text:
    # * marks a price typed on the line rather than taken from the price list
    return _right(display.money(row["unit_price"]) + (" *" if row["price_overridden"] else ""))


COLUMNS = [
    Column("line_number", "#", 3, lambda r: Text(str(r["line_number"]), style="dim"), True),
    Column("label", "Product", 30, _product),
    Column("quantity", "Qty", 7, lambda r: _right(str(r["quantity"])), right=True),
    Column("unit_price", "Unit price", 12, _price, keep_width=True, right=True),
    Column(
        "discount",
        "Disc.",
        7,
        lambda r: _right(display.discount(r["discount_amount"], r["discount_percent"])),
        right=True,
    ),
    Column("tax", "Tax", 5, lambda r: _right(display.tax(r["tax_percent"])), right=True),
    Column(
        "extended_amount",
        "Amount",
        13,
        lambda r: _right(display.money(r["extended_amount"])),
        keep_width=True,
        right=True,
    ),
]


class LineTable(FittedTable):
    BINDINGS = keys.bindings("line_table")

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.line_rows: list[dict] = []

    def column_specs(self) -> list[Column]:
        return COLUMNS

    def redraw_rows(self) -> None:
        for row in self.line_rows:
            self.add_row(*(c.cell(row) for c in COLUMNS), key=str(row["id"]))

    def set_lines(self, rows: list[dict]) -> None:
        """Show `rows`, keeping the cursor on the same line number if it is there."""
        cursor = self.cursor_row
        self.line_rows = rows
        self.clear()
        self.redraw_rows()
        if rows:
            self.move_cursor(row=min(cursor, len(rows) - 1))

    @property
    def current(self) -> dict | None:
        if not self.line_rows:
            return None
        return self.line_rows[min(self.cursor_row, len(self.line_rows) - 1)]
