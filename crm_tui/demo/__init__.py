"""The demo data set: a believable, international CRM to explore with
`crm-tui --demo`, kept in its own database file so it never touches real data.

Everything is created through the services, so validation, audit entries and
the search index are exactly what people working the desk would produce, and
the seeder acts as different users so owners and authors vary. A fixed random
seed makes the data the same every time apart from "today": all dates are
relative to the moment of seeding (half a year of history, open work ahead).
The sales side (leads, the pipeline, products, quotes, orders, invoices and
competitors) is seeded by demo_sales and demo_deals, the service side (queues,
cases, contracts, resources and bookings) by demo_service.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path

import phonenumbers

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
from crm_tui.services import access, session, users
from crm_tui.services.customers import accounts, activities, contacts, notes

SEED = 1729
HISTORY_DAYS = 182
CONTACTS = 150
STANDALONE_CONTACTS = 10
PAST_ACTIVITIES = 300
NOTES = 90
UPCOMING_TASKS = 22
OVERDUE_TASKS = 10
DUE_TODAY = 4
UPCOMING_MEETINGS = 8
CALLS_WITH_FOLLOW_UP = 10
INTERNAL_TASKS = 3
CONTACTS_WHO_LEFT = 3

# How often each kind happened, for the past activities.
PAST_KINDS = {"phone_call": 34, "email": 32, "appointment": 12, "task": 12, "letter": 6, "fax": 1}
# What each role mostly works on.
TEAMS = {
    "agent": ("support",),
    "sales": ("sales", "sales", "billing"),
    "manager": ("sales", "billing"),
    "admin": ("support", "billing", "sales"),
}
# Who owns accounts, by role: salespeople own most of them.
OWNER_WEIGHTS = {"sales": 5, "admin": 3, "manager": 2, "agent": 1}
MEETING_PLACES = ["Microsoft Teams", "Zoom", "Customer office", "Our office", "Google Meet"]
STANDALONE_CULTURES = [
    "english", "german", "persian", "indian", "spanish",
    "nigerian", "french", "persian", "japanese", "arabic",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_ASCII = str.maketrans({"ı": "i", "ø": "o", "æ": "ae", "ß": "ss", "œ": "oe", "ł": "l", "đ": "d"})


def demo_path() -> Path:
    """Where the demo database lives: next to, never instead of, the real one."""
    return config.data_dir() / "demo.db"


@cache
def load() -> dict:
    """The demo data pools shipped in crm_tui/data/demo.json."""
    source = resources.files("crm_tui.data") / "demo.json"
    return json.loads(source.read_text(encoding="utf-8"))


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
                _Seeder(load(), admin).run()
    finally:
        session.sign_in(login)
    return counts()


def open_demo(settings: Settings | None = None) -> User:
    """Open (creating on first use) the demo database as the OS login, seed
    it if it is empty, and return the signed-in user.

    New quotes price from the demo's default price list unless the settings
    name another one the demo database has (a real database's list names
    mean nothing here)."""
    from crm_tui.demo import sales as demo_sales
    from crm_tui.runtime import open_for_user

    user = open_for_user(demo_path(), settings)
    if not Account.select().exists():
        # seeding takes several seconds: say why the screen is still empty
        print("crm-tui: creating the demo database (first start only)…", file=sys.stderr)
    seed(user.login)
    price_list = demo_sales.demo_default_price_list()
    if price_list is not None and price_list.name != session.settings().default_price_list:
        session.configure(replace(session.settings(), default_price_list=price_list.name))
    return session.current_user()


def _ascii(value: str) -> str:
    """A name as an email address part: Müller -> muller, O'Connor -> oconnor."""
    folded = unicodedata.normalize("NFKD", value.lower().translate(_ASCII))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


@dataclass
class _Target:
    """Something activities and notes regard: an account with its people,
    or a contact on their own."""

    regarding: tuple[str, int]
    name: str
    lang: str  # en, fa or ar: which subject pools fit
    owner: User
    people: list[Contact] = field(default_factory=list)
    inactive: bool = False
    weight: float = 1.0


