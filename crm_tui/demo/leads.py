"""The demo's leads: web-form leads from companies the demo already has
(the qualify step offers the match), and the prospects of demo_sales.json,
new, contacted, qualified or disqualified. A qualified lead's opportunity
is noted in the SalesContext for the deal seeder to work on.
"""

from __future__ import annotations

import datetime as dt

from crm_tui.demo.context import email_part
from crm_tui.demo.sales_context import Customer, SalesContext
from crm_tui.models import Account, Contact, Lead, User
from crm_tui.services.customers import accounts, activities
from crm_tui.services.sales import leads

# Leads from the prospects list, by state (the duplicates in demo_sales.json come on top).
PROSPECT_STATES = {"new": 12, "contacted": 9, "qualified": 5, "disqualified": 8}
LEAD_SOURCES = {
    "web": 9, "trade_show": 4, "partner": 3, "employee_referral": 2, "external_referral": 3,
    "seminar": 3, "advertisement": 2, "word_of_mouth": 2, "public_relations": 1, "other": 1,
}  # fmt: skip
RATINGS = {"hot": 3, "warm": 4, "cold": 3}


def add_leads(sales: SalesContext) -> None:
    """Leads for companies the demo has (the duplicate check finds them) and
    from the prospects list, each taken as far as its state: contacted,
    qualified (an account, contact and opportunity) or disqualified."""
    rng = sales.rng
    plan: list[tuple[str, dict]] = []
    for index, dup in enumerate(sales.data["lead_duplicates"]):
        state = dup["state"]
        if state == "open":
            state = "contacted" if index % 2 else "new"
        plan.append((state, _duplicate_lead(sales, dup)))
    states = [s for s, n in PROSPECT_STATES.items() for _ in range(n)]
    rng.shuffle(states)
    for state, prospect in zip(states, sales.data["prospects"], strict=False):
        plan.append((state, _prospect_lead(sales, prospect)))
    reasons = list(leads.DISQUALIFY_REASONS) * 2
    for state, spec in plan:
        _add_lead(sales, state, spec, reasons)


def _duplicate_lead(sales: SalesContext, dup: dict) -> dict:
    """A lead for a company we already have: the qualify step offers the match."""
    account = Account.get(Account.name == dup["account"])
    company = next(c for c in sales.ctx.data["companies"] if c["name"] == dup["account"])
    spec = {
        "company_name": dup["company"],
        "country": account.country,
        "city": account.city,
        "_owner": User.get_by_id(account.owner_id),
    }
    if dup["same_email"]:
        # Someone we know filled in the web form: same person, same email.
        person = (
            Contact.select()
            .where((Contact.account == account.id) & (Contact.email != ""))
            .order_by(Contact.id.desc())
            .first()
        )
        spec.update(
            first_name=person.first_name,
            last_name=person.last_name,
            job_title=person.job_title,
            email=person.email,
            phone=person.phone,
        )
    else:
        culture = sales.data["lead_cultures"].get(account.country, "english")
        spec.update(_person(sales, culture, native=False, domain=company["domain"]))
        spec["website"] = f"www.{company['domain']}"
        spec["phone"] = sales.phone(account.country, account.city)
    return spec


def _prospect_lead(sales: SalesContext, prospect: dict) -> dict:
    rng = sales.rng
    native = not prospect["name"].isascii()
    culture = sales.data["lead_cultures"][prospect["country"]]
    spec = {
        "company_name": prospect["name"],
        "country": prospect["country"],
        "city": prospect["city"],
        **_person(sales, culture, native=native, domain=prospect["domain"]),
    }
    if rng.random() < 0.8:
        spec["phone"] = sales.phone(prospect["country"], prospect["city"])
    if rng.random() < 0.6:
        spec["website"] = f"www.{prospect['domain']}"
    spec["_native"] = native
    return spec


