"""Leads service: records, validation, every transition and refusal, qualify
(creating or linking, in one transaction), the list and search."""

from __future__ import annotations

import pytest

from crm_tui.db import database, dict_rows
from crm_tui.errors import ConflictError, DomainError, NotFound, ValidationError
from crm_tui.services import audit, users
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.sales import leads, opportunities


def count(table: str) -> int:
    return dict_rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def new_lead(**data):
    return leads.create({"first_name": "Ann", "last_name": "Lee", **data})


FULL = {
    "topic": "200 office chairs",
    "first_name": "Ann",
    "last_name": "Lee",
    "company_name": "Contoso Ltd",
    "job_title": "Buyer",
    "email": "ann@contoso.example",
    "phone": "+44 20 7946 0958",
    "website": "www.contoso.example",
    "city": "London",
    "country": "United Kingdom",
    "source": "trade_show",
    "rating": "hot",
    "estimated_value": "12,500.50",
    "description": "Wants a quote\nbefore March",
}


# --- records ------------------------------------------------------------------------


def test_create_get_update(db):
    lead = leads.create({**FULL, "first_name": " Ann\t", "company_name": "  Contoso\nLtd "})
    assert lead.id and lead.version == 1
    assert (lead.state, lead.status_reason) == ("open", "new")
    assert (lead.full_name, lead.name_sort) == ("Ann Lee", "lee ann")
    assert lead.company_name == "Contoso Ltd"  # cleaned, one line
    assert lead.phone == "+442079460958"
    assert lead.estimated_value == 1_250_050  # minor units
    assert (lead.source, lead.rating) == ("trade_show", "hot")
    assert lead.description == "Wants a quote\nbefore March"
    assert lead.owner.id == db.id
    assert leads.get(lead.id).email == "ann@contoso.example"

    changed = leads.update(lead.id, 1, {"last_name": "Lee-Smith", "rating": "cold"})
    assert (changed.version, changed.full_name, changed.first_name) == (2, "Ann Lee-Smith", "Ann")
    assert changed.name_sort == "lee smith ann" and changed.rating == "cold"
    # saving unchanged values writes nothing
    assert leads.update(lead.id, 2, {"rating": "cold"}).version == 2


def test_defaults_and_fields_list(db):
    lead = leads.create({"last_name": "Lee"})
    assert (lead.rating, lead.source, lead.estimated_value) == ("warm", "", None)
    assert lead.full_name == "Lee"
    assert all(hasattr(lead, name) for name in leads.FIELDS)
    assert set(leads.DISQUALIFY_REASONS) <= set(leads.STATUS)
    assert "" in leads.SOURCES and set(leads.RATINGS) == {"hot", "warm", "cold"}


def test_get_missing_is_not_found(db):
    with pytest.raises(NotFound, match="#404"):
        leads.get(404)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"first_name": "Ann"}, "last_name", "last name is required"),
        ({"last_name": " \x1b[0m "}, "last_name", "last name is required"),
        ({"last_name": "L" * 81}, "last_name", "limit is 80"),
        ({"last_name": "L", "company_name": "c" * 161}, "company_name", "limit is 160"),
        ({"last_name": "L", "topic": "t" * 201}, "topic", "limit is 200"),
        ({"last_name": "L", "email": "ann@"}, "email", "not an email address"),
        ({"last_name": "L", "website": "not a site"}, "website", "not a web address"),
        ({"last_name": "L", "source": "carrier_pigeon"}, "source", "not one of"),
        ({"last_name": "L", "rating": "lukewarm"}, "rating", "not one of"),
        ({"last_name": "L", "estimated_value": "-1"}, "estimated_value", "positive"),
        ({"last_name": "L", "estimated_value": "1.234"}, "estimated_value", "more than 2"),
        ({"last_name": "L", "estimated_value": "lots"}, "estimated_value", "amount such as"),
        ({"last_name": "L", "owner_id": 999}, "owner_id", "active user"),
    ],
)
def test_validation_errors(db, data, field, message):
    with pytest.raises(ValidationError) as excinfo:
        leads.create(data)
    assert message in excinfo.value.errors[field]
    assert count("lead") == 0


