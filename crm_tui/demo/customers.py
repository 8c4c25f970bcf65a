"""The demo's people: the demo users, the companies of demo.json with their
contacts (featured people first, then names drawn from the company's
culture), and contacts who belong to no account.

Every account and standalone contact becomes a Target of the context, which
the history, the pipeline and the service desk then work on.
"""

from __future__ import annotations

import math

from crm_tui.demo.context import SeedContext, Target, email_part
from crm_tui.models import Account, Contact, User
from crm_tui.services import session, users
from crm_tui.services.customers import accounts, contacts

CONTACTS = 150
STANDALONE_CONTACTS = 10
# Who owns accounts, by role: salespeople own most of them.
OWNER_WEIGHTS = {"sales": 5, "admin": 3, "manager": 2, "agent": 1}
STANDALONE_CULTURES = [
    "english", "german", "persian", "indian", "spanish",
    "nigerian", "french", "persian", "japanese", "arabic",
]  # fmt: skip


def seed_people(ctx: SeedContext) -> None:
    """Add the demo users, the accounts with their contacts, and the
    standalone contacts."""
    add_users(ctx)
    add_accounts(ctx)
    add_standalone_contacts(ctx)


def add_users(ctx: SeedContext) -> None:
    """The demo users of demo.json (kept if they exist); the active ones join the team."""
    session.act_as(ctx.admin)
    for spec in ctx.data["users"]:
        existing = User.get_or_none(User.login == spec["login"])
        if existing is None:
            existing = users.add(spec["login"], spec["full_name"], spec["role"])
        if existing.active and existing.id != ctx.admin.id:
            ctx.team.append(existing)


def add_accounts(ctx: SeedContext) -> None:
    """Every company of demo.json, owned by the team, with its people."""
    companies = ctx.data["companies"]
    featured: dict[str, list[dict]] = {}
    for person in ctx.data["featured_contacts"]:
        featured.setdefault(person["company"], []).append(person)
    sizes = _contact_counts(ctx, companies, featured)
    owner_weights = [OWNER_WEIGHTS[u.role] for u in ctx.team]
    by_name: dict[str, Account] = {}
    for number, spec in enumerate(companies, start=1):
        parent = by_name.get(spec.get("parent", ""))
        if parent is not None:
            owner = User.get_by_id(parent.owner_id)
        else:
            owner = ctx.rng.choices(ctx.team, owner_weights)[0]
        culture = spec.get("culture") or ctx.data["countries"][spec["country"]]["cultures"][0]
        native = spec.get("script") == "native"
        lang = {"persian": "fa", "arabic": "ar"}.get(culture, "en") if native else "en"
        session.act_as(owner)
        account = accounts.create(
            {
                "name": spec["name"],
                "account_number": f"ACC-{1000 + number * 7:05d}",
                "industry": spec["industry"],
                "phone": ctx.phone(spec["country"], spec["city"]),
                "email": f"{ctx.rng.choice(['info', 'hello', 'office', 'contact'])}@"
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
        target = Target(
            ("account", account.id),
            spec["name"],
            lang,
            owner,
            inactive=bool(spec.get("inactive")),
            weight=math.log10(spec["employees"]),
        )
        email_format = ctx.rng.choice(["first.last", "first.last", "flast", "first_last"])
        people = featured.get(spec["name"], [])
        for index in range(sizes[spec["name"]]):
            person = people[index] if index < len(people) else None
            target.people.append(
                _add_contact(
                    ctx, spec, account, owner, culture, native, lang, email_format, index, person
                )
            )
        changes: dict = {"primary_contact_id": target.people[0].id}
        if parent is not None:
            changes["parent_id"] = parent.id
        accounts.update(account.id, account.version, changes)
        ctx.targets.append(target)


def _contact_counts(ctx: SeedContext, companies: list[dict], featured: dict) -> dict[str, int]:
    """People per account: at least two, bigger companies more, 140 in all."""
    sizes = {c["name"]: max(2, len(featured.get(c["name"], []))) for c in companies}
    weights = [math.log10(c["employees"]) ** 2 for c in companies]
    for _ in range(CONTACTS - STANDALONE_CONTACTS - sum(sizes.values())):
        sizes[ctx.rng.choices(companies, weights)[0]["name"]] += 1
    return sizes


def _add_contact(
    ctx: SeedContext,
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
        ctx.used_names.add((first, last))
        title = person["title"]
    else:
        if index > 0 and not native and ctx.rng.random() < 0.1:
            # people move: an expat now and then (never the primary contact)
            culture = ctx.rng.choice(sorted(ctx.data["names"]))
        first, last, first_latin, last_latin = ctx.name(culture, native)
        titles = ctx.data["titles"][lang]
        title = ctx.rng.choice(titles["senior"] if index == 0 else titles["other"])
    local = {
        "first.last": f"{email_part(first_latin)}.{email_part(last_latin)}",
        "flast": f"{email_part(first_latin)[:1]}{email_part(last_latin)}",
        "first_last": f"{email_part(first_latin)}_{email_part(last_latin)}",
    }[email_format]
    contact_owner = owner if ctx.rng.random() < 0.85 else ctx.rng.choice(ctx.team)
    session.act_as(owner)
    contact = contacts.create(
        {
            "first_name": first,
            "last_name": last,
            "job_title": title,
            "account_id": account.id,
            "email": ctx.email(local, spec["domain"]),
            "phone": ctx.phone(spec["country"], spec["city"]),
            "mobile": ctx.phone(spec["country"]) if ctx.rng.random() < 0.7 else "",
            "city": spec["city"],
            "country": spec["country"],
            "owner_id": contact_owner.id,
        }
    )
    ctx.latin_first[contact.id] = first_latin
    return contact


def add_standalone_contacts(ctx: SeedContext) -> None:
    """Contacts who work for no account the demo knows, owned by sellers."""
    cultures = STANDALONE_CULTURES[:STANDALONE_CONTACTS]
    sellers = [u for u in ctx.team if u.role in ("sales", "manager", "admin")]
    for culture in cultures:
        country = ctx.rng.choice(ctx.culture_countries[culture])
        native = culture == "persian"
        first, last, first_latin, last_latin = ctx.name(culture, native)
        owner = ctx.rng.choice(sellers)
        title = ctx.rng.choice(
            ctx.data["titles"]["fa"]["other"] if native else ctx.data["titles"]["standalone"]
        )
        session.act_as(owner)
        contact = contacts.create(
            {
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "email": ctx.email(
                    f"{email_part(first_latin)}.{email_part(last_latin)}",
                    ctx.rng.choice(ctx.data["standalone_domains"]),
                ),
                "mobile": ctx.phone(country),
                "city": ctx.rng.choice(list(ctx.data["countries"][country]["landline"])),
                "country": country,
            }
        )
        ctx.latin_first[contact.id] = first_latin
        ctx.targets.append(
            Target(
                ("contact", contact.id),
                contact.full_name,
                "fa" if native else "en",
                owner,
                [contact],
                weight=0.6,
            )
        )