def _person(sales: SalesContext, culture: str, *, native: bool, domain: str) -> dict:
    pool = sales.ctx.data["names"][culture]
    for _ in range(30):
        first, last = sales.rng.choice(pool["first"]), sales.rng.choice(pool["last"])
        if pool.get("native"):
            (first_native, first_latin), (last_native, last_latin) = first, last
            first, last = (first_native, last_native) if native else (first_latin, last_latin)
        else:
            first_latin, last_latin = first, last
        if (first, last) not in sales.ctx.used_names:
            break
    sales.ctx.used_names.add((first, last))
    local = f"{email_part(first_latin)}.{email_part(last_latin)}"
    return {
        "first_name": first,
        "last_name": last,
        "job_title": sales.rng.choice(sales.data["lead_titles"]),
        "email": sales.ctx.email(local, domain),
    }


def _add_lead(sales: SalesContext, state: str, spec: dict, reasons: list[str]) -> None:
    rng = sales.rng
    owner = sales.seller(spec.pop("_owner", None))
    native = spec.pop("_native", False)
    n = rng.choice([5, 8, 12, 20, 35, 60])
    topics = sales.data["lead_topics_fa"] if native else sales.data["lead_topics"]
    value = rng.choice([None, *range(5, 250, 5)])
    topic, deal = rng.choice(topics)
    data = {
        **spec,
        "topic": topic.format(n=n),
        "source": rng.choices(list(LEAD_SOURCES), list(LEAD_SOURCES.values()))[0],
        "rating": rng.choices(list(RATINGS), list(RATINGS.values()))[0],
        "estimated_value": f"{value * 1000}.00" if value else "",
        "description": rng.choice(sales.data["lead_descriptions"]),
        "owner_id": owner.id,
    }
    start = {"new": (0.3, 14), "contacted": (3, 35), "qualified": (40, 110)}.get(state, (10, 120))
    created, worked, closed = sales.times(*start, 3)
    sales.at(created, owner)
    lead = leads.create(data)
    if state in ("contacted", "qualified") or (state == "disqualified" and rng.random() < 0.5):
        sales.at(worked)
        _log_lead_call(sales, lead)
        lead = leads.mark_contacted(lead.id, lead.version)
    sales.at(closed)
    if state == "disqualified":
        leads.disqualify(lead.id, lead.version, reasons.pop(0))
    elif state == "qualified":
        _qualify(sales, lead, owner, closed, deal)


def _log_lead_call(sales: SalesContext, lead: Lead) -> None:
    kind = sales.rng.choice(["phone_call", "phone_call", "email"])
    extra = {"duration_minutes": sales.rng.choice([5, 10, 15, 20])} if kind == "phone_call" else {}
    activities.log(
        kind,
        sales.rng.choice(sales.data["lead_activities"]),
        regarding=("lead", lead.id),
        direction="outgoing",
        **extra,
    )


def _qualify(sales: SalesContext, lead: Lead, owner: User, when: dt.datetime, deal: str) -> None:
    """Qualify as a person would: link the account and contact the
    duplicate check offers, create what is new."""
    found = leads.matches(lead.id)
    account_id = next((a["id"] for a in found.accounts if a["state"] == "active"), None)
    contact_id = next((c["id"] for c in found.contacts if "same email" in c["why"]), None)
    done = leads.qualify(
        lead.id,
        lead.version,
        account_id=account_id,
        contact_id=contact_id,
        create_contact=contact_id is None,
    )
    account = accounts.get(done.account_id)
    people = [
        cid
        for (cid,) in Contact.select(Contact.id)
        .where(Contact.account == account.id)
        .order_by(Contact.id)
        .tuples()
    ]
    lang = "en" if account.name.isascii() else "fa"
    customer = Customer(
        account.id,
        done.contact_id,
        account.name,
        account.country,
        lang,
        owner,
        people,
        account.employees or 0,
    )
    sales.qualified.append((customer, done.opportunity_id, when, deal))
