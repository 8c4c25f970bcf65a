"""The demo data set: a believable, international CRM to explore with
`crm-tui --demo`, kept in its own database file so it never touches real data.

Everything is created through the services, so validation, audit entries and
the search index are exactly what people working the desk would produce, and
the seeder acts as different users so owners and authors vary. A fixed random
seed makes the data the same every time apart from "today": all dates are
relative to the moment of seeding (half a year of history, open work ahead).
This module is the face: where the demo lives, how to seed and open it.
The seeding is done area by area, each seeder given the one SeedContext
(crm_tui.demo.context): the people (demo.customers), their history and open
work (demo.history), the sales side (demo.sales: catalogue, leads, deals,
orders), the service side (demo.service) and the knowledge base (demo.kb).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from crm_tui import config
from crm_tui.config import Settings
from crm_tui.db import write
from crm_tui.models import (
    Account,
    Activity,
    Competitor,
    Contact,
    Invoice,
    Lead,
    Note,
    Opportunity,
    PriceList,
    Product,
    Quote,
    SalesOrder,
    User,
)
from crm_tui.services import access, session


def demo_path() -> Path:
    """Where the demo database lives: next to, never instead of, the real one."""
    return config.data_dir() / "demo.db"


def counts() -> dict[str, int]:
    """How many of each record the open database holds."""
    return {
        "users": User.select().count(),
        "accounts": Account.select().count(),
        "contacts": Contact.select().count(),
        "activities": Activity.select().count(),
        "notes": Note.select().count(),
        "competitors": Competitor.select().count(),
        "products": Product.select().count(),
        "price_lists": PriceList.select().count(),
        "leads": Lead.select().count(),
        "opportunities": Opportunity.select().count(),
        "quotes": Quote.select().count(),
        "orders": SalesOrder.select().count(),
        "invoices": Invoice.select().count(),
    }


def seed(login: str) -> dict[str, int]:
    """Fill the open database with the demo data set, once.

    `login` is the signed-in admin; the demo users are added next to them.
    A database that already has accounts is left alone. Returns counts().
    """
    if Account.select().exists():
        return counts()
    admin = session.sign_in(login)
    try:
        # One transaction: quicker, and a seeding that fails leaves nothing
        # behind (a half-seeded demo would never be seeded again).
        # The demo's people write what their roles would not let them (an
        # agent's own quote); the data set, not the rules, is seeded here.
        with write(), access.unchecked():
            # Checked again under the write lock: another first start may have won.
            if not Account.select().exists():
                _seed_all(admin)
    finally:
        session.sign_in(login)
    return counts()


def open_demo(settings: Settings | None = None) -> User:
    """Open (creating on first use) the demo database as the OS login, seed
    it if it is empty, and return the signed-in user.

    New quotes price from the demo's default price list unless the settings
    name another one the demo database has (a real database's list names
    mean nothing here)."""
    from crm_tui.demo.sales import demo_default_price_list
    from crm_tui.runtime import open_for_user

    user = open_for_user(demo_path(), settings)
    if not Account.select().exists():
        # seeding takes several seconds: say why the screen is still empty
        print(
            f"crm-tui: creating the demo database at {demo_path()} (first start only) …",
            file=sys.stderr,
        )
    seed(user.login)
    price_list = demo_default_price_list()
    if price_list is not None and price_list.name != session.settings().default_price_list:
        session.configure(replace(session.settings(), default_price_list=price_list.name))
    return session.current_user()


def _seed_all(admin: User) -> None:
    # Imported only to seed: reopening a seeded demo skips most of them.
    from crm_tui.demo.context import SeedContext, load
    from crm_tui.demo.customers import seed_people
    from crm_tui.demo.history import add_departures, add_history, add_open_work
    from crm_tui.demo.kb import seed_kb
    from crm_tui.demo.marketing import seed_marketing
    from crm_tui.demo.reporting import seed_reporting
    from crm_tui.demo.sales import seed_sales
    from crm_tui.demo.service import seed_service
    from crm_tui.demo.workflow import seed_workflow

    # The areas draw from one random generator in turn: this order is part
    # of the data set.
    ctx = SeedContext.start(load(), admin)
    seed_people(ctx)
    add_history(ctx)
    add_open_work(ctx)
    # Before the departures: deals are made while everyone still works there.
    seed_sales(ctx)
    seed_service(ctx)
    seed_kb(ctx)
    seed_marketing(ctx)
    add_departures(ctx)
    seed_reporting(ctx)
    seed_workflow(ctx)
