"""Products and price lists: what is sold, and at which price."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui import text
from crm_tui.db import dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta import states as machines
from crm_tui.meta.sales import PRODUCT_TYPES
from crm_tui.models import PriceList, PriceListItem, Product
from crm_tui.services import dates, records, search, session
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.sales import pricing
from crm_tui.services.validate import Checker

# The option set and the state machine are the record metadata's (crm_tui.meta).
TYPES = PRODUCT_TYPES
STATES = {state.code: state.label for state in machines.PRODUCT.states}

FIELDS = [
    "product_number", "name", "product_type", "unit", "list_price", "cost", "description",
    "owner_id",
]  # fmt: skip
PRICE_LIST_FIELDS = ["name", "currency", "begins_on", "ends_on", "description"]

LIST = ListSpec(
    kind="product",
    table="product p",
    columns=(
        "p.id AS id, p.product_number AS product_number, p.name AS name, "
        "p.product_number AS extra, p.product_type AS product_type, p.unit AS unit, "
        "p.list_price AS list_price, p.state AS state, p.version AS version, "
        "p.modified_at AS modified_at"
    ),
    joins="",
    views={
        "active": "p.state = 'active'",
        "draft": "p.state = 'draft'",
        "retired": "p.state = 'retired'",
        "all": "TRUE",
    },
    sorts={
        "name": Sort("p.name_sort"),
        "number": Sort("p.product_number"),
        "modified": Sort("p.modified_at", descending=True),
    },
)
VIEWS = {
    "active": "Active products",
    "draft": "Draft products",
    "retired": "Retired products",
    "all": "All products",
}


class ProductRow(TypedDict):
    """A row of the product list (and of the line pickers)."""

    id: int
    product_number: str
    name: str
    extra: str  # what a picker shows beside the name: the number
    product_type: str
    unit: str
    list_price: int | None  # minor units
    state: str
    version: int
    modified_at: str  # as stored (UTC ISO text)


class PriceListRow(TypedDict):
    """A price list with its number of items."""

    id: int
    name: str
    currency: str
    state: str
    begins_on: str | None  # ISO date
    ends_on: str | None
    description: str
    version: int
    item_count: int


class PriceListItemRow(TypedDict):
    """A price of a price list."""

    id: int
    product_id: int
    product_number: str
    product_name: str
    unit: str
    product_state: str
    amount: int  # minor units


# --- products -----------------------------------------------------------------------------


def _check(data: dict, *, creating: bool, record_id: int | None = None) -> dict:
    c = Checker(data)
    needs_number = creating or c.has("product_number")
    c.text("product_number", required=needs_number, max_len=40, label="product number")
    c.text("name", required=creating or c.has("name"), max_len=200)
    if c.has("product_type") or creating:
        if data.get("product_type") in (None, ""):
            c.values["product_type"] = "sales_inventory"
        else:
            c.choice("product_type", TYPES)
    c.text("unit", max_len=40)
    if (creating or c.has("unit")) and "unit" not in c.errors and not c.values.get("unit"):
        c.values["unit"] = "each"
    c.money("list_price", label="list price")
    c.money("cost")
    c.text("description", max_len=4000, multiline=True)
    c.owner()
    number = c.values.get("product_number")
    if number:
        clash = (
            Product.select(Product.id, Product.name, Product.product_number)
            .where(
                (Product.product_number.collate("NOCASE") == number)
                & (Product.id != (record_id or 0))
            )
            .first()
        )
        if clash is not None:
            c.fail(
                "product_number",
                f"product number {clash.product_number} is already used by {clash.name}; "
                "choose another number",
            )
    c.custom("product", creating=creating)
    values = c.done()
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    return _to_columns(values)


def _to_columns(values: dict) -> dict:
    # Peewee's insert/update take foreign keys by field name, not column name.
    renamed = {"owner_id": "owner"}
    return {renamed.get(k, k): v for k, v in values.items()}


def check(data: dict, current: Product | None = None) -> dict:
    """The values `create` would store for `data` (with the stored `current`
    record: `update`), writing nothing (an import's dry run); ValidationError
    names each bad field."""
    record_id = current.id if current is not None else None
    return _check(data, creating=current is None, record_id=record_id)


def create(data: dict, *, checked: dict | None = None) -> Product:
    """Create a draft product; raises ValidationError naming each bad field
    (a product number already in use names the product that has it).
    `checked`: what `check(data)` returned for this data (an import checks
    each row once, for its dry run, and writes what the check gave).
    """
    values = dict(checked) if checked is not None else _check(data, creating=True)
    owner = values.pop("owner", None)
    with write():
        new_id = records.create("product", values, owner_id=owner)
        search.index("product", new_id)
    return get(new_id)


def get(product_id: int) -> Product:
    """One product; NotFound if it does not exist."""
    row = records.by_id(Product, product_id)
    if row is None:
        raise NotFound(f"product #{product_id} does not exist (it may have been deleted)")
    return records.readable("product", row)


def update(product_id: int, version: int, data: dict) -> Product:
    """Save changed fields if nobody saved since `version`; else ConflictError."""
    values = _check(data, creating=False, record_id=product_id)
    with write():
        changes = records.update_versioned("product", product_id, version, values)
        if search.changed_words(changes, {"name", "product_number", "description"}):
            search.index("product", product_id)
    return get(product_id)


def _set_state(product_id: int, version: int, state: str, allowed_from: tuple[str, ...]) -> Product:
    with write():
        row = get(product_id)
        if row.state == state:
            raise DomainError(f"{row.name} is already {state}")
        if row.state not in allowed_from:
            # Only a draft can be refused here: it must be sold before it can retire.
            raise DomainError(
                f"{row.name} is a draft: it was never sold; activate it first, or leave it as draft"
            )
        records.update_versioned("product", product_id, version, {"state": state}, action="state")
    return get(product_id)


def activate(product_id: int, version: int) -> Product:
    """Make a draft or retired product active: it can be put on lines again."""
    return _set_state(product_id, version, "active", ("draft", "retired"))


def retire(product_id: int, version: int) -> Product:
    """Retire an active product: existing lines keep it, new lines cannot use it."""
    return _set_state(product_id, version, "retired", ("active",))


def page(**options) -> Page[ProductRow]:
    """A page of the product list: view, sort (name, number, modified), query,
    after/before/last, limit, inclusive (see listing.fetch_page)."""
    options.setdefault("view", "active")
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10) -> list[ProductRow]:
    """Best matches for `typed` among all products, by name or number."""
    return page(view="all", query=typed, limit=limit).rows


def sellable(typed: str, limit: int = 10) -> list[ProductRow]:
    """Active products matching `typed` by name or number (for line pickers)."""
    return page(view="active", query=typed or None, limit=limit).rows


# --- price lists --------------------------------------------------------------------------


def _check_price_list(data: dict, *, creating: bool, record_id: int | None = None) -> dict:
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=120)
    if c.has("currency") or creating:
        currency = text.clean(data.get("currency") or "").upper() or session.settings().currency
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            c.fail("currency", f"{currency!r} is not a currency code (three letters, e.g. USD)")
        else:
            c.values["currency"] = currency
    c.date("begins_on", label="valid from")
    c.date("ends_on", label="valid to")
    c.text("description", max_len=4000, multiline=True)
    name = c.values.get("name")
    if name:
        clash = PriceList.get_or_none(
            (PriceList.name.collate("NOCASE") == name) & (PriceList.id != (record_id or 0))
        )
        if clash is not None:
            c.fail("name", f"a price list named {clash.name} already exists; choose another name")
    values = c.done()
    begins, ends = _dates_after(values, record_id)
    if begins and ends and begins > ends:
        raise ValidationError(
            {
                "ends_on": f"valid to ({dates.shown_day(ends)}) is before "
                f"valid from ({dates.shown_day(begins)})"
            }
        )
    return values


def _dates_after(values: dict, record_id: int | None) -> tuple[dt.date | None, dt.date | None]:
    """The validity dates the list will have once `values` are saved."""
    stored = get_price_list(record_id) if record_id is not None else None
    begins = values["begins_on"] if "begins_on" in values else (stored and stored.begins_on)
    ends = values["ends_on"] if "ends_on" in values else (stored and stored.ends_on)
    return begins or None, ends or None


def create_price_list(data: dict) -> PriceList:
    """Create a price list (currency defaults to the configured one)."""
    values = _check_price_list(data, creating=True)
    with write():
        new_id = records.create("price_list", values)
    return get_price_list(new_id)


def get_price_list(price_list_id: int) -> PriceList:
    """One price list; NotFound if it does not exist."""
    row = records.by_id(PriceList, price_list_id)
    if row is None:
        raise NotFound(f"price list #{price_list_id} does not exist (it may have been deleted)")
    return records.readable("price_list", row)


def update_price_list(price_list_id: int, version: int, data: dict) -> PriceList:
    """Save changed fields of a price list; ConflictError if someone saved since `version`."""
    values = _check_price_list(data, creating=False, record_id=price_list_id)
    with write():
        records.update_versioned("price_list", price_list_id, version, values)
    return get_price_list(price_list_id)


def price_lists() -> list[PriceListRow]:
    """Every price list by name, with its number of items."""
    return dict_rows(
        "SELECT l.id AS id, l.name AS name, l.currency AS currency, l.state AS state, "
        "l.begins_on AS begins_on, l.ends_on AS ends_on, l.description AS description, "
        "l.version AS version, "
        "(SELECT count(*) FROM price_list_item i WHERE i.price_list_id = l.id) AS item_count "
        "FROM price_list l ORDER BY l.name COLLATE NOCASE, l.id"
    )


def _item_label(product: Product) -> str:
    return f"{product.product_number} {product.name}"


def set_item(price_list_id: int, product_id: int, amount: str) -> PriceList:
    """Set the product's price in the price list (add it or change it)."""
    minor = pricing.parse_money(amount, "amount", required=True)
    with write():
        price_list = get_price_list(price_list_id)
        product = get(product_id)
        item = PriceListItem.get_or_none(
            (PriceListItem.price_list == price_list_id) & (PriceListItem.product == product_id)
        )
        if item is None:
            PriceListItem.insert(
                price_list=price_list_id, product=product_id, amount=minor
            ).execute()
            records.audit(
                "price_list", price_list.id, "item added", {_item_label(product): (None, minor)}
            )
        elif item.amount != minor:
            PriceListItem.update(amount=minor).where(PriceListItem.id == item.id).execute()
            records.audit(
                "price_list",
                price_list.id,
                "item changed",
                {_item_label(product): (item.amount, minor)},
            )
    return get_price_list(price_list_id)


def remove_item(price_list_id: int, product_id: int) -> PriceList:
    """Take the product out of the price list (lines priced from it keep their prices)."""
    with write():
        price_list = get_price_list(price_list_id)
        product = get(product_id)
        item = PriceListItem.get_or_none(
            (PriceListItem.price_list == price_list_id) & (PriceListItem.product == product_id)
        )
        if item is None:
            raise DomainError(f"{product.name} has no price in {price_list.name}")
        PriceListItem.delete().where(PriceListItem.id == item.id).execute()
        records.audit(
            "price_list", price_list.id, "item removed", {_item_label(product): (item.amount, None)}
        )
    return get_price_list(price_list_id)


def items_of(price_list_id: int) -> list[PriceListItemRow]:
    """The prices in a price list, by product name."""
    return dict_rows(
        "SELECT i.id AS id, i.product_id AS product_id, p.product_number AS product_number, "
        "p.name AS product_name, p.unit AS unit, p.state AS product_state, i.amount AS amount "
        "FROM price_list_item i JOIN product p ON p.id = i.product_id "
        "WHERE i.price_list_id = ? ORDER BY p.name_sort, p.id",
        (price_list_id,),
    )


def default_price_list() -> PriceList | None:
    """The price list named by settings.default_price_list; None if unset or missing."""
    name = session.settings().default_price_list.strip()
    if not name:
        return None
    return PriceList.get_or_none(PriceList.name == name)


def check_valid_on(price_list: PriceList, on: dt.date) -> None:
    """Refuse to price from a list outside its validity dates."""
    begins, ends = price_list.begins_on, price_list.ends_on
    if (begins and on < begins) or (ends and on > ends):
        span = (
            f"from {dates.shown_day(begins) or 'the start'} "
            f"to {dates.shown_day(ends) or 'open-ended'}"
        )
        raise DomainError(
            f"{price_list.name} is valid {span}, not on {dates.shown_day(on)}; "
            "choose another price list "
            "or type a unit price"
        )


def price_for(product_id: int, price_list_id: int | None, on: dt.date | None = None) -> int:
    """The unit price of a product: its price list item, else its list price.
    Raises DomainError naming the product when it has neither."""
    product = get(product_id)
    price_list = None
    if price_list_id is not None:
        price_list = get_price_list(price_list_id)
        check_valid_on(price_list, on or dates.today())
        item = PriceListItem.get_or_none(
            (PriceListItem.price_list == price_list_id) & (PriceListItem.product == product_id)
        )
        if item is not None:
            return item.amount
    if product.list_price is not None:
        return product.list_price
    where = f" in {price_list.name}" if price_list is not None else ""
    raise DomainError(f"{product.name} has no price{where} and no list price; type a unit price")
