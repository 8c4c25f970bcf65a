"""The reports every person has: the questions a sales desk, a service desk
and marketing ask most, written as specs like any saved report."""

from __future__ import annotations

from crm_tui.errors import NotFound
from crm_tui.services.reporting.spec import Grouping, Measure, SavedReport, Spec

PREFIX = "builtin:"
COUNT = Measure()

# (short name, title, what it answers, spec)
_REPORTS = (
    ("pipeline", "Pipeline by stage and owner",
     "Open opportunities: how many, and their estimated revenue",
     Spec("opportunity", "state:open", (Grouping("stage"), Grouping("owner")),
          (COUNT, Measure("sum", "estimated_revenue")), chart="stacked")),
    ("sales_by_month", "Sales by month", "Won revenue by the month it was won",
     Spec("opportunity", "state:won", (Grouping("actual_close_date", "month"),),
          (Measure("sum", "actual_revenue"), COUNT), chart="line")),
    ("win_loss", "Won and lost, by competitor",
     "Closed opportunities: won, and lost to each competitor",
     Spec("opportunity", "state:won,lost", (Grouping("state"), Grouping("lost_to")),
          (COUNT, Measure("sum", "estimated_revenue")), order="value", chart="stacked")),
    ("lead_sources", "Lead sources and conversion",
     "Leads by where they came from, and what became of them",
     Spec("lead", "", (Grouping("source"), Grouping("state")), (COUNT,), order="value",
          chart="stacked")),
    ("campaign_leads", "Campaign results",
     "Leads each campaign brought, and what became of them",
     Spec("lead", "has:campaign_id", (Grouping("campaign_id"), Grouping("state")),
          (COUNT, Measure("sum", "estimated_value")), order="value", chart="stacked")),
    ("campaign_revenue", "Won revenue by campaign",
     "Opportunities won from each campaign's leads",
     Spec("opportunity", "state:won has:campaign_id", (Grouping("campaign_id"),),
          (Measure("sum", "actual_revenue"), COUNT), order="value")),
    ("cases_priority_queue", "Cases by priority and queue", "Active cases waiting on the desk",
     Spec("case", "state:active", (Grouping("priority"), Grouping("queue")), (COUNT,),
          chart="stacked")),
    ("cases_sla", "Cases by SLA outcome",
     "Active cases by where they stand against their SLA, resolved ones by whether they met it",
     Spec("case", "-state:canceled", (Grouping("sla"), Grouping("priority")), (COUNT,),
          chart="stacked")),
    ("resolution_time", "Resolution time by agent",
     "Resolved cases per owner and the clock hours they took",
     Spec("case", "state:resolved", (Grouping("owner"),),
          (COUNT, Measure("avg", "hours_to_resolve"), Measure("max", "hours_to_resolve")),
          order="value")),
    ("agent_workload", "Agent workload", "Active cases per owner, by priority",
     Spec("case", "state:active", (Grouping("owner"), Grouping("priority")), (COUNT,),
          order="value", chart="stacked")),
    ("cases_by_month", "Cases opened by month", "New cases by month and origin",
     Spec("case", "", (Grouping("created_at", "month"), Grouping("origin")), (COUNT,),
          chart="stacked")),
    ("articles_helped", "Knowledge articles most used on cases",
     "Published articles by how many cases they were linked to, and their views",
     Spec("article", "state:published", (Grouping("title"),),
          (Measure("sum", "helped_count"), Measure("sum", "view_count")), order="value",
          top=15)),
    ("activities_owner_kind", "Activities by owner and type",
     "Every activity, by who owns it and its type",
     Spec("activity", "", (Grouping("owner"), Grouping("kind")), (COUNT,), order="value",
          chart="stacked")),
)  # fmt: skip


def reports() -> list[SavedReport]:
    """The built-in reports, in the order a menu shows them."""
    return [
        SavedReport(None, title, spec, "everyone", None, "crm-tui", 1, PREFIX + short, about)
        for short, title, about, spec in _REPORTS
    ]


def get(key: str) -> SavedReport:
    """A built-in report by its key (builtin:pipeline)."""
    for report in reports():
        if report.key == key:
            return report
    raise NotFound(f"there is no built-in report {key[len(PREFIX) :]!r}")