class _Seeder:
    def __init__(self, data: dict, admin: User):
        self.data = data
        self.admin = admin
        self.rng = random.Random(SEED)
        self.now = dt.datetime.now(dt.UTC)
        self.team: list[User] = [admin]
        self.targets: list[_Target] = []
        self.latin_first: dict[int, str] = {}
        self.used_names: set[tuple[str, str]] = set()
        self.used_emails: set[str] = set()
        self.culture_countries: dict[str, list[str]] = {}
        for country, spec in data["countries"].items():
            for culture in spec["cultures"]:
                self.culture_countries.setdefault(culture, []).append(country)

    # --- the whole run ------------------------------------------------------

    def run(self) -> None:
        from crm_tui.demo.kb import seed_kb
        from crm_tui.demo.sales import SalesSeeder
        from crm_tui.demo.service import seed_service

        self.add_users()
        self.add_accounts()
        self.add_standalone_contacts()
        self.add_history()
        self.add_open_work()
        # Before finish(): deals are made while everyone still works there.
        SalesSeeder(self).run()
        seed_service(self)
        seed_kb(self)
        self.finish()

    def add_users(self) -> None:
        session.act_as(self.admin)
        for spec in self.data["users"]:
            existing = User.get_or_none(User.login == spec["login"])
            if existing is None:
                existing = users.add(spec["login"], spec["full_name"], spec["role"])
            if existing.active and existing.id != self.admin.id:
                self.team.append(existing)

    # --- accounts and their people -------------------------------------------

    def add_accounts(self) -> None:
        companies = self.data["companies"]
        featured: dict[str, list[dict]] = {}
        for person in self.data["featured_contacts"]:
            featured.setdefault(person["company"], []).append(person)
        sizes = self._contact_counts(companies, featured)
        owner_weights = [OWNER_WEIGHTS[u.role] for u in self.team]
        by_name: dict[str, Account] = {}
        for number, spec in enumerate(companies, start=1):
            parent = by_name.get(spec.get("parent", ""))
            if parent is not None:
                owner = User.get_by_id(parent.owner_id)
            else:
                owner = self.rng.choices(self.team, owner_weights)[0]
            culture = spec.get("culture") or self.data["countries"][spec["country"]]["cultures"][0]
            native = spec.get("script") == "native"
            lang = {"persian": "fa", "arabic": "ar"}.get(culture, "en") if native else "en"
            session.act_as(owner)
            account = accounts.create(
                {
                    "name": spec["name"],
                    "account_number": f"ACC-{1000 + number * 7:05d}",
                    "industry": spec["industry"],
                    "phone": self._phone(spec["country"], spec["city"]),
                    "email": f"{self.rng.choice(['info', 'hello', 'office', 'contact'])}@"
                    f"{spec['domain']}",
                    "website": f"www.{spec['domain']}",
                    "street": spec.get("street", ""),
                    "city": spec["city"],
                    "state_province": spec.get("state_province", ""),
                    "postal_code": spec.get("postal_code", ""),
                    "country": spec["country"],
                    "annual_revenue": str(spec["revenue"]),
                    "employees": spec["employees"],
                    "description": spec.get("description", ""),
                }
            )
            by_name[spec["name"]] = account
            target = _Target(
                ("account", account.id),
                spec["name"],
                lang,
                owner,
                inactive=bool(spec.get("inactive")),
                weight=math.log10(spec["employees"]),
            )
            email_format = self.rng.choice(["first.last", "first.last", "flast", "first_last"])
            people = featured.get(spec["name"], [])
            for index in range(sizes[spec["name"]]):
                person = people[index] if index < len(people) else None
                target.people.append(
                    self._add_contact(
                        spec, account, owner, culture, native, lang, email_format, index, person
                    )
                )
            changes: dict = {"primary_contact_id": target.people[0].id}
            if parent is not None:
                changes["parent_id"] = parent.id
            accounts.update(account.id, account.version, changes)
            self.targets.append(target)

    def _contact_counts(self, companies: list[dict], featured: dict) -> dict[str, int]:
        """People per account: at least two, bigger companies more, 140 in all."""
        sizes = {c["name"]: max(2, len(featured.get(c["name"], []))) for c in companies}
        weights = [math.log10(c["employees"]) ** 2 for c in companies]
        for _ in range(CONTACTS - STANDALONE_CONTACTS - sum(sizes.values())):
            sizes[self.rng.choices(companies, weights)[0]["name"]] += 1
        return sizes

    def _add_contact(
        self,
        spec: dict,
        account: Account,
        owner: User,
        culture: str,
        native: bool,
        lang: str,
        email_format: str,
        index: int,
        person: dict | None,
    ) -> Contact:
        if person is not None:
            first, first_latin = person["first"]
            last, last_latin = person["last"]
            self.used_names.add((first, last))
            title = person["title"]
        else:
            if index > 0 and not native and self.rng.random() < 0.1:
                # people move: an expat now and then (never the primary contact)
                culture = self.rng.choice(sorted(self.data["names"]))
            first, last, first_latin, last_latin = self._name(culture, native)
            titles = self.data["titles"][lang]
            title = self.rng.choice(titles["senior"] if index == 0 else titles["other"])
        local = {
            "first.last": f"{_ascii(first_latin)}.{_ascii(last_latin)}",
            "flast": f"{_ascii(first_latin)[:1]}{_ascii(last_latin)}",
            "first_last": f"{_ascii(first_latin)}_{_ascii(last_latin)}",
        }[email_format]
        contact_owner = owner if self.rng.random() < 0.85 else self.rng.choice(self.team)
        session.act_as(owner)
        contact = contacts.create(
            {
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "account_id": account.id,
                "email": self._email(local, spec["domain"]),
                "phone": self._phone(spec["country"], spec["city"]),
                "mobile": self._phone(spec["country"]) if self.rng.random() < 0.7 else "",
                "city": spec["city"],
                "country": spec["country"],
                "owner_id": contact_owner.id,
            }
        )
        self.latin_first[contact.id] = first_latin
        return contact

    def _name(self, culture: str, native: bool) -> tuple[str, str, str, str]:
        """(first, last, first in Latin letters, last in Latin letters), unused so far."""
        pool = self.data["names"][culture]
        for _ in range(30):
            first, last = self.rng.choice(pool["first"]), self.rng.choice(pool["last"])
            if pool.get("native"):
                (first_native, first_latin), (last_native, last_latin) = first, last
                first, last = (first_native, last_native) if native else (first_latin, last_latin)
            else:
                first_latin, last_latin = first, last
            if (first, last) not in self.used_names:
                break
        self.used_names.add((first, last))
        return first, last, first_latin, last_latin

    def _email(self, local: str, domain: str) -> str:
        candidate, n = f"{local}@{domain}", 1
        while candidate in self.used_emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used_emails.add(candidate)
        return candidate

    def _phone(
        self, country: str, city: str | None = None, rng: random.Random | None = None
    ) -> str:
        """A random landline in `city` (a mobile without one) of the country's
        usual shape that libphonenumber accepts."""
        rng = rng or self.rng
        spec = self.data["countries"][country]
        patterns = [spec["landline"][city]] if city else spec["mobile"]
        number = ""
        for _ in range(30):
            pattern = rng.choice(patterns)
            digits = "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)
            number = f"+{spec['code']}{digits}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                break
        return number

    def add_standalone_contacts(self) -> None:
        cultures = STANDALONE_CULTURES[:STANDALONE_CONTACTS]
        sellers = [u for u in self.team if u.role in ("sales", "manager", "admin")]
        for culture in cultures:
            country = self.rng.choice(self.culture_countries[culture])
            native = culture == "persian"
            first, last, first_latin, last_latin = self._name(culture, native)
            owner = self.rng.choice(sellers)
            title = self.rng.choice(
                self.data["titles"]["fa"]["other"] if native else self.data["titles"]["standalone"]
            )
            session.act_as(owner)
            contact = contacts.create(
                {
                    "first_name": first,
                    "last_name": last,
                    "job_title": title,
                    "email": self._email(
                        f"{_ascii(first_latin)}.{_ascii(last_latin)}",
                        self.rng.choice(self.data["standalone_domains"]),
                    ),
                    "mobile": self._phone(country),
                    "city": self.rng.choice(list(self.data["countries"][country]["landline"])),
                    "country": country,
                }
            )
            self.latin_first[contact.id] = first_latin
            self.targets.append(
                _Target(
                    ("contact", contact.id),
                    contact.full_name,
                    "fa" if native else "en",
                    owner,
                    [contact],
                    weight=0.6,
                )
            )

    # --- what happened -------------------------------------------------------

    def add_history(self) -> None:
        weights = [t.weight for t in self.targets]
        for _ in range(PAST_ACTIVITIES):
            target = self.rng.choices(self.targets, weights)[0]
            self._log_past(target, self._past(self._days_ago(target)))
        for _ in range(NOTES):
            target = self.rng.choices(self.targets, weights)[0]
            self._add_note(target, self._past(self._days_ago(target)))

    def _days_ago(self, target: _Target) -> float:
        if target.inactive:
            return self.rng.uniform(75, HISTORY_DAYS)
        # busier lately: most of the history is from the last couple of months
        return self.rng.triangular(0, HISTORY_DAYS, 0)

    def _past(self, days_ago: float) -> dt.datetime:
        """A time on a working day about `days_ago` days back, always before now."""
        day = (self.now - dt.timedelta(days=days_ago)).date()
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        clock = dt.time(self.rng.randint(7, 16), self.rng.randrange(0, 60, 5))
        at = dt.datetime.combine(day, clock, tzinfo=dt.UTC)
        if at >= self.now - dt.timedelta(minutes=5):
            at = self.now - dt.timedelta(minutes=self.rng.randint(10, 240))
        return at

    def _actor(self, target: _Target) -> tuple[User, str]:
        """Who did it (mostly the owner) and which kind of work it was."""
        user = target.owner if self.rng.random() < 0.6 else self.rng.choice(self.team)
        return user, self.rng.choice(TEAMS[user.role])

    def _fill(self, target: _Target, person: Contact | None, when: dt.datetime) -> dict:
        fill = self.data["fill"]
        if person is None:
            first = "the team"
        elif target.lang == "en":
            first = self.latin_first.get(person.id) or person.first_name or person.last_name
        else:
            first = person.first_name or person.last_name
        return {
            "company": target.name,
            "first": first,
            "product": self.rng.choice(fill["product"]),
            "issue": self.rng.choice(fill["issue"]),
            "dept": self.rng.choice(fill["dept"]),
            "invoice": f"INV-{when.year}-{self.rng.randint(1, 1400):04d}",
            "ticket": self.rng.randint(40000, 49999),
            "po": f"PO-{self.rng.randint(10000, 99999)}",
            "quarter": f"Q{(when.month + 2) // 3 % 4 + 1}",
            "year": when.year,
            "month": MONTHS[when.month - 1],
            "n": self.rng.randint(2, 4),
        }

    def _pool(self, target: _Target, kind: str, team: str) -> list:
        local = self.data["local"].get(target.lang)
        if local and kind in local and self.rng.random() < 0.75:
            return local[kind]
        return self.data["activities"][kind][team]

    def _text(self, target: _Target, kind: str, team: str, fill: dict) -> str:
        return self.rng.choice(self._pool(target, kind, team)).format_map(fill)

    def _regarding(self, target: _Target, person: Contact | None) -> tuple[str, int]:
        if person is not None and target.regarding[0] == "account" and self.rng.random() < 0.2:
            return ("contact", person.id)
        return target.regarding

    def _priority(self, team: str) -> str:
        high = {"support": 0.25, "billing": 0.15, "sales": 0.1}[team]
        roll = self.rng.random()
        return "high" if roll < high else "low" if roll > 0.9 else "normal"

    def _log_past(self, target: _Target, when: dt.datetime) -> None:
        rng = self.rng
        user, team = self._actor(target)
        kind = rng.choices(list(PAST_KINDS), list(PAST_KINDS.values()))[0]
        person = rng.choice(target.people) if target.people else None
        fill = self._fill(target, person, when)
        args: dict = {
            "regarding": self._regarding(target, person),
            "priority": self._priority(team),
            "occurred_at": when,
        }
        if rng.random() < 0.6 and kind != "task":
            args["description"] = self._text(target, "descriptions", team, fill)
        if kind in ("phone_call", "email", "letter", "fax"):
            outgoing = rng.random() < {"phone_call": 0.6, "email": 0.5}.get(kind, 0.8)
            args["direction"] = "outgoing" if outgoing else "incoming"
            if person is not None:
                address = {"email": person.email, "phone_call": person.mobile or person.phone}
                args["parties"] = [
                    ("to" if outgoing else "from", "contact", person.id, address.get(kind, ""))
                ]
        if kind == "phone_call":
            args["duration_minutes"] = rng.choice([2, 4, 5, 8, 10, 12, 15, 20, 25, 30, 45])
        elif kind == "appointment":
            minutes = rng.choice([30, 45, 60, 60, 90, 120])
            args["duration_minutes"] = minutes
            args["scheduled_start"] = when - dt.timedelta(minutes=minutes)
            args["location"] = self._place(target)
            args["state"] = "canceled" if rng.random() < 0.12 else "completed"
            if person is not None:
                args["parties"] = [
                    ("organizer", "user", user.id, ""),
                    ("required", "contact", person.id, person.email),
                ]
        elif kind == "task":
            args["state"] = "completed"
            args["due_at"] = when + dt.timedelta(hours=rng.randint(0, 48))
        session.act_as(user)
        activities.log(kind, self._text(target, kind, team, fill), **args)

    def _place(self, target: _Target) -> str:
        place = self.rng.choice(MEETING_PLACES)
        return f"{place}, {target.name}" if place == "Customer office" else place

    def _add_note(self, target: _Target, when: dt.datetime) -> None:
        user, team = self._actor(target)
        person = self.rng.choice(target.people) if target.people else None
        fill = self._fill(target, person, when)
        note = self.rng.choice(self._pool(target, "notes", team))
        session.act_as(user)
        notes.add(
            self._regarding(target, person),
            note["subject"].format_map(fill),
            note["body"].format_map(fill),
            at=when,
        )

    # --- what is still to do ---------------------------------------------------

    def add_open_work(self) -> None:
        rng = self.rng
        active = [t for t in self.targets if not t.inactive]
        weights = [t.weight for t in active]
        today = self.now.date()

        def at_day(days: int, hour: int) -> dt.datetime:
            return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), dt.UTC)

        def task(due: dt.datetime, created: dt.datetime) -> None:
            target = rng.choices(active, weights)[0]
            user, team = self._actor(target)
            person = rng.choice(target.people) if target.people else None
            fill = self._fill(target, person, created)
            session.act_as(user)
            activities.log(
                "task",
                self._text(target, "task", team, fill),
                regarding=self._regarding(target, person),
                priority=self._priority(team),
                due_at=due,
                occurred_at=created,
            )

        for _ in range(UPCOMING_TASKS):
            due = at_day(rng.randint(1, 10), rng.choice([9, 12, 15, 17]))
            task(due, self.now - dt.timedelta(days=rng.uniform(0.1, 6)))
        for _ in range(OVERDUE_TASKS):
            due = self._past(rng.uniform(1, 14))
            task(due, due - dt.timedelta(days=rng.uniform(1, 10)))
        for _ in range(DUE_TODAY):
            due = self.now + dt.timedelta(hours=rng.uniform(0.5, 6))
            task(due, self.now - dt.timedelta(days=rng.uniform(0.5, 4)))

        for _ in range(UPCOMING_MEETINGS):
            target = rng.choices(active, weights)[0]
            user, team = self._actor(target)
            person = rng.choice(target.people) if target.people else None
            start = at_day(rng.randint(1, 14), rng.randint(8, 15))
            minutes = rng.choice([30, 60, 60, 90])
            fill = self._fill(target, person, start)
            session.act_as(user)
            activities.log(
                "appointment",
                self._text(target, "appointment", team, fill),
                regarding=target.regarding,
                scheduled_start=start,
                due_at=start + dt.timedelta(minutes=minutes),
                duration_minutes=minutes,
                location=self._place(target),
                occurred_at=self.now - dt.timedelta(days=rng.uniform(0.5, 10)),
                parties=[("organizer", "user", user.id, "")]
                + ([("required", "contact", person.id, person.email)] if person else []),
            )

        for _ in range(CALLS_WITH_FOLLOW_UP):
            target = rng.choices(active, weights)[0]
            user, team = self._actor(target)
            person = rng.choice(target.people) if target.people else None
            when = self.now - dt.timedelta(hours=rng.uniform(0.5, 48))
            fill = self._fill(target, person, when)
            session.act_as(user)
            activities.log(
                "phone_call",
                self._text(target, "phone_call", team, fill),
                regarding=self._regarding(target, person),
                description=self._text(target, "descriptions", team, fill),
                direction=rng.choice(["incoming", "outgoing"]),
                duration_minutes=rng.choice([5, 10, 15, 20]),
                occurred_at=when,
                # from tomorrow (UTC) on, so it is never "in the past" in any zone
                follow_up=today + dt.timedelta(days=rng.randint(1, 7)),
            )

        planners = [u for u in self.team if u.role in ("manager", "admin")]
        for subject in rng.sample(self.data["internal_tasks"], INTERNAL_TASKS):
            session.act_as(rng.choice(planners))
            activities.log(
                "task",
                subject,
                due_at=at_day(rng.randint(0, 12), 17),
                occurred_at=self.now - dt.timedelta(days=rng.uniform(1, 5)),
            )

    # --- people leave, customers go quiet ----------------------------------------

    def finish(self) -> None:
        rng = self.rng
        active = [t for t in self.targets if not t.inactive and t.regarding[0] == "account"]
        left = self.data["left_company"]
        for target in rng.sample(active, CONTACTS_WHO_LEFT):
            person = rng.choice(target.people[1:])  # never the primary contact
            fill = {"first": self.latin_first.get(person.id, ""), "company": target.name}
            if target.lang != "en":
                fill["first"] = person.first_name
            session.act_as(target.owner)
            notes.add(
                ("contact", person.id),
                left["subject"],
                left["body"].format_map(fill),
                at=self._past(rng.uniform(3, 30)),
            )
            contacts.deactivate(person.id, contacts.get(person.id).version)
        for target in self.targets:
            if target.inactive:
                session.act_as(target.owner)
                account_id = target.regarding[1]
                accounts.deactivate(account_id, accounts.get(account_id).version)
