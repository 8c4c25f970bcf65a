"""Add or edit one line of a quote, order, invoice or opportunity: the
amount (quantity × price − discount + tax) updates as the person types, and
a refused save keeps every field as typed."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input, Static

from crm_tui import display
from crm_tui.errors import CrmError
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.services import money, session
from crm_tui.services.sales import lines, pricing, products
from crm_tui.text import safe
from crm_tui.widgets.record_form import FieldSpec


def _sellable(typed: str) -> list[dict]:
    return products.sellable(typed, limit=5)


SPECS = [
    FieldSpec(
        "product_id",
        "Product",
        "lookup",
        lookup=_sellable,
        placeholder="name or number; empty for a write-in",
    ),
    FieldSpec("description", "Description", placeholder="for a write-in line, or a note"),
    FieldSpec("quantity", "Quantity", placeholder="1"),
    FieldSpec("unit_price", "Unit price", placeholder="empty: from the price list"),
    FieldSpec("discount", "Discount", placeholder="10% or 25.00"),
    FieldSpec("tax_percent", "Tax %", placeholder="e.g. 20"),
]


def line_values(row: dict | None) -> tuple[dict, dict]:
    """Form values and lookup labels for an existing line (or a new one)."""
    if row is None:
        return {"quantity": "1", "unit_price": "", "discount": "", "tax_percent": ""}, {}
    values = {
        "product_id": row["product_id"],
        "description": row["description"],
        "quantity": str(row["quantity"]),
        "unit_price": money.plain(row["unit_price"]) if row["price_overridden"] else "",
        "discount": pricing.format_discount(row["discount_amount"], row["discount_percent"]),
        "tax_percent": "" if str(row["tax_percent"]) in ("0", "") else str(row["tax_percent"]),
    }
    labels = {"product_id": row.get("product_name") or ""}
    return values, labels


class LineModal(FormModal):
    """FormModal plus a live amount line under the fields."""

    def __init__(self, kind: str, parent, line: dict | None = None) -> None:
        values, labels = line_values(line)
        self.kind = kind
        self.parent_record = parent
        self.line = line

        def submit(data: dict) -> object:
            if line is None:
                return lines.add_line(kind, parent.id, parent.version, data)
            return lines.update_line(kind, parent.id, parent.version, line["id"], data)

        title = "Edit line" if line else "Add a line"
        super().__init__(title, SPECS, submit, values=values, labels=labels, save_label="save line")

    def on_mount(self) -> None:
        # FormModal.on_mount runs after this one (Textual calls both)
        box = self.query_one("#form-modal-box")
        box.mount(Static(id="line-preview"), before=self.query_one("#form-modal-message"))
        self.call_after_refresh(self._preview)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._preview()

    def _preview(self) -> None:
        try:
            preview = self.query_one("#line-preview", Static)
        except Exception:
            return
        data = self.form.values()
        if data.get("product_id") is None and not (data.get("unit_price") or "").strip():
            preview.update(Text("Amount: pick a product or type a unit price", style="dim"))
            return
        try:
            amounts = lines.preview_line(data, self.parent_record.price_list_id)
        except CrmError as exc:
            preview.update(safe(f"Amount: {exc}", "yellow"))
            return
        # an opportunity has no currency of its own: it is the settings' one
        currency = getattr(self.parent_record, "currency", None) or session.settings().currency
        out = Text("Amount: ", style="bold")
        out.append(display.money(amounts.base))
        if amounts.discount:
            out.append(f" − {display.money(amounts.discount)} discount")
        if amounts.tax:
            out.append(f" + {display.money(amounts.tax)} tax")
        out.append(" = ")
        out.append(display.money(amounts.extended, currency), style="bold")
        if self.kind != "opportunity":
            line_id = self.line["id"] if self.line else None
            try:
                totals = lines.preview_totals(self.kind, self.parent_record, data, line_id)
            except CrmError as exc:
                out.append(f"\nDocument total: {exc}", style="yellow")
            else:
                out.append("\nDocument total: ", style="bold")
                out.append(display.money(totals.total_amount, currency), style="bold")
                before = self.parent_record.total_amount
                if totals.total_amount != before:
                    out.append(f" (now {display.money(before)})", style="dim")
        preview.update(out)
