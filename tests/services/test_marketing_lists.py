"""Marketing lists: static members added and removed (by id and by query),
dynamic lists evaluated through the query language, the copy to a static
list, the lists a record is on, preferences, and who may change a list."""

from __future__ import annotations

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import DomainError, PermissionDenied, ValidationError
from crm_tui.models import User
from crm_tui.services import audit, session, users
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.marketing import list_members, lists
from crm_tui.services.sales import leads


def people(cities: dict[str, str]) -> dict[str, int]:
    return {
        name: contacts.create({"last_name": name, "city": city, "email": f"{name}@x.example"}).id
        for name, city in cities.items()
    }


def test_a_static_list_holds_its_members_once_and_counts_them(db):
    ids = people({"Ames": "Tehran", "Bahar": "Shiraz", "Cyrus": "Tehran"})
    lst = lists.create({"name": " Newsletter ", "member_type": "contact", "purpose": "News"})
    assert (lst.name, lst.dynamic, lst.member_count, lst.state) == ("Newsletter", 0, 0, "active")
    assert list_members.add(lst.id, [ids["Ames"], ids["Bahar"], ids["Ames"]]) == 2
    assert list_members.add(lst.id, [ids["Ames"], ids["Cyrus"]]) == 1
    assert lists.get(lst.id).member_count == 3 == lists.count(lst.id)
    names = [r["name"] for r in list_members.page(lst.id).rows]
    assert names == ["Ames", "Bahar", "Cyrus"]
    assert [r["name"] for r in list_members.page(lst.id, "city:Tehran").rows] == ["Ames", "Cyrus"]
    assert list_members.remove(lst.id, [ids["Bahar"], 999999]) == 1
    assert lists.get(lst.id).member_count == 2
    # the count's changes are the list's history; its version is not moved
    assert lists.get(lst.id).version == 1
    history = audit.history_view("marketing_list", lst.id)
    assert [e.action for e in history].count("Members") == 3
    assert any("2" in str(c) and "3" in str(c) for c in history[1].changes)


def test_members_of_another_kind_or_unknown_ids_are_passed_over(db):
    account = accounts.create({"name": "Contoso"})
    (cid,) = people({"Dara": "Tabriz"}).values()
    lst = lists.create({"name": "Buyers", "member_type": "contact"})
    assert list_members.add(lst.id, [cid, 424242]) == 1
    assert list_members.add(lst.id, []) == 0
    assert lists.get(lst.id).member_count == 1
    assert account.id  # an account id is a contact id only by chance: nothing checked by it


def test_add_matching_adds_what_a_query_finds(db):
    people({"Ames": "Tehran", "Bahar": "Shiraz", "Cyrus": "Tehran"})
    lst = lists.create({"name": "Tehran", "member_type": "contact"})
    assert list_members.add_matching(lst.id, "city:Tehran") == 2
    assert list_members.add_matching(lst.id, "city:Tehran") == 0
    with pytest.raises(DomainError, match="city"):
        list_members.add_matching(lst.id, "citty:Tehran")


def test_a_dynamic_list_is_what_its_query_finds_when_used(db):
    people({"Ames": "Tehran", "Bahar": "Shiraz"})
    lst = lists.create(
        {"name": "Tehran people", "member_type": "contact", "dynamic": True, "query": "city:Tehran"}
    )
    assert lists.count(lst.id) == 1
    assert lists.get(lst.id).member_count == 1 and lists.get(lst.id).evaluated_at is not None
    people({"Cyrus": "Tehran"})
    assert [r["name"] for r in list_members.page(lst.id).rows] == ["Ames", "Cyrus"]
    assert lists.count(lst.id) == 2
    with pytest.raises(DomainError, match="dynamic"):
        list_members.add(lst.id, [1])
    copy = list_members.copy_to_static(lst.id)
    assert (copy.name, copy.dynamic, copy.member_count) == ("Tehran people (static)", 0, 2)
    people({"Dara": "Tehran"})
    assert lists.count(copy.id) == 2 and lists.count(lst.id) == 3
    with pytest.raises(DomainError, match="already static"):
        list_members.copy_to_static(copy.id)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "member_type": "contact"}, "name", "required"),
        ({"name": "L", "member_type": "case"}, "member_type", "not one of"),
        ({"name": "L"}, "member_type", "required"),
        ({"name": "L", "member_type": "lead", "dynamic": True}, "query", "needs a query"),
        ({"name": "L", "member_type": "lead", "query": "city:x"}, "query", "only a dynamic"),
        ({"name": "L", "member_type": "lead", "dynamic": 1, "query": "colour:red"}, "query", ""),
        ({"name": "L", "member_type": "lead", "dynamic": "maybe"}, "dynamic", "yes or no"),
    ],
)
def test_bad_lists_are_refused_naming_the_field(db, data, field, message):
    with pytest.raises(ValidationError) as caught:
        lists.create(data)
    assert message in caught.value.errors[field]


