"""Exports take their columns from the record metadata: option sets as code
and label, lookups as id and name, money as decimals, times in UTC."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from crm_tui import meta
from crm_tui.models import Account
from crm_tui.services import export
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.support import cases


def exported(what: str, fmt: str = "csv") -> list[dict]:
    out = io.StringIO()
    export.write(what, out, fmt)
    if fmt == "json":
        return json.loads(out.getvalue())
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_every_attribute_of_the_kind_is_a_column(db):
    for what, spec in export.EXPORTS.items():
        names, _ = export.rows(what)
        assert names[0] == "id"
        for attribute in meta.kind(spec.kind).attributes:
            assert attribute.key in names, (what, attribute.name)
            if attribute.type is meta.AttributeType.OPTION_SET:
                assert f"{attribute.name}_label" in names, (what, attribute.name)


def test_option_sets_leave_as_code_and_label(db):
    acme = accounts.create({"name": "Acme"})
    case = cases.create(
        {"title": "Printer", "account_id": acme.id, "priority": "high", "origin": "walk_in"}
    )
    cases.set_status(case.id, case.version, "waiting_for_details")
    (row,) = exported("cases")
    assert (row["priority"], row["priority_label"]) == ("high", "High")
    assert (row["origin"], row["origin_label"]) == ("walk_in", "Walk-in")
    assert (row["state"], row["state_label"]) == ("active", "Active")
    assert (row["status_reason"], row["status_reason_label"]) == (
        "waiting_for_details",
        "Waiting for details",
    )
    # a code written by another tool that no option has is kept, not lost
    Account.update(industry="Shipbuilding").where(Account.id == acme.id).execute()
    (row,) = exported("accounts", "json")
    assert (row["industry"], row["industry_label"]) == ("Shipbuilding", "Shipbuilding")


def test_lookups_leave_as_id_and_name(db):
    acme = accounts.create({"name": "Acme"})
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "account_id": acme.id})
    acme = accounts.update(acme.id, acme.version, {"primary_contact_id": ann.id})
    child = accounts.create({"name": "Acme East", "parent_id": acme.id})
    activities.log("phone_call", "Renewal", regarding=("contact", ann.id))

    rows = {row["name"]: row for row in exported("accounts", "json")}
    assert (rows["Acme"]["primary_contact_id"], rows["Acme"]["primary_contact"]) == (
        ann.id,
        "Ann Lee",
    )
    assert (rows["Acme East"]["parent_id"], rows["Acme East"]["parent"]) == (acme.id, "Acme")
    assert rows["Acme East"]["parent_id"] == child.parent_id
    assert rows["Acme"]["parent"] is None and rows["Acme"]["owner"] == "tester"
    (person,) = exported("contacts")
    assert (person["account_id"], person["account"]) == (str(acme.id), "Acme")
    (call,) = exported("activities")
    assert (call["regarding_type"], call["regarding_id"], call["regarding"]) == (
        "contact",
        str(ann.id),
        "Ann Lee",
    )
    assert (call["kind"], call["kind_label"]) == ("phone_call", "Phone call")


def test_times_are_iso_in_utc(db):
    accounts.create({"name": "Acme"})
    (row,) = exported("accounts", "json")
    created = dt.datetime.fromisoformat(row["created_at"])
    assert created.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=5)
