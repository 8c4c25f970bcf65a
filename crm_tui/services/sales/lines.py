"""Lines of opportunities, quotes, orders and invoices: a product (or a
write-in), quantity, price, discount and tax, with the computed amounts
stored on the line and the totals stored on the document.

Every line change is one write transaction that also recomputes the
document's totals, bumps its version (a stale one is a ConflictError) and
audits the change on the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peewee import Model

from crm_tui import meta, text
from crm_tui.db import changes, database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import InvoiceLine, OpportunityLine, QuoteLine, SalesOrderLine
from crm_tui.models.base import utcnow
from crm_tui.services import money, numbers, records, session
from crm_tui.services.sales import pricing, products
from crm_tui.services.sales.pricing import LineAmounts, Totals
from crm_tui.services.sales.rows import LineRow


@dataclass(frozen=True)
class LineKind:
    model: type[Model]
    table: str
    parent_column: str
    # The one state of the parent in which its lines may change.
    editable_state: str
    # Opportunities keep no totals on their header.
    has_totals: bool


KINDS = {
    "opportunity": LineKind(OpportunityLine, "opportunity_line", "opportunity_id", "open", False),
    "quote": LineKind(QuoteLine, "quote_line", "quote_id", "draft", True),
    "order": LineKind(SalesOrderLine, "sales_order_line", "order_id", "active", True),
    "invoice": LineKind(InvoiceLine, "invoice_line", "invoice_id", "active", True),
}

# What a line holds besides its parent: copied as they are between documents.
COLUMNS = (
    "line_number", "product_id", "description", "quantity", "unit", "unit_price",
    "price_overridden", "discount_amount", "discount_percent", "tax_percent", "base_amount",
    "discount_total", "tax_amount", "extended_amount",
)  # fmt: skip
TOTALS = ("subtotal", "discount_total", "tax_total", "total_amount")


def _kind(kind: str) -> LineKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise NotFound(f"{kind!r} has no lines; choose one of {', '.join(KINDS)}") from None


# --- reading ------------------------------------------------------------------------------


def lines_of(kind: str, parent_id: int) -> list[LineRow]:
    """The lines of a record, in order, with the product's number and name and
    a `label` to show (the product's name, or the write-in's description)."""
    spec = _kind(kind)
    columns = ", ".join(f"l.{c} AS {c}" for c in COLUMNS)
    return dict_rows(
        f"SELECT l.id AS id, {columns}, p.product_number AS product_number, "
        "p.name AS product_name, p.state AS product_state, "
        "coalesce(p.name, l.description) AS label "
        f"FROM {spec.table} l LEFT JOIN product p ON p.id = l.product_id "
        f"WHERE l.{spec.parent_column} = ? ORDER BY l.line_number, l.id",
        (parent_id,),
    )


def _stored_amounts(kind: str, parent_id: int, without: int | None = None) -> list[LineAmounts]:
    spec = _kind(kind)
    rows = database.execute_sql(
        "SELECT base_amount, discount_total, tax_amount, extended_amount "
        f"FROM {spec.table} WHERE {spec.parent_column} = ? AND id IS DISTINCT FROM ?",
        (parent_id, without),
    ).fetchall()
    return [LineAmounts(*row) for row in rows]


# --- the parent ---------------------------------------------------------------------------


def _title(kind: str, parent) -> str:
    if kind == "opportunity":
        return f"The opportunity {parent.name}"
    return numbers.display_number(parent)


def locked_reason(kind: str, parent) -> str | None:
    """Why the lines of `parent` cannot change now, or None when they can."""
    spec = _kind(kind)
    state = parent.state
    if state == spec.editable_state:
        return None
    title = _title(kind, parent)
    if kind == "quote" and state == "active":
        return f"{title} is active: its prices are locked; revise it to change lines"
    if kind == "quote" and parent.status_reason == "revised":
        return f"{title} was revised: it is read-only; change the newest revision instead"
    if kind == "quote":
        return f"{title} is {state}: its lines cannot change; create a new quote instead"
    if kind == "order":
        return f"{title} is {state}: lines can change only while an order is active"
    if kind == "invoice":
        return f"{title} is {state}: paid and canceled invoices are read-only"
    return f"{title} is {state}: reopen it to change its products"


def _editable_parent(kind: str, parent_id: int):
    parent = records.require(kind, parent_id)
    reason = locked_reason(kind, parent)
    if reason:
        raise DomainError(reason)
    return parent


def totals_for(
    kind: str, parent_id: int, discount_amount: int | None, discount_percent: str | None
) -> dict:
    """The header totals of a document from its stored lines and the given
    header discount (ValidationError on `discount` if it exceeds the subtotal)."""
    totals = pricing.document_totals(
        _stored_amounts(kind, parent_id),
        discount_amount=discount_amount,
        discount_percent=Decimal(discount_percent) if discount_percent else None,
    )
    return {name: getattr(totals, name) for name in TOTALS}


def _header_totals(kind: str, parent) -> dict:
    """totals_for with the document's own discount; a header discount the
    lines no longer cover is refused in words that name the header."""
    try:
        return totals_for(kind, parent.id, parent.discount_amount, parent.discount_percent)
    except ValidationError:
        discount = pricing.format_discount(parent.discount_amount, parent.discount_percent)
        raise DomainError(
            f"{_title(kind, parent)} has a discount of {discount}, more than its subtotal "
            "would be; lower the document's discount first"
        ) from None


def recompute(kind: str, parent_id: int) -> dict:
    """Store the totals of a document from its lines (no version bump: for a
    document written in the same transaction). Returns the totals."""
    if not _kind(kind).has_totals:
        return {}
    model = meta.kind(kind).model
    with write():
        parent = records.require(kind, parent_id)
        totals = _header_totals(kind, parent)
        model.update(**totals).where(model.id == parent_id).execute()
    return totals


def _save_parent(kind: str, parent, version: int, action: str, detail: dict) -> None:
    """Recompute the totals, bump the parent's version and audit the change."""
    # A version check alone: raises ConflictError if someone saved since `version`.
    records.update_versioned(kind, parent.id, version, {})
    values = _header_totals(kind, parent) if _kind(kind).has_totals else {}
    before = records.stored_values(parent, values.keys())
    changes = {k: (before[k], v) for k, v in values.items() if before[k] != v}
    model = meta.kind(kind).model
    model.update(
        **values,
        version=model.version + 1,
        modified_at=utcnow(),
        modified_by=session.current_user().id,
    ).where((model.id == parent.id) & (model.version == version)).execute()
    records.audit(kind, parent.id, action, {**detail, **changes})


