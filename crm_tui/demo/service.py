"""The demo's customer service side: queues with their agents, about 300
cases over the past six weeks (most resolved, some canceled or merged, about
60 still active: waiting in a queue, taken, on hold, breached or nearing
their SLA), contracts with allotment lines that cases use up, and resources,
services and a week of bookings around today.

Everything goes through the services, acting as the agents. The writes are
back-dated with the demo's Clock, extended to the case and contract modules
and to "today" (so a case attaches to a contract line on the day it was
opened, and a contract that ended last month could be activated back then
and now expires by date on its own). Its own random generator keeps the
rest of the demo as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources

from crm_tui.demo.context import Clock, SeedContext, Target
from crm_tui.errors import DomainError
from crm_tui.models import Product, User
from crm_tui.services import dates, session
from crm_tui.services.customers import activities
from crm_tui.services.support import (
    cases,
    contracts,
    queues,
    scheduling,
    sla,
)

SERVICE_SEED = 3141
HISTORY_DAYS = 42
CLOSED_CASES = 240  # resolved or canceled, over the past six weeks
CANCELED = 16
MERGED = 2
# Active cases by what is happening to them.
ACTIVE_PLAN = {
    "unassigned": 14,
    "taken": 20,
    "on_hold": 4,
    "waiting_for_details": 4,
    "researching": 4,
    "breached": 8,
    "nearing": 6,
}
QUEUES = {
    "Tier 1": "First line: log-in, how-to and mobile questions.",
    "Tier 2": "Second line: integrations, data and performance problems.",
    "Billing": "Invoices, VAT, renewals and credit notes.",
}
ORIGINS = {"phone": 4, "email": 5, "web": 3, "walk_in": 1}
PRIORITIES = {"high": 2, "normal": 6, "low": 2}
SEVERITIES = ["default", "default", "default", "high", "low", "critical"]


@cache
def load() -> dict:
    """The service pools shipped in crm_tui/data/demo_service.json."""
    source = resources.files("crm_tui.data") / "demo_service.json"
    return json.loads(source.read_text(encoding="utf-8"))


class ServiceClock(Clock):
    """The demo's Clock, with "today" the clock's day in the configured zone."""

    @contextmanager
    def installed(self) -> Iterator[Clock]:
        saved_today = dates.today
        dates.today = lambda: self.at.astimezone(dates.configured_zone()).date()
        try:
            with super().installed():
                yield self
        finally:
            dates.today = saved_today


class ServiceSeeder:
    """The service side's state (queues, contract lines, the clock) and its steps."""

    def __init__(self, ctx: SeedContext):
        self.ctx = ctx
        self.data = load()
        self.rng = random.Random(SERVICE_SEED)
        self.now = ctx.now
        self.clock = ServiceClock(self.now)
        self.admin = ctx.admin
        self.agents = [u for u in ctx.team if u.role == "agent"]
        self.billing = [u for u in ctx.team if u.role in ("manager", "sales")][:2]
        self.queue_members: dict[str, list[User]] = {
            "Tier 1": [*self.agents, self.admin],
            "Tier 2": [*self.agents[-1:], self.admin],
            "Billing": [*self.billing, self.admin],
        }
        self.queues: dict[str, int] = {}
        self.customers = [t for t in ctx.targets if not t.inactive]
        self.weights = [t.weight for t in self.customers]
        self.products = [p.id for p in Product.select(Product.id).where(Product.state == "active")]
        self.lines: list[tuple[int, Target, str]] = []  # (line id, customer, kind)
        self.left: dict[int, int] = {}  # allotment each line has left while seeding
        self.cal = sla.calendar()

    def run(self) -> None:
        """Queues, contracts, closed and active cases, then the bookings."""
        with self.clock.installed():
            self.add_queues()
            self.add_contracts()
            self.add_closed_cases()
            self.add_active_cases()
            self.add_scheduling()

    # --- time ---------------------------------------------------------------------------

    def at(self, when: dt.datetime, user: User | None = None) -> None:
        self.clock.at = min(when, self.now - dt.timedelta(minutes=1))
        if user is not None:
            session.act_as(user)

    def working_time(self, days_ago: float) -> dt.datetime:
        """A time in business hours on a business day about `days_ago` back."""
        day = (self.now - dt.timedelta(days=days_ago)).astimezone(self.cal.zone).date()
        while day.isoweekday() not in self.cal.days:
            day -= dt.timedelta(days=1)
        start = dt.datetime.combine(day, self.cal.start, tzinfo=self.cal.zone)
        span = (dt.datetime.combine(day, self.cal.end, tzinfo=self.cal.zone) - start).seconds
        when = start + dt.timedelta(minutes=self.rng.randrange(0, span // 60 - 30, 5))
        return min(when.astimezone(dt.UTC), self.now - dt.timedelta(minutes=30))

    def after(self, start: dt.datetime, working_minutes: int) -> dt.datetime:
        """`working_minutes` of business time after `start`, never after now."""
        when = sla.add_working_minutes(start, working_minutes, self.cal)
        return min(when, self.now - dt.timedelta(minutes=2))

    def worked_back(self, minutes: int) -> dt.datetime:
        """The moment `minutes` working minutes before now."""
        when = self.now
        step = dt.timedelta(minutes=15)
        while sla.working_minutes_between(when, self.now, self.cal) < minutes:
            when -= step
        return when

    # --- queues and contracts -------------------------------------------------------------

    def add_queues(self) -> None:
        self.at(self.now - dt.timedelta(days=HISTORY_DAYS + 20), self.admin)
        for name, description in QUEUES.items():
            queue = queues.create({"name": name, "description": description})
            self.queues[name] = queue.id
            for user in self.queue_members[name]:
                queues.add_member(queue.id, user.id)

    def add_contracts(self) -> None:
        rng = self.rng
        accounts_ = [t for t in self.customers if t.regarding[0] == "account"]
        chosen = rng.sample(accounts_, len(self.data["contracts"]))
        today = self.now.astimezone(dates.configured_zone()).date()
        for spec, customer in zip(self.data["contracts"], chosen, strict=True):
            state = spec["state"]
            if state == "expired":
                starts = today - dt.timedelta(days=400)
                ends = today - dt.timedelta(days=30)
                made = self.now - dt.timedelta(days=405)
            else:
                starts = today - dt.timedelta(days=rng.randint(60, 200))
                ends = starts + dt.timedelta(days=365)
                made = self.now - dt.timedelta(days=(today - starts).days + 5)
            if state == "draft":
                starts, ends = today + dt.timedelta(days=20), today + dt.timedelta(days=385)
                made = self.now - dt.timedelta(days=3)
            self.at(made, customer.owner)
            name = spec["name"].format(year=self.now.year, last_year=self.now.year - 1)
            contract = contracts.create(
                {
                    "name": f"{name}: {customer.name}",
                    "account_id": customer.regarding[1],
                    "starts_on": starts.isoformat(),
                    "ends_on": ends.isoformat(),
                    "description": f"Support entitlement for {customer.name}.",
                }
            )
            for line in spec["lines"]:
                contract = contracts.add_line(contract.id, contract.version, dict(line))
            if state == "draft":
                continue
            self.at(made + dt.timedelta(days=2))
            contract = contracts.activate(contract.id, contract.version)
            if state == "on_hold":
                self.at(self.now - dt.timedelta(days=rng.randint(5, 15)))
                contracts.hold(contract.id, contract.version)
            elif state == "active":
                for row in contracts.lines_of(contract.id):
                    self.lines.append((row["id"], customer, row["allotment_type"]))
                    # Cases attach until the allotment is used up (coverage: always).
                    self.left[row["id"]] = row["total"] if row["total"] is not None else 10**6

    # --- cases ----------------------------------------------------------------------------

    def _spec(self, customer: Target | None = None) -> dict:
        """What a new case is about, for whom: title, subject, queue, fields."""
        rng = self.rng
        customer = customer or rng.choices(self.customers, self.weights)[0]
        subject, pool = rng.choice(list(self.data["subjects"].items()))
        title = rng.choice(pool["titles"])
        person = rng.choice(customer.people) if customer.people else None
        first = (self.ctx.latin_first.get(person.id) if person else None) or "the customer"
        fill = {
            "first": first,
            "company": customer.name,
            "title_lc": title[0].lower() + title[1:],
            "product": rng.choice(self.ctx.data["fill"]["product"]),
            "n": rng.randint(2, 12),
        }
        case_type = pool["type"]
        if title.startswith("Request"):
            case_type = "request"
        data = {
            "title": title,
            "subject": subject,
            "description": rng.choice(self.data["descriptions"]).format_map(fill),
            "case_type": case_type,
            "origin": rng.choices(list(ORIGINS), list(ORIGINS.values()))[0],
            "priority": rng.choices(list(PRIORITIES), list(PRIORITIES.values()))[0],
            "severity": rng.choice(SEVERITIES),
            "queue_id": self.queues[pool["queue"]],
        }
        if customer.regarding[0] == "account":
            data["account_id"] = customer.regarding[1]
            if person is not None and rng.random() < 0.85:
                data["contact_id"] = person.id
        else:
            data["contact_id"] = customer.regarding[1]
        if self.products and rng.random() < 0.5:
            data["product_id"] = rng.choice(self.products)
        return {"data": data, "queue": pool["queue"], "customer": customer, "first": first}

    def _open(self, spec: dict, when: dt.datetime, owner: User | None = None):
        """Create the case at `when`, logged by an agent of its queue."""
        members = self.queue_members[spec["queue"]]
        self.at(when, self.rng.choice(members))
        data = dict(spec["data"])
        if owner is not None:
            data["owner_id"] = owner.id
        return cases.create(data)

    def _respond(self, case, spec: dict, when: dt.datetime, user: User) -> None:
        kind = self.rng.choice(["phone_call", "email", "email"])
        subject = self.rng.choice(self.data["responses"][kind]).format(
            first=spec["first"], number=case.number, title=case.title
        )
        self.at(when, user)
        args: dict = {}
        if kind == "phone_call":
            args["duration_minutes"] = self.rng.choice([5, 10, 15, 20])
        activities.log(
            kind,
            subject[:200],
            regarding=("case", case.id),
            direction="outgoing",
            occurred_at=self.clock.at,
            **args,
        )

    def _take(self, case, spec: dict, when: dt.datetime) -> tuple[object, User]:
        user = self.rng.choice(self.queue_members[spec["queue"]])
        self.at(when, user)
        return cases.take(case.id), user

    def add_closed_cases(self) -> None:
        rng = self.rng
        plan = ["canceled"] * CANCELED + ["resolved"] * (CLOSED_CASES - CANCELED)
        rng.shuffle(plan)
        opened = sorted(self.working_time(rng.uniform(2, HISTORY_DAYS)) for _ in plan)
        for fate, when in zip(plan, opened, strict=True):
            self._closed_case(fate, when)

    def _closed_case(self, fate: str, when: dt.datetime) -> None:
        rng = self.rng
        line = None
        usable = [entry for entry in self.lines if self.left[entry[0]] > 0]
        if fate == "resolved" and usable and rng.random() < 0.12:
            line = rng.choice(usable)
            spec = self._spec(line[1])
            spec["data"]["contract_line_id"] = line[0]
        else:
            spec = self._spec()
        # The agent who picked up the phone or the email holds it from the start
        # (one write less than open-then-take, which the active cases show).
        user = rng.choice(self.queue_members[spec["queue"]])
        case = self._open(spec, when, owner=user)
        last = when
        if rng.random() < 0.9:
            last = self.after(last, rng.randint(10, 120))
            self._respond(case, spec, last, user)
        if fate == "canceled":
            self.at(self.after(last, rng.randint(30, 600)), user)
            cases.cancel(case.id, cases.get(case.id).version)
            return
        if rng.random() < 0.15:
            last = self.after(last, rng.randint(30, 240))
            self.at(last, user)
            case = cases.set_status(case.id, cases.get(case.id).version, "waiting_for_details")
            last = self.after(last, rng.randint(120, 900))
            self.at(last, user)
            cases.set_status(case.id, cases.get(case.id).version, "in_progress")
        reason = (
            "information_provided"
            if spec["data"]["case_type"] == "question"
            else ("problem_solved")
        )
        if rng.random() < 0.15:
            reason = "information_provided"
        resolution = rng.choice(self.data["resolutions"][reason]).format(first=spec["first"])
        minutes = rng.choice([15, 20, 30, 30, 45, 60, 90, 120])
        if line is not None:
            used = {"cases": 1, "minutes": minutes}.get(line[2], 0)
            self.left[line[0]] -= used
        self.at(self.after(last, rng.randint(60, 2400)), user)
        cases.resolve(
            case.id,
            cases.get(case.id).version,
            resolution=resolution,
            reason=reason,
            billable_minutes=minutes,
        )

    def add_active_cases(self) -> None:
        rng = self.rng
        made: list = []
        for _ in range(ACTIVE_PLAN["unassigned"]):
            made.append(self._open(self._spec(), self.worked_back(rng.randint(5, 120))))
        for kind in ("taken", "on_hold", "waiting_for_details", "researching"):
            for _ in range(ACTIVE_PLAN[kind]):
                spec = self._spec()
                spec["data"]["priority"] = rng.choice(["normal", "normal", "low"])
                when = self.worked_back(rng.randint(60, 900))
                case = self._open(spec, when)
                last = self.after(when, rng.randint(5, 40))
                case, user = self._take(case, spec, last)
                if rng.random() < 0.85 or kind != "taken":
                    last = self.after(last, rng.randint(10, 30))
                    self._respond(case, spec, last, user)
                if kind != "taken":
                    self.at(self.after(last, rng.randint(15, 60)), user)
                    cases.set_status(case.id, cases.get(case.id).version, kind)
                made.append(cases.get(case.id))
        for index in range(ACTIVE_PLAN["breached"]):
            # Old and never answered: some still waiting in the queue, some taken.
            spec = self._spec()
            when = self.working_time(rng.uniform(3, 12))
            case = self._open(spec, when)
            if index % 2:
                self._take(case, spec, self.after(when, rng.randint(30, 300)))
        for _ in range(ACTIVE_PLAN["nearing"]):
            spec = self._spec()
            priority = rng.choice(["high", "normal"])
            spec["data"]["priority"] = priority
            first, _resolve = sla.targets(priority)
            when = self.worked_back(int(first * rng.uniform(0.78, 0.92)))
            self._open(spec, when)
        # A customer reports the same thing twice: merged into the first.
        for source in rng.sample(made[: ACTIVE_PLAN["unassigned"]], MERGED):
            spec = self._spec()
            data = spec["data"]
            source_row = cases.get(source.id)
            data.update(
                title=source_row.title,
                account_id=source_row.account_id,
                contact_id=source_row.contact_id,
                queue_id=source_row.queue_id,
            )
            spec["queue"] = next(n for n, q in self.queues.items() if q == source_row.queue_id)
            self.at(self.now - dt.timedelta(minutes=rng.randint(3, 20)))
            dup = self._open(spec, self.clock.at)
            self.at(self.now - dt.timedelta(minutes=2), rng.choice(self.agents))
            cases.merge(dup.id, dup.version, source.id)

    # --- scheduling -----------------------------------------------------------------------

    def add_scheduling(self) -> None:
        rng = self.rng
        self.at(self.now - dt.timedelta(days=HISTORY_DAYS + 10), self.admin)
        support = [
            scheduling.create_resource(
                {"name": u.full_name, "resource_type": "user", "user_id": u.id,
                 "group_name": "support"}
            )
            for u in self.agents
        ]  # fmt: skip
        for name in self.data["field_engineers"]:
            scheduling.create_resource(
                {"name": name, "resource_type": "user", "group_name": "field"}
            )
        room = scheduling.create_resource({"name": "Training room", "resource_type": "facility"})
        laptop = scheduling.create_resource(
            {"name": "Loaner laptop", "resource_type": "equipment", "group_name": "laptops"}
        )
        installation = scheduling.create_service(
            {"name": "On-site installation", "duration_minutes": 180,
             "description": "Install and configure at the customer's site."},
            [(None, "field"), (laptop.id, None)],
        )  # fmt: skip
        training = scheduling.create_service(
            {"name": "Remote training", "duration_minutes": 120,
             "description": "A training session for the customer's users, from the training room."},
            [(room.id, None)],
        )  # fmt: skip
        field = [r["id"] for r in scheduling.resources("field")]
        zone = dates.configured_zone()
        today = self.now.astimezone(zone).date()
        days = [today + dt.timedelta(days=n) for n in range(-4, 5)]
        accounts_ = [t for t in self.customers if t.regarding[0] == "account"]
        plans = [
            (installation, [9, 13], lambda: [rng.choice(field), laptop.id]),
            (training, [9, 11, 14], lambda: [room.id, rng.choice(support).id]),
        ]
        for day in days:
            if day.isoweekday() > 5:
                continue
            for service, hours, pick in plans:
                for hour in rng.sample(hours, rng.randint(1, len(hours))):
                    start = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
                    customer = rng.choice(accounts_)
                    subject = rng.choice(self.data["booking_subjects"][service.name])
                    self.at(min(start, self.now) - dt.timedelta(days=rng.randint(2, 10)),
                            rng.choice(self.agents))  # fmt: skip
                    try:
                        activity_id = scheduling.book(
                            subject=subject.format(company=customer.name)[:200],
                            start=start,
                            resource_ids=pick(),
                            service_id=service.id,
                            regarding=customer.regarding,
                        )
                    except DomainError:
                        continue  # a clash or outside working hours: skip the slot
                    end = start + dt.timedelta(minutes=service.duration_minutes)
                    if end < self.now:
                        self.at(end)
                        activity = activities.get(activity_id)
                        activities.complete(activity.id, activity.version)


def seed_service(ctx: SeedContext) -> None:
    """Add the service side to the demo being seeded in `ctx`."""
    ServiceSeeder(ctx).run()
    session.act_as(ctx.admin)
