"""What the sales service tests share: a small catalogue, a customer, and
checks that stored totals equal a fresh computation over stored lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from crm_tui.db import dict_rows, write
from crm_tui.models import Opportunity
from crm_tui.services import records
from crm_tui.services.customers import accounts
from crm_tui.services.sales import lines, pricing, products
from crm_tui.text import sort_key


@dataclass
class Catalogue:
    account_id: int
    widget_id: int  # list price 10.00, 9.50 in the price list
    gadget_id: int  # list price 250.00, not in the price list
    service_id: int  # no list price, 80.00 in the price list
    price_list_id: int


def catalogue() -> Catalogue:
    acme = accounts.create({"name": "Acme"})
    made = []
    for number, name, price, unit in [
        ("W-1", "Widget", "10.00", "each"),
        ("G-1", "Gadget", "250.00", "each"),
        ("S-1", "Support hour", "", "hour"),
    ]:
        row = products.create(
            {"product_number": number, "name": name, "list_price": price, "unit": unit}
        )
        made.append(products.activate(row.id, row.version))
    retail = products.create_price_list({"name": "Retail"})
    products.set_item(retail.id, made[0].id, "9.50")
    products.set_item(retail.id, made[2].id, "80.00")
    return Catalogue(acme.id, made[0].id, made[1].id, made[2].id, retail.id)


def opportunity(account_id: int, name: str = "Big deal", price_list_id: int | None = None) -> int:
    """An open opportunity, written directly (its service belongs to another area)."""
    with write():
        return records.create(
            "opportunity",
            {
                "name": name,
                "name_sort": sort_key(name),
                "account": account_id,
                "price_list": price_list_id,
            },
        )


def set_opportunity_state(opportunity_id: int, state: str) -> None:
    with write():
        Opportunity.update(state=state).where(Opportunity.id == opportunity_id).execute()


def stored_line_amounts(kind: str, parent_id: int) -> list[pricing.LineAmounts]:
    return [
        pricing.LineAmounts(
            row["base_amount"], row["discount_total"], row["tax_amount"], row["extended_amount"]
        )
        for row in lines.lines_of(kind, parent_id)
    ]


def assert_consistent(kind: str, document) -> None:
    """Every stored line equals its amounts recomputed from its stored inputs,
    and the stored header totals equal document_totals over the stored lines."""
    for row in lines.lines_of(kind, document.id):
        percent = row["discount_percent"]
        expected = pricing.line_amounts(
            Decimal(row["quantity"]),
            row["unit_price"],
            discount_amount=row["discount_amount"],
            discount_percent=Decimal(percent) if percent else None,
            tax_percent=Decimal(row["tax_percent"]),
        )
        stored = pricing.LineAmounts(
            row["base_amount"], row["discount_total"], row["tax_amount"], row["extended_amount"]
        )
        assert stored == expected, row
    percent = document.discount_percent
    totals = pricing.document_totals(
        stored_line_amounts(kind, document.id),
        discount_amount=document.discount_amount,
        discount_percent=Decimal(percent) if percent else None,
    )
    assert (
        document.subtotal,
        document.discount_total,
        document.tax_total,
        document.total_amount,
    ) == (totals.subtotal, totals.discount_total, totals.tax_total, totals.total_amount)
    extended = sum(a.extended for a in stored_line_amounts(kind, document.id))
    assert extended - document.discount_total == document.total_amount


def audit_actions(kind: str, record_id: int) -> list[str]:
    rows = dict_rows(
        "SELECT action FROM audit_entry WHERE record_type = ? AND record_id = ? ORDER BY id",
        (kind, record_id),
    )
    return [r["action"] for r in rows]
