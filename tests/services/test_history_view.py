"""The History tab's rows as the service hands them over (audit.history_view):
labels instead of field names, option labels instead of codes, names
instead of ids, money as amounts, times as aware datetimes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from crm_tui import display
from crm_tui.config import Settings
from crm_tui.models import AuditEntry, Contact
from crm_tui.services import audit, records
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.support import cases


@pytest.fixture
def settings():
    return Settings(time_zone="Asia/Tehran", currency="EUR")


def changes_of(row: audit.HistoryRow) -> dict[str, tuple]:
    return {c.field: (c.old, c.new) for c in row.changes}


def test_an_accounts_changes_read_as_words(db):
    acme = accounts.create({"name": "Acme", "annual_revenue": "1900000000"})
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "account_id": acme.id})
    acme = accounts.update(acme.id, acme.version, {"primary_contact_id": ann.id})
    acme = accounts.deactivate(acme.id, acme.version)

    status, update, created = audit.history_view("account", acme.id)
    assert (created.action, update.action, status.action) == ("Created", "Updated", "Deactivate")
    assert created.who == db.full_name
    assert changes_of(update) == {"Primary contact": (None, "Ann Lee")}
    assert changes_of(status) == {"Status": ("Active", "Inactive")}
    revenue = next(c for c in created.changes if c.field == "Annual revenue")
    assert (revenue.new, revenue.currency) == (Decimal("1900000000.00"), "EUR")
    assert display.shown(revenue.new, revenue.currency) == "1,900,000,000.00 EUR"
    # in the metadata's (the form's) order, not by field name
    fields = [c.field for c in created.changes]
    assert fields.index("Account name") < fields.index("Annual revenue")
    assert created.at.tzinfo is not None


def test_option_codes_become_labels_and_transitions_their_names(db):
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Printer", "account_id": acme.id, "priority": "high"})
    case = cases.set_status(case.id, case.version, "on_hold")
    case = cases.resolve(case.id, case.version, resolution="Reset it")

    rows = audit.history_view("case", case.id)
    created = rows[-1]
    assert changes_of(created)["Priority"] == (None, "High")
    assert changes_of(created)["Account"] == (None, "Acme")
    assert [r.action for r in rows] == ["Resolve", "Set status", "Created"]
    reasons = [changes_of(r).get("Status reason") for r in rows]
    assert ("In progress", "On hold") in reasons
    assert ("On hold", "Problem solved") in reasons
    for row in rows:
        for change in row.changes:
            # no snake_case code is left for a person to decode
            for value in (change.old, change.new):
                assert not (isinstance(value, str) and "_" in value), (change.field, value)
            assert "sort" not in change.field.lower()  # derived keys stay out


def test_lookup_names_are_read_once_per_kind_not_per_row(db, monkeypatch):
    acme = accounts.create({"name": "Acme"})
    people = [
        contacts.create({"first_name": n, "last_name": "Lee", "account_id": acme.id})
        for n in ("Ann", "Bo", "Cy")
    ]
    for index in range(12):
        acme = accounts.get(acme.id)
        accounts.update(acme.id, acme.version, {"primary_contact_id": people[index % 3].id})
    calls = []
    real = records.titles_of

    def counting(kind, ids):
        calls.append(kind)
        return real(kind, ids)

    monkeypatch.setattr(records, "titles_of", counting)
    rows = audit.history_view("account", acme.id)
    assert len(rows) == 13
    assert sorted(calls) == ["contact"]
    assert changes_of(rows[0])["Primary contact"] == ("Bo Lee", "Cy Lee")


def test_a_deleted_record_and_a_field_the_metadata_does_not_know(db):
    acme = accounts.create({"name": "Acme"})
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "account_id": acme.id})
    acme = accounts.update(acme.id, acme.version, {"primary_contact_id": ann.id})
    Contact.delete().where(Contact.id == ann.id).execute()
    AuditEntry.create(
        at=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
        user=None,
        record_type="account",
        record_id=acme.id,
        action="merged_from",
        changes=json.dumps({"source_system": [None, "=cmd"]}),
    )
    merged, update, _ = audit.history_view("account", acme.id)
    assert changes_of(update) == {"Primary contact": (None, f"(deleted contact #{ann.id})")}
    # by the date, not by a person; unknown words are shown as written
    assert (merged.who, merged.action) == (audit.SYSTEM, "Merged from")
    assert changes_of(merged) == {"Source system": (None, "=cmd")}
    # the screen shows the time in the configured zone (Tehran is UTC+3:30)
    assert display.time(merged.at).endswith("13:00")


def test_times_and_days_stay_typed_for_the_screen(db):
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Printer", "account_id": acme.id})
    created = audit.history_view("case", case.id)[-1]
    targets = {c.field: c.new for c in created.changes if c.field.endswith(" by")}
    assert targets and all(isinstance(v, dt.datetime) and v.tzinfo for v in targets.values())
