"""Activity parties: who a call was with, whom an email went to, a meeting's
attendee; checked (there, readable, a clean address), audited, shown on the
timeline in a few words, and offered as a name is typed."""

from __future__ import annotations

import json

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import NotFound, PermissionDenied, ValidationError
from crm_tui.models import User
from crm_tui.services import roles, session, users
from crm_tui.services.customers import accounts, activities, activity_parties, contacts
from crm_tui.services.customers.party_choices import default_party, party_choices
from crm_tui.services.sales import leads
from crm_tui.services.support import cases


@pytest.fixture
def acme(db):
    return accounts.create({"name": "Acme"})


@pytest.fixture
def ana(acme):
    return contacts.create(
        {
            "first_name": "Ana",
            "last_name": "Díaz",
            "account_id": acme.id,
            "email": "ana@acme.example",
            "phone": "+44 20 7946 0958",
        }
    )


def count(table: str) -> int:
    return dict_rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def test_a_call_with_a_contact_is_stored_with_the_phone_used_and_shown(acme, ana):
    call = activities.log(
        "phone_call",
        "Renewal",
        regarding=("account", acme.id),
        parties=[(activity_parties.participation("phone_call"), "contact", ana.id, "")],
    )
    [party] = activities.parties_of(call.id)
    assert (party["participation"], party["party_type"], party["party_id"]) == (
        "to",
        "contact",
        ana.id,
    )
    assert party["address"] == ana.phone  # the number used, as stored
    [row] = activities.history(("account", acme.id))[0]
    assert row["parties"] == "with Ana Díaz"


def test_an_email_shows_the_address_it_went_to_and_more_parties_as_a_count(acme, ana):
    bo = contacts.create({"first_name": "Bo", "last_name": "Ek", "account_id": acme.id})
    email = activities.log(
        "email",
        "Quote attached",
        regarding=("account", acme.id),
        parties=[("to", "contact", ana.id, ""), ("cc", "contact", bo.id, "")],
    )
    assert [p["address"] for p in activities.parties_of(email.id)] == ["ana@acme.example", ""]
    assert activities.history(("account", acme.id))[0][0]["parties"] == "to ana@acme.example +1"
    incoming = activities.log(
        "email", "Re: quote", direction="incoming", parties=[("from", None, None, "x@y.example")]
    )
    assert activity_parties.party_words([incoming.id]) == {incoming.id: "from x@y.example"}


def test_a_meeting_attendee_is_open_on_the_timeline(acme, ana):
    activities.log(
        "appointment",
        "Site visit",
        regarding=("account", acme.id),
        parties=[(activity_parties.participation("appointment"), "contact", ana.id, "")],
    )
    [row] = activities.open_items(("account", acme.id))
    assert row["parties"] == "with Ana Díaz"


def test_a_typed_address_is_cleaned_and_an_email_needs_an_email_address(acme):
    call = activities.log(
        "phone_call", "Cold call", parties=[("to", None, None, " 0161\x1b[31m 496 0000 ")]
    )
    assert activities.parties_of(call.id)[0]["address"] == "0161 496 0000"
    with pytest.raises(ValidationError) as excinfo:
        activities.log("email", "x", parties=[("to", None, None, "not an address")])
    assert "is not an email address" in excinfo.value.errors["parties"]
    with pytest.raises(ValidationError) as excinfo:
        activities.log("email", "x", parties=[("to", None, None, "  ")])
    assert "name a contact, account or lead" in excinfo.value.errors["parties"]
    with pytest.raises(ValidationError) as excinfo:
        activities.log("email", "x", parties=[("to", None, None, "a@b.example" * 30)])
    assert "the limit is 254" in excinfo.value.errors["parties"]
    with pytest.raises(ValidationError) as excinfo:
        activities.log("email", "x", parties=[("to", "product", 1, "")])
    assert "not 'product'" in excinfo.value.errors["parties"]
    assert count("activity") == 1


