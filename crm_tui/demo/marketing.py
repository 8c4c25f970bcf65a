"""The demo's marketing: lists (static and dynamic), campaigns in each part
of their life, a trade show whose calls were made and whose responses became
leads, opportunities and a won deal, a launch whose email waits for the
company's mail server, a template, and sales literature with its files.

Everything goes through the services, as a salesperson who markets. Email
is queued, never sent: the demo has no SMTP server (crm-tui send says so).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from crm_tui.demo.context import Clock, SeedContext
from crm_tui.models import Contact
from crm_tui.services import session
from crm_tui.services.customers import activities, contacts
from crm_tui.services.marketing import (
    campaign_links,
    campaigns,
    distribution,
    list_members,
    lists,
    literature,
    literature_items,
    responses,
    steps,
)
from crm_tui.services.sales import leads, opportunities

MARKETING_SEED = 9
CATALOGUE = """# Product catalogue 2026

Laptops, docking stations and monitors for offices of every size.
Every laptop ships with a three-year warranty and next-day replacement.
"""
PRICES = """Price sheet, spring 2026
Office laptop 14": 1,150.00
Docking station: 240.00
27" monitor: 390.00
"""
WELCOME = """Dear {first_name},

Thank you for visiting our stand in Tehran. As promised, here is our
**spring offer**: 10% off every docking station ordered before the end of the month.

