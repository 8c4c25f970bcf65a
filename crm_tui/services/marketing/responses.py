"""Campaign responses (Dynamics' campaign responses): someone answered a
campaign, by any channel. A response is an activity (kind
campaign_response, regarding its campaign) with what it holds in
`campaign_response`: the channel, the day received, and who answered, an
existing customer or a new prospect's name and email. A response is
converted to a new lead that remembers its campaign (its opportunities
carry the campaign too), or linked to an existing lead or contact, found as
lead qualification finds them; either closes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta.marketing import MEMBER_TYPES
from crm_tui.models import Activity, CampaignResponse, Lead
from crm_tui.services import dates, records
from crm_tui.services.customers import activities
from crm_tui.services.marketing import campaigns
from crm_tui.services.sales import duplicates, leads
from crm_tui.services.sales.duplicates import Matches
from crm_tui.services.validate import Checker

CHANNELS = ("email", "phone", "letter", "fax", "appointment", "web", "other")
# who may respond: the kinds a list may hold
CUSTOMERS = tuple(MEMBER_TYPES)


class ResponseRow(TypedDict):
    """A response of a campaign."""

    id: int  # the activity's
    subject: str
    channel: str
    received_on: str  # ISO day
    state: str
    who: str  # the customer's name, or the prospect's
    email: str
    lead_id: int | None
    owner: str


@dataclass
class Found:
    """What a response looks like already: leads with its email, and the
    accounts and contacts lead qualification would offer."""

    leads: list[dict]
    matches: Matches


def _check(data: dict) -> dict:
    c = Checker(data)
    c.choice("channel", CHANNELS, required=True)
    c.date("received_on", label="received on", past=True)
    c.text("first_name", max_len=80, label="first name")
    c.text("last_name", max_len=80, label="last name")
    c.text("company_name", max_len=160, label="company")
    c.email("email")
    c.text("phone", max_len=40)
    values = c.done()
    if values.get("received_on") and values["received_on"] > dates.today():
        raise ValidationError({"received_on": "a response is received on a past day"})
    return values


def log(campaign_id: int, data: dict) -> Activity:
    """Log a response to a campaign: `channel`, `received_on` (a day, today
    by default), `customer` (kind, id) of an account, contact or lead, or a
    new prospect's first_name, last_name, company_name, email and phone;
    `subject`, `description` and the `step_id` it answers are optional."""
    values = _check(data)
    campaign = campaigns.get(campaign_id)
    if campaign.is_template:
        raise DomainError("a template receives no responses; copy it to a campaign")
    customer = data.get("customer")
    if customer is not None:
        kind, customer_id = customer
        if kind not in CUSTOMERS:
            raise ValidationError({"customer": "a response is from an account, contact or lead"})
        records.require(kind, int(customer_id))
    elif not (values.get("last_name") or values.get("company_name") or values.get("email")):
        raise ValidationError(
            {"customer": "say who responded: a customer, or a name, company or email"}
        )
    step_id = data.get("step_id")
    if step_id is not None:
        found = database.execute_sql(
            "SELECT 1 FROM campaign_activity WHERE id = ? AND campaign_id = ?",
            (step_id, campaign_id),
        ).fetchone()
        if found is None:
            raise ValidationError({"step_id": "that step is not one of this campaign's"})
    who = (
        records.title_of(customer[0], int(customer[1]))
        if customer
        else " ".join(x for x in (values.get("first_name"), values.get("last_name")) if x)
        or values.get("company_name")
        or values.get("email", "")
    )
    subject = (data.get("subject") or "").strip() or f"Response from {who}"
    parties = [("from", customer[0], int(customer[1]), "")] if customer else None
    with write():
        activity = activities.log(
            "campaign_response",
            subject[:200],
            regarding=("campaign", campaign_id),
            description=data.get("description", ""),
            direction="incoming",
            state="open",
            parties=parties,
        )
        records.insert_row(
            CampaignResponse,
            {
                "activity": activity.id,
                "campaign": campaign_id,
                "step": step_id,
                "channel": values["channel"],
                "received_on": values.get("received_on") or dates.today(),
                "customer_type": customer[0] if customer else None,
                "customer_id": int(customer[1]) if customer else None,
                **{k: values.get(k, "") for k in ("first_name", "last_name", "company_name",
                                                  "email", "phone")},
            },
        )  # fmt: skip
    return activity


def get(activity_id: int) -> CampaignResponse:
    """A response's details; NotFound if the activity is no response."""
    activities.get(activity_id)  # readable
    row = CampaignResponse.get_or_none(CampaignResponse.activity == activity_id)
    if row is None:
        raise NotFound("this activity is not a campaign response")
    return row


