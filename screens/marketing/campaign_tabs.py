"""The campaign page's tables and its funnel, as rows to show: the steps
with what each was distributed and sent, the lists, the responses and the
offer."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display
from crm_tui.meta.marketing import CHANNELS, MEMBER_TYPES
from crm_tui.screens.common.date_field import day_column
from crm_tui.services.marketing import funnel
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column


def _n(value, style: str = "") -> Text:
    return Text(f"{value:,}" if value else "·", style=style if value else "dim", justify="right")


STEP_COLUMNS = [
    Column("subject", "Step", 22),
    Column("channel", "Channel", 10, keep_width=True),
    Column("state", "Status", 11, keep_width=True),
    day_column("scheduled_start", "Starts", min_table_width=100),
    Column("created", "Made", 6, keep_width=True, right=True),
    Column("suppressed", "Left out", 8, keep_width=True, right=True),
    Column("queued", "Queued", 6, keep_width=True, right=True, min_table_width=90),
    Column("sent", "Sent", 6, keep_width=True, right=True),
    Column("failed", "Failed", 6, keep_width=True, right=True),
]
LIST_COLUMNS = [
    Column("name", "List", 30),
    Column("member_type", "Members are", 11, keep_width=True),
    Column("kind", "Kind", 7, keep_width=True),
    Column("member_count", "Members", 9, keep_width=True, right=True),
]
RESPONSE_COLUMNS = [
    day_column("received_on", "Received"),
    Column("who", "From", 24),
    Column("channel", "Channel", 11, keep_width=True),
    Column("email", "Email", 22, min_table_width=90),
    Column("state", "Now", 14, keep_width=True),
]
OFFER_COLUMNS = [
    Column("kind", "What", 11, keep_width=True),
    Column("name", "Name", 34),
    Column("extra", "", 24),
]
STATUS = {"open": "", "closed": "dim", "canceled": "dim red"}


def step_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            "key": str(row["id"]),
            "subject": safe_line(row["subject"]),
            "channel": Text(CHANNELS[row["channel"]]),
            "state": Text(
                display.option("campaign_activity", "status_reason", row["status_reason"]),
                style=STATUS.get(row["state"], ""),
            ),
            "scheduled_start": Text(display.day(row["scheduled_start"])),
            "created": _n(row["created"]),
            "suppressed": _n(row["suppressed"], "yellow"),
            "queued": _n(row["queued"], "cyan"),
            "sent": _n(row["sent"], "green"),
            "failed": _n(row["failed"], "bold red"),
        }
        for row in rows
    ]


def list_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            "key": str(row["id"]),
            "name": safe_line(row["name"], "" if row["state"] == "active" else "dim strike"),
            "member_type": Text(MEMBER_TYPES[row["member_type"]]),
            "kind": Text("dynamic" if row["dynamic"] else "static"),
            "member_count": _n(row["member_count"]),
        }
        for row in rows
    ]


def response_rows(rows: list[dict]) -> list[dict]:
    def now(row: dict) -> Text:
        if row["lead_id"]:
            return Text("lead made", style="green")
        return Text("open" if row["state"] == "open" else "closed",
                    style="bold" if row["state"] == "open" else "dim")  # fmt: skip

    return [
        {
            "key": str(row["id"]),
            "received_on": Text(display.day(row["received_on"])),
            "who": safe_line(row["who"]),
            "channel": Text(row["channel"].capitalize()),
            "email": safe_line(row["email"]),
            "state": now(row),
        }
        for row in rows
    ]


def offer_rows(rows: list[dict]) -> list[dict]:
    return [
        {
            "key": f"{row['kind']}:{row['id']}:{row.get('with', '')}",
            "kind": Text("Product" if row["kind"] == "product" else "Literature"),
            "name": safe_line(row["name"]),
            "extra": safe_line(row.get("product_number") or (
                f"with {row['step']}" if row.get("step") else
                f"{row['items']} file{'s' if row['items'] != 1 else ''}")),
        }
        for row in rows
    ]  # fmt: skip


def funnel_rows(campaign_id: int) -> list[tuple[str, str]]:
    """The funnel as summary rows: from members reached to money returned."""
    f = funnel.of(campaign_id)
    made = f"{f.activities:,} made · {f.done:,} done"
    if f.failed:
        made += f" · {f.failed:,} failed"
    if f.suppressed:
        made += f" · {f.suppressed:,} left out (their wish)"
    roi = "" if f.roi_percent is None else f"{f.roi_percent:,}%"
    cost = display.amount(f.cost)
    if f.budget is not None:
        cost += f" of {display.amount(f.budget)} budgeted"
    return [
        ("Members reached", f"{f.targeted:,}"),
        ("Activities", made),
        ("Responses", f"{f.responses:,}"),
        ("Leads", f"{f.leads:,} → {f.opportunities:,} "
         f"opportunit{'y' if f.opportunities == 1 else 'ies'} · {f.won:,} won"),
        ("Won revenue", display.amount(f.won_revenue)),
        ("Cost", cost),
        ("Cost per lead", "" if f.cost_per_lead is None
         else display.amount(f.cost_per_lead)),
        ("Return (ROI)", roi),
    ]  # fmt: skip