def test_a_party_that_does_not_exist_is_refused_and_nothing_is_logged(acme):
    with pytest.raises(NotFound, match="contact #999"):
        activities.log("phone_call", "x", parties=[("to", "contact", 999, "")])
    assert count("activity") == 0 and count("activity_party") == 0


def test_a_party_the_person_may_not_read_is_refused_and_hidden(db, acme):
    users.add("aria", "Aria Agent", "agent")
    secret = contacts.create({"first_name": "Sam", "last_name": "Secret", "email": "s@x.example"})
    logged = activities.log(
        "phone_call",
        "Known",
        regarding=("account", acme.id),
        parties=[("to", "contact", secret.id, "")],
    )
    roles.set_depth("agent", "contact", "read", "own")
    session.act_as(User.get(User.login == "aria"))
    try:
        with pytest.raises(PermissionDenied, match="no read privilege on contacts"):
            activities.log("phone_call", "x", parties=[("to", "contact", secret.id, "")])
        # the timeline does not name them either: only the number that was used, if any
        assert activity_parties.party_words([logged.id]) == {logged.id: "with someone"}
        assert party_choices(("account", acme.id), "phone_call", "secret") == []
    finally:
        session.act_as(User.get(User.login == "tester"))
        roles.set_depth("agent", "contact", "read", "org")


def test_the_parties_are_audited_with_the_activity(acme, ana):
    call = activities.log("phone_call", "Audited", parties=[("to", "contact", ana.id, "")])
    entries = dict_rows(
        "SELECT action, changes FROM audit_entry WHERE record_type = 'activity' "
        "AND record_id = ? ORDER BY id",
        (call.id,),
    )
    assert [e["action"] for e in entries] == ["create", "parties"]
    assert json.loads(entries[1]["changes"]) == {
        "parties": [None, [f"to contact #{ana.id} {ana.phone}"]]
    }


def test_choices_offer_the_regarding_records_people_first(acme, ana):
    other = accounts.create({"name": "Other"})
    contacts.create({"first_name": "Ana", "last_name": "Zed", "account_id": other.id})
    lead = leads.create({"first_name": "Ana", "last_name": "Lead", "company_name": "Leadco"})
    names = [c["name"] for c in party_choices(("account", acme.id), "phone_call", "ana")]
    assert names[0] == "Ana Díaz"
    assert "Ana Zed" in names and "Ana Lead (lead)" in names
    assert len(names) == len(set(names))
    case = cases.create({"title": "Broken", "account_id": acme.id, "contact_id": ana.id})
    assert party_choices(("case", case.id), "email", "díaz")[0]["id"] == ("contact", ana.id, "")
    # an address typed in full is offered as it is, first
    typed = party_choices(("account", acme.id), "email", "new@acme.example")
    assert typed[0] == {"id": (None, None, "new@acme.example"), "name": "new@acme.example"}
    assert party_choices(None, "phone_call", "+1 555 0100")[0]["id"] == (None, None, "+1 555 0100")
    assert party_choices(None, "email", "+1 555 0100") == []
    assert lead.id  # found above by name


def test_the_contact_an_activity_regards_is_its_default_party(acme, ana):
    assert default_party(("contact", ana.id)) == {"id": ("contact", ana.id, ""), "name": "Ana Díaz"}
    assert default_party(("account", acme.id)) is None
    assert default_party(None) is None


def test_a_case_answered_starts_with_its_customer_contact(acme, ana):
    # a colleague of Ana's at the same account comes first by name
    contacts.create({"first_name": "Aaron", "last_name": "Abel", "account_id": acme.id})
    with_contact = cases.create({"title": "Broken", "account_id": acme.id, "contact_id": ana.id})
    without = cases.create({"title": "Slow", "account_id": acme.id})
    assert default_party(("case", with_contact.id)) == {
        "id": ("contact", ana.id, ""),
        "name": "Ana Díaz",
    }
    # a case about the account alone starts with nobody, not its first contact
    assert default_party(("case", without.id)) is None
