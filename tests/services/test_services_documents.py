"""Quotes -> orders -> invoices: every transition and refusal, numbering,
revisions, copies with identical totals, read-only states, conflicts, audit,
lists and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import ConflictError, DomainError, NotFound, ValidationError
from crm_tui.models import Activity
from crm_tui.services import dates, export, session, users
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.sales import invoices, lines, orders, quotes

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


def quote_with_lines(cat, **data):
    values = {"name": "Fit-out", "account_id": cat.account_id, "price_list_id": cat.price_list_id}
    values.update(data)
    q = quotes.create(values)
    q = lines.add_line("quote", q.id, q.version, {"product_id": cat.widget_id, "quantity": "3",
                                                  "discount": "10%", "tax_percent": "20"})  # fmt: skip
    return lines.add_line(
        "quote",
        q.id,
        q.version,
        {"product_id": None, "description": "Install", "unit_price": "120", "tax_percent": "20"},
    )


def active_quote(cat, **data):
    q = quote_with_lines(cat, **data)
    return quotes.activate(q.id, q.version)


def stripped_lines(kind: str, record_id: int) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "id"} for r in lines.lines_of(kind, record_id)]


def totals(doc) -> tuple:
    return (doc.subtotal, doc.discount_total, doc.tax_total, doc.total_amount)


def close_activities(kind: str, record_id: int) -> list[Activity]:
    return list(
        Activity.select()
        .where((Activity.regarding_type == kind) & (Activity.regarding_id == record_id))
        .order_by(Activity.id)
    )


# --- quotes: creating -----------------------------------------------------------------------


def test_quote_create(cat):
    q = quotes.create(
        {
            "name": "  Fit-out ",
            "account_id": cat.account_id,
            "price_list_id": cat.price_list_id,
            "effective_from": "2026-01-01",
            "effective_to": "2026-01-31",
            "description": "phase 1",
        }
    )
    assert (q.number, q.revision, quotes.display_number(q)) == ("QUO-00001", 1, "QUO-00001-R1")
    assert (q.state, q.status_reason, q.name, q.currency) == (
        "draft",
        "in_progress",
        "Fit-out",
        "USD",
    )
    assert (q.effective_from, q.effective_to) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert totals(q) == (0, 0, 0, 0) and q.owner_id == session.current_user().id
    assert quotes.create({"name": "B", "account_id": cat.account_id}).number == "QUO-00002"
    assert audit_actions("quote", q.id) == ["create"]


def test_quote_for_a_contact_only(cat):
    maryam = contacts.create({"first_name": "Maryam", "last_name": "Ahmadi"})
    q = quotes.create({"name": "Personal", "contact_id": maryam.id})
    assert (q.account_id, q.contact_id) == (None, maryam.id)
    assert quotes.quotes_of("contact", maryam.id)[0]["display_number"] == "QUO-00001-R1"


def test_quote_price_list_and_currency_defaults(cat, configure):
    configure(currency="GBP", default_price_list="Retail")
    q = quotes.create({"name": "A", "account_id": cat.account_id})
    assert (q.price_list_id, q.currency) == (cat.price_list_id, "USD")  # the list's currency
    configure(currency="GBP", default_price_list="")
    q = quotes.create({"name": "B", "account_id": cat.account_id})
    assert (q.price_list_id, q.currency) == (None, "GBP")
    configure(currency="GBP", default_price_list="Missing")
    assert quotes.create({"name": "C", "account_id": cat.account_id}).price_list_id is None


def test_quote_from_an_opportunity_takes_customer_price_list_and_lines(cat):
    opp_id = opportunity(cat.account_id, "Hospital wing", cat.price_list_id)
    from crm_tui.services import records

    opp = records.require("opportunity", opp_id)
    lines.add_line("opportunity", opp_id, opp.version, {"product_id": cat.widget_id,
                                                       "quantity": "4"})  # fmt: skip
    q = quotes.create({"opportunity_id": opp_id, "discount": "10.00"})
    assert (q.name, q.account_id, q.price_list_id, q.opportunity_id) == (
        "Hospital wing",
        cat.account_id,
        cat.price_list_id,
        opp_id,
    )
    assert [r["label"] for r in lines.lines_of("quote", q.id)] == ["Widget"]
    assert totals(q) == (3800, 1000, 0, 2800)
    assert_consistent("quote", q)
    assert quotes.quotes_of("opportunity", opp_id)[0]["id"] == q.id
    set_opportunity_state(opp_id, "lost")
    with pytest.raises(ValidationError) as excinfo:
        quotes.create({"opportunity_id": opp_id})
    assert "Hospital wing is lost; reopen it" in excinfo.value.errors["opportunity_id"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "Q"}, "account_id", "needs a customer: choose an account or a contact"),
        ({"name": "Q", "account_id": 999}, "account_id", "does not exist"),
        ({"name": "Q", "contact_id": "x"}, "contact_id", "is not a contact"),
        ({"name": "Q", "opportunity_id": 999}, "opportunity_id", "does not exist"),
        ({"name": "Q", "price_list_id": 999}, "price_list_id", "does not exist"),
        ({"name": "Q", "discount": "50.00"}, "discount", "more than the subtotal 0.00"),
        ({"name": "Q", "discount": "x"}, "discount", "not a discount"),
        ({"name": "Q", "discount": "120%"}, "discount", "between 0% and 100%"),
        ({"name": "Q", "effective_from": "soon"}, "effective_from", "is not a date"),
        (
            {"name": "Q", "effective_from": "2026-02-01", "effective_to": "2026-01-01"},
            "effective_to",
            "before valid from",
        ),
        ({"name": "Q", "owner_id": 999}, "owner_id", "active user"),
    ],
)
def test_quote_validation(cat, data, field, message):
    if field not in ("account_id", "name"):
        data = {"account_id": cat.account_id, **data}
    with pytest.raises(ValidationError) as excinfo:
        quotes.create(data)
    assert message in excinfo.value.errors[field]
    assert dict_rows("SELECT count(*) AS n FROM quote")[0]["n"] == 0
    assert dict_rows("SELECT count(*) AS n FROM sequence WHERE name = 'quote'")[0]["n"] == 0


def test_quote_get_missing(cat):
    with pytest.raises(NotFound, match="quote #77"):
        quotes.get(77)


# --- quotes: editing ------------------------------------------------------------------------


def test_quote_update_draft(cat):
    q = quote_with_lines(cat)
    q2 = quotes.update(q.id, q.version, {"name": "Fit-out 2", "discount": "10%"})
    assert (q2.name, q2.version, q2.discount_percent) == ("Fit-out 2", q.version + 1, "10")
    # 28.50 − 2.85 = 25.65 and 120.00: subtotal 145.65; 10% = 14.57 (14.565); tax 5.13 + 24.00
    assert totals(q2) == (14565, 1457, 2913, 14565 - 1457 + 2913)
    assert_consistent("quote", q2)
    with pytest.raises(ConflictError):
        quotes.update(q.id, q.version, {"name": "stale"})
    assert [r["name"] for r in quotes.page(query="fit-out 2").rows] == ["Fit-out 2"]


def test_quote_update_refused_once_active(cat):
    q = active_quote(cat)
    with pytest.raises(DomainError) as excinfo:
        quotes.update(q.id, q.version, {"discount": "5%"})
    assert str(excinfo.value) == (
        "QUO-00001-R1 is active: its prices are locked; revise it to make changes"
    )


def test_quote_customer_cannot_be_removed(cat):
    q = quote_with_lines(cat)
    with pytest.raises(ValidationError, match="needs a customer"):
        quotes.update(q.id, q.version, {"account_id": None})


# --- quotes: transitions --------------------------------------------------------------------


def test_activate_needs_lines_and_a_draft(cat):
    q = quotes.create({"name": "Empty", "account_id": cat.account_id})
    with pytest.raises(DomainError) as excinfo:
        quotes.activate(q.id, q.version)
    assert str(excinfo.value) == (
        "QUO-00001-R1 has no lines; add a product or write-in line before it can be activated"
    )
    q = quote_with_lines(cat)
    with pytest.raises(ConflictError):
        quotes.activate(q.id, q.version - 1)
    q = quotes.activate(q.id, q.version)
    assert (q.state, q.status_reason) == ("active", "open")
    with pytest.raises(DomainError, match="QUO-00002-R1 is active; only a draft quote can be"):
        quotes.activate(q.id, q.version)
    assert audit_actions("quote", q.id)[-1] == "state"


def test_revise_keeps_the_number_and_bumps_the_revision(cat):
    q = active_quote(cat, discount="5%")
    with pytest.raises(DomainError, match="only an active quote can be revised"):
        quotes.revise(quote_with_lines(cat).id, 3)
    new = quotes.revise(q.id, q.version)
    old = quotes.get(q.id)
    assert (old.state, old.status_reason) == ("closed", "revised")
    assert (new.number, new.revision, new.state, new.status_reason) == (
        q.number,
        2,
        "draft",
        "in_progress",
    )
    assert quotes.display_number(new) == "QUO-00001-R2"
    # found by the number people read, revision included
    assert [r["id"] for r in quotes.page(view="all", query="QUO-00001-R2").rows] == [new.id]
    assert len(quotes.page(view="all", query="QUO-00001").rows) == 2
    assert (new.name, new.account_id, new.price_list_id, new.discount_percent) == (
        q.name,
        q.account_id,
        q.price_list_id,
        "5",
    )
    assert stripped_lines("quote", new.id) == stripped_lines("quote", q.id)
    assert totals(new) == totals(q)
    assert audit_actions("quote", q.id)[-2:] == ["state", "revised"]
    assert audit_actions("quote", new.id) == ["create"]
    with pytest.raises(DomainError, match=r"QUO-00001-R1 is closed \(revised\); only an active"):
        quotes.revise(q.id, q.version)
    new = quotes.activate(new.id, new.version)
    third = quotes.revise(new.id, new.version)
    assert quotes.display_number(third) == "QUO-00001-R3"
    # the draft revision is independent of the closed one
    third = lines.add_line("quote", third.id, third.version, {"product_id": cat.gadget_id})
    assert len(lines.lines_of("quote", q.id)) == 2 and len(lines.lines_of("quote", third.id)) == 3


def test_win_creates_the_order_with_identical_lines_and_totals(cat):
    opp_id = opportunity(cat.account_id)
    q = active_quote(cat, opportunity_id=opp_id, discount="10%")
    order = quotes.win(q.id, q.version, description="signed today")
    won = quotes.get(q.id)
    assert (won.state, won.status_reason) == ("won", "won")
    assert (order.number, order.state, order.status_reason, order.quote_id) == (
        "ORD-00001",
        "active",
        "new",
        q.id,
    )
    assert (order.name, order.account_id, order.opportunity_id, order.currency) == (
        q.name,
        q.account_id,
        opp_id,
        q.currency,
    )
    assert stripped_lines("order", order.id) == stripped_lines("quote", q.id)
    assert totals(order) == totals(q) and order.discount_percent == "10"
    assert_consistent("order", order)
    (activity,) = close_activities("quote", q.id)
    assert (activity.kind, activity.state) == ("quote_close", "completed")
    assert activity.subject == "Quote QUO-00001-R1 won: Fit-out"
    assert activity.description == "signed today"
    assert orders.orders_of("quote", q.id)[0]["id"] == order.id
    assert orders.orders_of("opportunity", opp_id)[0]["id"] == order.id
    assert audit_actions("order", order.id) == ["create"]
    with pytest.raises(DomainError, match="QUO-00001-R1 is won; only an active quote can be won"):
        quotes.win(q.id, won.version)


def test_win_refusals_and_close_date(cat):
    q = quote_with_lines(cat)
    with pytest.raises(DomainError, match="is draft; only an active quote can be won"):
        quotes.win(q.id, q.version)
    q = quotes.activate(q.id, q.version)
    tomorrow = dates.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future"):
        quotes.win(q.id, q.version, close_date=tomorrow)
    with pytest.raises(ValidationError, match="is not a date"):
        quotes.win(q.id, q.version, close_date="last week")
    assert quotes.get(q.id).state == "active"  # nothing was written
    assert dict_rows("SELECT count(*) AS n FROM sales_order")[0]["n"] == 0
    quotes.win(q.id, q.version, close_date="2025-06-30")
    (activity,) = close_activities("quote", q.id)
    assert dates.as_local(activity.actual_end).date() == dt.date(2025, 6, 30)


@pytest.mark.parametrize("reason", ["lost", "canceled"])
def test_close_a_draft_or_active_quote(cat, reason):
    for q in (quote_with_lines(cat), active_quote(cat)):
        closed = quotes.close(q.id, q.version, reason, description="price too high")
        assert (closed.state, closed.status_reason) == ("closed", reason)
        (activity,) = close_activities("quote", q.id)
        assert activity.kind == "quote_close"
        assert activity.subject == f"Quote {quotes.display_number(q)} {reason}: Fit-out"
        assert activity.description == "price too high"
        with pytest.raises(DomainError, match=f"is closed \\({reason}\\); only a draft or active"):
            quotes.close(q.id, closed.version, reason)


def test_close_refusals(cat):
    q = active_quote(cat)
    with pytest.raises(ValidationError) as excinfo:
        quotes.close(q.id, q.version, "revised")
    assert "not one of: lost, canceled" in excinfo.value.errors["reason"]
    with pytest.raises(ConflictError):
        quotes.close(q.id, q.version - 1, "lost")
    quotes.win(q.id, q.version)
    with pytest.raises(DomainError, match="is won"):
        quotes.close(q.id, quotes.get(q.id).version, "lost")


def test_has_active_quote(cat):
    opp_id = opportunity(cat.account_id)
    assert not quotes.has_active_quote(opp_id)
    q = quote_with_lines(cat, opportunity_id=opp_id)
    assert not quotes.has_active_quote(opp_id)
    q = quotes.activate(q.id, q.version)
    assert quotes.has_active_quote(opp_id)
    quotes.close(q.id, q.version, "lost")
    assert not quotes.has_active_quote(opp_id)


def test_quote_lists(cat):
    sam = users.add("sam", "Sam Seller", "sales")
    a = quote_with_lines(cat, name="Alpha")  # draft
    b = active_quote(cat, name="Bravo")  # active
    c = active_quote(cat, name="Charlie")
    quotes.win(c.id, c.version)  # won
    d = quote_with_lines(cat, name="Delta")
    quotes.close(d.id, d.version, "lost")  # closed
    quotes.create({"name": "Echo", "account_id": cat.account_id, "owner_id": sam.id})

    def names(**options):
        return [r["name"] for r in quotes.page(sort="name", **options).rows]

    assert names() == ["Alpha", "Bravo", "Echo"]  # open = draft + active
    assert names(view="mine") == ["Alpha", "Bravo"]
    assert names(view="draft") == ["Alpha", "Echo"]
    assert names(view="active") == ["Bravo"]
    assert names(view="won") == ["Charlie"]
    assert names(view="closed") == ["Delta"]
    assert names(view="all") == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    by_number = quotes.page(view="all").rows  # newest number first
    assert [r["display_number"] for r in by_number] == [
        "QUO-00005-R1",
        "QUO-00004-R1",
        "QUO-00003-R1",
        "QUO-00002-R1",
        "QUO-00001-R1",
    ]
    row = by_number[-1]
    assert (row["customer"], row["state"], row["total_amount"], row["owner"]) == (
        "Acme",
        "draft",
        a.total_amount,
        "tester",
    )
    assert [r["name"] for r in quotes.page(view="all", query="QUO-00002").rows] == ["Bravo"]
    assert [r["name"] for r in quotes.page(view="all", query="acme charl").rows] == ["Charlie"]
    assert [r["name"] for r in quotes.find_by_name("delt")] == ["Delta"]  # closed too
    assert len(quotes.find_by_name("acme", limit=3)) == 3
    assert len(quotes.page(view="all", sort="modified").rows) == 5
    assert [r["name"] for r in quotes.quotes_of("account", cat.account_id)] == [
        "Echo",
        "Delta",
        "Charlie",
        "Bravo",
        "Alpha",
    ]
    assert b.id in {r["id"] for r in quotes.page(view="active").rows}
    with pytest.raises(DomainError, match="unknown view"):
        quotes.page(view="paid")


def test_documents_of_refuses_unknown_links(cat):
    with pytest.raises(NotFound):
        quotes.quotes_of("order", 1)
    with pytest.raises(NotFound):
        invoices.invoices_of("quote", 1)


# --- orders ---------------------------------------------------------------------------------


def order_with_lines(cat, **data):
    values = {"name": "Direct order", "account_id": cat.account_id}
    values.update(data)
    order = orders.create(values)
    return lines.add_line(
        "order", order.id, order.version, {"product_id": cat.gadget_id, "quantity": "2"}
    )


def test_order_create_and_update(cat):
    order = orders.create(
        {"name": "Direct", "account_id": cat.account_id, "requested_by": "2026-05-01"}
    )
    assert (order.number, order.state, order.status_reason) == ("ORD-00001", "active", "new")
    assert orders.display_number(order) == "ORD-00001"
    assert order.requested_by == dt.date(2026, 5, 1)
    order = orders.update(order.id, order.version, {"status_reason": "pending", "name": "D2"})
    assert (order.status_reason, order.name) == ("pending", "D2")
    with pytest.raises(ValidationError, match="new or pending"):
        orders.update(order.id, order.version, {"status_reason": "submitted"})
    with pytest.raises(ConflictError):
        orders.update(order.id, 1, {"name": "stale"})


def test_order_lifecycle_to_invoice(cat):
    order = order_with_lines(cat, discount="10%")
    empty = orders.create({"name": "Empty", "account_id": cat.account_id})
    with pytest.raises(DomainError, match="ORD-00002 has no lines"):
        orders.submit(empty.id, empty.version)
    with pytest.raises(DomainError, match="ORD-00001 is active; only a submitted order can be"):
        orders.fulfil(order.id, order.version)
    with pytest.raises(DomainError, match="only a fulfilled order can be invoiced"):
        orders.create_invoice(order.id, order.version)
    order = orders.submit(order.id, order.version)
    assert (order.state, order.status_reason) == ("submitted", "submitted")
    with pytest.raises(DomainError, match="ORD-00001 is submitted: only an active order can be"):
        orders.update(order.id, order.version, {"name": "late"})
    with pytest.raises(DomainError, match="only an active order can be submitted"):
        orders.submit(order.id, order.version)
    order = orders.fulfil(order.id, order.version, partial=True, on="2026-02-03")
    assert (order.state, order.status_reason, order.fulfilled_on) == (
        "fulfilled",
        "partial",
        dt.date(2026, 2, 3),
    )
    with pytest.raises(DomainError, match=r"ORD-00001 is fulfilled \(partial\); only an active"):
        orders.cancel(order.id, order.version)
    with pytest.raises(ConflictError):
        orders.create_invoice(order.id, order.version - 1)
    invoice = orders.create_invoice(order.id, order.version)
    order = orders.get(order.id)
    assert (order.state, order.status_reason) == ("invoiced", "invoiced")
    assert (invoice.number, invoice.state, invoice.status_reason, invoice.order_id) == (
        "INV-00001",
        "active",
        "new",
        order.id,
    )
    assert stripped_lines("invoice", invoice.id) == stripped_lines("order", order.id)
    assert totals(invoice) == totals(order) and invoice.discount_percent == "10"
    assert_consistent("invoice", invoice)
    assert invoices.invoices_of("order", order.id)[0]["id"] == invoice.id
    with pytest.raises(DomainError, match="ORD-00001 is invoiced; only a fulfilled order"):
        orders.create_invoice(order.id, order.version)
    assert audit_actions("order", order.id) == [
        "create",
        "line added",
        "state",
        "state",
        "state",
    ]


def test_fulfil_complete_defaults_to_today(cat):
    order = order_with_lines(cat)
    order = orders.submit(order.id, order.version)
    with pytest.raises(ValidationError, match="is not a date"):
        orders.fulfil(order.id, order.version, on="tomorrow-ish")
    order = orders.fulfil(order.id, order.version)
    assert (order.status_reason, order.fulfilled_on) == ("complete", dates.today())


@pytest.mark.parametrize("submitted", [False, True])
def test_cancel_an_active_or_submitted_order(cat, submitted):
    order = order_with_lines(cat)
    if submitted:
        order = orders.submit(order.id, order.version)
    canceled = orders.cancel(order.id, order.version, description="customer withdrew")
    assert (canceled.state, canceled.status_reason) == ("canceled", "canceled")
    (activity,) = close_activities("order", order.id)
    assert (activity.kind, activity.description) == ("order_close", "customer withdrew")
    assert activity.subject == "Order ORD-00001 canceled: Direct order"
    with pytest.raises(DomainError, match="is canceled; only an active or submitted order"):
        orders.cancel(order.id, canceled.version)


def test_order_lists(cat):
    a = order_with_lines(cat, name="Alpha")
    b = order_with_lines(cat, name="Bravo")
    b = orders.submit(b.id, b.version)
    c = order_with_lines(cat, name="Charlie")
    c = orders.submit(c.id, c.version)
    c = orders.fulfil(c.id, c.version)
    d = order_with_lines(cat, name="Delta")
    orders.cancel(d.id, d.version)

    def names(**options):
        return [r["name"] for r in orders.page(sort="name", **options).rows]

    assert names() == ["Alpha", "Bravo"]
    assert names(view="mine") == ["Alpha", "Bravo"]
    assert names(view="submitted") == ["Bravo"]
    assert names(view="fulfilled") == ["Charlie"]
    assert names(view="canceled") == ["Delta"]
    orders.create_invoice(c.id, c.version)
    assert names(view="invoiced") == ["Charlie"]
    assert len(names(view="all")) == 4
    assert orders.page(view="all", query="ORD-00001").rows[0]["id"] == a.id
    assert [r["name"] for r in orders.orders_of("account", cat.account_id)][-1] == "Alpha"
    assert [r["name"] for r in orders.find_by_name("bravo")] == ["Bravo"]
    assert [r["display_number"] for r in orders.find_by_name("ORD-00003", limit=5)] == ["ORD-00003"]


# --- invoices -------------------------------------------------------------------------------


def invoice_with_lines(cat, **data):
    values = {"name": "Invoice", "account_id": cat.account_id, "due_date": "2026-03-31"}
    values.update(data)
    invoice = invoices.create(values)
    return lines.add_line(
        "invoice", invoice.id, invoice.version, {"product_id": cat.widget_id, "quantity": "10"}
    )


def test_invoice_create_update_and_bill(cat):
    invoice = invoice_with_lines(cat)
    assert (invoice.number, invoice.state, invoice.status_reason) == ("INV-00001", "active", "new")
    assert (invoice.due_date, invoice.total_amount) == (dt.date(2026, 3, 31), 10000)
    assert invoices.display_number(invoice) == "INV-00001"
    invoice = invoices.update(invoice.id, invoice.version, {"due_date": "2026-04-30"})
    assert invoice.due_date == dt.date(2026, 4, 30)
    invoice = invoices.mark_billed(invoice.id, invoice.version)
    assert (invoice.state, invoice.status_reason) == ("active", "billed")
    with pytest.raises(DomainError, match="INV-00001 is already billed"):
        invoices.mark_billed(invoice.id, invoice.version)
    # a billed invoice is still active: it can be corrected
    invoice = invoices.update(invoice.id, invoice.version, {"discount": "1.00"})
    assert invoice.total_amount == 9900


def test_pay_in_full_and_partially(cat):
    full = invoice_with_lines(cat)
    paid = invoices.pay(full.id, full.version)
    assert (paid.state, paid.status_reason, paid.paid_amount) == ("paid", "complete", 10000)
    exact = invoice_with_lines(cat)
    assert invoices.pay(exact.id, exact.version, amount="100.00").status_reason == "complete"
    part = invoice_with_lines(cat)
    part = invoices.pay(part.id, part.version, amount="40.50")
    assert (part.state, part.status_reason, part.paid_amount) == ("paid", "partial", 4050)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("100.01", "100.01 is more than the invoice total 100.00"),
        ("0", "more than 0"),
        ("lots", "amount such as"),
        ("-5", "negative"),
    ],
)
def test_pay_refusals(cat, amount, message):
    invoice = invoice_with_lines(cat)
    with pytest.raises(ValidationError) as excinfo:
        invoices.pay(invoice.id, invoice.version, amount=amount)
    assert message in excinfo.value.errors["amount"]
    assert invoices.get(invoice.id).state == "active"


def test_paid_and_canceled_invoices_are_read_only(cat):
    paid = invoice_with_lines(cat)
    paid = invoices.pay(paid.id, paid.version, amount="10")
    canceled = invoice_with_lines(cat)
    canceled = invoices.cancel(canceled.id, canceled.version)
    assert (canceled.state, canceled.status_reason) == ("canceled", "canceled")
    for row, state in ((paid, "paid"), (canceled, "canceled")):
        number = invoices.display_number(row)
        read_only = f"{number} is {state}: paid and canceled invoices are read-only"
        with pytest.raises(DomainError, match=read_only):
            invoices.update(row.id, row.version, {"name": "changed"})
        with pytest.raises(DomainError, match=read_only):
            lines.add_line("invoice", row.id, row.version, {"product_id": cat.widget_id})
        for call in (invoices.mark_billed, invoices.pay, invoices.cancel):
            with pytest.raises(DomainError, match=f"{number} is {state}.*only an active invoice"):
                call(row.id, row.version)
        assert invoices.get(row.id).version == row.version


def test_invoice_conflicts(cat):
    invoice = invoice_with_lines(cat)
    for call in (invoices.mark_billed, invoices.pay, invoices.cancel):
        with pytest.raises(ConflictError):
            call(invoice.id, invoice.version - 1)
    assert invoices.get(invoice.id).state == "active"


def test_invoice_lists(cat):
    a = invoice_with_lines(cat, name="Alpha")
    b = invoice_with_lines(cat, name="Bravo")
    invoices.pay(b.id, b.version)
    c = invoice_with_lines(cat, name="Charlie")
    invoices.cancel(c.id, c.version)

    def names(**options):
        return [r["name"] for r in invoices.page(sort="name", **options).rows]

    assert names() == ["Alpha"] and names(view="mine") == ["Alpha"]
    assert names(view="paid") == ["Bravo"]
    assert names(view="canceled") == ["Charlie"]
    assert names(view="all") == ["Alpha", "Bravo", "Charlie"]
    assert [r["name"] for r in invoices.find_by_name("charlie")] == ["Charlie"]
    row = invoices.page(view="all", query="alpha").rows[0]
    assert (row["id"], row["due_date"], row["paid_amount"]) == (a.id, "2026-03-31", 0)
    assert [r["name"] for r in invoices.invoices_of("account", cat.account_id)] == [
        "Charlie",
        "Bravo",
        "Alpha",
    ]


# --- the whole flow, and exports ------------------------------------------------------------


def test_quote_to_cash_adds_up_to_the_cent(cat):
    opp_id = opportunity(cat.account_id, "Clinic", cat.price_list_id)
    q = quotes.create({"opportunity_id": opp_id, "discount": "7.5%"})
    for data in (
        {"product_id": cat.widget_id, "quantity": "13", "discount": "3%", "tax_percent": "9"},
        {"product_id": cat.service_id, "quantity": "7.25", "tax_percent": "20"},
        {"product_id": None, "description": "Travel", "unit_price": "333.33", "discount": "33.33"},
    ):
        q = lines.add_line("quote", q.id, q.version, data)
    # 13 × 9.50 = 123.50 − 3.71 (3.705) = 119.79, tax 10.78 (10.7811)
    # 7.25 × 80.00 = 580.00, tax 116.00; 333.33 − 33.33 = 300.00
    # subtotal 999.79; 7.5% = 74.98 (74.98425); tax 126.78; total 1051.59
    assert totals(q) == (99979, 7498, 12678, 105159)
    q = quotes.activate(q.id, q.version)
    order = quotes.win(q.id, q.version)
    order = orders.submit(order.id, order.version)
    order = orders.fulfil(order.id, order.version)
    invoice = orders.create_invoice(order.id, order.version)
    assert totals(invoice) == totals(order) == totals(q)
    invoice = invoices.pay(invoice.id, invoice.version)
    assert invoice.paid_amount == 105159
    for kind, doc in (("quote", q), ("order", order), ("invoice", invoice)):
        assert_consistent(kind, doc)


def test_exports(cat):
    q = active_quote(cat, name='Fit-out, "phase 1"', discount="10%")
    order = quotes.win(q.id, q.version)
    order = orders.submit(order.id, order.version)
    order = orders.fulfil(order.id, order.version, on="2026-02-03")
    invoice = orders.create_invoice(order.id, order.version)
    invoices.pay(invoice.id, invoice.version, amount="12.34")
    exported = {}
    for what in ("quotes", "orders", "invoices"):
        out = io.StringIO()
        assert export.write(what, out) == 1
        exported[what] = next(csv.DictReader(io.StringIO(out.getvalue())))
    quote = exported["quotes"]
    assert (quote["number"], quote["name"], quote["state"], quote["customer"]) == (
        "QUO-00001-R1",
        'Fit-out, "phase 1"',
        "won",
        "Acme",
    )
    assert (quote["subtotal"], quote["discount_total"], quote["tax_total"]) == (
        "145.65",
        "14.57",
        "29.13",
    )
    assert quote["total_amount"] == "160.21" and quote["owner"] == "tester"
    assert exported["orders"]["number"] == "ORD-00001"
    assert exported["orders"]["fulfilled_on"] == "2026-02-03"
    assert exported["orders"]["quote_id"] == str(q.id)
    assert exported["invoices"]["paid_amount"] == "12.34"
    assert exported["invoices"]["status_reason"] == "partial"
    out = io.StringIO()
    export.write("invoices", out, "json")
    assert json.loads(out.getvalue())[0]["total_amount"] == "160.21"


def test_export_money_is_exact_in_integer_arithmetic(cat):
    q = quotes.create({"name": "Big", "account_id": cat.account_id})
    big = "92233720368547.05"  # beyond a float's exact cents
    q = lines.add_line(
        "quote", q.id, q.version, {"product_id": None, "description": "Plant", "unit_price": big}
    )
    out = io.StringIO()
    export.write("quotes", out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["total_amount"] == big and row["discount_total"] == "0.00"
    assert accounts.get(cat.account_id).name == "Acme"
