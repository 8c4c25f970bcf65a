"""The demo's sales side: teams, competitors, the product catalogue and its
price lists, leads, and the pipeline with its quotes, orders and invoices.

Like the rest of the demo, everything goes through the services, acting as
the users who would have done it, at times the SalesContext's Clock sets
(see crm_tui.demo.sales_context). The steps run in this order because each
draws from the sales generator in turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from crm_tui.demo.catalogue import add_catalogue, add_competitors, add_teams, retire_legacy
from crm_tui.demo.context import SeedContext
from crm_tui.demo.deals import DealSeeder
from crm_tui.demo.leads import add_leads
from crm_tui.demo.sales_context import SalesContext
from crm_tui.models import PriceList
from crm_tui.services import session
from crm_tui.services.sales import products


def demo_default_price_list() -> PriceList | None:
    """The price list the demo prices from: the one its settings name if the
    demo database has it, else the first the demo created (its default)."""
    return products.default_price_list() or PriceList.select().order_by(PriceList.id).first()


@contextmanager
def default_price_list(name: str) -> Iterator[None]:
    """Settings naming `name` as the default price list, for a while."""
    before = session.settings()
    session.configure(replace(before, default_price_list=name))
    try:
        yield
    finally:
        session.configure(before)


def seed_sales(ctx: SeedContext) -> None:
    """Add the sales side to the demo being seeded in `ctx` (after its
    customers and their history, while everyone still works there)."""
    sales = SalesContext(ctx)
    with sales.clock.installed():
        add_teams(sales)
        add_competitors(sales)
        add_catalogue(sales)
        with default_price_list(sales.price_lists[0].name):
            add_leads(sales)
            DealSeeder(sales).run()
        retire_legacy(sales)
