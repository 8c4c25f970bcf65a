"""Lines of opportunities, quotes, orders and invoices: pricing from the price
list or the list price or as typed, totals, versions, audit, locked states,
previews, and no drift under random edits."""

from __future__ import annotations

import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.db import dict_rows
from crm_tui.errors import ConflictError, DomainError, NotFound, ValidationError
from crm_tui.services import records
from crm_tui.services.sales import invoices, lines, orders, pricing, products, quotes

sys.path.insert(0, str(Path(__file__).parents[1]))
from sales_support import (  # noqa: E402
    assert_consistent,
    audit_actions,
    catalogue,
    opportunity,
    set_opportunity_state,
)


@pytest.fixture
def cat(db):
    return catalogue()


def draft(cat, **data):
    values = {"name": "Fit-out", "account_id": cat.account_id, "price_list_id": cat.price_list_id}
    values.update(data)
    return quotes.create(values)


def add(kind, parent, **data):
    return lines.add_line(kind, parent.id, parent.version, data)


def line_count(table: str) -> int:
    return dict_rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]


# --- adding lines ---------------------------------------------------------------------------


def test_price_comes_from_the_price_list_then_the_list_price(cat):
    q = draft(cat)
    q = add("quote", q, product_id=cat.widget_id, quantity="3")
    q = add("quote", q, product_id=cat.gadget_id)  # not in the list: its list price
    q = add("quote", q, product_id=cat.service_id, quantity="2.5")  # only in the list
    rows = lines.lines_of("quote", q.id)
    assert [(r["label"], r["unit_price"], r["price_overridden"]) for r in rows] == [
        ("Widget", 950, 0),
        ("Gadget", 25000, 0),
        ("Support hour", 8000, 0),
    ]
    assert [(r["quantity"], r["unit"], r["product_number"]) for r in rows] == [
        ("3", "each", "W-1"),
        ("1", "each", "G-1"),
        ("2.5", "hour", "S-1"),
    ]
    assert (q.subtotal, q.total_amount) == (2850 + 25000 + 20000, 47850)
    assert q.version == 4
    assert_consistent("quote", q)


def test_without_a_price_list_the_list_price_is_used(cat):
    q = draft(cat, price_list_id=None)
    q = add("quote", q, product_id=cat.widget_id)
    assert lines.lines_of("quote", q.id)[0]["unit_price"] == 1000
    with pytest.raises(ValidationError) as excinfo:
        add("quote", q, product_id=cat.service_id)
    assert excinfo.value.errors["unit_price"] == (
        "Support hour has no price and no list price; type a unit price"
    )


def test_a_typed_price_overrides_the_price_list(cat):
    q = add("quote", draft(cat), product_id=cat.widget_id, unit_price="1,000.00", quantity="2")
    row = lines.lines_of("quote", q.id)[0]
    assert (row["unit_price"], row["price_overridden"], row["base_amount"]) == (100000, 1, 200000)


def test_write_in_lines(cat):
    q = add("quote", draft(cat), product_id=None, description="Site survey", unit_price="450")
    row = lines.lines_of("quote", q.id)[0]
    assert (row["label"], row["product_id"], row["product_name"], row["unit_price"]) == (
        "Site survey",
        None,
        None,
        45000,
    )
    with pytest.raises(ValidationError) as excinfo:
        add("quote", q, product_id=None, description="", unit_price="")
    assert set(excinfo.value.errors) == {"description", "unit_price"}
    assert "write-in line needs a description" in excinfo.value.errors["description"]


def test_discounts_and_taxes_on_lines_exact_to_the_cent(cat):
    q = draft(cat)
    # 3 × 9.50 = 28.50 − 10% (2.85) = 25.65 + 8.25% (2.116125 -> 2.12) = 27.77
    q = add("quote", q, product_id=cat.widget_id, quantity="3", discount="10%", tax_percent="8.25")
    # 1 × 250.00 − 25.00 = 225.00 + 20% = 45.00 -> 270.00
    q = add("quote", q, product_id=cat.gadget_id, discount="25.00", tax_percent="20")
    rows = lines.lines_of("quote", q.id)
    assert [
        (r["base_amount"], r["discount_total"], r["tax_amount"], r["extended_amount"]) for r in rows
    ] == [(2850, 285, 212, 2777), (25000, 2500, 4500, 27000)]
    assert [(r["discount_amount"], r["discount_percent"], r["tax_percent"]) for r in rows] == [
        (None, "10", "8.25"),
        (2500, None, "20"),
    ]
    assert (q.subtotal, q.discount_total, q.tax_total, q.total_amount) == (25065, 0, 4712, 29777)
    assert_consistent("quote", q)


