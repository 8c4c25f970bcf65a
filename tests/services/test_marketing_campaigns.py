"""Campaigns: their states and refusals, templates and copies, target lists
and products; steps distributed to the lists' members once, with the members
whose preferences refuse the channel suppressed, counted and listed."""

from __future__ import annotations

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import DomainError, ValidationError
from crm_tui.services import users
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.marketing import (
    campaign_links,
    campaigns,
    distribution,
    list_members,
    lists,
    steps,
)
from crm_tui.services.sales import leads, products
from crm_tui.services.support import queues


def launched(name: str = "Spring offer", **data):
    campaign = campaigns.create({"name": name, **data})
    return campaigns.launch(campaign.id, campaign.version)


def contact_list(*people: dict, name: str = "Customers"):
    lst = lists.create({"name": name, "member_type": "contact"})
    ids = [contacts.create({"last_name": "Person", **p}).id for p in people]
    list_members.add(lst.id, ids)
    return lst, ids


def test_a_campaign_moves_through_its_states(db):
    campaign = campaigns.create(
        {"name": "Spring", "campaign_type": "event", "budget": "1000", "proposed_start": "2027-03-01",
         "proposed_end": "2027-03-31", "expected_response": "5"}
    )  # fmt: skip
    assert (campaign.number, campaign.state, campaign.budget) == ("CMP-00001", "proposed", 100000)
    campaign = campaigns.mark_ready(campaign.id, campaign.version)
    with pytest.raises(DomainError, match="only a launched campaign can be suspended"):
        campaigns.suspend(campaign.id, campaign.version)
    campaign = campaigns.launch(campaign.id, campaign.version)
    assert campaign.state == "launched" and campaign.actual_start is not None
    campaign = campaigns.suspend(campaign.id, campaign.version)
    campaign = campaigns.launch(campaign.id, campaign.version)
    campaign = campaigns.complete(campaign.id, campaign.version)
    assert campaign.actual_end is not None
    with pytest.raises(DomainError, match="reopen it to change it"):
        campaigns.update(campaign.id, campaign.version, {"name": "Later"})
    campaign = campaigns.reopen(campaign.id, campaign.version)
    assert (campaign.state, campaign.actual_end) == ("proposed", None)
    campaign = campaigns.cancel(campaign.id, campaign.version)
    assert [r["name"] for r in campaigns.page(view="closed").rows] == ["Spring"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "C", "campaign_type": "radio"}, "campaign_type", "not one of"),
        ({"name": "C", "expected_response": "120"}, "expected_response", "0-100"),
        ({"name": "C", "budget": "-5"}, "budget", "positive"),
        (
            {"name": "C", "proposed_start": "2027-03-10", "proposed_end": "2027-03-01"},
            "proposed_end",
            "before",
        ),
    ],
)
def test_bad_campaigns_are_refused_naming_the_field(db, data, field, message):
    with pytest.raises(ValidationError) as caught:
        campaigns.create(data)
    assert message in caught.value.errors[field]


def test_a_template_is_copied_with_its_lists_products_and_steps(db):
    source = campaigns.create({"name": "Webinar", "campaign_type": "event", "offer": "Free seat"})
    lst, _ = contact_list({"email": "a@x.example"})
    campaign_links.add_list(source.id, lst.id)
    with pytest.raises(DomainError, match="already a list"):
        campaign_links.add_list(source.id, lst.id)
    product = products.create({"product_number": "P-1", "name": "Widget", "list_price": "10"})
    campaign_links.add_product(source.id, product.id)
    steps.create(
        source.id, {"subject": "Invite", "channel": "email", "message_body": "Hi {first_name}"}
    )
    template = campaign_links.copy(source.id, as_template=True, name="Webinar template")
    assert (template.is_template, template.offer, template.state) == (1, "Free seat", "proposed")
    with pytest.raises(DomainError, match="is a template"):
        campaigns.launch(template.id, template.version)
    copy = campaign_links.copy(template.id, as_template=False, name="Webinar May")
    assert copy.number == "CMP-00003" and copy.copied_from.id == template.id
    assert [r["name"] for r in campaign_links.lists_of(copy.id)] == ["Customers"]
    assert [r["name"] for r in campaign_links.products_of(copy.id)] == ["Widget"]
    assert [(s["subject"], s["state"], s["created"]) for s in steps.of_campaign(copy.id)] == [
        ("Invite", "open", 0)
    ]
    assert [r["name"] for r in campaigns.page(view="templates").rows] == ["Webinar template"]