def similar(activity_id: int) -> Found:
    """Leads with the response's email and the accounts and contacts that
    look like it, as lead qualification finds them, to link to instead of
    making a duplicate."""
    response = get(activity_id)
    same_email = []
    if response.email:
        same_email = dict_rows(
            "SELECT id, full_name AS name, company_name, email, state FROM lead "
            "WHERE email = ? COLLATE NOCASE ORDER BY state != 'open', id DESC LIMIT 20",
            (response.email,),
        )
    return Found(
        same_email,
        duplicates.find(email=response.email, phone=response.phone, company=response.company_name),
    )


def _close(activity_id: int) -> None:
    activity = activities.get(activity_id)
    if activity.state == "open":
        activities.complete(activity_id, activity.version)


def convert(activity_id: int, *, topic: str = "") -> Lead:
    """Turn a response into a new lead from the prospect's details (or its
    customer's), remembering the campaign; the response is closed."""
    response = get(activity_id)
    if response.lead_id is not None:
        raise DomainError("this response was converted already; open its lead")
    campaign = campaigns.get(response.__data__["campaign"])
    data = {
        "first_name": response.first_name,
        "last_name": response.last_name or response.company_name or response.email,
        "company_name": response.company_name,
        "email": response.email,
        "phone": response.phone,
        "topic": topic.strip() or campaign.name,
        "campaign_id": campaign.id,
    }
    if response.customer_type in ("contact", "account"):
        customer = records.require(response.customer_type, response.customer_id)
        if response.customer_type == "contact":
            data.update(first_name=customer.first_name, last_name=customer.last_name,
                        email=customer.email, phone=customer.phone)  # fmt: skip
        else:
            data.update(last_name=customer.name, company_name=customer.name,
                        email=customer.email, phone=customer.phone)  # fmt: skip
    elif response.customer_type == "lead":
        raise DomainError("this response is from a lead: link it to that lead instead")
    with write():
        lead = leads.create(data)
        _link(activity_id, lead.id)
    return leads.get(lead.id)


def link_lead(activity_id: int, lead_id: int) -> Lead:
    """Count a response as an existing lead's (it gets the campaign if it
    has none); the response is closed."""
    get(activity_id)
    with write():
        lead = leads.get(lead_id)
        if lead.campaign_id is None:
            records.update_versioned(
                "lead",
                lead_id,
                lead.version,
                {"campaign_id": get(activity_id).__data__["campaign"]},
            )
        _link(activity_id, lead_id)
    return leads.get(lead_id)


def link_contact(activity_id: int, contact_id: int) -> None:
    """Count a response as an existing contact's (no lead is made); the
    response is closed."""
    response = get(activity_id)
    records.require("contact", contact_id)
    with write():
        database.execute_sql(
            "UPDATE campaign_response SET customer_type = 'contact', customer_id = ? "
            "WHERE activity_id = ?",
            (contact_id, activity_id),
        )
        records.audit(
            "activity", activity_id, "response linked",
            {"customer": (response.customer_type, records.title_of("contact", contact_id))},
        )  # fmt: skip
        _close(activity_id)


def _link(activity_id: int, lead_id: int) -> None:
    database.execute_sql(
        "UPDATE campaign_response SET lead_id = ? WHERE activity_id = ?", (lead_id, activity_id)
    )
    records.audit(
        "activity", activity_id, "response converted",
        {"lead": (None, records.title_of("lead", lead_id))},
    )  # fmt: skip
    _close(activity_id)


def of_campaign(campaign_id: int, limit: int = 500) -> list[ResponseRow]:
    """The campaign's responses, newest first."""
    rows = dict_rows(
        "SELECT a.id AS id, a.subject AS subject, r.channel AS channel, "
        "r.received_on AS received_on, a.state AS state, r.customer_type AS customer_type, "
        "r.customer_id AS customer_id, trim(r.first_name || ' ' || r.last_name) AS prospect, "
        "r.company_name AS company_name, r.email AS email, r.lead_id AS lead_id, "
        "u.full_name AS owner FROM campaign_response r JOIN activity a ON a.id = r.activity_id "
        'JOIN "user" u ON u.id = a.owner_id WHERE r.campaign_id = ? '
        "ORDER BY r.received_on DESC, a.id DESC LIMIT ?",
        (campaign_id, limit),
    )
    for kind in CUSTOMERS:
        names = records.titles_of(
            kind, [r["customer_id"] for r in rows if r["customer_type"] == kind]
        )
        for row in rows:
            if row["customer_type"] == kind:
                row["who"] = names.get(row["customer_id"], "(deleted)")
    for row in rows:
        row.setdefault("who", row["prospect"] or row["company_name"] or row["email"])
        for key in ("customer_type", "customer_id", "prospect", "company_name"):
            row.pop(key)
    return rows