def test_header_discounts_recompute_totals(cat):
    q = draft(cat, discount="10%")
    q = add("quote", q, product_id=cat.widget_id, quantity="3", tax_percent="20")
    # subtotal 28.50, 10% = 2.85, tax 5.70 -> 31.35
    assert (q.subtotal, q.discount_total, q.tax_total, q.total_amount) == (2850, 285, 570, 3135)
    q = quotes.update(q.id, q.version, {"discount": "5.00"})
    assert (q.discount_amount, q.discount_percent, q.discount_total, q.total_amount) == (
        500,
        None,
        500,
        2850 - 500 + 570,
    )
    q = quotes.update(q.id, q.version, {"discount": ""})
    assert (q.discount_total, q.total_amount) == (0, 3420)
    assert_consistent("quote", q)


def test_a_line_removal_may_not_leave_the_header_discount_uncovered(cat):
    q = add("quote", draft(cat), product_id=cat.gadget_id)
    q = quotes.update(q.id, q.version, {"discount": "100.00"})
    line = lines.lines_of("quote", q.id)[0]
    with pytest.raises(DomainError) as excinfo:
        lines.remove_line("quote", q.id, q.version, line["id"])
    assert "has a discount of 100.00, more than its subtotal would be" in str(excinfo.value)
    assert "lower the document's discount first" in str(excinfo.value)
    assert len(lines.lines_of("quote", q.id)) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"quantity": "0"}, "quantity", "more than 0"),
        ({"quantity": "abc"}, "quantity", "must be a number"),
        ({"quantity": "1.00001"}, "quantity", "more than 4 decimals"),
        ({"unit_price": "1.001"}, "unit_price", "more than 2 decimals"),
        ({"unit_price": "-3"}, "unit_price", "negative"),
        ({"discount": "150%"}, "discount", "between 0% and 100%"),
        ({"discount": "20.00"}, "discount", "more than the line amount 9.50"),
        ({"discount": "lots"}, "discount", "not a discount"),
        ({"tax_percent": "120"}, "tax_percent", "between 0 and 100"),
        ({"tax_percent": "x"}, "tax_percent", "percentage"),
        ({"product_id": 999}, "product_id", "does not exist"),
        ({"product_id": "abc"}, "product_id", "not a product"),
        ({"description": "d" * 2001}, "description", "limit is 2000"),
    ],
)
def test_malformed_line_fields_name_the_field(cat, data, field, message):
    q = draft(cat)
    with pytest.raises(ValidationError) as excinfo:
        add("quote", q, **{"product_id": cat.widget_id, **data})
    assert message in excinfo.value.errors[field]
    assert line_count("quote_line") == 0
    assert quotes.get(q.id).version == 1


def test_several_bad_fields_are_reported_together(cat):
    with pytest.raises(ValidationError) as excinfo:
        add("quote", draft(cat), product_id=cat.widget_id, quantity="-1", tax_percent="x")
    assert set(excinfo.value.errors) == {"quantity", "tax_percent"}


def test_only_active_products_go_on_lines(cat):
    retired = products.retire(cat.gadget_id, products.get(cat.gadget_id).version)
    draft_product = products.create({"product_number": "D-1", "name": "Prototype"})
    q = draft(cat)
    with pytest.raises(DomainError) as excinfo:
        add("quote", q, product_id=retired.id)
    assert "Gadget is retired; only active products can be put on lines" in str(excinfo.value)
    with pytest.raises(DomainError, match="Prototype is draft"):
        add("quote", q, product_id=draft_product.id)


def test_a_line_keeps_a_product_retired_after_it_was_added(cat):
    q = add("quote", draft(cat), product_id=cat.widget_id)
    products.retire(cat.widget_id, products.get(cat.widget_id).version)
    line = lines.lines_of("quote", q.id)[0]
    q = lines.update_line("quote", q.id, q.version, line["id"], {"quantity": "4"})
    assert lines.lines_of("quote", q.id)[0]["base_amount"] == 3800