def test_owner_must_be_active(db):
    users.add("sam", "Sam Seller", "sales")
    sam = users.set_active("sam", False)
    with pytest.raises(ValidationError, match="active user"):
        leads.create({"last_name": "Lee", "owner_id": sam.id})


def test_stale_update_is_a_conflict(db):
    lead = new_lead(city="London")
    leads.update(lead.id, 1, {"city": "Paris"})
    with pytest.raises(ConflictError) as excinfo:
        leads.update(lead.id, 1, {"city": "Rome"})
    assert excinfo.value.current == {"city": "Paris"} and excinfo.value.version == 2
    assert excinfo.value.modified_by == db.full_name
    assert leads.get(lead.id).city == "Paris"


def test_audit_trail(db):
    lead = new_lead(company_name="Contoso")
    leads.update(lead.id, 1, {"company_name": "Contoso Pharma"})
    leads.mark_contacted(lead.id, 2)
    leads.disqualify(lead.id, 3, "lost")
    trail = audit.history("lead", lead.id)
    assert [r["action"] for r in trail] == ["state", "state", "update", "create"]
    assert trail[0]["changes"] == {
        "state": ["open", "disqualified"],
        "status_reason": ["contacted", "lost"],
    }
    assert trail[1]["changes"] == {"status_reason": ["new", "contacted"]}
    assert trail[2]["changes"] == {"company_name": ["Contoso", "Contoso Pharma"]}


# --- transitions ----------------------------------------------------------------------


def test_mark_contacted(db):
    lead = new_lead()
    lead = leads.mark_contacted(lead.id, 1)
    assert (lead.state, lead.status_reason, lead.version) == ("open", "contacted", 2)
    with pytest.raises(DomainError, match="already marked as contacted"):
        leads.mark_contacted(lead.id, 2)
    with pytest.raises(ConflictError):
        leads.mark_contacted(new_lead().id, 7)


def test_mark_contacted_refused_when_not_open(db):
    lead = leads.disqualify(new_lead().id, 1, "canceled")
    with pytest.raises(DomainError, match="disqualified; reactivate it first to mark it as"):
        leads.mark_contacted(lead.id, lead.version)


@pytest.mark.parametrize("reason", list(leads.DISQUALIFY_REASONS))
def test_disqualify_with_each_reason(db, reason):
    lead = leads.mark_contacted(new_lead().id, 1)
    lead = leads.disqualify(lead.id, lead.version, reason)
    assert (lead.state, lead.status_reason) == ("disqualified", reason)
    assert lead.id not in [r["id"] for r in leads.page(view="open").rows]
    assert lead.id in [r["id"] for r in leads.page(view="disqualified").rows]


@pytest.mark.parametrize("reason", ["", "qualified", "new", "bored", None])
def test_disqualify_with_a_bad_reason(db, reason):
    lead = new_lead()
    with pytest.raises(ValidationError) as excinfo:
        leads.disqualify(lead.id, 1, reason)
    assert "not one of: lost, cannot_contact" in excinfo.value.errors["reason"]
    assert leads.get(lead.id).state == "open"


def test_disqualify_refusals(db):
    lead = leads.disqualify(new_lead().id, 1, "lost")
    with pytest.raises(DomainError, match="already disqualified"):
        leads.disqualify(lead.id, lead.version, "canceled")
    qualified = new_lead(company_name="Q Co")
    leads.qualify(qualified.id, 1)
    with pytest.raises(DomainError, match="qualified; reactivate it first to disqualify it"):
        leads.disqualify(qualified.id, 2, "lost")
    other = new_lead()
    leads.update(other.id, 1, {"city": "Oslo"})
    with pytest.raises(ConflictError):
        leads.disqualify(other.id, 1, "lost")
    assert leads.get(other.id).state == "open"
    with pytest.raises(NotFound):
        leads.disqualify(9999, 1, "lost")


def test_reactivate_after_disqualify(db):
    lead = leads.mark_contacted(new_lead().id, 1)
    lead = leads.disqualify(lead.id, lead.version, "cannot_contact")
    lead = leads.reactivate(lead.id, lead.version)
    assert (lead.state, lead.status_reason) == ("open", "new")
    with pytest.raises(DomainError, match="already open; only a qualified or disqualified"):
        leads.reactivate(lead.id, lead.version)
    # open again: editable again
    assert leads.update(lead.id, lead.version, {"city": "Oslo"}).city == "Oslo"


