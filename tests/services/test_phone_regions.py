"""Phones typed without their +country code: read in the record's country
(a contact's own, else its account's; a lead's), else the default region;
kept as typed, with a warning, when they cannot be read."""

from __future__ import annotations

import json
from importlib import resources

import phonenumbers
import pytest

from crm_tui.services import countries, search
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.sales import leads


def ids(rows) -> list[int]:
    return [r["id"] for r in rows]


# --- countries as typed ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("Nigeria", "NG"),
        ("  nigeria ", "NG"),
        ("NG", "NG"),
        ("nga", "NG"),
        ("Deutschland", "DE"),
        ("Iran", "IR"),
        ("Iran, Islamic Republic of", "IR"),
        ("ایران", "IR"),
        ("إيران", "IR"),
        ("UK", "GB"),
        ("U.S.A.", "US"),
        ("the Netherlands", "NL"),
        ("Cote d'Ivoire", "CI"),
        ("Türkiye", "TR"),
        ("España", "ES"),
        ("Narnia", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_country_names_and_codes_are_read(typed, region):
    assert countries.region_of(typed) == region


def test_country_table_is_unambiguous_and_readable_by_the_phone_library():
    source = resources.files("crm_tui.data") / "countries.json"
    regions = json.loads(source.read_text(encoding="utf-8"))["regions"]
    seen: dict[str, str] = {}
    for region, names in regions.items():
        assert region in phonenumbers.SUPPORTED_REGIONS, region
        assert names[0] == region
        for name in names:
            assert seen.setdefault(countries.key(name), region) == region, name
    # every country of the demo data is known by the name it is stored under
    demo = json.loads((resources.files("crm_tui.data") / "demo.json").read_text("utf-8"))
    assert all(countries.region_of(name) for name in demo["countries"])


# --- read in the record's country ----------------------------------------------------


def test_nigerian_contact_national_form_is_found_by_international_form(db):
    ada = contacts.create({"last_name": "Okafor", "country": "Nigeria", "phone": "0803 555 1234"})
    assert ada.phone == "+2348035551234"
    assert ada.warnings == {}
    for typed in ("+234 803 555 1234", "+2348035551234", "08035551234", "0803 555 1234"):
        assert ids(contacts.page(view="all", query=typed).rows) == [ada.id], typed


def test_international_form_is_found_by_national_form(db):
    ada = contacts.create({"last_name": "Okafor", "mobile": "+234 803 555 1234"})
    for typed in ("0803 555 1234", "08035551234", "803 555 1234"):
        assert ids(contacts.page(view="all", query=typed).rows) == [ada.id], typed


def test_contact_without_country_reads_its_accounts(db):
    dangote = accounts.create({"name": "Dangote", "country": "Nigeria"})
    ada = contacts.create(
        {"last_name": "Okafor", "account_id": dangote.id, "mobile": "0803 555 1234"}
    )
    assert ada.mobile == "+2348035551234"
    # the contact's own country wins over the account's
    ali = contacts.create(
        {
            "last_name": "Karimi",
            "account_id": dangote.id,
            "country": "Iran",
            "mobile": "0912 345 6789",
        }
    )
    assert ali.mobile == "+989123456789"


def test_account_and_lead_read_their_own_country(db):
    dangote = accounts.create({"name": "Dangote", "country": "NG", "phone": "0201 234 5678"})
    assert dangote.phone == "+2342012345678"
    lead = leads.create({"last_name": "Okafor", "country": "Nigeria", "phone": "0803 555 1234"})
    assert lead.phone == "+2348035551234"
    assert ids(leads.page(view="all", query="+234 803 555 1234").rows) == [lead.id]


def test_record_country_wins_over_default_region(db, region):
    region("GB")
    ada = contacts.create({"last_name": "Okafor", "country": "Nigeria", "phone": "0803 555 1234"})
    assert ada.phone == "+2348035551234"


def test_default_region_still_read_without_a_country(db, region):
    region("GB")
    ann = contacts.create({"last_name": "Lee", "phone": "020 7946 0958"})
    assert (ann.phone, ann.warnings) == ("+442079460958", {})
    # a country the table does not know falls back to the default region too
    bob = contacts.create({"last_name": "Bell", "country": "Narnia", "phone": "020 7946 0958"})
    assert bob.phone == "+442079460958"


# --- numbers that cannot be read -----------------------------------------------------


def test_no_region_and_no_country_code_kept_as_typed_with_warning(db):
    ada = contacts.create({"last_name": "Okafor", "phone": "0803 555 1234"})
    assert ada.phone == "0803 555 1234"
    assert ada.warnings == {
        "phone": "Business phone '0803 555 1234' kept as typed: "
        "no +country code, and no country to read it by."
    }


@pytest.mark.parametrize(
    ("typed", "why"),
    [("12", "not a phone number in Nigeria"), ("+234 12", "not a phone number")],
)
def test_unreadable_number_kept_as_typed_with_warning(db, typed, why):
    ada = contacts.create({"last_name": "Okafor", "country": "Nigeria", "mobile": typed})
    assert ada.mobile == typed
    assert ada.warnings == {"mobile": f"Mobile phone {typed!r} kept as typed: {why}."}
    acme = accounts.create({"name": "Acme", "country": "Nigeria", "phone": typed})
    assert (acme.phone, list(acme.warnings)) == (typed, ["phone"])
    lead = leads.create({"last_name": "Okafor", "country": "Nigeria", "phone": typed})
    assert (lead.phone, list(lead.warnings)) == (typed, ["phone"])


def test_number_kept_as_typed_is_read_once_the_country_is_set(db):
    ada = contacts.create({"last_name": "Okafor", "mobile": "0803 555 1234"})
    assert ada.mobile == "0803 555 1234"
    ada = contacts.update(ada.id, ada.version, {"country": "Nigeria"})
    assert (ada.mobile, ada.warnings) == ("+2348035551234", {})
    acme = accounts.create({"name": "Acme", "phone": "0201 234 5678"})
    acme = accounts.update(acme.id, acme.version, {"country": "Nigeria"})
    assert acme.phone == "+2342012345678"


def test_existing_numbers_are_unaffected(db):
    ann = contacts.create({"last_name": "Lee", "phone": "+44 20 7946 0958"})
    # a number with its own country code keeps it, whatever the contact's country
    ann = contacts.update(ann.id, ann.version, {"country": "Nigeria", "city": "Lagos"})
    assert (ann.phone, ann.warnings) == ("+442079460958", {})
    ann = contacts.update(ann.id, ann.version, {"job_title": "Buyer"})
    assert ann.phone == "+442079460958"
    assert ids(contacts.page(view="all", query="020 7946 0958").rows) == [ann.id]


def test_grouped_digits_still_search_words(db):
    # the run-of-digits reading is added to the query, not put in its place
    acme = accounts.create({"name": "Acme 12", "city": "2024"})
    assert ids(accounts.page(view="all", query="12 2024").rows) == [acme.id]
    assert search.query_for("acme") == '"acme"*'
