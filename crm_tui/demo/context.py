"""What every demo seeder shares: the seeding context (the data pools, the
signed-in admin, the random generator, the moment of seeding, the team and
the customers made so far) with the helpers that keep names, email
addresses and phone numbers believable and unique, and the Clock that
back-dates the services' writes.

Each area seeder receives the one SeedContext and draws from its random
generator in turn, so the order the areas run in is part of the data set.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import phonenumbers

from crm_tui.models import Contact, User
from crm_tui.models.base import stamped_by

SEED = 1729
_ASCII = str.maketrans({"ı": "i", "ø": "o", "æ": "ae", "ß": "ss", "œ": "oe", "ł": "l", "đ": "d"})


@cache
def load() -> dict:
    """The demo data pools shipped in crm_tui/data/demo.json."""
    source = resources.files("crm_tui.data") / "demo.json"
    return json.loads(source.read_text(encoding="utf-8"))


def email_part(value: str) -> str:
    """A name as an email address part: Müller -> muller, O'Connor -> oconnor."""
    folded = unicodedata.normalize("NFKD", value.lower().translate(_ASCII))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


@dataclass
class Target:
    """Something activities and notes regard: an account with its people,
    or a contact on their own."""

    regarding: tuple[str, int]
    name: str
    lang: str  # en, fa or ar: which subject pools fit
    owner: User
    people: list[Contact] = field(default_factory=list)
    inactive: bool = False
    weight: float = 1.0


@dataclass
class SeedContext:
    """One demo seeding: what the area seeders read and add to."""

    data: dict
    admin: User
    rng: random.Random
    now: dt.datetime
    # The admin first, then the active demo users.
    team: list[User]
    # Accounts and standalone contacts, in the order they were made.
    targets: list[Target] = field(default_factory=list)
    # Contact id -> first name in Latin letters (greetings in English texts).
    latin_first: dict[int, str] = field(default_factory=dict)
    used_names: set[tuple[str, str]] = field(default_factory=set)
    used_emails: set[str] = field(default_factory=set)
    culture_countries: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def start(cls, data: dict, admin: User) -> SeedContext:
        """A fresh context for seeding `data` as `admin`, its clock at now."""
        context = cls(data, admin, random.Random(SEED), dt.datetime.now(dt.UTC), [admin])
        for country, spec in data["countries"].items():
            for culture in spec["cultures"]:
                context.culture_countries.setdefault(culture, []).append(country)
        return context

    def name(self, culture: str, native: bool) -> tuple[str, str, str, str]:
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

    def email(self, local: str, domain: str) -> str:
        """`local`@`domain`, numbered when the address is taken already."""
        candidate, n = f"{local}@{domain}", 1
        while candidate in self.used_emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used_emails.add(candidate)
        return candidate

    def phone(self, country: str, city: str | None = None, rng: random.Random | None = None) -> str:
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


class Clock:
    """The time the services stamp writes with while seeding: `at`, set by
    the seeder before each step; always restored."""

    def __init__(self, now: dt.datetime):
        self.at = now

    def __call__(self) -> dt.datetime:
        return self.at

    @contextmanager
    def installed(self) -> Iterator[Clock]:
        """Stamp the services' writes with `at` for the block."""
        with stamped_by(self):
            yield self