# --- what a person typed ------------------------------------------------------------------


def _summary(values: dict, label: str) -> str:
    """A line as the audit trail shows it: 'Widget × 2 @ 10.00 − 10% = 18.00'."""
    out = f"{label} × {values['quantity']} @ {money.plain(values['unit_price'])}"
    discount = pricing.format_discount(values["discount_amount"], values["discount_percent"])
    if discount:
        out += f" − {discount}"
    if values["tax_percent"] not in ("0", None):
        out += f" + {values['tax_percent']}% tax"
    return out + f" = {money.plain(values['extended_amount'])}"


def _product_id(raw) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"product_id": f"{raw!r} is not a product"}) from None


def _unit_price(data, price_list_id, existing, product_id, product) -> tuple[int | None, int]:
    """(unit price, overridden): as typed; else kept from `existing` when its
    product stays; else from the price list (None for a write-in: no price)."""
    typed = data.get("unit_price")
    typed = "" if typed is None else str(typed).strip()
    if typed:
        return pricing.parse_money(typed, "unit_price"), 1
    product_changed = existing is None or product_id != existing.product_id
    if "unit_price" not in data and not product_changed:
        return existing.unit_price, existing.price_overridden
    if product is None:
        return None, 0
    try:
        return products.price_for(product.id, price_list_id), 0
    except NotFound:
        raise
    except DomainError as exc:
        raise ValidationError({"unit_price": str(exc)}) from None