def test_price_list_outside_its_dates_asks_for_a_price(cat):
    old = products.create_price_list(
        {"name": "2019", "begins_on": "2019-01-01", "ends_on": "2019-12-31"}
    )
    q = draft(cat, price_list_id=old.id)
    with pytest.raises(ValidationError) as excinfo:
        add("quote", q, product_id=cat.widget_id)
    assert "2019 is valid from 01 Jan 2019 to 31 Dec 2019" in excinfo.value.errors["unit_price"]
    q = add("quote", q, product_id=cat.widget_id, unit_price="7.00")
    assert q.total_amount == 700


# --- changing and removing ------------------------------------------------------------------


def test_update_line_keeps_what_is_not_given(cat):
    q = add("quote", draft(cat), product_id=cat.widget_id, unit_price="12.00", discount="10%")
    line = lines.lines_of("quote", q.id)[0]
    q = lines.update_line("quote", q.id, q.version, line["id"], {"quantity": "2"})
    row = lines.lines_of("quote", q.id)[0]
    assert (row["unit_price"], row["price_overridden"], row["discount_percent"]) == (1200, 1, "10")
    assert (row["base_amount"], row["extended_amount"]) == (2400, 2160)
    # an empty unit price goes back to the price list
    q = lines.update_line("quote", q.id, q.version, line["id"], {"unit_price": ""})
    row = lines.lines_of("quote", q.id)[0]
    assert (row["unit_price"], row["price_overridden"], row["base_amount"]) == (950, 0, 1900)
    # another product is priced afresh
    q = lines.update_line("quote", q.id, q.version, line["id"], {"product_id": cat.gadget_id})
    row = lines.lines_of("quote", q.id)[0]
    assert (row["label"], row["unit_price"], row["quantity"]) == ("Gadget", 25000, "2")
    assert_consistent("quote", q)


def test_remove_line_keeps_the_order_and_numbers(cat):
    q = draft(cat)
    for product in (cat.widget_id, cat.gadget_id, cat.service_id):
        q = add("quote", q, product_id=product)
    second = lines.lines_of("quote", q.id)[1]
    q = lines.remove_line("quote", q.id, q.version, second["id"])
    rows = lines.lines_of("quote", q.id)
    assert [(r["line_number"], r["label"]) for r in rows] == [(1, "Widget"), (3, "Support hour")]
    q = add("quote", q, product_id=None, description="Delivery", unit_price="15")
    assert [r["line_number"] for r in lines.lines_of("quote", q.id)] == [1, 3, 4]
    assert q.total_amount == 950 + 8000 + 1500
    assert_consistent("quote", q)


def test_a_line_of_another_document_is_not_found(cat):
    a = add("quote", draft(cat), product_id=cat.widget_id)
    b = draft(cat)
    line = lines.lines_of("quote", a.id)[0]
    with pytest.raises(NotFound):
        lines.remove_line("quote", b.id, b.version, line["id"])
    with pytest.raises(NotFound):
        lines.update_line("quote", b.id, b.version, line["id"], {"quantity": "2"})
    with pytest.raises(NotFound):
        lines.lines_of("lead", 1)


def test_every_line_change_bumps_the_version_and_a_stale_one_conflicts(cat):
    q = draft(cat)
    q2 = add("quote", q, product_id=cat.widget_id)
    assert q2.version == q.version + 1
    line = lines.lines_of("quote", q.id)[0]
    with pytest.raises(ConflictError):
        add("quote", q, product_id=cat.gadget_id)  # q is stale
    with pytest.raises(ConflictError):
        lines.update_line("quote", q.id, q.version, line["id"], {"quantity": "9"})
    with pytest.raises(ConflictError):
        lines.remove_line("quote", q.id, q.version, line["id"])
    assert [r["quantity"] for r in lines.lines_of("quote", q.id)] == ["1"]
    assert quotes.get(q.id).version == q2.version


