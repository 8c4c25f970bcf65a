"""Duplicate detection when a lead is qualified: each rule, the ones that
must NOT match, and that every lookup goes through an index."""

from __future__ import annotations

import pytest

from crm_tui.db import connection, database
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.sales import duplicates, leads
from crm_tui.services.sales.duplicates import company_key, web_domain


def lead(**data):
    return leads.create({"first_name": "Ann", "last_name": "Lee", **data})


def why(rows) -> dict[str, list[str]]:
    return {r["name"]: r["why"] for r in rows}


# --- normalising ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ACME Corp.", "Acme"),
        ("Acme, Inc.", "acme"),
        ("Acme Inc", "ACME LLC"),
        ("Acme GmbH & Co. KG", "Acme"),
        ("Acme S.A.", "ACME SA"),
        ("Acme B.V.", "Acme"),
        ("The Acme Company", "Acme plc"),
        ("Acme  Widgets Ltd", "acme widgets"),
        ("AcmeWidgets", "Acme Widgets"),
        ("McDonald's", "McDonalds Corporation"),
        ("Müller AG", "MÜLLER"),
        # Persian: Arabic kaf/yeh, ZWNJ or space, legal forms before and after
        ("شركت فن‌آوران پارس", "فن آوران پارس سهامی خاص"),
        ("كيميا", "کیمیا با مسئولیت محدود"),
    ],
)
def test_company_names_that_compare_equal(a, b):
    assert company_key(a) == company_key(b) != ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme", "Acme Widgets"),
        ("Acme Widgets", "Acme Gadgets"),
        ("Acme", "Acne Inc"),
        ("Acme East", "Acme West"),
    ],
)
def test_company_names_that_differ(a, b):
    assert company_key(a) != company_key(b)


def test_a_name_made_only_of_a_legal_form_is_kept():
    assert company_key("Company") == "company"
    assert company_key("Inc.") == "inc"
    assert company_key("") == company_key(None) == ""


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("acme.example", "acme.example"),
        ("https://www.Acme.example/contact?x=1", "acme.example"),
        ("http://shop.acme.example:8080", "shop.acme.example"),
        ("Ann.Lee@ACME.example", "acme.example"),
        ("ann@gmail.com", ""),
        ("www.gmail.com", ""),
        ("someone@proton.me", ""),
        ("localhost", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_web_domain(value, domain):
    assert web_domain(value) == domain


# --- contacts -------------------------------------------------------------------------


def test_contact_with_the_same_email_in_another_case(db):
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "email": "Ann.Lee@X.example"})
    contacts.create({"last_name": "Other", "email": "other@x.example"})
    found = leads.matches(lead(email="ann.lee@x.example").id)
    assert [(r["id"], r["why"]) for r in found.contacts] == [(ann.id, ["same email"])]


def test_contact_with_the_same_phone_typed_differently(db, region):
    region("GB")
    acme = accounts.create({"name": "Northwind"})
    ann = contacts.create({"last_name": "Lee", "phone": "+44 20 7946 0958", "account_id": acme.id})
    found = leads.matches(lead(phone="020 7946 0958").id)
    assert [(r["id"], r["why"]) for r in found.contacts] == [(ann.id, ["same phone"])]
    assert found.contacts[0]["account"] == "Northwind"
    assert found.contacts[0]["account_id"] == acme.id


def test_contact_whose_mobile_is_the_leads_phone(db, region):
    region("GB")
    bob = contacts.create({"last_name": "Bob", "mobile": "07700 900123"})
    found = leads.matches(lead(phone="+447700900123").id)
    assert [(r["id"], r["why"]) for r in found.contacts] == [(bob.id, ["same phone"])]


def test_phone_saved_before_the_region_was_set_still_matches(db, region):
    # stored as typed (no region then); the lead is normalised with GB now
    old = contacts.create({"last_name": "Old", "phone": "020 7946 0958"})
    firm = accounts.create({"name": "Old Firm", "phone": "(020) 7946-0958"})
    region("GB")
    found = leads.matches(lead(phone="020 7946 0958").id)
    assert [r["id"] for r in found.contacts] == [old.id]
    assert [(r["id"], r["why"]) for r in found.accounts] == [(firm.id, ["same phone"])]