def test_a_step_goes_to_each_member_once_and_suppresses_who_refuses(db):
    campaign = launched()
    lst, ids = contact_list(
        {"first_name": "Ana", "email": "ana@x.example"},
        {"first_name": "Bo", "email": "bo@x.example", "do_not_email": True},
        {"first_name": "Cy", "email": ""},
        {"first_name": "Di", "email": "di@x.example", "do_not_bulk_email": True},
    )
    campaign_links.add_list(campaign.id, lst.id)
    # the same contact on a second list is still one member
    second = lists.create({"name": "Also", "member_type": "contact"})
    list_members.add(second.id, ids[:1])
    campaign_links.add_list(campaign.id, second.id)
    step = steps.create(
        campaign.id,
        {"subject": "Offer", "channel": "email", "message_subject": "Hi {first_name}",
         "message_body": "Dear {name},\n\n**20%** off."},
    )  # fmt: skip
    run = distribution.distribute(step.id)
    assert (run.total, run.created, run.suppressed) == (4, 1, 3)
    reasons = {r["reason"] for r in distribution.suppressed(step.id)}
    assert reasons == {"do not email", "no email address", "no marketing email"}
    activity = dict_rows("SELECT kind, state, subject, regarding_id FROM activity")
    assert activity == [
        {"kind": "email", "state": "open", "subject": "Hi Ana", "regarding_id": ids[0]}
    ]
    mail = dict_rows("SELECT to_address, subject, body_text, state FROM mail_message")
    assert mail == [
        {"to_address": "ana@x.example", "subject": "Hi Ana",
         "body_text": "Dear Ana Person,\n\n**20%** off.", "state": "queued"}
    ]  # fmt: skip
    # run again, after a new member joins: only the new one is given it
    list_members.add(lst.id, [contacts.create({"last_name": "New", "email": "n@x.example"}).id])
    again = distribution.distribute(step.id)
    assert (again.total, again.created, again.suppressed) == (1, 1, 0)
    assert dict_rows("SELECT count(*) AS n FROM mail_message")[0]["n"] == 2
    assert distribution.distribute(step.id).total == 0
    row = steps.of_campaign(campaign.id)[0]
    assert (row["created"], row["suppressed"], row["queued"]) == (2, 3, 2)


def test_distribution_needs_a_launched_campaign_and_an_open_step(db):
    campaign = campaigns.create({"name": "Not yet"})
    step = steps.create(campaign.id, {"subject": "Call", "channel": "phone"})
    with pytest.raises(DomainError, match="launch the campaign"):
        distribution.start(step.id)
    campaign = campaigns.launch(campaign.id, campaign.version)
    step = steps.cancel(step.id, step.version)
    with pytest.raises(DomainError, match="reopen it"):
        distribution.start(step.id)
    email = steps.create(campaign.id, {"subject": "Mail", "channel": "email"})
    with pytest.raises(DomainError, match="write the message"):
        distribution.start(email.id)
    with pytest.raises(ValidationError, match="not a field"):
        steps.create(campaign.id, {"subject": "x", "channel": "email", "message_body": "{salary}"})


def test_owners_are_the_members_owners_a_user_or_a_queue_in_turn(db):
    users.add("ana", "Ana", "sales")
    users.add("ben", "Ben", "sales")
    team = {u.login: u.id for u in users.all_users()}
    campaign = launched()
    lst = lists.create({"name": "Leads", "member_type": "lead"})
    ids = [leads.create({"last_name": f"L{i}", "phone": "+982155551234"}).id for i in range(4)]
    list_members.add(lst.id, ids)
    campaign_links.add_list(campaign.id, lst.id)
    queue = queues.create({"name": "Callers"})
    queues.add_member(queue.id, team["ana"])
    queues.add_member(queue.id, team["ben"])
    by_queue = steps.create(
        campaign.id,
        {"subject": "Call", "channel": "phone", "assign_to": "queue", "queue_id": queue.id},
    )
    distribution.distribute(by_queue.id)
    owners = [r["owner_id"] for r in dict_rows("SELECT owner_id FROM activity ORDER BY id")]
    assert owners == [team["ana"], team["ben"], team["ana"], team["ben"]]
    by_user = steps.create(
        campaign.id, {"subject": "Letter", "channel": "letter", "assign_to": "user",
                      "assignee_id": team["ben"]}
    )  # fmt: skip
    distribution.distribute(by_user.id)
    assert {
        r["owner_id"] for r in dict_rows("SELECT owner_id FROM activity WHERE kind = 'letter'")
    } == {team["ben"]}
    with pytest.raises(ValidationError, match="choose the user"):
        steps.create(campaign.id, {"subject": "x", "channel": "phone", "assign_to": "user"})


def test_an_account_list_and_a_dynamic_list_are_distributed_too(db):
    campaign = launched()
    accounts.create({"name": "Contoso", "city": "Tehran", "phone": "+982155550000"})
    accounts.create({"name": "Fabrikam", "city": "Tehran", "phone": "+982155550001",
                     "do_not_phone": True})  # fmt: skip
    accounts.create({"name": "Elsewhere", "city": "Yazd", "phone": "+982155550002"})
    lst = lists.create(
        {"name": "Tehran", "member_type": "account", "dynamic": True, "query": "city:Tehran"}
    )
    campaign_links.add_list(campaign.id, lst.id)
    step = steps.create(campaign.id, {"subject": "Call", "channel": "phone"})
    run = distribution.distribute(step.id)
    assert (run.total, run.created, run.suppressed) == (2, 1, 1)
    assert distribution.suppressed(step.id)[0]["name"] == "Fabrikam"