def test_member_type_and_static_or_dynamic_are_fixed(db):
    lst = lists.create({"name": "L", "member_type": "lead"})
    with pytest.raises(ValidationError, match="fixed"):
        lists.update(lst.id, lst.version, {"member_type": "contact"})
    with pytest.raises(ValidationError, match="stays static or dynamic"):
        lists.update(lst.id, lst.version, {"dynamic": True, "query": "city:x"})
    lst = lists.update(lst.id, lst.version, {"name": "Leads 2027", "purpose": "Spring"})
    assert [r["name"] for r in lists.find_by_name("spring")] == ["Leads 2027"]


def test_lists_of_a_record_name_static_and_dynamic_lists(db):
    lead = leads.create({"last_name": "Rahimi", "city": "Tehran"})
    other = leads.create({"last_name": "Other", "city": "Yazd"})
    static = lists.create({"name": "B static", "member_type": "lead"})
    list_members.add(static.id, [lead.id])
    lists.create({"name": "A dynamic", "member_type": "lead", "dynamic": 1, "query": "city:Tehran"})
    lists.create({"name": "Contacts", "member_type": "contact"})
    assert [r["name"] for r in lists.lists_of("lead", lead.id)] == ["A dynamic", "B static"]
    assert lists.lists_of("lead", other.id) == []
    lists.deactivate(static.id, lists.get(static.id).version)
    assert [r["name"] for r in lists.lists_of("lead", lead.id)] == ["A dynamic"]
    with pytest.raises(DomainError, match="inactive"):
        list_members.add(static.id, [other.id])


def test_preferences_are_yes_or_no_on_accounts_contacts_and_leads(db):
    contact = contacts.create({"last_name": "Quiet", "do_not_email": "yes", "do_not_phone": 1})
    assert (contact.do_not_email, contact.do_not_phone, contact.do_not_mail) == (1, 1, 0)
    account = accounts.create({"name": "Quiet Co", "do_not_bulk_email": True})
    assert account.do_not_bulk_email == 1
    lead = leads.create({"last_name": "Quiet", "do_not_mail": "no"})
    assert lead.do_not_mail == 0
    with pytest.raises(ValidationError, match="yes or no"):
        contacts.update(contact.id, contact.version, {"do_not_email": "perhaps"})


def test_members_are_read_and_changed_by_the_lists_rules(db):
    users.add("aria", "Aria Agent", "agent")
    users.add("sam", "Sam Sales", "sales")
    ids = people({"Ames": "Tehran"})
    mine = lists.create({"name": "Admin's", "member_type": "contact"})
    session.act_as(User.get(User.login == "aria"))
    with pytest.raises(PermissionDenied, match="create privilege on marketing lists"):
        lists.create({"name": "Agent's", "member_type": "contact"})
    with pytest.raises(PermissionDenied, match="write privilege on marketing lists"):
        list_members.add(mine.id, ids.values())
    session.act_as(User.get(User.login == "sam"))
    own = lists.create({"name": "Sam's", "member_type": "contact"})
    assert list_members.add(own.id, ids.values()) == 1
    assert dict_rows("SELECT count(*) AS n FROM list_member")[0]["n"] == 1
