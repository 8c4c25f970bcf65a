"""An invoice's payment: its amount, the day it was received (typed as any
date field is, never after today), how it was paid and the customer's
reference; shown with the invoice and audited with its state change."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import ValidationError
from crm_tui.services import dates
from crm_tui.services.sales import invoices, lines

sys.path.insert(0, str(Path(__file__).parents[1]))
from sales_support import catalogue  # noqa: E402


@pytest.fixture
def cat(db):
    return catalogue()


def new_invoice(cat):
    row = invoices.create({"name": "Invoice", "account_id": cat.account_id})
    return lines.add_line(
        "invoice", row.id, row.version, {"product_id": cat.widget_id, "quantity": "10"}
    )


@pytest.fixture
def invoice(cat):
    return new_invoice(cat)


def test_a_payment_keeps_its_day_method_and_reference(invoice):
    day = dates.today() - dt.timedelta(days=3)
    paid = invoices.pay(
        invoice.id,
        invoice.version,
        amount="40.00",
        paid_on=day.isoformat(),
        method="cheque",
        reference="  Cheque 004211\x1b[2J ",
    )
    assert (paid.state, paid.status_reason, paid.paid_amount) == ("paid", "partial", 4000)
    assert (paid.paid_on, paid.payment_method, paid.payment_reference) == (
        day,
        "cheque",
        "Cheque 004211",
    )
    [entry] = dict_rows(
        "SELECT changes FROM audit_entry WHERE record_type = 'invoice' AND record_id = ? "
        "AND action = 'state'",
        (invoice.id,),
    )
    changes = json.loads(entry["changes"])
    assert changes["payment_method"] == [None, "cheque"]
    assert changes["paid_on"][1] == day.isoformat()


def test_a_payment_is_received_today_unless_told_and_takes_date_phrases(cat, invoice):
    paid = invoices.pay(invoice.id, invoice.version)
    assert (paid.paid_on, paid.payment_method, paid.payment_reference) == (dates.today(), None, "")
    other = new_invoice(cat)
    paid = invoices.pay(other.id, other.version, amount="0.01", paid_on="yesterday", method="card")
    assert paid.paid_on == dates.today() - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"paid_on": "tomorrow"}, "paid_on", "the date paid cannot be after today"),
        ({"paid_on": "+2w"}, "paid_on", "the date paid cannot be after today"),
        ({"paid_on": "someday"}, "paid_on", "'someday' is not a date"),
        ({"method": "barter"}, "payment_method", "'barter' is not one of: cash, cheque"),
        ({"reference": "x" * 101}, "payment_reference", "the reference is 101 characters"),
    ],
)
def test_a_bad_payment_is_refused_with_a_message_and_changes_nothing(
    invoice, values, field, message
):
    with pytest.raises(ValidationError) as excinfo:
        invoices.pay(invoice.id, invoice.version, **values)
    assert message in excinfo.value.errors[field]
    kept = invoices.get(invoice.id)
    assert (kept.state, kept.paid_on, kept.payment_method) == ("active", None, None)
