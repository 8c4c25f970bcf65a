"""The demo's sales side: teams, competitors, the product catalogue and its
price lists, and leads; demo_deals adds the pipeline and its quotes, orders
and invoices.

Like the rest of the demo, everything goes through the services, acting as
the users who would have done it. The services stamp records with the time
of the write; to give the sales records a believable history (a lead
created in the spring, qualified in the summer, its opportunity moved
through the stages since) the seeder sets that time with a Clock while it
seeds. Its own random generator keeps the core demo data as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from crm_tui.models import Account, Contact, Lead, PriceList, Product, User
from crm_tui.services import dates, records, session, users
from crm_tui.services.customers import accounts, activities
from crm_tui.services.sales import competitors, leads, lines, products

if TYPE_CHECKING:
    from crm_tui.demo import _Seeder

SALES_SEED = 2718
CATALOGUE_DAYS_AGO = 200  # products, price lists and competitors were set up then
LEGACY_RETIRED_DAYS_AGO = 45
# Leads from the prospects list, by state (the duplicates in demo_sales.json come on top).
PROSPECT_STATES = {"new": 12, "contacted": 9, "qualified": 5, "disqualified": 8}
LEAD_SOURCES = {
    "web": 9, "trade_show": 4, "partner": 3, "employee_referral": 2, "external_referral": 3,
    "seminar": 3, "advertisement": 2, "word_of_mouth": 2, "public_relations": 1, "other": 1,
}  # fmt: skip
RATINGS = {"hot": 3, "warm": 4, "cold": 3}
# Who sells: the demo's admin (the person running it) has a pipeline of their own.
SELLER_WEIGHTS = {"admin": 3, "sales": 3, "manager": 1}
TEAMS = {"admin": "Sales", "manager": "Sales", "sales": "Sales", "agent": "Support"}


@cache
def load() -> dict:
    """The sales pools shipped in crm_tui/data/demo_sales.json."""
    source = resources.files("crm_tui.data") / "demo_sales.json"
    return json.loads(source.read_text(encoding="utf-8"))


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


class Clock:
    """The time the services stamp writes with while seeding: `at`, set by
    the seeder before each step. Installed in the service modules that read
    the time of a write; always restored."""

    MODULES = (records, lines, activities, users)

    def __init__(self, now: dt.datetime):
        self.at = now

    def __call__(self) -> dt.datetime:
        return self.at

    @contextmanager
    def installed(self) -> Iterator[Clock]:
        saved = [module.utcnow for module in self.MODULES]
        for module in self.MODULES:
            module.utcnow = self
        try:
            yield self
        finally:
            for module, original in zip(self.MODULES, saved, strict=True):
                module.utcnow = original


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


class SalesSeeder:
    def __init__(self, core: _Seeder):
        self.core = core
        self.data = load()
        self.rng = random.Random(SALES_SEED)
        self.now = core.now
        self.today = dates.today()
        self.clock = Clock(self.now)
        self.sellers = [u for u in core.team if u.role in SELLER_WEIGHTS]
        self.seller_weights = [SELLER_WEIGHTS[u.role] for u in self.sellers]
        self.products: dict[str, Product] = {}
        self.price_lists: list[PriceList] = []
        self.competitors: list[int] = []
        # Deals demo_deals works from qualified leads: (customer, opportunity id,
        # qualified at, the kind of deal the lead asked about).
        self.qualified: list[tuple[Customer, int, dt.datetime, str]] = []

    def run(self) -> None:
        from crm_tui.demo.deals import DealSeeder

        with self.clock.installed():
            self.add_teams()
            self.add_competitors()
            self.add_catalogue()
            with default_price_list(self.price_lists[0].name):
                self.add_leads()
                DealSeeder(self).run()
            self.retire_legacy()

    # --- time ------------------------------------------------------------------------------

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
        if preferred is not None and preferred.role in SELLER_WEIGHTS and preferred.active:
            return preferred
        return self.rng.choices(self.sellers, self.seller_weights)[0]

    def manager(self) -> User:
        return next((u for u in self.sellers if u.role == "manager"), self.core.admin)

    # --- set-up ----------------------------------------------------------------------------

    def add_teams(self) -> None:
        self.at(self.past(CATALOGUE_DAYS_AGO + 10), self.core.admin)
        for user in self.core.team:
            users.set_team(user.login, TEAMS[user.role])

    def add_competitors(self) -> None:
        manager = self.manager()
        for index, spec in enumerate(self.data["competitors"]):
            self.at(self.past(CATALOGUE_DAYS_AGO - index * 6), manager)
            self.competitors.append(competitors.create(spec).id)

    def add_catalogue(self) -> None:
        admin = self.core.admin
        self.at(self.past(CATALOGUE_DAYS_AGO + 5), admin)
        for spec in self.data["products"]:
            product = products.create(
                {
                    "product_number": spec["number"],
                    "name": spec["name"],
                    "product_type": spec["type"],
                    "unit": spec["unit"],
                    "list_price": spec["list"],
                    "cost": spec["cost"],
                    "description": spec["description"],
                }
            )
            self.products[spec["number"]] = product
        self.at(self.past(CATALOGUE_DAYS_AGO + 2), admin)
        for spec in self.data["products"]:
            if spec.get("state") != "draft":
                product = self.products[spec["number"]]
                self.products[spec["number"]] = products.activate(product.id, product.version)
        begins = dt.date(self.now.year, 1, 1)
        for spec in self.data["price_lists"]:
            self.at(self.past(CATALOGUE_DAYS_AGO), self.manager())
            price_list = products.create_price_list(
                {
                    "name": spec["name"].format(year=self.now.year),
                    "begins_on": begins.isoformat(),
                    "description": spec["description"],
                }
            )
            for item in self.data["products"]:
                if item.get("state") != "draft":
                    number = item["number"]
                    products.set_item(price_list.id, self.products[number].id, item[spec["price"]])
            self.price_lists.append(price_list)

    def retire_legacy(self) -> None:
        self.at(self.past(LEGACY_RETIRED_DAYS_AGO), self.core.admin)
        for spec in self.data["products"]:
            if spec.get("state") == "retired":
                product = products.get(self.products[spec["number"]].id)
                products.retire(product.id, product.version)

    # --- leads -----------------------------------------------------------------------------

    def add_leads(self) -> None:
        rng = self.rng
        plan: list[tuple[str, dict]] = []
        for index, dup in enumerate(self.data["lead_duplicates"]):
            state = dup["state"]
            if state == "open":
                state = "contacted" if index % 2 else "new"
            plan.append((state, self._duplicate_lead(dup)))
        states = [s for s, n in PROSPECT_STATES.items() for _ in range(n)]
        rng.shuffle(states)
        for state, prospect in zip(states, self.data["prospects"], strict=False):
            plan.append((state, self._prospect_lead(prospect)))
        reasons = list(leads.DISQUALIFY_REASONS) * 2
        for state, spec in plan:
            self._add_lead(state, spec, reasons)

    def _duplicate_lead(self, dup: dict) -> dict:
        """A lead for a company we already have: the qualify step offers the match."""
        account = Account.get(Account.name == dup["account"])
        company = next(c for c in self.core.data["companies"] if c["name"] == dup["account"])
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
            culture = self.data["lead_cultures"].get(account.country, "english")
            spec.update(self._person(culture, native=False, domain=company["domain"]))
            spec["website"] = f"www.{company['domain']}"
            spec["phone"] = self._phone(account.country, account.city)
        return spec

    def _prospect_lead(self, prospect: dict) -> dict:
        rng = self.rng
        native = not prospect["name"].isascii()
        culture = self.data["lead_cultures"][prospect["country"]]
        spec = {
            "company_name": prospect["name"],
            "country": prospect["country"],
            "city": prospect["city"],
            **self._person(culture, native=native, domain=prospect["domain"]),
        }
        if rng.random() < 0.8:
            spec["phone"] = self._phone(prospect["country"], prospect["city"])
        if rng.random() < 0.6:
            spec["website"] = f"www.{prospect['domain']}"
        spec["_native"] = native
        return spec

    def _person(self, culture: str, *, native: bool, domain: str) -> dict:
        from crm_tui.demo import _ascii

        pool = self.core.data["names"][culture]
        for _ in range(30):
            first, last = self.rng.choice(pool["first"]), self.rng.choice(pool["last"])
            if pool.get("native"):
                (first_native, first_latin), (last_native, last_latin) = first, last
                first, last = (first_native, last_native) if native else (first_latin, last_latin)
            else:
                first_latin, last_latin = first, last
            if (first, last) not in self.core.used_names:
                break
        self.core.used_names.add((first, last))
        local = f"{_ascii(first_latin)}.{_ascii(last_latin)}"
        return {
            "first_name": first,
            "last_name": last,
            "job_title": self.rng.choice(self.data["lead_titles"]),
            "email": self.core._email(local, domain),
        }

    def _phone(self, country: str, city: str) -> str:
        return self.core._phone(country, city, rng=self.rng)

    def _add_lead(self, state: str, spec: dict, reasons: list[str]) -> None:
        rng = self.rng
        owner = self.seller(spec.pop("_owner", None))
        native = spec.pop("_native", False)
        n = rng.choice([5, 8, 12, 20, 35, 60])
        topics = self.data["lead_topics_fa"] if native else self.data["lead_topics"]
        value = rng.choice([None, *range(5, 250, 5)])
        topic, deal = rng.choice(topics)
        data = {
            **spec,
            "topic": topic.format(n=n),
            "source": rng.choices(list(LEAD_SOURCES), list(LEAD_SOURCES.values()))[0],
            "rating": rng.choices(list(RATINGS), list(RATINGS.values()))[0],
            "estimated_value": f"{value * 1000}.00" if value else "",
            "description": rng.choice(self.data["lead_descriptions"]),
            "owner_id": owner.id,
        }
        start = {"new": (0.3, 14), "contacted": (3, 35), "qualified": (40, 110)}.get(
            state, (10, 120)
        )
        created, worked, closed = self.times(*start, 3)
        self.at(created, owner)
        lead = leads.create(data)
        if state in ("contacted", "qualified") or (state == "disqualified" and rng.random() < 0.5):
            self.at(worked)
            self._log_lead_call(lead)
            lead = leads.mark_contacted(lead.id, lead.version)
        self.at(closed)
        if state == "disqualified":
            leads.disqualify(lead.id, lead.version, reasons.pop(0))
        elif state == "qualified":
            self._qualify(lead, owner, closed, deal)

    def _log_lead_call(self, lead: Lead) -> None:
        kind = self.rng.choice(["phone_call", "phone_call", "email"])
        extra = (
            {"duration_minutes": self.rng.choice([5, 10, 15, 20])} if kind == "phone_call" else {}
        )
        activities.log(
            kind,
            self.rng.choice(self.data["lead_activities"]),
            regarding=("lead", lead.id),
            direction="outgoing",
            **extra,
        )

    def _qualify(self, lead: Lead, owner: User, when: dt.datetime, deal: str) -> None:
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
        self.qualified.append((customer, done.opportunity_id, when, deal))
