"""The demo's customer history: half a year of phone calls, emails,
meetings, tasks and notes on the accounts and standalone contacts (busier
lately, quiet for customers who went inactive), the open work ahead (tasks
due, overdue and due today, meetings, calls to follow up), and at the end
the people who left and the customers who went quiet.

Texts come from the pools of demo.json, in the customer's language where
the pools have one, and are written by the owner or a colleague of the
right team.
"""

from __future__ import annotations

import datetime as dt

from crm_tui.demo.context import SeedContext, Target
from crm_tui.models import Contact, User
from crm_tui.services import session
from crm_tui.services.customers import accounts, activities, contacts, notes

HISTORY_DAYS = 182
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
MEETING_PLACES = ["Microsoft Teams", "Zoom", "Customer office", "Our office", "Google Meet"]
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


# --- what happened -------------------------------------------------------


def add_history(ctx: SeedContext) -> None:
    """The past activities and notes, spread over the targets by their weight."""
    weights = [t.weight for t in ctx.targets]
    for _ in range(PAST_ACTIVITIES):
        target = ctx.rng.choices(ctx.targets, weights)[0]
        _log_past(ctx, target, _past(ctx, _days_ago(ctx, target)))
    for _ in range(NOTES):
        target = ctx.rng.choices(ctx.targets, weights)[0]
        _add_note(ctx, target, _past(ctx, _days_ago(ctx, target)))


def _days_ago(ctx: SeedContext, target: Target) -> float:
    if target.inactive:
        return ctx.rng.uniform(75, HISTORY_DAYS)
    # busier lately: most of the history is from the last couple of months
    return ctx.rng.triangular(0, HISTORY_DAYS, 0)


def _past(ctx: SeedContext, days_ago: float) -> dt.datetime:
    """A time on a working day about `days_ago` days back, always before now."""
    day = (ctx.now - dt.timedelta(days=days_ago)).date()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    clock = dt.time(ctx.rng.randint(7, 16), ctx.rng.randrange(0, 60, 5))
    at = dt.datetime.combine(day, clock, tzinfo=dt.UTC)
    if at >= ctx.now - dt.timedelta(minutes=5):
        at = ctx.now - dt.timedelta(minutes=ctx.rng.randint(10, 240))
    return at


def _actor(ctx: SeedContext, target: Target) -> tuple[User, str]:
    """Who did it (mostly the owner) and which kind of work it was."""
    user = target.owner if ctx.rng.random() < 0.6 else ctx.rng.choice(ctx.team)
    return user, ctx.rng.choice(TEAMS[user.role])


def _fill(ctx: SeedContext, target: Target, person: Contact | None, when: dt.datetime) -> dict:
    fill = ctx.data["fill"]
    if person is None:
        first = "the team"
    elif target.lang == "en":
        first = ctx.latin_first.get(person.id) or person.first_name or person.last_name
    else:
        first = person.first_name or person.last_name
    return {
        "company": target.name,
        "first": first,
        "product": ctx.rng.choice(fill["product"]),
        "issue": ctx.rng.choice(fill["issue"]),
        "dept": ctx.rng.choice(fill["dept"]),
        "invoice": f"INV-{when.year}-{ctx.rng.randint(1, 1400):04d}",
        "ticket": ctx.rng.randint(40000, 49999),
        "po": f"PO-{ctx.rng.randint(10000, 99999)}",
        "quarter": f"Q{(when.month + 2) // 3 % 4 + 1}",
        "year": when.year,
        "month": MONTHS[when.month - 1],
        "n": ctx.rng.randint(2, 4),
    }


def _pool(ctx: SeedContext, target: Target, kind: str, team: str) -> list:
    local = ctx.data["local"].get(target.lang)
    if local and kind in local and ctx.rng.random() < 0.75:
        return local[kind]
    return ctx.data["activities"][kind][team]


def _text(ctx: SeedContext, target: Target, kind: str, team: str, fill: dict) -> str:
    return ctx.rng.choice(_pool(ctx, target, kind, team)).format_map(fill)


def _regarding(ctx: SeedContext, target: Target, person: Contact | None) -> tuple[str, int]:
    if person is not None and target.regarding[0] == "account" and ctx.rng.random() < 0.2:
        return ("contact", person.id)
    return target.regarding


def _priority(ctx: SeedContext, team: str) -> str:
    high = {"support": 0.25, "billing": 0.15, "sales": 0.1}[team]
    roll = ctx.rng.random()
    return "high" if roll < high else "low" if roll > 0.9 else "normal"


def _log_past(ctx: SeedContext, target: Target, when: dt.datetime) -> None:
    rng = ctx.rng
    user, team = _actor(ctx, target)
    kind = rng.choices(list(PAST_KINDS), list(PAST_KINDS.values()))[0]
    person = rng.choice(target.people) if target.people else None
    fill = _fill(ctx, target, person, when)
    args: dict = {
        "regarding": _regarding(ctx, target, person),
        "priority": _priority(ctx, team),
        "occurred_at": when,
    }
    if rng.random() < 0.6 and kind != "task":
        args["description"] = _text(ctx, target, "descriptions", team, fill)
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
        args["location"] = _place(ctx, target)
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
    activities.log(kind, _text(ctx, target, kind, team, fill), **args)


def _place(ctx: SeedContext, target: Target) -> str:
    place = ctx.rng.choice(MEETING_PLACES)
    return f"{place}, {target.name}" if place == "Customer office" else place