def test_line_changes_are_audited_on_the_document(cat):
    q = add("quote", draft(cat), product_id=cat.widget_id, quantity="2", discount="10%")
    line = lines.lines_of("quote", q.id)[0]
    q = lines.update_line("quote", q.id, q.version, line["id"], {"tax_percent": "20"})
    lines.remove_line("quote", q.id, q.version, line["id"])
    assert audit_actions("quote", q.id) == ["create", "line added", "line changed", "line removed"]
    entries = dict_rows(
        "SELECT changes FROM audit_entry WHERE record_type = 'quote' AND action LIKE 'line%' "
        "ORDER BY id"
    )
    added, changed, removed = (json.loads(e["changes"]) for e in entries)
    assert added["line 1"] == [None, "Widget × 2 @ 9.50 − 10% = 17.10"]
    assert added["total_amount"] == [0, 1710]
    assert changed["line 1"] == [
        "Widget × 2 @ 9.50 − 10% = 17.10",
        "Widget × 2 @ 9.50 − 10% + 20% tax = 20.52",
    ]
    assert removed["line 1"][1] is None and removed["total_amount"] == [2052, 0]


# --- where lines may change -----------------------------------------------------------------


def test_an_active_quote_locks_its_lines(cat):
    q = add("quote", draft(cat), product_id=cat.widget_id)
    q = quotes.activate(q.id, q.version)
    line = lines.lines_of("quote", q.id)[0]
    message = "QUO-00001-R1 is active: its prices are locked; revise it to change lines"
    with pytest.raises(DomainError, match=message):
        add("quote", q, product_id=cat.gadget_id)
    with pytest.raises(DomainError, match=message):
        lines.update_line("quote", q.id, q.version, line["id"], {"quantity": "3"})
    with pytest.raises(DomainError, match=message):
        lines.remove_line("quote", q.id, q.version, line["id"])
    new = quotes.revise(q.id, q.version)
    with pytest.raises(DomainError, match="QUO-00001-R1 was revised: it is read-only"):
        add("quote", quotes.get(q.id), product_id=cat.gadget_id)
    assert add("quote", new, product_id=cat.gadget_id).revision == 2


def test_closed_and_won_quotes_lock_their_lines(cat):
    q = add("quote", draft(cat), product_id=cat.widget_id)
    lost = quotes.close(q.id, q.version, "lost")
    with pytest.raises(DomainError, match="is closed: its lines cannot change"):
        add("quote", lost, product_id=cat.gadget_id)
    q = add("quote", draft(cat), product_id=cat.widget_id)
    q = quotes.activate(q.id, q.version)
    quotes.win(q.id, q.version)
    with pytest.raises(DomainError, match="is won"):
        add("quote", quotes.get(q.id), product_id=cat.gadget_id)


def test_order_lines_change_only_while_active(cat):
    order = orders.create({"name": "Direct", "account_id": cat.account_id})
    order = add("order", order, product_id=cat.widget_id, quantity="2")
    assert order.total_amount == 2000  # no price list: list price
    order = orders.submit(order.id, order.version)
    with pytest.raises(DomainError, match="ORD-00001 is submitted: lines can change only"):
        add("order", order, product_id=cat.widget_id)


def test_paid_and_canceled_invoices_are_read_only_for_lines(cat):
    inv = add("invoice", invoices.create({"name": "I", "account_id": cat.account_id}),
              product_id=cat.widget_id)  # fmt: skip
    line = lines.lines_of("invoice", inv.id)[0]
    inv = invoices.mark_billed(inv.id, inv.version)
    inv = add("invoice", inv, product_id=cat.gadget_id)  # billed is still active
    paid = invoices.pay(inv.id, inv.version)
    message = "INV-00001 is paid: paid and canceled invoices are read-only"
    with pytest.raises(DomainError, match=message):
        add("invoice", paid, product_id=cat.widget_id)
    with pytest.raises(DomainError, match=message):
        lines.update_line("invoice", paid.id, paid.version, line["id"], {"quantity": "5"})
    with pytest.raises(DomainError, match=message):
        lines.remove_line("invoice", paid.id, paid.version, line["id"])
    other = invoices.create({"name": "J", "account_id": cat.account_id})
    canceled = invoices.cancel(other.id, other.version)
    with pytest.raises(DomainError, match="INV-00002 is canceled: paid and canceled"):
        add("invoice", canceled, product_id=cat.widget_id)