def test_reactivate_stale_version_is_a_conflict(db):
    lead = leads.disqualify(new_lead().id, 1, "lost")
    with pytest.raises(ConflictError):
        leads.reactivate(lead.id, 1)
    assert leads.get(lead.id).state == "disqualified"


@pytest.mark.parametrize("close", ["qualify", "disqualify"])
def test_closed_lead_is_read_only(db, close):
    lead = new_lead(company_name="Contoso")
    if close == "qualify":
        leads.qualify(lead.id, 1)
    else:
        leads.disqualify(lead.id, 1, "lost")
    lead = leads.get(lead.id)
    with pytest.raises(DomainError, match="reactivate it first to edit"):
        leads.update(lead.id, lead.version, {"city": "Oslo"})
    assert leads.get(lead.id).version == lead.version


# --- qualify --------------------------------------------------------------------------


def test_qualify_without_duplicates_creates_all_three(db):
    lead = leads.create(FULL)
    assert leads.matches(lead.id).count == 0
    result = leads.qualify(lead.id, 1)
    assert result.account_id and result.contact_id and result.opportunity_id

    account = accounts.get(result.account_id)
    assert (account.name, account.website, account.phone) == (
        "Contoso Ltd",
        "www.contoso.example",
        "+442079460958",
    )
    assert (account.city, account.country) == ("London", "United Kingdom")
    assert account.email == ""  # the lead's email is the person's, not the company's

    contact = contacts.get(result.contact_id)
    assert (contact.full_name, contact.job_title) == ("Ann Lee", "Buyer")
    assert (contact.email, contact.phone) == ("ann@contoso.example", "+442079460958")
    assert contact.account_id == account.id

    opp = opportunities.get(result.opportunity_id)
    assert opp.name == "200 office chairs"
    assert (opp.account_id, opp.contact_id, opp.lead_id) == (account.id, contact.id, lead.id)
    assert opp.estimated_revenue == 1_250_050 and opp.rating == "hot"
    assert opp.description == FULL["description"]
    assert (opp.state, opp.stage) == ("open", "qualify")
    assert opportunities.customer_name(opp) == "Contoso Ltd"

    lead = leads.get(lead.id)
    assert (lead.state, lead.status_reason, lead.version) == ("qualified", "qualified", 2)
    assert (lead.account_id, lead.contact_id, lead.opportunity_id) == (
        account.id,
        contact.id,
        opp.id,
    )
    entry = audit.history("lead", lead.id)[0]
    assert entry["action"] == "state"
    assert entry["changes"] == {
        "state": ["open", "qualified"],
        "status_reason": ["new", "qualified"],
        "account": [None, account.id],
        "contact": [None, contact.id],
        "opportunity_id": [None, opp.id],
    }
    assert [r["action"] for r in audit.history("contact", contact.id)] == ["create"]
    # the account is created, then given the new contact as its primary contact
    assert [r["action"] for r in audit.history("account", account.id)] == ["update", "create"]
    assert account.primary_contact_id == contact.id
    # now the lead's company and person match what it made
    found = leads.matches(lead.id)
    assert [r["id"] for r in found.accounts] == [account.id]
    assert [r["id"] for r in found.contacts] == [contact.id]


def test_qualify_records_belong_to_the_leads_owner(db):
    sam = users.add("sam", "Sam Seller", "sales")
    lead = leads.create({**FULL, "owner_id": sam.id})
    result = leads.qualify(lead.id, 1)
    assert accounts.get(result.account_id).owner_id == sam.id
    assert contacts.get(result.contact_id).owner_id == sam.id
    assert opportunities.get(result.opportunity_id).owner_id == sam.id


def test_qualify_when_the_owner_has_left(db):
    sam = users.add("sam", "Sam Seller", "sales")
    lead = leads.create({**FULL, "owner_id": sam.id})
    users.set_active("sam", False)
    result = leads.qualify(lead.id, 1)
    assert accounts.get(result.account_id).owner_id == db.id
    assert opportunities.get(result.opportunity_id).owner_id == db.id


