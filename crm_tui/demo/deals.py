"""The demo pipeline: open opportunities in every stage, won and lost ones,
their quotes (draft, active, revised, won, lost, canceled), and the orders
of the won quotes (taken further by crm_tui.demo.orders), each in a state
its age makes likely. Every step goes through the services at the time the
Clock of the SalesContext says, with real stage moves through the gates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crm_tui.demo.orders import ORDER_FATES, advance_order
from crm_tui.demo.sales_context import Customer, SalesContext
from crm_tui.models import Account, Contact, Opportunity, Quote, SalesOrder, User
from crm_tui.services import money, records
from crm_tui.services.customers import activities
from crm_tui.services.sales import competitors, lines, opportunities, quotes

STAGES = opportunities.STAGES
OPEN_BY_STAGE = {"qualify": 18, "develop": 16, "propose": 14, "close": 12}
# Deals from qualified leads, by the stage they have reached (part of OPEN_BY_STAGE).
LEAD_STAGES = ["qualify", "qualify", "qualify", "develop", "develop", "develop", "propose", "propose"]  # fmt: skip
OVERDUE = {"develop": 2, "propose": 2, "close": 2}
ON_HOLD = {"develop": 1, "propose": 2}
# How far ahead open deals expect to close (days), by stage.
CLOSE_AHEAD = {"qualify": (30, 180), "develop": (20, 150), "propose": (10, 90), "close": (1, 45)}
# How long ago open deals were created (days), by stage.
OPENED = {"qualify": (2, 30), "develop": (12, 60), "propose": (25, 90), "close": (35, 110)}
PROPOSE_QUOTES = ["draft", "draft", "draft", "draft", "canceled_draft", "active", "active"]
CLOSE_REVISED = 3
WON = 15
WON_REVISED = 2
# Lost deals: (stage reached, reason, the winner is named, a quote was sent).
LOST = [
    ("qualify", "canceled", False, False),
    ("qualify", "out_sold", True, False),
    ("develop", "out_sold", True, False),
    ("develop", "out_sold", False, False),
    ("develop", "canceled", False, False),
    ("propose", "out_sold", True, True),
    ("propose", "out_sold", True, True),
    ("propose", "canceled", False, True),
    ("close", "out_sold", True, True),
    ("close", "out_sold", True, True),
]
LEGACY_WINS = 2  # the oldest wins sold the on-premise licence before it was retired


@dataclass
class Deal:
    customer: Customer
    owner: User
    template: dict
    stage: str  # the furthest stage it reaches
    outcome: str  # open, won or lost
    start: float  # days ago it was created
    end: float  # days ago of its last step
    close_date: dt.date | None = None
    quote: str = "none"  # none, draft, canceled_draft, active or revised
    hold: bool = False
    lost_reason: str = ""
    lost_named: bool = False
    opportunity_id: int | None = None  # made by qualifying a lead


class DealSeeder:
    """Plans the pipeline, then works each deal through the services."""

    def __init__(self, sales: SalesContext):
        self.s = sales
        self.rng = sales.rng
        self.data = sales.data
        self.won: list[tuple[dt.datetime, SalesOrder]] = []
        self.customers = self._customers()
        self.weights = [c[1] for c in self.customers]
        self.templates = [t for t in self.data["deals"] if not t.get("legacy")]
        self.legacy = [t for t in self.data["deals"] if t.get("legacy")]

    def run(self) -> None:
        """Work every planned deal, then the orders of the won ones, oldest win first."""
        for deal in self._plan():
            self._work(deal)
        self.won.sort(key=lambda won: won[0])
        for (closed_at, order), fate in zip(self.won, ORDER_FATES, strict=True):
            advance_order(self.s, order, closed_at, fate)

    # --- the plan ----------------------------------------------------------------------------

    def _customers(self) -> list[tuple[Customer, float]]:
        out = []
        for target in self.s.ctx.targets:
            if target.inactive:
                continue
            kind, record_id = target.regarding
            model = Account if kind == "account" else Contact
            row = records.by_id(model, record_id)
            customer = Customer(
                record_id if kind == "account" else None,
                target.people[0].id,
                target.name,
                row.country,
                target.lang,
                target.owner,
                [p.id for p in target.people],
                getattr(row, "employees", 0) or 0,
            )
            out.append((customer, target.weight))
        return out

    def _customer(self) -> Customer:
        return self.rng.choices([c for c, _ in self.customers], self.weights)[0]

    def _deal(self, stage: str, outcome: str, start: float, end: float, **extra) -> Deal:
        customer = extra.pop("customer", None) or self._customer()
        owner = extra.pop("owner", None) or self.s.seller(customer.owner)
        template = extra.pop("template", None) or self.rng.choice(self.templates)
        return Deal(customer, owner, template, stage, outcome, start, end, **extra)

    def _plan(self) -> list[Deal]:
        rng = self.rng
        deals: list[Deal] = []
        open_left = dict(OPEN_BY_STAGE)
        for (customer, opportunity_id, qualified_at, asked), stage in zip(
            self.s.qualified, LEAD_STAGES, strict=False
        ):
            start = (self.s.now - qualified_at).total_seconds() / 86400
            end = rng.uniform(0.2, min(6, start / 2))
            deals.append(
                self._deal(
                    stage,
                    "open",
                    start,
                    end,
                    customer=customer,
                    owner=customer.owner,
                    template=next(t for t in self.templates if t["name"] == asked),
                    opportunity_id=opportunity_id,
                )
            )
            open_left[stage] -= 1
        for stage, count in open_left.items():
            for _ in range(count):
                deals.append(self._deal(stage, "open", rng.uniform(*OPENED[stage]), 0))
        self._open_details([d for d in deals if d.outcome == "open"])

        ends = sorted((rng.uniform(3, 170) for _ in range(WON)), reverse=True)
        won = []
        for index, end in enumerate(ends):
            template = rng.choice(self.legacy) if index < LEGACY_WINS else None
            won.append(
                self._deal("close", "won", end + rng.uniform(25, 80), end, template=template)
            )
        for deal in rng.sample(won, WON_REVISED):
            deal.quote = "revised"
        for deal in won:
            deal.quote = deal.quote if deal.quote != "none" else "active"
        deals += won

        for stage, reason, named, quoted in LOST:
            end = rng.uniform(2, 120)
            deals.append(
                self._deal(
                    stage,
                    "lost",
                    end + rng.uniform(10, 60),
                    end,
                    quote="active" if quoted else "none",
                    lost_reason=reason,
                    lost_named=named,
                )
            )
        for deal in deals:
            if deal.close_date is None and deal.outcome != "open":
                deal.close_date = self.s.today - dt.timedelta(
                    days=round(deal.end) - rng.randint(-10, 20)
                )
        return deals

    def _open_details(self, deals: list[Deal]) -> None:
        """Close dates (a few overdue), holds and quotes of the open deals."""
        rng = self.rng
        by_stage = {stage: [d for d in deals if d.stage == stage] for stage in STAGES}
        for stage, group in by_stage.items():
            rng.shuffle(group)
            overdue = OVERDUE.get(stage, 0)
            for index, deal in enumerate(group):
                if index < overdue:
                    days = -rng.randint(1, 30)
                else:
                    days = rng.randint(*CLOSE_AHEAD[stage])
                deal.close_date = self.s.today + dt.timedelta(days=days)
            for deal in group[overdue : overdue + ON_HOLD.get(stage, 0)]:
                deal.hold = True
        for deal, quote in zip(by_stage["propose"], PROPOSE_QUOTES, strict=False):
            deal.quote = quote
        for index, deal in enumerate(by_stage["close"]):
            deal.quote = "revised" if index >= len(by_stage["close"]) - CLOSE_REVISED else "active"

    # --- one deal ----------------------------------------------------------------------------

    def _work(self, deal: Deal) -> None:
        s, rng = self.s, self.rng
        reach = STAGES.index(deal.stage)
        times = s.times(deal.start, deal.end, 16)
        step = iter(times[:-1])
        users = self._users(deal.customer)
        s.at(next(step), deal.owner)
        opportunity = self._create(deal, users)
        linked = self._link_competitors(deal, opportunity)
        if reach >= 1:
            s.at(next(step))
            self._stage_activity(opportunity, "develop")
            gate = {}
            if opportunity.estimated_close_date is None:
                gate["estimated_close_date"] = deal.close_date.isoformat()
            opportunity = self._move(opportunity, "develop", gate)
        if reach >= 2 or (reach == 1 and rng.random() < 0.5):
            s.at(next(step))
            opportunity = self._add_lines(opportunity, deal, users)
            if reach == 1:
                revenue = {"estimated_revenue": self._revenue(opportunity)}
                opportunity = opportunities.update(opportunity.id, opportunity.version, revenue)
        if reach >= 2:
            s.at(next(step))
            self._stage_activity(opportunity, "propose")
            opportunity = self._move(
                opportunity, "propose", {"estimated_revenue": self._revenue(opportunity)}
            )
        quote = self._quote(opportunity, deal, step) if deal.quote != "none" else None
        if reach >= 3:
            s.at(next(step))
            self._stage_activity(opportunity, "close")
            opportunity = self._move(opportunity, "close", {})
        s.at(times[-1])
        if deal.outcome == "won":
            self._win(opportunity, quote, times[-1])
        elif deal.outcome == "lost":
            self._lose(opportunity, quote, deal, linked, times[-1])
        else:
            self._keep_open(opportunity, deal)

    def _users(self, customer: Customer) -> int:
        if customer.account_id is None:
            return self.rng.choice([3, 5, 8])
        users = (customer.employees or 50) / self.rng.choice([4, 6, 10, 15, 25])
        return max(5, min(250, round(users / 5) * 5))

    def _create(self, deal: Deal, users: int) -> Opportunity:
        rng = self.rng
        rating = {"qualify": "cold", "develop": "warm", "propose": "warm", "close": "hot"}
        if deal.opportunity_id is not None:
            return opportunities.get(deal.opportunity_id)
        template = deal.template
        name = template["name"]
        if any(q == "users12" for _, q in template["lines"]):
            name = f"{name} ({users} users)"
        local = self.data["deal_names_fa"].get(template["name"])
        if local and deal.customer.lang != "en" and rng.random() < 0.7:
            name = local
        data = {
            "name": name,
            "account_id": deal.customer.account_id,
            "contact_id": deal.customer.contact_id,
            "rating": rating[deal.stage] if rng.random() < 0.7 else rng.choice(["hot", "warm"]),
            "owner_id": deal.owner.id,
        }
        if rng.random() < 0.7:
            data["description"] = template["need"].format(users=users)
        if deal.close_date is not None and (deal.stage != "qualify" or rng.random() < 0.8):
            data["estimated_close_date"] = deal.close_date.isoformat()
        if deal.stage in ("qualify", "develop") and rng.random() < 0.75:
            data["estimated_revenue"] = f"{rng.randint(2, 60) * 2500}.00"
        if deal.customer.name in self.data["partner_accounts"]:
            data["price_list_id"] = self.s.price_lists[1].id
        return opportunities.create(data)

    def _move(self, opportunity: Opportunity, stage: str, gate: dict) -> Opportunity:
        return opportunities.move_stage(opportunity.id, opportunity.version, stage, gate or None)

    def _link_competitors(self, deal: Deal, opportunity: Opportunity) -> list[int]:
        rng = self.rng
        wanted = deal.lost_named or rng.random() < (0.5 if deal.outcome == "won" else 0.4)
        if not wanted:
            return []
        linked = rng.sample(self.s.competitors, rng.choice([1, 1, 2]))
        for competitor_id in linked:
            competitors.link(opportunity.id, competitor_id)
        return linked

    def _stage_activity(self, opportunity: Opportunity, stage: str) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            return
        subject = rng.choice(self.data["stage_activities"][stage])
        regarding = ("opportunity", opportunity.id)
        if rng.random() < 0.5:
            activities.log(
                "phone_call",
                subject,
                regarding=regarding,
                direction="outgoing",
                duration_minutes=rng.choice([15, 20, 30, 45]),
            )
        else:
            minutes = rng.choice([30, 60, 90])
            activities.log(
                "appointment",
                subject,
                regarding=regarding,
                scheduled_start=self.s.clock.at - dt.timedelta(minutes=minutes),
                duration_minutes=minutes,
                location=rng.choice(["Microsoft Teams", "Zoom", "Customer office"]),
                state="completed",
            )

    def _add_lines(self, opportunity: Opportunity, deal: Deal, users: int) -> Opportunity:
        rng = self.rng
        vat = self.data["vat"].get(deal.customer.country, "0")
        for number, quantity in deal.template["lines"]:
            product = self.s.products[number]
            data = {
                "product_id": product.id,
                "quantity": str(self._quantity(quantity, users)),
                "tax_percent": vat,
            }
            if product.product_type == "sales_inventory" and rng.random() < 0.3:
                data["discount"] = rng.choice(["5%", "10%", "15%"])
            opportunity = lines.add_line("opportunity", opportunity.id, opportunity.version, data)
        return opportunity

    def _quantity(self, spec, users: int) -> int:
        if spec == "users12":
            return users * 12
        if spec == "devices":
            return max(2, users // self.rng.choice([2, 3, 4]))
        if spec == "hours":
            return self.rng.choice([16, 24, 32, 40, 60, 80, 120])
        if spec == "days":
            return self.rng.randint(2, 6)
        return int(spec)

    def _revenue(self, opportunity: Opportunity) -> str:
        rows = lines.lines_of("opportunity", opportunity.id)
        if rows:
            return money.plain(sum(r["base_amount"] - r["discount_total"] for r in rows))
        if opportunity.estimated_revenue is not None:
            return money.plain(opportunity.estimated_revenue)
        return f"{self.rng.randint(4, 80) * 1000}.00"

    # --- quotes ------------------------------------------------------------------------------

    def _quote(self, opportunity: Opportunity, deal: Deal, step) -> Quote:
        s, rng = self.s, self.rng
        s.at(next(step))
        if deal.quote == "canceled_draft":
            first = self._new_quote(opportunity)
            quotes.close(first.id, first.version, "canceled", description="Wrong customer entity.")
            s.at(next(step))
        quote = self._new_quote(opportunity)
        if rng.random() < 0.3:
            name, price = rng.choice(self.data["write_ins"])
            vat = self.data["vat"].get(deal.customer.country, "0")
            lines.add_line(
                "quote",
                quote.id,
                quote.version,
                {"description": name, "unit_price": price, "quantity": "1", "tax_percent": vat},
            )
            quote = quotes.get(quote.id)
        if rng.random() < 0.25:
            quote = quotes.update(quote.id, quote.version, {"discount": rng.choice(["3%", "5%"])})
        if deal.quote in ("draft", "canceled_draft"):
            return quote
        s.at(next(step))
        quote = quotes.activate(quote.id, quote.version)
        if deal.quote == "revised":
            s.at(next(step))
            quote = quotes.revise(quote.id, quote.version)
            first_line = lines.lines_of("quote", quote.id)[0]
            lines.update_line(
                "quote",
                quote.id,
                quote.version,
                first_line["id"],
                {"discount": rng.choice(["8%", "10%", "12%"])},
            )
            quote = quotes.get(quote.id)
            quote = quotes.activate(quote.id, quote.version)
        return quote

    def _new_quote(self, opportunity: Opportunity) -> Quote:
        day = self.s.day_of(self.s.clock.at)
        return quotes.create(
            {
                "opportunity_id": opportunity.id,
                "effective_from": day.isoformat(),
                "effective_to": (day + dt.timedelta(days=60)).isoformat(),
            }
        )

    # --- how it ends ---------------------------------------------------------------------------

    def _win(self, opportunity: Opportunity, quote: Quote, when: dt.datetime) -> None:
        order = quotes.win(quote.id, quote.version)
        opportunity = opportunities.get(opportunity.id)
        opportunities.close_won(
            opportunity.id,
            opportunity.version,
            actual_revenue=money.plain(quote.subtotal - quote.discount_total),
            close_date=self.s.day_of(when),
            description=self.rng.choice(self.data["won_notes"]),
        )
        self.won.append((when, order))

    def _lose(
        self,
        opportunity: Opportunity,
        quote: Quote | None,
        deal: Deal,
        linked: list[int],
        when: dt.datetime,
    ) -> None:
        winner = self.rng.choice(linked) if deal.lost_named and linked else None
        if quote is not None:
            reason = "lost" if deal.lost_reason == "out_sold" else "canceled"
            quotes.close(quote.id, quote.version, reason)
        note = self.rng.choice(self.data["lost_notes"][deal.lost_reason])
        if winner is not None:
            note = note.format(competitor=competitors.get(winner).name)
        elif "{competitor}" in note:
            note = "Went with another vendor; they would not say which."
        opportunity = opportunities.get(opportunity.id)
        opportunities.close_lost(
            opportunity.id,
            opportunity.version,
            reason=deal.lost_reason,
            competitor_id=winner,
            close_date=self.s.day_of(when),
            description=note,
        )

    def _keep_open(self, opportunity: Opportunity, deal: Deal) -> None:
        rng = self.rng
        opportunity = opportunities.get(opportunity.id)
        if deal.hold:
            opportunities.hold(opportunity.id, opportunity.version)
        if deal.stage == "close" and rng.random() < 0.6:
            due = self.s.today + dt.timedelta(days=rng.randint(1, 10))
            activities.log(
                "task",
                rng.choice(self.data["close_tasks"]),
                regarding=("opportunity", opportunity.id),
                due_at=dt.datetime.combine(due, dt.time(16), tzinfo=dt.UTC),
                priority="high" if rng.random() < 0.3 else "normal",
            )