def test_opportunity_lines(cat):
    opp_id = opportunity(cat.account_id, price_list_id=cat.price_list_id)
    opp = records.require("opportunity", opp_id)
    opp2 = add("opportunity", opp, product_id=cat.widget_id, quantity="10", discount="5%")
    assert opp2.version == opp.version + 1
    row = lines.lines_of("opportunity", opp_id)[0]
    assert (row["unit_price"], row["base_amount"], row["extended_amount"]) == (950, 9500, 9025)
    with pytest.raises(ConflictError):
        add("opportunity", opp, product_id=cat.gadget_id)
    assert audit_actions("opportunity", opp_id) == ["create", "line added"]
    set_opportunity_state(opp_id, "won")
    with pytest.raises(DomainError, match="The opportunity Big deal is won: reopen it"):
        add("opportunity", records.require("opportunity", opp_id), product_id=cat.gadget_id)


# --- previews, copies, recompute ------------------------------------------------------------


def test_preview_line_writes_nothing(cat):
    amounts = lines.preview_line(
        {"product_id": cat.widget_id, "quantity": "3", "discount": "10%", "tax_percent": "20"},
        cat.price_list_id,
    )
    assert amounts == pricing.LineAmounts(2850, 285, 513, 3078)
    assert lines.preview_line({"product_id": cat.widget_id}) == pricing.LineAmounts(
        1000, 0, 0, 1000
    )
    # half-typed: a write-in without description or price yet
    assert lines.preview_line({"product_id": None, "quantity": "2"}).extended == 0
    assert lines.preview_line({"unit_price": "5", "quantity": ""}).extended == 500
    with pytest.raises(ValidationError) as excinfo:
        lines.preview_line({"product_id": cat.widget_id, "quantity": "2,5x"})
    assert "quantity" in excinfo.value.errors
    with pytest.raises(ValidationError) as excinfo:
        lines.preview_line({"product_id": cat.service_id})
    assert "type a unit price" in excinfo.value.errors["unit_price"]
    assert line_count("quote_line") == 0


def test_copy_lines_and_recompute(cat):
    q = draft(cat, discount="10%")
    q = add("quote", q, product_id=cat.widget_id, quantity="3", tax_percent="20")
    q = add("quote", q, product_id=None, description="Survey", unit_price="99.99", discount="9.99")
    other = draft(cat, discount="10%")
    assert lines.copy_lines("quote", q.id, "quote", other.id) == 2
    copied = lines.lines_of("quote", other.id)
    original = lines.lines_of("quote", q.id)
    strip = ("id",)
    assert [{k: v for k, v in r.items() if k not in strip} for r in copied] == [
        {k: v for k, v in r.items() if k not in strip} for r in original
    ]
    first = lines.recompute("quote", other.id)
    assert lines.recompute("quote", other.id) == first
    other = quotes.get(other.id)
    assert (other.subtotal, other.total_amount) == (q.subtotal, q.total_amount)
    assert other.version == 1  # recompute alone does not bump
    assert lines.recompute("opportunity", 1) == {}


def test_changing_the_price_list_reprices_lines_not_typed(cat):
    q = draft(cat)
    q = add("quote", q, product_id=cat.widget_id, quantity="2")  # 9.50 from Retail
    q = add("quote", q, product_id=cat.gadget_id, unit_price="200")  # typed: stays
    q = add("quote", q, product_id=cat.service_id)  # 80.00, only in Retail
    trade = products.create_price_list({"name": "Trade", "currency": "EUR"})
    products.set_item(trade.id, cat.widget_id, "8.00")
    with pytest.raises(ValidationError) as excinfo:
        quotes.update(q.id, q.version, {"price_list_id": trade.id})
    assert excinfo.value.errors["price_list_id"] == (
        "line 3: Support hour has no price in Trade and no list price; type a unit price"
    )
    assert lines.lines_of("quote", q.id)[0]["unit_price"] == 950  # nothing changed
    products.set_item(trade.id, cat.service_id, "75")
    q = quotes.update(q.id, q.version, {"price_list_id": trade.id})
    rows = lines.lines_of("quote", q.id)
    assert [(r["unit_price"], r["price_overridden"]) for r in rows] == [
        (800, 0),
        (20000, 1),
        (7500, 0),
    ]
    assert (q.total_amount, q.currency) == (1600 + 20000 + 7500, "EUR")
    assert_consistent("quote", q)


# --- no drift ---------------------------------------------------------------------------------


def _refusal(exc: DomainError) -> str:
    if isinstance(exc, ValidationError):
        return "invalid " + ", ".join(sorted(exc.errors))
    return f"unexpected: {type(exc).__name__}: {exc}"


