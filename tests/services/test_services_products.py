"""Products, price lists, prices and document numbers."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sys
from pathlib import Path

import pytest

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import ConflictError, CrmError, DomainError, NotFound, ValidationError
from crm_tui.services import dates, numbers
from crm_tui.services.customers import accounts
from crm_tui.services.sales import products

sys.path.insert(0, str(Path(__file__).parents[1]))
import sales_workers  # noqa: E402


def widget(**data):
    values = {"product_number": "W-1", "name": "Widget", "list_price": "10.00"}
    values.update(data)
    row = products.create(values)
    return products.activate(row.id, row.version)


def audit_rows(kind: str, record_id: int) -> list[dict]:
    return dict_rows(
        "SELECT action, changes FROM audit_entry WHERE record_type = ? AND record_id = ? "
        "ORDER BY id",
        (kind, record_id),
    )


# --- products -------------------------------------------------------------------------------


def test_product_create_get_update(db):
    row = products.create(
        {
            "product_number": " LAP-14 ",
            "name": "Laptop 14",
            "product_type": "sales_inventory",
            "unit": "",
            "list_price": "1,299.00",
            "cost": "850.50",
            "description": "fast\nlight",
        }
    )
    assert (row.product_number, row.name, row.name_sort) == ("LAP-14", "Laptop 14", "laptop 14")
    assert (row.state, row.unit, row.list_price, row.cost) == ("draft", "each", 129900, 85050)
    assert row.owner_id == db.id and row.version == 1
    assert products.get(row.id).description == "fast\nlight"
    changed = products.update(row.id, 1, {"name": "Laptop 14 Pro", "list_price": ""})
    assert (changed.version, changed.name, changed.list_price) == (2, "Laptop 14 Pro", None)
    assert [r["action"] for r in audit_rows("product", row.id)] == ["create", "update"]


def test_product_defaults(db):
    row = products.create({"product_number": "S-1", "name": "Support"})
    assert (row.product_type, row.unit, row.list_price) == ("sales_inventory", "each", None)


def test_product_get_missing(db):
    with pytest.raises(NotFound, match="#42"):
        products.get(42)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "X"}, "product_number", "required"),
        ({"product_number": "X"}, "name", "required"),
        ({"product_number": "X" * 41, "name": "X"}, "product_number", "limit is 40"),
        ({"product_number": "X", "name": "X", "product_type": "gadget"}, "product_type", "one of"),
        ({"product_number": "X", "name": "X", "list_price": "1.001"}, "list_price", "decimals"),
        ({"product_number": "X", "name": "X", "cost": "-1"}, "cost", "positive"),
        ({"product_number": "X", "name": "X", "owner_id": 999}, "owner_id", "active user"),
    ],
)
def test_product_validation(db, data, field, message):
    with pytest.raises(ValidationError) as excinfo:
        products.create(data)
    assert message in excinfo.value.errors[field]


def test_product_number_clash_names_the_other_product(db):
    first = products.create({"product_number": "W-1", "name": "Widget"})
    with pytest.raises(ValidationError) as excinfo:
        products.create({"product_number": "w-1", "name": "Gadget"})
    assert excinfo.value.errors["product_number"] == (
        "product number W-1 is already used by Widget; choose another number"
    )
    other = products.create({"product_number": "G-1", "name": "Gadget"})
    with pytest.raises(ValidationError, match="already used by Widget"):
        products.update(other.id, other.version, {"product_number": "W-1"})
    # keeping its own number is no clash
    assert products.update(first.id, 1, {"product_number": "W-1", "name": "W"}).name == "W"


def test_product_states(db):
    row = products.create({"product_number": "W-1", "name": "Widget"})
    with pytest.raises(
        DomainError, match="Widget is a draft: it was never sold; activate it first"
    ):
        products.retire(row.id, row.version)
    row = products.activate(row.id, row.version)
    assert (row.state, row.version) == ("active", 2)
    with pytest.raises(DomainError, match="already active"):
        products.activate(row.id, row.version)
    row = products.retire(row.id, row.version)
    assert row.state == "retired"
    with pytest.raises(DomainError, match="already retired"):
        products.retire(row.id, row.version)
    row = products.activate(row.id, row.version)
    assert row.state == "active"
    with pytest.raises(ConflictError):
        products.retire(row.id, 1)
    actions = [r["action"] for r in audit_rows("product", row.id)]
    assert actions == ["create", "state", "state", "state"]


def test_product_update_conflict(db):
    row = products.create({"product_number": "W-1", "name": "Widget"})
    products.update(row.id, 1, {"name": "Widget 2"})
    with pytest.raises(ConflictError) as excinfo:
        products.update(row.id, 1, {"name": "Widget 3"})
    assert excinfo.value.current["name"] == "Widget 2"


def test_product_lists_search_and_sellable(db):
    widget()
    products.create({"product_number": "G-7", "name": "Gizmo"})  # draft
    retired = widget(product_number="OLD-1", name="Widget classic")
    products.retire(retired.id, retired.version)
    assert [r["name"] for r in products.page().rows] == ["Widget"]
    assert [r["name"] for r in products.page(view="draft").rows] == ["Gizmo"]
    assert [r["name"] for r in products.page(view="retired").rows] == ["Widget classic"]
    assert len(products.page(view="all").rows) == 3
    assert [r["product_number"] for r in products.page(view="all", sort="number").rows] == [
        "G-7",
        "OLD-1",
        "W-1",
    ]
    assert [r["name"] for r in products.find_by_name("wid")] == ["Widget", "Widget classic"]
    assert [r["name"] for r in products.sellable("wid")] == ["Widget"]
    assert [r["name"] for r in products.sellable("W-1")] == ["Widget"]  # by number
    assert [r["name"] for r in products.sellable("")] == ["Widget"]
    assert products.sellable("gizmo") == []  # a draft is not for sale
    assert products.sellable("wid")[0]["extra"] == "W-1"
    # the index follows a rename
    row = products.get(retired.id)
    products.update(row.id, row.version, {"name": "Sprocket"})
    assert [r["name"] for r in products.find_by_name("sprock")] == ["Sprocket"]


# --- price lists ----------------------------------------------------------------------------


def test_price_list_create_and_update(db, configure):
    configure(currency="EUR")
    retail = products.create_price_list(
        {"name": "Retail 2026", "begins_on": "2026-01-01", "ends_on": "2026-12-31"}
    )
    assert (retail.currency, retail.begins_on, retail.ends_on) == (
        "EUR",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    usd = products.create_price_list({"name": "US", "currency": "usd"})
    assert usd.currency == "USD"
    changed = products.update_price_list(retail.id, 1, {"ends_on": ""})
    assert changed.ends_on is None and changed.version == 2
    with pytest.raises(ConflictError):
        products.update_price_list(retail.id, 1, {"description": "x"})


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "P", "currency": "dollars"}, "currency", "not a currency code"),
        ({"name": "P", "begins_on": "2026-13-01"}, "begins_on", "is not a date"),
        ({"name": "P", "begins_on": "2026-02-01", "ends_on": "2026-01-01"}, "ends_on", "before"),
    ],
)
def test_price_list_validation(db, data, field, message):
    with pytest.raises(ValidationError) as excinfo:
        products.create_price_list(data)
    assert message in excinfo.value.errors[field]


def test_price_list_name_is_unique_and_dates_checked_against_stored(db):
    retail = products.create_price_list({"name": "Retail", "begins_on": "2026-03-01"})
    with pytest.raises(ValidationError, match="a price list named Retail already exists"):
        products.create_price_list({"name": "retail"})
    with pytest.raises(ValidationError) as excinfo:
        products.update_price_list(retail.id, 1, {"ends_on": "2026-02-01"})
    # days in a refusal read as everywhere else (display.day)
    begins = dates.shown_day(dt.date(2026, 3, 1))
    assert f"before valid from ({begins})" in excinfo.value.errors["ends_on"]


def test_price_list_items(db):
    w = widget()
    g = widget(product_number="G-1", name="Gadget")
    retail = products.create_price_list({"name": "Retail"})
    products.set_item(retail.id, w.id, "9.50")
    products.set_item(retail.id, g.id, "1,000")
    products.set_item(retail.id, w.id, "9.00")  # changes it
    products.set_item(retail.id, w.id, "9.00")  # no change, no audit
    items = products.items_of(retail.id)
    assert [(i["product_number"], i["product_name"], i["unit"], i["amount"]) for i in items] == [
        ("G-1", "Gadget", "each", 100000),
        ("W-1", "Widget", "each", 900),
    ]
    assert [(r["name"], r["item_count"]) for r in products.price_lists()] == [("Retail", 2)]
    products.remove_item(retail.id, g.id)
    assert [i["product_name"] for i in products.items_of(retail.id)] == ["Widget"]
    with pytest.raises(DomainError, match="Gadget has no price in Retail"):
        products.remove_item(retail.id, g.id)
    audit = audit_rows("price_list", retail.id)
    assert [r["action"] for r in audit] == [
        "create",
        "item added",
        "item added",
        "item changed",
        "item removed",
    ]
    assert json.loads(audit[3]["changes"]) == {"W-1 Widget": [950, 900]}


def test_price_list_item_refusals(db):
    w = widget()
    retail = products.create_price_list({"name": "Retail"})
    for amount, message in [("", "required"), ("abc", "amount such as"), ("-1", "negative")]:
        with pytest.raises(ValidationError) as excinfo:
            products.set_item(retail.id, w.id, amount)
        assert message in excinfo.value.errors["amount"]
    with pytest.raises(NotFound):
        products.set_item(retail.id, 999, "1")
    with pytest.raises(NotFound):
        products.set_item(999, w.id, "1")


def test_price_lists_sorted_by_name(db):
    for name in ("b list", "A list", "c list"):
        products.create_price_list({"name": name})
    assert [r["name"] for r in products.price_lists()] == ["A list", "b list", "c list"]


def test_default_price_list(db, configure):
    retail = products.create_price_list({"name": "Retail"})
    assert products.default_price_list() is None
    configure(default_price_list="Retail")
    assert products.default_price_list().id == retail.id
    configure(default_price_list="Gone")
    assert products.default_price_list() is None


def test_price_for(db):
    w = widget()  # list price 10.00
    g = widget(product_number="G-1", name="Gadget", list_price="")
    retail = products.create_price_list({"name": "Retail 2026"})
    products.set_item(retail.id, w.id, "9.50")
    assert products.price_for(w.id, retail.id) == 950  # the price list item
    assert products.price_for(w.id, None) == 1000  # the list price
    with pytest.raises(DomainError) as excinfo:
        products.price_for(g.id, retail.id)
    assert str(excinfo.value) == (
        "Gadget has no price in Retail 2026 and no list price; type a unit price"
    )
    with pytest.raises(DomainError, match="Gadget has no price and no list price"):
        products.price_for(g.id, None)
    products.set_item(retail.id, g.id, "5")
    assert products.price_for(g.id, retail.id) == 500
    other = products.create_price_list({"name": "Other"})
    assert products.price_for(w.id, other.id) == 1000  # not in the list: list price


def test_price_for_respects_validity_dates(db):
    w = widget()
    spring = products.create_price_list(
        {"name": "Spring", "begins_on": "2026-03-01", "ends_on": "2026-05-31"}
    )
    products.set_item(spring.id, w.id, "8.00")
    assert products.price_for(w.id, spring.id, dt.date(2026, 3, 1)) == 800
    assert products.price_for(w.id, spring.id, dt.date(2026, 5, 31)) == 800
    with pytest.raises(DomainError) as excinfo:
        products.price_for(w.id, spring.id, dt.date(2026, 2, 28))
    span = [dates.shown_day(dt.date(2026, m, d)) for m, d in ((3, 1), (5, 31), (2, 28))]
    assert "Spring is valid from {} to {}, not on {}".format(*span) in str(excinfo.value)
    with pytest.raises(DomainError, match=f"not on {dates.shown_day(dt.date(2026, 6, 1))}"):
        products.price_for(w.id, spring.id, dt.date(2026, 6, 1))
    open_ended = products.create_price_list({"name": "From 2020", "begins_on": "2020-01-01"})
    assert products.price_for(w.id, open_ended.id) == 1000
    with pytest.raises(DomainError, match="valid from 01 Jan 2020 to open-ended"):
        products.price_for(w.id, open_ended.id, dt.date(2019, 12, 31))


# --- numbers --------------------------------------------------------------------------------


def test_numbers_count_per_kind(db):
    with write():
        taken = [numbers.next_number(k) for k in ("quote", "quote", "order", "invoice", "quote")]
    assert taken == ["QUO-00001", "QUO-00002", "ORD-00001", "INV-00001", "QUO-00003"]


def test_numbers_need_a_write_transaction(db):
    with pytest.raises(CrmError, match="inside a write transaction"):
        numbers.next_number("quote")
    with pytest.raises(CrmError, match="not numbered"), write():
        numbers.next_number("lead")


def test_numbers_grow_past_five_digits(db):
    assert numbers.format_number("order", 123456) == "ORD-123456"
    database.execute_sql("INSERT INTO sequence (name, next) VALUES ('quote', 99999)")
    with write():
        assert numbers.next_number("quote") == "QUO-99999"
        assert numbers.next_number("quote") == "QUO-100000"


def test_a_rolled_back_number_is_given_again(db):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), write():
        assert numbers.next_number("invoice") == "INV-00001"
        raise Abort
    with write():
        assert numbers.next_number("invoice") == "INV-00001"


def test_numbers_skip_ones_already_used(db):
    from crm_tui.services.sales import quotes

    acme = accounts.create({"name": "Acme"})
    quotes.create({"name": "Q", "account_id": acme.id})  # QUO-00001
    database.execute_sql("UPDATE sequence SET next = 1 WHERE name = 'quote'")  # e.g. restored
    with write():
        assert numbers.next_number("quote") == "QUO-00002"


def test_display_number():
    assert numbers.display_number({"number": "QUO-00001", "revision": 2}) == "QUO-00001-R2"
    assert numbers.display_number({"number": "ORD-00007"}) == "ORD-00007"


def test_concurrent_processes_never_share_a_number(db, db_target):
    ctx = multiprocessing.get_context("spawn")
    acme = accounts.create({"name": "Acme"})
    workers, each = 3, 15
    barrier = ctx.Barrier(workers)
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=sales_workers.create_quotes,
            args=(str(db_target), "tester", acme.id, each, barrier, queue),
        )
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    try:
        reports = [queue.get(timeout=120) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert [status for status, _ in reports] == ["ok"] * workers, reports
    taken = sorted(n for _, batch in reports for n in batch)
    assert taken == [f"QUO-{i:05d}" for i in range(1, workers * each + 1)]