Reply to this email, or call your account manager, {owner}.
"""


def seed_marketing(ctx: SeedContext) -> None:
    """Add the marketing area to the demo being seeded in `ctx` (after sales),
    each step at the day it would have been taken."""
    clock = Clock(ctx.now)
    with clock.installed():
        _seed(ctx, clock)


def _at(clock: Clock, ctx: SeedContext, days_ago: float) -> None:
    clock.at = ctx.now - dt.timedelta(days=days_ago)


def _seed(ctx: SeedContext, clock: Clock) -> None:
    rng = random.Random(MARKETING_SEED)
    _at(clock, ctx, 70)
    marketer = next((u for u in ctx.team if u.role == "sales" and u.active), ctx.admin)
    session.act_as(marketer)
    people = list(Contact.select().where(Contact.state == "active").order_by(Contact.id))
    # a few people asked not to be marketed to
    for contact in rng.sample(people, 4):
        contacts.update(contact.id, contact.version, {"do_not_bulk_email": True})
    visitors = lists.create({"name": "Tehran trade show visitors", "member_type": "contact",
                             "purpose": "Follow up the stand's visitors", "source": "Badge scans"})  # fmt: skip
    list_members.add(visitors.id, [c.id for c in rng.sample(people, 18)])
    newsletter = lists.create({"name": "Newsletter: contacts in Iran", "member_type": "contact",
                               "dynamic": True, "query": "country:Iran",
                               "purpose": "Monthly news"})  # fmt: skip
    web = lists.create({"name": "Open web leads", "member_type": "lead", "dynamic": True,
                        "query": "source:web status:open", "purpose": "Nurture until qualified"})  # fmt: skip
    lists.count(newsletter.id)
    lists.count(web.id)
    brochure, prices = _literature()

    show = _trade_show(rng, visitors.id, lambda days: _at(clock, ctx, days))
    _at(clock, ctx, 9)
    launch = campaigns.create({"name": "Spring laptop launch", "campaign_type": "direct_marketing",
                               "budget": "6000", "other_cost": "450",
                               "proposed_start": "-7d", "proposed_end": "+21d",
                               "offer": "10% off docking stations"})  # fmt: skip
    _at(clock, ctx, 7)
    launch = campaigns.launch(launch.id, launch.version)
    campaign_links.add_list(launch.id, newsletter.id)
    literature.attach(brochure.id, "campaign", launch.id)
    literature.attach(prices.id, "campaign", launch.id)
    mail = steps.create(launch.id, {"subject": "Spring offer email", "channel": "email",
                                    "message_subject": "Spring offer for {first_name}",
                                    "message_body": WELCOME, "actual_cost": "120"})  # fmt: skip
    literature.attach(brochure.id, "campaign_activity", mail.id)
    _at(clock, ctx, 6)
    distribution.distribute(mail.id)
    _at(clock, ctx, 2)
    responses.log(launch.id, {"channel": "email", "first_name": "Parisa", "last_name": "Moradi",
                              "company_name": "Kavir Logistics", "email": "p.moradi@kavir.example",
                              "received_on": "-2d", "step_id": mail.id})  # fmt: skip

    _at(clock, ctx, 1)
    webinar = campaigns.create({"name": "Partner webinar", "campaign_type": "event",
                                "proposed_start": "+30d", "budget": "1500"})  # fmt: skip
    webinar = campaigns.mark_ready(webinar.id, webinar.version)
    campaign_links.add_list(webinar.id, visitors.id)
    steps.create(webinar.id, {"subject": "Invitation", "channel": "email",
                              "message_body": "Join our partner webinar, {first_name}."})  # fmt: skip
    campaign_links.copy(show.id, as_template=True, name="Trade show follow-up (template)")
    ads = campaigns.create({"name": "Print ads, autumn", "campaign_type": "advertisement",
                            "budget": "3000"})  # fmt: skip
    campaigns.cancel(ads.id, ads.version)
    session.act_as(ctx.admin)


def _literature():
    brochure = literature.create({"title": "Product catalogue 2026", "literature_type": "brochure",
                                  "subject": "Laptops and docking stations",
                                  "keywords": "laptop, warranty, docking"})  # fmt: skip
    literature_items.add(brochure.id, ("catalogue-2026.md", CATALOGUE.encode()))
    prices = literature.create({"title": "Spring price sheet", "literature_type": "price_sheet",
                                "expires_on": "+60d"})  # fmt: skip
    literature_items.add(prices.id, ("prices-spring.txt", PRICES.encode()))
    return brochure, prices


def _trade_show(rng: random.Random, list_id: int, at: Callable[[float], None]):
    """A completed event: its visitors called, six responses, four leads, two
    deals, one won (`at(days_ago)` sets the day of each step)."""
    at(66)
    show = campaigns.create({"name": "Tehran trade show 2026", "campaign_type": "event",
                             "budget": "9000", "other_cost": "5200",
                             "proposed_start": "-60d", "proposed_end": "-45d",
                             "expected_response": "10"})  # fmt: skip
    at(60)
    show = campaigns.launch(show.id, show.version)
    campaign_links.add_list(show.id, list_id)
    call = steps.create(show.id, {"subject": "Thank-you call", "channel": "phone",
                                  "actual_cost": "800"})  # fmt: skip
    at(44)
    distribution.distribute(call.id)
    for index, (activity_id, version) in enumerate(_open_calls(call.id)[:12]):
        at(43 - index / 2)
        activities.complete(activity_id, version)
    names = [("Reza", "Tavakoli", "Tabriz Print"), ("Sara", "Jafari", "Alborz Clinics"),
             ("Omid", "Karimi", "Caspian Foods"), ("Neda", "Rahimi", "Zagros Mining"),
             ("Ali", "Sadeghi", "Pars Textiles"), ("Mina", "Azizi", "Golestan Hotels")]  # fmt: skip
    made_leads = []
    for index, (first, last, company) in enumerate(names):
        at(42 - index * 2)
        response = responses.log(show.id, {
            "channel": rng.choice(["phone", "email", "web"]), "first_name": first,
            "last_name": last, "company_name": company,
            "email": f"{first.lower()}@{company.split()[0].lower()}.example",
            "received_on": f"-{42 - index * 2}d", "step_id": call.id,
        })  # fmt: skip
        if index < 4:
            at(35 - index)
            made_leads.append(responses.convert(response.id, topic="Laptops for the office"))
    for index, lead in enumerate(made_leads[:2]):
        at(28 - index)
        lead = leads.get(lead.id)
        qualified = leads.qualify(lead.id, lead.version)
        deal = opportunities.get(qualified.opportunity_id)
        if index == 0:
            at(12)
            opportunities.close_won(deal.id, deal.version, actual_revenue="23400",
                                    close_date="-12d")  # fmt: skip
    at(10)
    show = campaigns.get(show.id)
    return campaigns.complete(show.id, show.version)


def _open_calls(step_id: int) -> list[tuple[int, int]]:
    from crm_tui.db import database

    return [
        (row[0], row[1])
        for row in database.execute_sql(
            "SELECT a.id, a.version FROM campaign_distribution d JOIN activity a "
            "ON a.id = d.activity_id WHERE d.step_id = ? AND a.state = 'open' ORDER BY a.id",
            (step_id,),
        )
    ]