def test_phones_are_read_in_their_own_countries_without_a_default_region(db):
    # no default region: the lead's phone is read as Nigerian by its country,
    # and numbers stored as typed (saved before their country was set) by theirs
    firm = accounts.create({"name": "Adebayo Agro", "phone": "0803 555 1234"})
    person = contacts.create({"last_name": "Okafor", "mobile": "0803 555 1234"})
    agent = accounts.create({"name": "Lagos Agents"})
    database.execute_sql("UPDATE account SET country = 'Nigeria' WHERE id = ?", (firm.id,))
    database.execute_sql("UPDATE account SET country = 'NG' WHERE id = ?", (agent.id,))
    database.execute_sql("UPDATE contact SET account_id = ? WHERE id = ?", (agent.id, person.id))
    found = leads.matches(lead(phone="0803 555 1234", country="Nigeria").id)
    assert [(r["id"], r["why"]) for r in found.accounts] == [(firm.id, ["same phone"])]
    assert [(r["id"], r["why"]) for r in found.contacts] == [(person.id, ["same phone"])]
    # the same digits in another country are another number
    assert not leads.matches(lead(phone="+44 803 555 1234").id).accounts


def test_short_phones_never_match(db):
    contacts.create({"last_name": "Desk", "phone": "ext. 12"})
    accounts.create({"name": "Desk Co", "phone": "ext. 12"})
    found = leads.matches(lead(phone="ext. 12").id)
    assert found.contacts == [] and found.accounts == []


def test_contact_with_email_and_phone_lists_both_reasons_first(db):
    both = contacts.create({"last_name": "Both", "email": "a@x.example", "phone": "+16502530000"})
    contacts.create({"last_name": "Email", "email": "a@x.example"})
    found = leads.matches(lead(email="a@x.example", phone="+1 650 253 0000").id)
    assert found.contacts[0]["id"] == both.id
    assert found.contacts[0]["why"] == ["same email", "same phone"]
    assert why(found.contacts)["Email"] == ["same email"]


# --- accounts -------------------------------------------------------------------------


def test_account_with_the_same_email_or_phone(db):
    a = accounts.create({"name": "Northwind", "email": "INFO@northwind.example"})
    b = accounts.create({"name": "Fabrikam", "phone": "+1 650 253 0000"})
    found = leads.matches(lead(email="info@northwind.example", phone="+16502530000").id)
    reasons = {r["id"]: r["why"] for r in found.accounts}
    assert reasons[a.id][0] == "same email" and reasons[b.id] == ["same phone"]


@pytest.mark.parametrize("stored", ["Acme", "ACME Corp.", "Acme, Inc.", "acme ltd", "The Acme Co"])
def test_account_with_the_same_company_name(db, stored):
    acme = accounts.create({"name": stored})
    accounts.create({"name": "Acme Widgets"})
    accounts.create({"name": "Acne"})
    found = leads.matches(lead(company_name="ACME Corporation").id)
    assert [(r["id"], r["why"]) for r in found.accounts] == [(acme.id, ["same company name"])]


def test_account_with_a_common_name_is_found_among_many(db):
    """More accounts share the words than the full-text candidates read;
    the exact forms are still found by the name index."""
    for i in range(70):
        accounts.create({"name": f"Global {i} Trading"})
    target = accounts.create({"name": "Global Ltd."})
    found = leads.matches(lead(company_name="GLOBAL").id)
    assert [r["id"] for r in found.accounts] == [target.id]


def test_account_with_two_legal_forms_is_found_by_full_text(db):
    target = accounts.create({"name": "Acme GmbH & Co. KG"})
    found = leads.matches(lead(company_name="Acme").id)
    assert [r["id"] for r in found.accounts] == [target.id]


def test_persian_company_names_fold(db):
    # stored with Persian letters, a ZWNJ and "company" before the name
    pars = accounts.create({"name": "شرکت فن‌آوران پارس"})
    accounts.create({"name": "فن آوران شیراز"})
    # typed with Arabic kaf and yeh, a space instead of ZWNJ, a legal form after
    found = leads.matches(lead(company_name="فن آوران پارس سهامي خاص").id)
    assert [(r["id"], r["why"]) for r in found.accounts] == [(pars.id, ["same company name"])]