@pytest.mark.parametrize(
    ("topic", "company", "given", "expected"),
    [
        ("Chairs", "Contoso", "  Big\tdeal ", "Big deal"),
        ("Chairs", "Contoso", None, "Chairs"),
        ("", "Contoso", None, "Contoso opportunity"),
        ("", "", None, "Ann Lee opportunity"),
    ],
)
def test_qualify_opportunity_name(db, topic, company, given, expected):
    lead = new_lead(topic=topic, company_name=company)
    result = leads.qualify(lead.id, 1, opportunity_name=given)
    assert opportunities.get(result.opportunity_id).name == expected


def test_qualify_names_the_opportunity_after_a_linked_account(db):
    acme = accounts.create({"name": "Acme"})
    lead = new_lead()
    result = leads.qualify(lead.id, 1, account_id=acme.id)
    assert opportunities.get(result.opportunity_id).name == "Acme opportunity"


def test_qualify_without_company_makes_the_contact_the_customer(db):
    lead = new_lead(email="ann@example.org", estimated_value="")
    result = leads.qualify(lead.id, 1)
    assert result.account_id is None and result.contact_id
    assert count("account") == 0
    assert contacts.get(result.contact_id).account_id is None
    opp = opportunities.get(result.opportunity_id)
    assert (opp.account_id, opp.contact_id) == (None, result.contact_id)
    assert opp.estimated_revenue is None
    assert opportunities.customer_name(opp) == "Ann Lee"


def test_qualify_without_opportunity(db):
    lead = new_lead(company_name="Contoso")
    result = leads.qualify(lead.id, 1, create_opportunity=False)
    assert result.opportunity_id is None and result.account_id and result.contact_id
    assert count("opportunity") == 0
    assert leads.get(lead.id).state == "qualified"


def test_qualify_with_account_only(db):
    lead = new_lead(company_name="Contoso")
    result = leads.qualify(lead.id, 1, create_contact=False)
    assert result.contact_id is None and count("contact") == 0
    opp = opportunities.get(result.opportunity_id)
    assert (opp.account_id, opp.contact_id) == (result.account_id, None)


@pytest.mark.parametrize("company", ["", "Contoso"])
def test_qualify_refuses_without_any_customer(db, company):
    lead = new_lead(company_name=company)
    with pytest.raises(DomainError, match="account or a contact"):
        leads.qualify(lead.id, 1, create_account=False, create_contact=False)
    assert leads.get(lead.id).state == "open"
    assert count("account") == count("contact") == count("opportunity") == 0


def test_qualify_links_existing_records_instead_of_creating(db):
    acme = accounts.create({"name": "Acme", "email": "info@acme.example"})
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "account_id": acme.id})
    lead = new_lead(company_name="ACME Corp.", email="Ann@Acme.example")
    before = (count("account"), count("contact"))
    result = leads.qualify(lead.id, 1, account_id=acme.id, contact_id=ann.id)
    assert (result.account_id, result.contact_id) == (acme.id, ann.id)
    assert (count("account"), count("contact")) == before
    # the linked records are not edited
    assert accounts.get(acme.id).version == 1 and contacts.get(ann.id).version == 1
    opp = opportunities.get(result.opportunity_id)
    assert (opp.account_id, opp.contact_id) == (acme.id, ann.id)
    lead = leads.get(lead.id)
    assert (lead.account_id, lead.contact_id) == (acme.id, ann.id)


def test_qualify_links_an_account_and_creates_the_contact_in_it(db):
    acme = accounts.create({"name": "Acme"})
    lead = new_lead(company_name="Acme")
    result = leads.qualify(lead.id, 1, account_id=acme.id)
    assert count("account") == 1
    assert contacts.get(result.contact_id).account_id == acme.id


def test_qualify_links_a_contact_of_another_account_without_moving_it(db):
    acme = accounts.create({"name": "Acme"})
    other = accounts.create({"name": "Other Co"})
    ann = contacts.create({"last_name": "Lee", "account_id": other.id})
    lead = new_lead(company_name="Acme")
    result = leads.qualify(lead.id, 1, account_id=acme.id, contact_id=ann.id)
    assert (result.account_id, result.contact_id) == (acme.id, ann.id)
    ann = contacts.get(ann.id)
    assert ann.account_id == other.id and ann.version == 1