operations = st.lists(
    st.tuples(
        st.sampled_from(["add", "add", "edit", "remove", "header"]),
        st.sampled_from(["widget", "gadget", "service", "write-in"]),
        st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(500), places=4),
        st.one_of(
            st.just(""),
            st.integers(0, 100).map(lambda p: f"{p}%"),
            st.integers(0, 500).map(lambda c: f"{Decimal(c).scaleb(-2)}"),
        ),
        st.sampled_from(["", "0", "7.5", "20", "8.25"]),
        st.integers(0, 10),
    ),
    min_size=1,
    max_size=12,
)


def test_nothing_drifts_after_random_edits(cat):
    ids = {"widget": cat.widget_id, "gadget": cat.gadget_id, "service": cat.service_id}
    done: Counter[str] = Counter()
    refused: Counter[tuple[str, str]] = Counter()

    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        # the same examples each run: the counts checked below are of them
        derandomize=True,
    )
    @given(ops=operations)
    def edits(ops):
        q = draft(cat, discount="3%")
        for op, product, quantity, discount, tax, pick in ops:
            current = lines.lines_of("quote", q.id)
            data = {"quantity": str(quantity), "discount": discount, "tax_percent": tax}
            if product == "write-in":
                data.update(product_id=None, description="Write-in", unit_price="12.34")
            else:
                data["product_id"] = ids[product]
            if op in ("edit", "remove") and not current:
                op = "add"
            try:
                if op == "add":
                    q = lines.add_line("quote", q.id, q.version, data)
                elif op == "edit":
                    line = current[pick % len(current)]
                    q = lines.update_line("quote", q.id, q.version, line["id"], data)
                elif op == "remove":
                    line = current[pick % len(current)]
                    q = lines.remove_line("quote", q.id, q.version, line["id"])
                else:
                    q = quotes.update(q.id, q.version, {"discount": f"{pick}%" if pick % 2 else ""})
            except DomainError as exc:
                # a refused change (discount larger than the line) writes nothing
                refused[op, _refusal(exc)] += 1
            else:
                done[op] += 1
            q = quotes.get(q.id)
            assert all(
                type(getattr(q, f)) is int
                for f in ("subtotal", "discount_total", "tax_total", "total_amount")
            )
            assert_consistent("quote", q)
        before = (q.subtotal, q.discount_total, q.tax_total, q.total_amount)
        lines.recompute("quote", q.id)
        lines.recompute("quote", q.id)
        q = quotes.get(q.id)
        assert (q.subtotal, q.discount_total, q.tax_total, q.total_amount) == before

    edits()
    # The edits must mostly happen, not all be refused: each operation succeeds
    # at least half the time, and the only refusal is a discount too large.
    assert {kind for _, kind in refused} <= {"invalid discount"}, refused
    for op in ("add", "edit", "remove", "header"):
        tried = done[op] + sum(n for (o, _), n in refused.items() if o == op)
        assert tried >= 5, (op, done, refused)
        assert done[op] >= tried // 2, (op, done, refused)


def test_preview_totals_show_the_document_as_if_the_line_were_saved(cat):
    quote = draft(cat, discount="10%")
    quote = lines.add_line(
        "quote", quote.id, quote.version, {"description": "Day", "unit_price": "100"}
    )
    first = lines.lines_of("quote", quote.id)[0]

    # a new line: 100 + 2 × 50 = 200, −10% = 180
    added = lines.preview_totals(
        "quote", quote, {"description": "Half", "unit_price": "50", "quantity": "2"}
    )
    assert (added.subtotal, added.discount_total, added.total_amount) == (20_000, 2_000, 18_000)

    # the same line edited in place replaces it: 3 × 100 = 300, −10% = 270
    edited = lines.preview_totals(
        "quote", quote, {"description": "Day", "unit_price": "100", "quantity": "3"}, first["id"]
    )
    assert edited.total_amount == 27_000
    # nothing was written
    assert quotes.get(quote.id).total_amount == 9_000
    assert len(lines.lines_of("quote", quote.id)) == 1

    with pytest.raises(ValidationError) as bad:
        lines.preview_totals(
            "quote", quote, {"description": "x", "unit_price": "1", "quantity": "-1"}
        )
    assert "quantity" in bad.value.errors