def _line_values(
    data: dict,
    price_list_id: int | None,
    existing: Model | None = None,
    *,
    lenient: bool = False,
) -> tuple[dict, str]:
    """Column values (amounts computed) for a line from form data, and its
    label. Fields absent from `data` keep `existing`'s values. `lenient` is
    for previews: no description or write-in price required yet."""
    errors: dict[str, str] = {}

    def attempt(parse, *args, **kwargs):
        try:
            return parse(*args, **kwargs)
        except ValidationError as exc:
            errors.update(exc.errors)
            return None

    old_product = existing.product_id if existing is not None else None
    raw_product = data["product_id"] if "product_id" in data else old_product
    product_id = attempt(_product_id, raw_product)
    product = None
    if product_id is not None:
        try:
            product = products.get(product_id)
        except NotFound:
            errors["product_id"] = "that product does not exist (it may have been deleted)"
    if product is not None and product.state != "active" and product.id != old_product:
        errors["product_id"] = (
            f"{product.name} is {product.state}; only active products can be put on lines"
        )

    if "description" in data:
        description = text.clean(data["description"], multiline=True)
    else:
        description = existing.description if existing is not None else ""
    if len(description) > 2000:
        errors["description"] = f"description is {len(description)} characters; the limit is 2000"
    elif product_id is None and not description and not lenient and "product_id" not in errors:
        errors["description"] = "a write-in line needs a description (or pick a product)"

    raw_quantity = data.get("quantity") if "quantity" in data else None
    if raw_quantity is None and existing is not None:
        raw_quantity = existing.quantity
    quantity = attempt(pricing.parse_quantity, raw_quantity)

    price = attempt(_unit_price, data, price_list_id, existing, product_id, product)
    unit_price, overridden = price if price is not None else (0, 0)
    if price == (None, 0) and not lenient and "product_id" not in errors:
        errors["unit_price"] = "a write-in line needs a unit price"

    if "discount" in data:
        discount = attempt(pricing.parse_discount, data["discount"]) or (None, None)
    elif existing is not None:
        percent = existing.discount_percent
        discount = (existing.discount_amount, Decimal(percent) if percent else None)
    else:
        discount = (None, None)

    if "tax_percent" in data:
        tax = attempt(pricing.parse_percent, data["tax_percent"], "tax_percent")
    else:
        tax = Decimal(existing.tax_percent) if existing is not None else Decimal(0)

    unit_price = unit_price or 0
    amounts = None
    if not errors:
        amounts = attempt(
            pricing.line_amounts,
            quantity,
            unit_price,
            discount_amount=discount[0],
            discount_percent=discount[1],
            tax_percent=tax,
        )
    if errors:
        raise ValidationError(errors)
    if product is not None:
        unit = product.unit
    elif "unit" in data:
        unit = text.clean(data["unit"])[:40]
    else:
        unit = existing.unit if existing is not None else ""
    values = {
        "product_id": product_id,
        "description": description,
        "quantity": pricing.decimal_text(quantity),
        "unit": unit,
        "unit_price": unit_price,
        "price_overridden": overridden,
        "discount_amount": discount[0],
        "discount_percent": pricing.decimal_text(discount[1]) if discount[1] is not None else None,
        "tax_percent": pricing.decimal_text(tax),
        "base_amount": amounts.base,
        "discount_total": amounts.discount,
        "tax_amount": amounts.tax,
        "extended_amount": amounts.extended,
    }
    return values, (product.name if product is not None else description)


def preview_line(data: dict, price_list_id: int | None = None) -> LineAmounts:
    """The amounts of a half-typed line, without writing anything (for totals
    that update while a person types). ValidationError names bad fields."""
    values, _ = _line_values(data, price_list_id, lenient=True)
    return LineAmounts(
        values["base_amount"],
        values["discount_total"],
        values["tax_amount"],
        values["extended_amount"],
    )


# --- changing lines -----------------------------------------------------------------------


def preview_totals(kind: str, parent, data: dict, line_id: int | None = None) -> Totals:
    """The document's totals if the half-typed line `data` were saved (as a
    new line, or in place of `line_id`), without writing anything: the
    totals a person sees change while typing. ValidationError names bad
    fields, or the header discount the new subtotal cannot carry."""
    amounts = preview_line(data, parent.price_list_id)
    percent = getattr(parent, "discount_percent", None)
    return pricing.document_totals(
        [*_stored_amounts(kind, parent.id, without=line_id), amounts],
        discount_amount=getattr(parent, "discount_amount", None),
        discount_percent=Decimal(percent) if percent else None,
    )


def _get_line(kind: str, parent_id: int, line_id: int) -> Model:
    spec = _kind(kind)
    line = spec.model.get_or_none(spec.model.id == line_id)
    if line is None or line.__data__.get(_parent_field(spec)) != int(parent_id):
        raise NotFound(f"line #{line_id} is not on this {kind} (someone may have removed it)")
    return line


def _parent_field(spec: LineKind) -> str:
    return spec.parent_column.removesuffix("_id")