@pytest.mark.parametrize(
    ("lead_data", "account_data"),
    [
        ({"website": "https://www.contoso.example/about"}, {"website": "contoso.example"}),
        ({"email": "ann@contoso.example"}, {"website": "http://contoso.example"}),
        ({"website": "contoso.example"}, {"email": "sales@contoso.example"}),
        ({"email": "ann@contoso.example"}, {"email": "info@Contoso.example"}),
    ],
)
def test_account_with_the_same_web_domain(db, lead_data, account_data):
    target = accounts.create({"name": "Some Name", **account_data})
    accounts.create({"name": "Elsewhere", "website": "contoso.example.org"})
    accounts.create({"name": "Sub", "website": "shop.contoso.example"})
    found = leads.matches(lead(company_name="Other Name", **lead_data).id)
    assert [(r["id"], r["why"]) for r in found.accounts] == [(target.id, ["same web domain"])]


def test_free_mail_domains_do_not_match(db):
    accounts.create({"name": "Solo Trader", "email": "solo@gmail.com"})
    accounts.create({"name": "Gmail Fan", "website": "gmail.com"})
    contacts.create({"last_name": "Other", "email": "other@gmail.com"})
    found = leads.matches(lead(email="ann@gmail.com", company_name="Ann's Shop").id)
    assert found.accounts == [] and found.contacts == []


def test_account_matching_several_ways_comes_first(db):
    weak = accounts.create({"name": "Contoso"})
    strong = accounts.create(
        {"name": "Contoso Ltd", "website": "contoso.example", "phone": "+16502530000"}
    )
    found = leads.matches(
        lead(company_name="contoso", website="contoso.example", phone="+16502530000").id
    )
    assert [r["id"] for r in found.accounts] == [strong.id, weak.id]
    assert found.accounts[0]["why"] == ["same phone", "same company name", "same web domain"]
    assert {"id", "name", "city", "email", "phone", "website", "state"} <= set(found.accounts[0])


def test_inactive_records_still_match(db):
    acme = accounts.create({"name": "Acme"})
    accounts.deactivate(acme.id, 1)
    found = leads.matches(lead(company_name="Acme").id)
    assert [(r["id"], r["state"]) for r in found.accounts] == [(acme.id, "inactive")]


def test_a_lead_with_nothing_to_compare_matches_nothing(db):
    accounts.create({"name": "Acme"})
    contacts.create({"last_name": "Lee"})
    assert leads.matches(lead().id).count == 0


def test_find_without_a_lead(db):
    acme = accounts.create({"name": "Acme Inc"})
    found = duplicates.find(company="ACME")
    assert [r["id"] for r in found.accounts] == [acme.id] and found.contacts == []


# --- performance shape ----------------------------------------------------------------


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_every_lookup_uses_an_index(db, region):
    """No statement of matches() scans the account or contact table: the
    email/phone indexes, the name index, rowids and the full-text index only."""
    region("GB")
    accounts.create({"name": "Acme", "email": "a@acme.example", "phone": "+442079460958"})
    contacts.create({"last_name": "Lee", "email": "a@acme.example", "phone": "+442079460958"})
    subject = lead(
        company_name="Acme Ltd", email="a@acme.example", phone="020 7946 0958", website="acme.io"
    )
    seen: list[tuple[str, tuple]] = []
    conn = connection()

    def tracer(cursor, sql, bindings):
        seen.append((sql, tuple(bindings or ())))
        return True

    conn.exec_trace = tracer
    try:
        found = leads.matches(subject.id)
    finally:
        conn.exec_trace = None
    assert found.accounts and found.contacts
    plans = []
    for sql, bindings in seen:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, bindings):
            plans.append(row[3])
    assert any("account_email" in p for p in plans)
    assert any("contact_phone" in p for p in plans)
    assert any("account_name" in p for p in plans)
    assert any("account_fts" in p for p in plans)
    scans = [p for p in plans if p.startswith("SCAN") and "VIRTUAL TABLE" not in p]
    assert scans == [], scans
