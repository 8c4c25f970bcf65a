"""What a campaign came to, counted in SQL: members targeted, activities
made, done (an email's when it was sent), failed and suppressed, responses,
leads, opportunities and won revenue; and from them the cost per lead and
the return on what it cost (its miscellaneous costs and its steps' actual
costs)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from crm_tui.db import dict_rows
from crm_tui.services import money

_STEPS = "SELECT id FROM campaign_activity WHERE campaign_id = ?"


@dataclass(frozen=True)
class Funnel:
    """A campaign's figures (money as Decimal in the configured currency)."""

    targeted: int  # members a step was distributed to, each once
    activities: int  # activities made for them
    done: int  # of those, completed (an email: sent)
    failed: int  # emails the server refused for good or gave up on
    suppressed: int  # members left out by their preferences, before or at sending
    responses: int
    leads: int
    opportunities: int
    won: int
    won_revenue: Decimal
    cost: Decimal
    budget: Decimal | None

    @property
    def cost_per_lead(self) -> Decimal | None:
        """What each lead cost; None with no leads or no cost."""
        if not self.leads or not self.cost:
            return None
        return (self.cost / self.leads).quantize(Decimal("0.01"))

    @property
    def roi_percent(self) -> Decimal | None:
        """(won revenue - cost) / cost, in percent; None when it cost nothing."""
        if not self.cost:
            return None
        return ((self.won_revenue - self.cost) / self.cost * 100).quantize(Decimal("0.1"))


def of(campaign_id: int) -> Funnel:
    """The campaign's funnel, counted now."""
    row = dict_rows(
        "SELECT "
        "(SELECT count(*) FROM (SELECT DISTINCT member_type, member_id FROM "
        f"campaign_distribution WHERE step_id IN ({_STEPS})) AS _t) AS targeted, "
        "(SELECT count(*) FROM campaign_distribution WHERE outcome = 'created' AND "
        f"step_id IN ({_STEPS})) AS activities, "
        "(SELECT count(*) FROM campaign_distribution d JOIN activity a ON a.id = d.activity_id "
        f"WHERE a.state = 'completed' AND d.step_id IN ({_STEPS})) AS done, "
        f"(SELECT count(*) FROM mail_message WHERE state = 'failed' AND step_id IN ({_STEPS})) "
        "AS failed, "
        "(SELECT count(*) FROM campaign_distribution WHERE outcome = 'suppressed' AND "
        f"step_id IN ({_STEPS})) + (SELECT count(*) FROM mail_message WHERE state = "
        f"'suppressed' AND step_id IN ({_STEPS})) AS suppressed, "
        "(SELECT count(*) FROM campaign_response WHERE campaign_id = ?) AS responses, "
        "(SELECT count(*) FROM lead WHERE campaign_id = ?) AS leads, "
        "(SELECT count(*) FROM opportunity WHERE campaign_id = ?) AS opportunities, "
        "(SELECT count(*) FROM opportunity WHERE campaign_id = ? AND state = 'won') AS won, "
        "(SELECT coalesce(sum(actual_revenue), 0) FROM opportunity WHERE campaign_id = ? "
        "AND state = 'won') AS won_revenue, "
        "(SELECT coalesce(other_cost, 0) FROM campaign WHERE id = ?) + "
        "(SELECT coalesce(sum(actual_cost), 0) FROM campaign_activity WHERE campaign_id = ?) "
        "AS cost, (SELECT budget FROM campaign WHERE id = ?) AS budget",
        (campaign_id,) * 14,
    )[0]
    return Funnel(
        targeted=row["targeted"],
        activities=row["activities"],
        done=row["done"],
        failed=row["failed"],
        suppressed=row["suppressed"],
        responses=row["responses"],
        leads=row["leads"],
        opportunities=row["opportunities"],
        won=row["won"],
        won_revenue=money.to_decimal(row["won_revenue"]),
        cost=money.to_decimal(row["cost"]),
        budget=None if row["budget"] is None else money.to_decimal(row["budget"]),
    )
