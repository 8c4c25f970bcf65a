"""SVG snapshots of each screen on a small fixed data set.

Update with `pytest tests/snapshots/test_snapshots.py --snapshot-update` after checking
the differences in snapshot_report.html. Everything shown is fixed: records
are stamped in March 2021 (times in another year show as "12 Mar 2021"),
open tasks fell due then too, times display in UTC, the call timer is
frozen at 00:00 and the input cursor does not blink.
"""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import pytest
from textual.widgets import Input

from crm_tui.app import CrmApp
from crm_tui.screens.customers import activity_modal
from crm_tui.services import records
from crm_tui.services.customers import accounts, activities, contacts, notes

BIG = (120, 36)
SMALL = (80, 24)
STAMP = dt.datetime(2021, 3, 12, 9, 30, tzinfo=dt.UTC)


def at(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2021, 3, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """Fix everything on screen that depends on the clock or on timing."""
    time.tzset()  # conftest sets TZ=UTC; make the C library read it
    monkeypatch.setattr(records, "utcnow", lambda: STAMP)
    monkeypatch.setattr(activities, "utcnow", lambda: STAMP)
    monkeypatch.setattr(activity_modal, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def data(db):
    alfreds = accounts.create(
        {
            "name": "Alfreds Futterkiste",
            "account_number": "AF-1001",
            "industry": "Wholesale",
            "phone": "+44 20 7946 0958",
            "email": "info@alfreds.example",
            "website": "alfreds.example",
            "street": "12 Harbour Road",
            "city": "London",
            "postal_code": "E14 5AB",
            "country": "United Kingdom",
            "annual_revenue": "1250000.00",
            "employees": "85",
            "description": "Wholesale food importer; renewal due every March.",
        }
    )
    for name, city, country in [
        ("Wide World Importers", "Seattle", "USA"),
        ("Contoso Pharmaceuticals", "Basel", "Switzerland"),
        ("Fabrikam Inc", "Toronto", "Canada"),
        ("Litware Ltd", "Dublin", "Ireland"),
        ("Tailspin Toys", "Melbourne", "Australia"),
    ]:
        accounts.create({"name": name, "city": city, "country": country})
    maria = contacts.create(
        {
            "first_name": "Maria",
            "last_name": "Anders",
            "job_title": "Purchasing manager",
            "account_id": alfreds.id,
            "email": "maria.anders@alfreds.example",
            "phone": "+44 20 7946 0100",
            "city": "London",
            "country": "United Kingdom",
        }
    )
    contacts.create(
        {
            "first_name": "Thomas",
            "last_name": "Hardy",
            "job_title": "Sales representative",
            "account_id": alfreds.id,
            "email": "thomas.hardy@alfreds.example",
        }
    )
    contacts.create({"first_name": "Hanna", "last_name": "Moos", "job_title": "Owner"})
    accounts.update(alfreds.id, alfreds.version, {"primary_contact_id": maria.id})

    regarding = ("account", alfreds.id)
    activities.log(
        "phone_call",
        "Renewal terms",
        regarding=regarding,
        direction="outgoing",
        duration_minutes=12,
        occurred_at=at(1),
    )
    activities.log(
        "email",
        "Sent the price list",
        regarding=regarding,
        direction="outgoing",
        occurred_at=at(3),
    )
    activities.log(
        "phone_call",
        "Question about delivery",
        regarding=regarding,
        direction="incoming",
        duration_minutes=4,
        occurred_at=at(8),
    )
    activities.log("task", "Send the signed contract", regarding=regarding, due_at=at(15, 17))
    activities.log("appointment", "Visit the warehouse", regarding=regarding, due_at=at(19, 9))
    notes.add(regarding, "Parking", "Visitors park at the back gate.", at=at(2))
    activities.log(
        "phone_call",
        "Intro call",
        regarding=("contact", maria.id),
        duration_minutes=6,
        occurred_at=at(5),
    )
    return {"alfreds": alfreds, "maria": maria}


def test_accounts_list(data, snap_compare):
    assert snap_compare(CrmApp(), terminal_size=BIG)


def test_accounts_list_small(data, snap_compare):
    assert snap_compare(CrmApp(), terminal_size=SMALL)


def test_contacts_list(data, snap_compare):
    assert snap_compare(CrmApp(), press=["2"], terminal_size=BIG)


# Alfreds Futterkiste, the account with contacts and activities, is the first
# row of the accounts list; Maria Anders the first of the contacts list.


def test_account_detail_summary(data, snap_compare):
    # the detail opens on its timeline; summary is two tabs to the left
    press = ["enter", "left_square_bracket", "left_square_bracket"]
    assert snap_compare(CrmApp(), press=press, terminal_size=BIG)


def test_account_detail_timeline(data, snap_compare):
    assert snap_compare(CrmApp(), press=["enter"], terminal_size=BIG)


def test_account_detail_summary_small(data, snap_compare):
    press = ["enter", "left_square_bracket", "left_square_bracket"]
    assert snap_compare(CrmApp(), press=press, terminal_size=SMALL)


def test_account_detail_timeline_small(data, snap_compare):
    assert snap_compare(CrmApp(), press=["enter"], terminal_size=SMALL)


def test_contact_detail(data, snap_compare):
    assert snap_compare(CrmApp(), press=["2", "enter"], terminal_size=BIG)


def test_contact_detail_small(data, snap_compare):
    assert snap_compare(CrmApp(), press=["2", "enter"], terminal_size=SMALL)


def test_account_form(data, snap_compare):
    assert snap_compare(CrmApp(), press=["e"], terminal_size=BIG)


def test_activity_modal(data, snap_compare):
    assert snap_compare(CrmApp(), press=["enter", "a"], terminal_size=BIG)


def test_activity_modal_small(data, snap_compare):
    assert snap_compare(CrmApp(), press=["enter", "a"], terminal_size=SMALL)


def test_help(data, snap_compare):
    assert snap_compare(CrmApp(), press=["question_mark"], terminal_size=BIG)
