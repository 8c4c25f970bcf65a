"""What the demo's sales seeders share: their own random generator and
data pools (demo_sales.json), the Clock that back-dates their writes, the
sellers, and what the earlier steps made (products, price lists,
competitors, the opportunities of qualified leads) for the later ones.

The services stamp records with the time of the write; to give the sales
records a believable history (a lead created in the spring, qualified in
the summer, its opportunity moved through the stages since) the seeders
set that time with the Clock while they seed. The generator of their own
keeps the core demo data as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from crm_tui.demo.context import Clock, SeedContext
from crm_tui.models import PriceList, Product, User
from crm_tui.services import dates, session

SALES_SEED = 2718
# Who sells: the demo's admin (the person running it) has a pipeline of their own.
SELLER_WEIGHTS = {"admin": 3, "sales": 3, "manager": 1}


@cache
def load() -> dict:
    """The sales pools shipped in crm_tui/data/demo_sales.json."""
    source = resources.files("crm_tui.data") / "demo_sales.json"
    return json.loads(source.read_text(encoding="utf-8"))


@dataclass
class Customer:
    """Who a deal is for: an account (with its people) or a contact."""

    account_id: int | None
    contact_id: int | None
    name: str
    country: str
    lang: str = "en"
    owner: User | None = None
    people: list[int] = field(default_factory=list)
    employees: int = 0


class SalesContext:
    """The sales seeders' shared state and time helpers, on top of the demo's
    SeedContext `ctx`."""

    def __init__(self, ctx: SeedContext):
        self.ctx = ctx
        self.data = load()
        self.rng = random.Random(SALES_SEED)
        self.now = ctx.now
        self.today = dates.today()
        self.clock = Clock(self.now)
        self.sellers = [u for u in ctx.team if u.role in SELLER_WEIGHTS]
        self.seller_weights = [SELLER_WEIGHTS[u.role] for u in self.sellers]
        self.products: dict[str, Product] = {}
        self.price_lists: list[PriceList] = []
        self.competitors: list[int] = []
        # Deals the deal seeder works from qualified leads: (customer,
        # opportunity id, qualified at, the kind of deal the lead asked about).
        self.qualified: list[tuple[Customer, int, dt.datetime, str]] = []

    def at(self, when: dt.datetime, user: User | None = None) -> None:
        """Let the next writes happen at `when`, by `user` if given."""
        self.clock.at = min(when, self.now - dt.timedelta(minutes=1))
        if user is not None:
            session.act_as(user)

    def past(self, days_ago: float) -> dt.datetime:
        """A time in working hours on a weekday about `days_ago` back, before now."""
        day = (self.now - dt.timedelta(days=days_ago)).date()
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        clock = dt.time(self.rng.randint(8, 17), self.rng.randrange(0, 60, 5))
        when = dt.datetime.combine(day, clock, tzinfo=dt.UTC)
        if when >= self.now - dt.timedelta(minutes=5):
            when = self.now - dt.timedelta(minutes=self.rng.randint(10, 120))
        return when

    def times(self, start_days_ago: float, end_days_ago: float, count: int) -> list[dt.datetime]:
        """`count` times between the two, in order."""
        low, high = sorted((start_days_ago, end_days_ago))
        return sorted(self.past(self.rng.uniform(low, high)) for _ in range(count))

    def day_of(self, when: dt.datetime) -> dt.date:
        """The day `when` falls on where the user is (close dates are local days)."""
        return min(when.astimezone(dates.configured_zone()).date(), self.today)

    def seller(self, preferred: User | None = None) -> User:
        """`preferred` if they sell and still work here, else a seller by weight."""
        if preferred is not None and preferred.role in SELLER_WEIGHTS and preferred.active:
            return preferred
        return self.rng.choices(self.sellers, self.seller_weights)[0]

    def manager(self) -> User:
        """The sales manager (the admin when there is none)."""
        return next((u for u in self.sellers if u.role == "manager"), self.ctx.admin)

    def phone(self, country: str, city: str) -> str:
        """A landline in `city`, drawn from the sales generator."""
        return self.ctx.phone(country, city, rng=self.rng)
