"""Exports: CSV a spreadsheet can open safely, JSON exact, money as decimals."""

from __future__ import annotations

import csv
import io
import json
import re
import types

import pytest

from crm_tui import cli
from crm_tui.db import close_database
from crm_tui.models import Account, Activity, Contact
from crm_tui.services import export, session
from crm_tui.services.customers import accounts, activities, contacts

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")

# (stored raw, as the CSV cell must read)
NAMES = [
    ('=HYPERLINK("https://evil.example","Click")', '\'=HYPERLINK("https://evil.example","Click")'),
    ("+1", "'+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("-2+3", "'-2+3"),
    # a tab or carriage return in front goes with the control characters
    ("\tX", "X"),
    ("\rY", "Y"),
    ("\t=1+1", "'=1+1"),  # removing it must not bring a formula to the front
    ("\x1b[31mRed\x1b[0m Corp", "Red Corp"),
    ("\x1b]8;;https://evil.example\x07Link\x1b]8;;\x07", "Link"),
    ("Mid\u202eway \x9b2J", "Midway"),
    ("-1234.05", "-1234.05"),  # a plain number is data, not a formula
    ('Contoso, "Ltd"\nsecond line', 'Contoso, "Ltd"\nsecond line'),
]


@pytest.fixture
def stored(db):
    """One account per name, its name written raw as another tool might have."""
    ids = []
    for index, (raw, _) in enumerate(NAMES):
        account = accounts.create({"name": f"Account {index}", "annual_revenue": "148000000.00"})
        Account.update(name=raw).where(Account.id == account.id).execute()
        ids.append(account.id)
    return ids


def export_text(what: str, fmt: str = "csv") -> str:
    out = io.StringIO()
    export.write(what, out, fmt)
    return out.getvalue()


def test_csv_neutralises_formulas_and_strips_control_characters(stored):
    rows = list(csv.DictReader(io.StringIO(export_text("accounts"), newline="")))
    assert [row["name"] for row in rows] == [shown for _, shown in NAMES]
    for row in rows:
        for value in row.values():
            assert not CONTROL.search(value), repr(value)
            if value.startswith(FORMULA):
                assert re.fullmatch(r"-[0-9]+(\.[0-9]+)?", value), repr(value)


def test_json_keeps_text_exactly_as_stored(stored):
    rows = json.loads(export_text("accounts", "json"))
    assert [row["name"] for row in rows] == [raw for raw, _ in NAMES]
    assert [row["id"] for row in rows] == stored


def test_money_is_a_decimal_string_in_both_formats(db):
    big = accounts.create({"name": "Big", "annual_revenue": "148000000.00"})
    accounts.create({"name": "Small", "annual_revenue": "0.05"})
    accounts.create({"name": "Unknown"})
    negative = accounts.create({"name": "Negative"})
    # written raw: the form takes no negative revenue, but a number is data either way
    Account.update(annual_revenue=-123405).where(Account.id == negative.id).execute()
    assert Account.get_by_id(big.id).annual_revenue == 14800000000  # minor units inside

    expected = {"Big": "148000000.00", "Small": "0.05", "Unknown": "", "Negative": "-1234.05"}
    rows = list(csv.DictReader(io.StringIO(export_text("accounts"))))
    assert {row["name"]: row["annual_revenue"] for row in rows} == expected
    rows = json.loads(export_text("accounts", "json"))
    assert {row["name"]: row["annual_revenue"] for row in rows} == {**expected, "Unknown": None}


def test_other_exports_are_neutralised_too(db):
    account = accounts.create({"name": "Acme"})
    person = contacts.create({"last_name": "Smith", "account_id": account.id})
    Contact.update(job_title="=cmd|' /C calc'!A0").where(Contact.id == person.id).execute()
    call = activities.log("phone_call", "Renewal", regarding=("account", account.id))
    Activity.update(subject="@SUM(1+1)\x07").where(Activity.id == call.id).execute()

    (row,) = csv.DictReader(io.StringIO(export_text("contacts")))
    assert row["job_title"] == "'=cmd|' /C calc'!A0"
    (row,) = csv.DictReader(io.StringIO(export_text("activities")))
    assert row["subject"] == "'@SUM(1+1)"
    (row,) = json.loads(export_text("activities", "json"))
    assert row["subject"] == "@SUM(1+1)\x07"


def test_rows_still_stream_in_batches(stored):
    names, data = export.rows("accounts", batch=5)
    assert isinstance(data, types.GeneratorType)
    rows = list(data)
    assert [row[0] for row in rows] == stored
    assert {row[names.index("annual_revenue")] for row in rows} == {"148000000.00"}


def test_the_command_writes_the_same(stored, db_path, capsys, monkeypatch):
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    assert cli.main(["--db", str(db_path), "export", "accounts"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert rows[0]["name"] == NAMES[0][1] and rows[0]["annual_revenue"] == "148000000.00"
    assert not CONTROL.search(out.replace("\r\n", "").replace("\n", ""))
