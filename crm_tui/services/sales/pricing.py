"""Line and document amounts: pure Decimal arithmetic, no database.

Money is integer minor units (cents) in and out; quantities and percentages
are Decimal. Every rounding is ROUND_HALF_UP to a whole minor unit, done once
per amount, so a stored total is always the sum of stored parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from crm_tui.errors import ValidationError

HUNDRED = Decimal(100)
# Amounts past this do not fit SQLite's 64-bit integers with room to add them up.
MAX_AMOUNT = 2**62
QUANTITY_DECIMALS = 4
PERCENT_DECIMALS = 4
MONEY_DECIMALS = 2


@dataclass(frozen=True)
class LineAmounts:
    """One line's amounts in minor units: extended = base - discount + tax."""

    base: int
    discount: int
    tax: int
    extended: int


@dataclass(frozen=True)
class Totals:
    """A document's totals in minor units:
    total_amount = subtotal - discount_total + tax_total."""

    subtotal: int
    discount_total: int
    tax_total: int
    total_amount: int


def round_minor(value: Decimal) -> int:
    """Half-up to a whole minor unit (0.5 cent -> 1 cent, -0.5 -> -1)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_amounts(
    quantity: Decimal,
    unit_price: int,
    *,
    discount_amount: int | None = None,
    discount_percent: Decimal | None = None,
    tax_percent: Decimal = Decimal(0),
) -> LineAmounts:
    """The amounts of a line: base = quantity × unit price, less its discount
    (an amount, or a percentage of base), plus tax on what remains."""
    if discount_amount is not None and discount_percent is not None:
        raise ValidationError({"discount": "give a discount amount or a percentage, not both"})
    product = Decimal(quantity) * Decimal(int(unit_price))
    # Checked before rounding: an amount this size is past Decimal's 28 digits.
    if abs(product) >= MAX_AMOUNT:
        raise ValidationError({"quantity": "the line amount is too large"})
    base = round_minor(product)
    if discount_amount is not None:
        discount = int(discount_amount)
    elif discount_percent is not None:
        discount = round_minor(Decimal(base) * Decimal(discount_percent) / HUNDRED)
    else:
        discount = 0
    if discount < 0:
        raise ValidationError({"discount": "a discount cannot be negative"})
    if discount > base:
        raise ValidationError(
            {
                "discount": f"the discount {_plain(discount)} is more than the line amount "
                f"{_plain(base)}; lower it or use a percentage"
            }
        )
    net = base - discount
    tax = round_minor(Decimal(net) * Decimal(tax_percent) / HUNDRED)
    return LineAmounts(base=base, discount=discount, tax=tax, extended=net + tax)


def document_totals(
    lines: Iterable[LineAmounts],
    *,
    discount_amount: int | None = None,
    discount_percent: Decimal | None = None,
) -> Totals:
    """A document's totals from its lines and its header discount. Tax stays
    as each line computed it: the header discount is taken off after tax."""
    subtotal = 0
    tax_total = 0
    for line in lines:
        subtotal += line.base - line.discount
        tax_total += line.tax
    if discount_amount is not None and discount_percent is not None:
        raise ValidationError({"discount": "give a discount amount or a percentage, not both"})
    if discount_amount is not None:
        discount = int(discount_amount)
    elif discount_percent is not None:
        discount = round_minor(Decimal(subtotal) * Decimal(discount_percent) / HUNDRED)
    else:
        discount = 0
    if discount < 0:
        raise ValidationError({"discount": "a discount cannot be negative"})
    if discount > subtotal:
        raise ValidationError(
            {
                "discount": f"the discount {_plain(discount)} is more than the subtotal "
                f"{_plain(subtotal)}; add lines first, lower it or use a percentage"
            }
        )
    return Totals(
        subtotal=subtotal,
        discount_total=discount,
        tax_total=tax_total,
        total_amount=subtotal - discount + tax_total,
    )


# --- what people type -------------------------------------------------------------------


def _decimal(typed: str) -> Decimal | None:
    """The number in `typed` (thousands commas allowed), or None when it is not one."""
    cleaned = typed.replace(",", "").replace(" ", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def decimal_text(value: Decimal | str | None) -> str:
    """How a quantity or percentage is stored and shown: '2.5', '10', '0'."""
    if value is None:
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}" if number else "0"


def parse_quantity(typed: str | Decimal | int | None, field: str = "quantity") -> Decimal:
    """A positive quantity with at most 4 decimals; empty means 1."""
    if isinstance(typed, Decimal | int):
        typed = str(typed)
    if typed is None or not typed.strip():
        return Decimal(1)
    value = _decimal(typed)
    if value is None:
        raise ValidationError({field: f"quantity must be a number such as 2 or 2.5, not {typed!r}"})
    if value <= 0:
        raise ValidationError({field: "quantity must be more than 0"})
    if _decimals(value) > QUANTITY_DECIMALS:
        raise ValidationError({field: f"quantity has more than {QUANTITY_DECIMALS} decimals"})
    if value >= 10**12:
        raise ValidationError({field: "quantity is too large"})
    return value


def parse_percent(typed: str | Decimal | int | None, field: str) -> Decimal:
    """A percentage from 0 to 100 ('20', '7.5', '20%'); empty means 0."""
    label = field.replace("_", " ")
    if isinstance(typed, Decimal | int):
        typed = str(typed)
    if typed is None or not typed.strip():
        return Decimal(0)
    value = _decimal(typed.strip().removesuffix("%"))
    if value is None:
        raise ValidationError({field: f"{label} must be a percentage such as 20 or 7.5"})
    if value < 0 or value > 100:
        raise ValidationError({field: f"{label} must be between 0 and 100"})
    if _decimals(value) > PERCENT_DECIMALS:
        raise ValidationError({field: f"{label} has more than {PERCENT_DECIMALS} decimals"})
    return value


def parse_money(typed: str | None, field: str, *, required: bool = False) -> int | None:
    """An amount such as '1,250.00' in minor units; empty is None (or an error
    when `required`)."""
    label = field.replace("_", " ")
    if typed is None or not str(typed).strip():
        if required:
            raise ValidationError({field: f"{label} is required"})
        return None
    value = _decimal(str(typed))
    if value is None:
        raise ValidationError({field: f"{label} must be an amount such as 1250.00, not {typed!r}"})
    if value < 0:
        raise ValidationError({field: f"{label} must not be negative"})
    if _decimals(value) > MONEY_DECIMALS:
        raise ValidationError({field: f"{label} has more than {MONEY_DECIMALS} decimals"})
    minor = int(value.scaleb(MONEY_DECIMALS))
    if minor >= MAX_AMOUNT:
        raise ValidationError({field: f"{label} is too large"})
    return minor


def parse_discount(typed: str | None, field: str = "discount") -> tuple[int | None, Decimal | None]:
    """'10%' -> (None, 10), '25.00' -> (2500, None), '' -> (None, None).
    A zero discount is no discount."""
    if typed is None or not str(typed).strip():
        return None, None
    text = str(typed).strip()
    if text.endswith("%"):
        value = _decimal(text[:-1])
        if value is None:
            raise ValidationError(
                {field: f"{text!r} is not a discount; type a percentage (10%) or an amount (25.00)"}
            )
        if value < 0 or value > 100:
            raise ValidationError({field: "a percentage discount must be between 0% and 100%"})
        if _decimals(value) > PERCENT_DECIMALS:
            raise ValidationError(
                {field: f"the percentage has more than {PERCENT_DECIMALS} decimals"}
            )
        return (None, None) if value == 0 else (None, value)
    if _decimal(text) is None:
        raise ValidationError(
            {field: f"{text!r} is not a discount; type a percentage (10%) or an amount (25.00)"}
        )
    amount = parse_money(text, field)
    return (None, None) if not amount else (amount, None)


def format_discount(amount: int | None, percent: Decimal | str | None) -> str:
    """The form text for a stored discount: '10%', '25.00' or ''."""
    if percent not in (None, ""):
        return decimal_text(percent) + "%"
    if amount is not None:
        return _plain(amount)
    return ""


def _plain(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"