def test_qualify_links_a_contact_and_creates_the_account(db):
    ann = contacts.create({"last_name": "Lee"})
    lead = new_lead(company_name="Contoso")
    result = leads.qualify(lead.id, 1, contact_id=ann.id)
    assert result.contact_id == ann.id and result.account_id
    assert accounts.get(result.account_id).name == "Contoso"
    assert contacts.get(ann.id).account_id is None  # not moved
    assert count("contact") == 1


@pytest.mark.parametrize("missing", ["account_id", "contact_id"])
def test_qualify_with_a_missing_record_changes_nothing(db, missing):
    lead = new_lead(company_name="Contoso")
    with pytest.raises(NotFound, match="#4242"):
        leads.qualify(lead.id, 1, **{missing: 4242})
    assert leads.get(lead.id).state == "open"
    assert count("account") == count("contact") == count("opportunity") == 0


def test_qualify_stale_version_changes_nothing(db):
    lead = new_lead(company_name="Contoso")
    leads.update(lead.id, 1, {"city": "Oslo"})
    with pytest.raises(ConflictError):
        leads.qualify(lead.id, 1)
    assert count("account") == count("contact") == count("opportunity") == 0


def test_qualify_is_one_transaction(db, monkeypatch):
    """A failure while making the opportunity leaves no account or contact behind."""
    lead = new_lead(company_name="Contoso")

    def broken(data):
        raise DomainError("no opportunities today")

    monkeypatch.setattr(opportunities, "create", broken)
    with pytest.raises(DomainError, match="no opportunities today"):
        leads.qualify(lead.id, 1)
    assert count("account") == count("contact") == 0
    lead = leads.get(lead.id)
    assert (lead.state, lead.account_id, lead.version) == ("open", None, 1)
    assert [r["action"] for r in audit.history("lead", lead.id)] == ["create"]


@pytest.mark.parametrize("close", ["qualify", "disqualify"])
def test_qualify_refuses_a_lead_that_is_not_open(db, close):
    lead = new_lead(company_name="Contoso")
    if close == "qualify":
        leads.qualify(lead.id, 1)
    else:
        leads.disqualify(lead.id, 1, "lost")
    before = (count("account"), count("contact"), count("opportunity"))
    lead = leads.get(lead.id)
    expected = {
        "qualified": "already qualified; reactivate it first to qualify it again",
        "disqualified": "disqualified; reactivate it first to qualify it",
    }[lead.state]
    with pytest.raises(DomainError, match=expected):
        leads.qualify(lead.id, lead.version)
    assert (count("account"), count("contact"), count("opportunity")) == before


def test_reactivate_after_qualify_keeps_what_was_made(db):
    lead = leads.create(FULL)
    result = leads.qualify(lead.id, 1)
    lead = leads.reactivate(lead.id, 2)
    assert (lead.state, lead.status_reason, lead.version) == ("open", "new", 3)
    # the links stay as history and the records are not deleted
    assert (lead.account_id, lead.contact_id, lead.opportunity_id) == (
        result.account_id,
        result.contact_id,
        result.opportunity_id,
    )
    assert accounts.get(result.account_id) and contacts.get(result.contact_id)
    assert opportunities.get(result.opportunity_id).state == "open"
    # qualifying again offers them, and linking them makes no duplicates
    found = leads.matches(lead.id)
    assert found.accounts[0]["id"] == result.account_id
    assert found.contacts[0]["id"] == result.contact_id
    again = leads.qualify(
        lead.id,
        3,
        account_id=result.account_id,
        contact_id=result.contact_id,
        create_opportunity=False,
    )
    assert (count("account"), count("contact"), count("opportunity")) == (1, 1, 1)
    assert again.opportunity_id is None
    lead = leads.get(lead.id)
    assert lead.state == "qualified" and lead.opportunity_id is None


# --- list and search ----------------------------------------------------------------


