"""Pricing: line and document amounts in Decimal, exact to the cent, and the
parsing of what people type into quantity, discount and percentage fields."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_tui.errors import ValidationError
from crm_tui.services.sales import pricing
from crm_tui.services.sales.pricing import LineAmounts, Totals, document_totals, line_amounts

D = Decimal


# --- line amounts ---------------------------------------------------------------------------


def test_line_without_discount_or_tax():
    assert line_amounts(D(3), 950) == LineAmounts(base=2850, discount=0, tax=0, extended=2850)


def test_line_with_percent_discount_and_tax_exact_to_the_cent():
    # 3 × 19.99 = 59.97; 10% = 5.997 -> 6.00; net 53.97; 8.25% tax = 4.452525 -> 4.45
    amounts = line_amounts(D(3), 1999, discount_percent=D(10), tax_percent=D("8.25"))
    assert amounts == LineAmounts(base=5997, discount=600, tax=445, extended=5842)


def test_line_with_amount_discount_and_tax():
    # 2 × 50.00 = 100.00 - 12.50 = 87.50; 20% tax = 17.50
    amounts = line_amounts(D(2), 5000, discount_amount=1250, tax_percent=D(20))
    assert amounts == LineAmounts(base=10000, discount=1250, tax=1750, extended=10500)


@pytest.mark.parametrize(
    ("quantity", "price", "base"),
    [
        ("0.5", 1, 1),  # 0.5 cent rounds half up
        ("1.5", 3, 5),  # 4.5 -> 5
        ("0.3333", 100, 33),  # 33.33 -> 33
        ("2.5", 333, 833),  # 832.5 -> 833
        ("0.0001", 4999, 0),  # 0.4999 -> 0
        ("1000000", 999_999_99, 99_999_999_000_000),
    ],
)
def test_base_rounds_half_up_to_a_minor_unit(quantity, price, base):
    assert line_amounts(D(quantity), price).base == base


def test_percent_discount_and_tax_round_half_up():
    # 9.99 × 12.5% = 1.24875 -> 1.25
    assert line_amounts(D(1), 999, discount_percent=D("12.5")).discount == 125
    # net 0.10 × 5% = 0.005 -> 0.01
    assert line_amounts(D(1), 10, tax_percent=D(5)).tax == 1
    # net 10.05 × 7.5% = 0.75375 -> 0.75
    assert line_amounts(D(1), 1005, tax_percent=D("7.5")).tax == 75


def test_full_discount_leaves_zero_and_no_tax():
    assert line_amounts(D(2), 500, discount_percent=D(100), tax_percent=D(20)) == LineAmounts(
        1000, 1000, 0, 0
    )
    assert line_amounts(D(2), 500, discount_amount=1000).extended == 0


def test_line_discount_larger_than_the_line_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        line_amounts(D(1), 1000, discount_amount=1001)
    assert "10.01 is more than the line amount 10.00" in excinfo.value.errors["discount"]


def test_line_discount_cannot_be_both_or_negative():
    with pytest.raises(ValidationError) as excinfo:
        line_amounts(D(1), 1000, discount_amount=1, discount_percent=D(1))
    assert "not both" in excinfo.value.errors["discount"]
    with pytest.raises(ValidationError) as excinfo:
        line_amounts(D(1), 1000, discount_amount=-1)
    assert "negative" in excinfo.value.errors["discount"]


def test_line_too_large_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        line_amounts(D(10) ** 12, 2**52)
    with pytest.raises(ValidationError) as invalid:
        line_amounts(D("123456789012.3456"), 2**61)  # past Decimal's 28 digits
    assert invalid.value.errors == {"quantity": "the line amount is too large"}
    assert "too large" in excinfo.value.errors["quantity"]


# --- document totals ------------------------------------------------------------------------


def test_totals_of_no_lines_are_zero():
    assert document_totals([]) == Totals(0, 0, 0, 0)


def test_totals_with_line_and_header_discounts_and_taxes():
    lines = [
        line_amounts(D(3), 1999, discount_percent=D(10), tax_percent=D("8.25")),  # 53.97 + 4.45
        line_amounts(D(1), 10000, discount_amount=500),  # 95.00, no tax
        line_amounts(D("2.5"), 1234, tax_percent=D(20)),  # 30.85 + 6.17
    ]
    totals = document_totals(lines, discount_percent=D(5))
    # subtotal 53.97 + 95.00 + 30.85 = 179.82; 5% = 8.991 -> 8.99; tax 4.45 + 6.17 = 10.62
    assert totals == Totals(subtotal=17982, discount_total=899, tax_total=1062, total_amount=18145)
    by_amount = document_totals(lines, discount_amount=2000)
    assert by_amount == Totals(17982, 2000, 1062, 17044)


def test_header_discount_larger_than_the_subtotal_is_refused():
    lines = [line_amounts(D(1), 3000)]
    with pytest.raises(ValidationError) as excinfo:
        document_totals(lines, discount_amount=3001)
    assert "30.01 is more than the subtotal 30.00" in excinfo.value.errors["discount"]
    with pytest.raises(ValidationError) as invalid:
        document_totals([], discount_amount=1)
    assert set(invalid.value.errors) == {"discount"}
    assert "0.01 is more than the subtotal 0.00" in invalid.value.errors["discount"]
    assert document_totals(lines, discount_amount=3000).total_amount == 0


# --- parsing what people type ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10%", (None, D(10))),
        (" 12.5 % ", (None, D("12.5"))),
        ("100%", (None, D(100))),
        ("25.00", (2500, None)),
        ("25", (2500, None)),
        ("1,250.50", (125050, None)),
        ("", (None, None)),
        ("   ", (None, None)),
        (None, (None, None)),
        ("0", (None, None)),
        ("0%", (None, None)),
        ("0.00", (None, None)),
    ],
)
def test_parse_discount(typed, expected):
    assert pricing.parse_discount(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "not a discount"),
        ("%", "not a discount"),
        ("ten%", "not a discount"),
        ("101%", "between 0% and 100%"),
        ("-5%", "between 0% and 100%"),
        ("-5", "must not be negative"),
        ("1.234", "more than 2 decimals"),
        ("10.12345%", "more than 4 decimals"),
        ("NaN", "not a discount"),
        ("inf%", "not a discount"),
        ("1e400", "too large"),
    ],
)
def test_parse_discount_refusals_name_the_field(typed, message):
    with pytest.raises(ValidationError) as excinfo:
        pricing.parse_discount(typed)
    assert list(excinfo.value.errors) == ["discount"]
    assert message in excinfo.value.errors["discount"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2.5", D("2.5")), ("", D(1)), (None, D(1)), ("1,000", D(1000)), ("0.0001", D("0.0001"))],
)
def test_parse_quantity(typed, expected):
    assert pricing.parse_quantity(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "more than 0"),
        ("-1", "more than 0"),
        ("1.23456", "more than 4 decimals"),
        ("two", "must be a number"),
        ("NaN", "must be a number"),
        ("1e13", "too large"),
    ],
)
def test_parse_quantity_refusals(typed, message):
    with pytest.raises(ValidationError) as excinfo:
        pricing.parse_quantity(typed)
    assert message in excinfo.value.errors["quantity"]


def test_parse_percent():
    assert pricing.parse_percent("20", "tax_percent") == D(20)
    assert pricing.parse_percent("7.5%", "tax_percent") == D("7.5")
    assert pricing.parse_percent("", "tax_percent") == D(0)
    for typed, message in [("101", "between 0 and 100"), ("-1", "between"), ("x", "percentage")]:
        with pytest.raises(ValidationError) as excinfo:
            pricing.parse_percent(typed, "tax_percent")
        assert message in excinfo.value.errors["tax_percent"]
        assert "tax percent" in excinfo.value.errors["tax_percent"]


def test_parse_money():
    assert pricing.parse_money("1,250.05", "unit_price") == 125005
    assert pricing.parse_money("", "unit_price") is None
    with pytest.raises(ValidationError) as excinfo:
        pricing.parse_money("", "amount", required=True)
    assert excinfo.value.errors == {"amount": "amount is required"}
    with pytest.raises(ValidationError) as excinfo:
        pricing.parse_money("1.005", "unit_price")
    assert "more than 2 decimals" in excinfo.value.errors["unit_price"]


@pytest.mark.parametrize(
    ("amount", "percent", "text"),
    [
        (None, None, ""),
        (2500, None, "25.00"),
        (5, None, "0.05"),
        (None, "10", "10%"),
        (None, D("12.50"), "12.5%"),
        (None, D("0.0001"), "0.0001%"),
    ],
)
def test_format_discount(amount, percent, text):
    assert pricing.format_discount(amount, percent) == text


def test_decimal_text_is_plain():
    assert pricing.decimal_text(D("1E+1")) == "10"
    assert pricing.decimal_text(D("2.50")) == "2.5"
    assert pricing.decimal_text(D("0.000")) == "0"


# --- properties -----------------------------------------------------------------------------

quantities = st.decimals(min_value=D("0.0001"), max_value=D(10000), places=4)
prices = st.integers(min_value=0, max_value=10**9)
percents = st.decimals(min_value=D(0), max_value=D(100), places=4)
taxes = st.decimals(min_value=D(0), max_value=D(30), places=2)


@st.composite
def lines(draw):
    quantity, price = draw(quantities), draw(prices)
    base = pricing.round_minor(quantity * price)
    kind = draw(st.sampled_from(["none", "amount", "percent"]))
    discount = {}
    if kind == "amount":
        discount["discount_amount"] = draw(st.integers(min_value=0, max_value=base))
    elif kind == "percent":
        discount["discount_percent"] = draw(percents)
    return quantity, price, discount, draw(taxes)


@settings(max_examples=100)
@given(lines())
def test_line_amounts_add_up(line):
    quantity, price, discount, tax = line
    amounts = line_amounts(quantity, price, tax_percent=tax, **discount)
    assert all(type(v) is int for v in (amounts.base, amounts.discount, amounts.tax))
    assert amounts.base - amounts.discount + amounts.tax == amounts.extended
    assert 0 <= amounts.discount <= amounts.base
    assert abs(D(amounts.base) - quantity * price) <= D("0.5")
    assert amounts.tax >= 0
    assert line_amounts(quantity, price, tax_percent=tax, **discount) == amounts


@settings(max_examples=100)
@given(st.lists(lines(), max_size=12), st.data())
def test_document_totals_add_up(specs, data):
    amounts = [line_amounts(q, p, tax_percent=t, **d) for q, p, d, t in specs]
    subtotal = sum(a.base - a.discount for a in amounts)
    header = data.draw(
        st.sampled_from(["none", "amount", "percent"]).flatmap(
            lambda kind: (
                st.just({})
                if kind == "none"
                else st.builds(lambda v: {"discount_amount": v}, st.integers(0, subtotal))
                if kind == "amount"
                else st.builds(lambda v: {"discount_percent": v}, percents)
            )
        )
    )
    totals = document_totals(amounts, **header)
    assert all(type(getattr(totals, f)) is int for f in Totals.__dataclass_fields__)
    assert sum(a.extended for a in amounts) - totals.discount_total == totals.total_amount
    assert totals.subtotal + totals.tax_total - totals.discount_total == totals.total_amount
    assert totals.tax_total == sum(a.tax for a in amounts)
    assert 0 <= totals.discount_total <= totals.subtotal
    assert document_totals(amounts, **header) == totals


@settings(max_examples=100)
@given(
    st.one_of(
        st.just(""),
        st.integers(0, 10**12).map(lambda v: f"{D(v).scaleb(-2):.2f}"),
        percents.map(lambda p: f"{p}%"),
    )
)
def test_discount_text_round_trips(typed):
    parsed = pricing.parse_discount(typed)
    assert pricing.parse_discount(pricing.format_discount(*parsed)) == parsed