def add_line(kind: str, parent_id: int, version: int, data: dict) -> Model:
    """Add a line (a product, or a write-in with a description and price).
    An empty unit price takes the price list's price. Returns the parent."""
    spec = _kind(kind)
    with write():
        parent = _editable_parent(kind, parent_id)
        values, label = _line_values(data, parent.price_list_id)
        number = database.execute_sql(
            f"SELECT coalesce(max(line_number), 0) + 1 FROM {spec.table} "
            f"WHERE {spec.parent_column} = ?",
            (parent_id,),
        ).fetchone()[0]
        records.insert_row(
            spec.model,
            {**values, "line_number": number, spec.parent_column: parent_id},
        )
        detail = {f"line {number}": (None, _summary(values, label))}
        _save_parent(kind, parent, version, "line added", detail)
    return records.require(kind, parent_id)


def update_line(kind: str, parent_id: int, version: int, line_id: int, data: dict) -> Model:
    """Change a line; fields absent from `data` keep their values, and an
    empty unit price re-prices it from the price list. Returns the parent."""
    spec = _kind(kind)
    with write():
        parent = _editable_parent(kind, parent_id)
        line = _get_line(kind, parent_id, line_id)
        old = {c: line.__data__.get(spec.model._meta.columns[c].name) for c in COLUMNS}
        old_label = _label(line)
        values, label = _line_values(data, parent.price_list_id, line)
        spec.model.update(**_fields(spec, values)).where(spec.model.id == line_id).execute()
        detail = {f"line {line.line_number}": (_summary(old, old_label), _summary(values, label))}
        _save_parent(kind, parent, version, "line changed", detail)
    return records.require(kind, parent_id)


def remove_line(kind: str, parent_id: int, version: int, line_id: int) -> Model:
    """Remove a line (the others keep their numbers). Returns the parent."""
    spec = _kind(kind)
    with write():
        parent = _editable_parent(kind, parent_id)
        line = _get_line(kind, parent_id, line_id)
        old = {c: line.__data__.get(spec.model._meta.columns[c].name) for c in COLUMNS}
        spec.model.delete().where(spec.model.id == line_id).execute()
        detail = {f"line {line.line_number}": (_summary(old, _label(line)), None)}
        _save_parent(kind, parent, version, "line removed", detail)
    return records.require(kind, parent_id)


def _label(line: Model) -> str:
    if line.product_id is None:
        return line.description
    return records.title_of("product", line.product_id)


def _fields(spec: LineKind, values: dict) -> dict:
    # Peewee's update takes foreign keys by field name, not column name.
    return {spec.model._meta.columns[k].name: v for k, v in values.items()}


def copy_lines(from_kind: str, from_id: int, to_kind: str, to_id: int) -> int:
    """Copy every line as it is (prices locked, amounts unchanged) to another
    record; call inside the write that creates it. Returns the count."""
    source, target = _kind(from_kind), _kind(to_kind)
    columns = ", ".join(COLUMNS)
    with write():
        cursor = database.execute_sql(
            f"INSERT INTO {target.table} ({columns}, {target.parent_column}) "
            f"SELECT {columns}, ? FROM {source.table} WHERE {source.parent_column} = ? "
            "ORDER BY line_number, id",
            (to_id, from_id),
        )
        return changes(cursor)


def reprice(kind: str, parent_id: int, price_list_id: int | None) -> int:
    """Re-price the lines whose price came from a price list (not typed) from
    `price_list_id`, keeping their quantity, discount and tax; for a document
    whose price list changes. Call inside its write. Returns lines changed.
    A line the new list cannot price is a ValidationError on price_list_id."""
    spec = _kind(kind)
    changed = 0
    with write():
        query = spec.model.select().where(
            (getattr(spec.model, _parent_field(spec)) == parent_id)
            & (spec.model.price_overridden == 0)
            & spec.model.product.is_null(False)
        )
        for line in query:
            try:
                price = products.price_for(line.product_id, price_list_id)
                if price == line.unit_price:
                    continue
                amounts = pricing.line_amounts(
                    Decimal(line.quantity),
                    price,
                    discount_amount=line.discount_amount,
                    discount_percent=Decimal(line.discount_percent)
                    if line.discount_percent
                    else None,
                    tax_percent=Decimal(line.tax_percent),
                )
            except NotFound:
                raise
            except DomainError as exc:
                raise ValidationError(
                    {"price_list_id": f"line {line.line_number}: {exc}"}
                ) from None
            spec.model.update(
                unit_price=price,
                base_amount=amounts.base,
                discount_total=amounts.discount,
                tax_amount=amounts.tax,
                extended_amount=amounts.extended,
            ).where(spec.model.id == line.id).execute()
            changed += 1
    return changed