def _add_note(ctx: SeedContext, target: Target, when: dt.datetime) -> None:
    user, team = _actor(ctx, target)
    person = ctx.rng.choice(target.people) if target.people else None
    fill = _fill(ctx, target, person, when)
    note = ctx.rng.choice(_pool(ctx, target, "notes", team))
    session.act_as(user)
    notes.add(
        _regarding(ctx, target, person),
        note["subject"].format_map(fill),
        note["body"].format_map(fill),
        at=when,
    )


# --- what is still to do ---------------------------------------------------


def add_open_work(ctx: SeedContext) -> None:
    """Tasks ahead, overdue and due today, meetings to come, calls to follow
    up, and a few internal tasks of the managers."""
    rng = ctx.rng
    active = [t for t in ctx.targets if not t.inactive]
    weights = [t.weight for t in active]
    today = ctx.now.date()

    def at_day(days: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), dt.UTC)

    def task(due: dt.datetime, created: dt.datetime) -> None:
        target = rng.choices(active, weights)[0]
        user, team = _actor(ctx, target)
        person = rng.choice(target.people) if target.people else None
        fill = _fill(ctx, target, person, created)
        session.act_as(user)
        activities.log(
            "task",
            _text(ctx, target, "task", team, fill),
            regarding=_regarding(ctx, target, person),
            priority=_priority(ctx, team),
            due_at=due,
            occurred_at=created,
        )

    for _ in range(UPCOMING_TASKS):
        due = at_day(rng.randint(1, 10), rng.choice([9, 12, 15, 17]))
        task(due, ctx.now - dt.timedelta(days=rng.uniform(0.1, 6)))
    for _ in range(OVERDUE_TASKS):
        due = _past(ctx, rng.uniform(1, 14))
        task(due, due - dt.timedelta(days=rng.uniform(1, 10)))
    for _ in range(DUE_TODAY):
        due = ctx.now + dt.timedelta(hours=rng.uniform(0.5, 6))
        task(due, ctx.now - dt.timedelta(days=rng.uniform(0.5, 4)))

    for _ in range(UPCOMING_MEETINGS):
        target = rng.choices(active, weights)[0]
        user, team = _actor(ctx, target)
        person = rng.choice(target.people) if target.people else None
        start = at_day(rng.randint(1, 14), rng.randint(8, 15))
        minutes = rng.choice([30, 60, 60, 90])
        fill = _fill(ctx, target, person, start)
        session.act_as(user)
        activities.log(
            "appointment",
            _text(ctx, target, "appointment", team, fill),
            regarding=target.regarding,
            scheduled_start=start,
            due_at=start + dt.timedelta(minutes=minutes),
            duration_minutes=minutes,
            location=_place(ctx, target),
            occurred_at=ctx.now - dt.timedelta(days=rng.uniform(0.5, 10)),
            parties=[("organizer", "user", user.id, "")]
            + ([("required", "contact", person.id, person.email)] if person else []),
        )

    for _ in range(CALLS_WITH_FOLLOW_UP):
        target = rng.choices(active, weights)[0]
        user, team = _actor(ctx, target)
        person = rng.choice(target.people) if target.people else None
        when = ctx.now - dt.timedelta(hours=rng.uniform(0.5, 48))
        fill = _fill(ctx, target, person, when)
        session.act_as(user)
        activities.log(
            "phone_call",
            _text(ctx, target, "phone_call", team, fill),
            regarding=_regarding(ctx, target, person),
            description=_text(ctx, target, "descriptions", team, fill),
            direction=rng.choice(["incoming", "outgoing"]),
            duration_minutes=rng.choice([5, 10, 15, 20]),
            occurred_at=when,
            # from tomorrow (UTC) on, so it is never "in the past" in any zone
            follow_up=today + dt.timedelta(days=rng.randint(1, 7)),
        )

    planners = [u for u in ctx.team if u.role in ("manager", "admin")]
    for subject in rng.sample(ctx.data["internal_tasks"], INTERNAL_TASKS):
        session.act_as(rng.choice(planners))
        activities.log(
            "task",
            subject,
            due_at=at_day(rng.randint(0, 12), 17),
            occurred_at=ctx.now - dt.timedelta(days=rng.uniform(1, 5)),
        )


# --- people leave, customers go quiet ----------------------------------------


def add_departures(ctx: SeedContext) -> None:
    """Some contacts leave their company (a note, then deactivated) and the
    accounts demo.json marks inactive are deactivated."""
    rng = ctx.rng
    active = [t for t in ctx.targets if not t.inactive and t.regarding[0] == "account"]
    left = ctx.data["left_company"]
    for target in rng.sample(active, CONTACTS_WHO_LEFT):
        person = rng.choice(target.people[1:])  # never the primary contact
        fill = {"first": ctx.latin_first.get(person.id, ""), "company": target.name}
        if target.lang != "en":
            fill["first"] = person.first_name
        session.act_as(target.owner)
        notes.add(
            ("contact", person.id),
            left["subject"],
            left["body"].format_map(fill),
            at=_past(ctx, rng.uniform(3, 30)),
        )
        contacts.deactivate(person.id, contacts.get(person.id).version)
    for target in ctx.targets:
        if target.inactive:
            session.act_as(target.owner)
            account_id = target.regarding[1]
            accounts.deactivate(account_id, accounts.get(account_id).version)