def test_views(db):
    sam = users.add("sam", "Sam Seller", "sales")
    mine = new_lead(last_name="Mine")
    theirs = leads.create({"last_name": "Theirs", "owner_id": sam.id})
    qualified = new_lead(last_name="Qualified", company_name="Q Co")
    leads.qualify(qualified.id, 1)
    gone = leads.disqualify(new_lead(last_name="Gone").id, 1, "lost")

    def ids(view):
        return {r["id"] for r in leads.page(view=view).rows}

    assert ids("my_open") == {mine.id}
    assert ids("open") == {mine.id, theirs.id}
    assert ids("qualified") == {qualified.id}
    assert ids("disqualified") == {gone.id}
    assert ids("all") == {mine.id, theirs.id, qualified.id, gone.id}
    assert set(leads.VIEWS) == set(leads.LIST.views)
    assert ids("open") == {r["id"] for r in leads.page().rows}  # open is the default
    with pytest.raises(DomainError, match="unknown view"):
        leads.page(view="active")


def test_page_rows_carry_display_columns(db):
    leads.create(FULL)
    row = leads.page(view="all").rows[0]
    assert row["name"] == row["full_name"] == "Ann Lee"
    assert row["company_name"] == "Contoso Ltd" and row["topic"] == "200 office chairs"
    assert (row["rating"], row["status_reason"], row["state"]) == ("hot", "new", "open")
    assert row["estimated_value"] == 1_250_050 and row["owner"] == db.full_name
    assert {"email", "phone", "version", "modified_at", "id"} <= set(row)


@pytest.mark.parametrize("sort", ["name", "modified"])
def test_keyset_paging(db, sort):
    for i in range(45):
        leads.create({"first_name": f"F{i}", "last_name": f"Last{i % 4}"})
    order = "name_sort, id" if sort == "name" else "modified_at DESC, id DESC"
    expected = [r["id"] for r in dict_rows(f"SELECT id FROM lead ORDER BY {order}")]
    page = leads.page(view="open", sort=sort, limit=10)
    seen = [r["id"] for r in page.rows]
    while page.more_after:
        page = leads.page(view="open", sort=sort, limit=10, after=page.keys[-1])
        seen += [r["id"] for r in page.rows]
    assert seen == expected


def test_search_finds_a_lead_by_its_company_and_details(db):
    lead = leads.create(FULL)
    new_lead(last_name="Other", company_name="Fabrikam")
    for typed in ("contoso", "Conto", "ann lee", "chairs", "london", "2079460958"):
        assert [r["id"] for r in leads.page(query=typed).rows] == [lead.id], typed
    assert [r["id"] for r in leads.find_by_name("contoso")] == [lead.id]
    # edits are indexed
    leads.update(lead.id, 1, {"company_name": "Northwind"})
    assert leads.page(query="ltd").rows == []
    assert [r["id"] for r in leads.page(query="northwind").rows] == [lead.id]


def test_search_respects_the_view(db):
    a = new_lead(company_name="Contoso East")
    b = new_lead(company_name="Contoso West")
    leads.disqualify(a.id, 1, "lost")
    assert [r["id"] for r in leads.page(view="open", query="contoso").rows] == [b.id]
    assert [r["id"] for r in leads.page(view="my_open", query="contoso").rows] == [b.id]
    assert [r["id"] for r in leads.page(view="disqualified", query="contoso").rows] == [a.id]
    assert len(leads.find_by_name("contoso")) == 2  # pickers see every lead


def test_search_folds_persian_company_names(db):
    # stored with Persian yeh and keheh, searched with Arabic ones
    lead = new_lead(company_name="شرکت کیمیا")
    assert [r["id"] for r in leads.page(query="كيميا").rows] == [lead.id]


# --- performance shape ------------------------------------------------------------


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_page_on_views_uses_indexes(db):
    new_lead()
    for view in ("my_open", "open", "qualified", "disqualified"):
        sql = (
            "EXPLAIN QUERY PLAN SELECT l.id FROM lead l WHERE "
            + leads.LIST.views[view].replace(":me", "1")
            + " ORDER BY l.name_sort, l.id LIMIT 100"
        )
        plan = " ".join(r[3] for r in database.execute_sql(sql))
        assert "INDEX lead_" in plan and "TEMP B-TREE" not in plan, (view, plan)


def test_qualify_makes_the_new_contact_the_new_accounts_primary_contact(db):
    lead = leads.create({"first_name": "Ana", "last_name": "Lima", "company_name": "Lima Foods"})
    done = leads.qualify(lead.id, lead.version)
    assert accounts.get(done.account_id).primary_contact_id == done.contact_id
