"""What a campaign uses: its target lists and products (the literature it
sends is literature.link's), and copies of it: a campaign kept as a
template, or a campaign made from one (Dynamics' "copy as template" and
"copy as campaign"), with its lists, products, literature and planned steps."""

from __future__ import annotations

from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError
from crm_tui.models import Campaign, MarketingList, Product
from crm_tui.services import access, records
from crm_tui.services.marketing import campaigns, lists

# what a copy takes of the campaign (its number, state and dates are its own)
_COPIED = (
    "campaign_type", "budget", "other_cost", "expected_response", "expected_revenue",
    "offer", "objective", "description",
)  # fmt: skip
_STEP_COPIED = (
    "subject", "channel", "budget", "assign_to", "assignee_id", "queue_id",
    "message_subject", "message_body", "html", "description",
)  # fmt: skip


class TargetListRow(TypedDict):
    """A list a campaign is sent to."""

    id: int
    name: str
    member_type: str
    dynamic: int
    member_count: int
    state: str


class CampaignProductRow(TypedDict):
    """A product a campaign offers."""

    id: int
    product_number: str
    name: str
    state: str


def _changeable(campaign_id: int, doing: str) -> Campaign:
    row = campaigns.get(campaign_id)
    campaigns.require_open(row, doing)
    access.require("write", "campaign", row.owner_id)
    return row


def add_list(campaign_id: int, list_id: int) -> TargetListRow:
    """Target an active list with the campaign (audited on the campaign);
    one already targeted is refused, saying so."""
    with write():
        _changeable(campaign_id, "change its lists")
        lst = lists.get(list_id)
        if lst.state != "active":
            raise DomainError(f"{lst.name} is inactive; reactivate it to target it")
        inserted = database.execute_sql(
            "INSERT INTO campaign_list (campaign_id, list_id) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING RETURNING list_id",
            (campaign_id, list_id),
        ).fetchone()
        if inserted is None:
            raise DomainError(f"{lst.name} is already a list of this campaign")
        records.audit("campaign", campaign_id, "list added", {"lists": (None, lst.name)})
    return next(r for r in lists_of(campaign_id) if r["id"] == list_id)


def remove_list(campaign_id: int, list_id: int) -> None:
    """Stop targeting a list; what was already distributed to its members stays."""
    with write():
        _changeable(campaign_id, "change its lists")
        name = records.title_of("marketing_list", list_id)
        gone = database.execute_sql(
            "DELETE FROM campaign_list WHERE campaign_id = ? AND list_id = ? RETURNING list_id",
            (campaign_id, list_id),
        ).fetchone()
        if gone is None:
            raise DomainError(f"{name} is not a list of this campaign")
        records.audit("campaign", campaign_id, "list removed", {"lists": (name, None)})


def lists_of(campaign_id: int) -> list[TargetListRow]:
    """The campaign's target lists, by name."""
    return dict_rows(
        "SELECT m.id AS id, m.name AS name, m.member_type AS member_type, "
        "m.dynamic AS dynamic, m.member_count AS member_count, m.state AS state "
        "FROM campaign_list cl JOIN marketing_list m ON m.id = cl.list_id "
        "WHERE cl.campaign_id = ? ORDER BY m.name_sort, m.id",
        (campaign_id,),
    )


def campaigns_of_list(list_id: int) -> list[dict]:
    """The campaigns that target a list: id, number, name, state."""
    return dict_rows(
        "SELECT k.id AS id, k.number AS number, k.name AS name, k.state AS state "
        "FROM campaign_list cl JOIN campaign k ON k.id = cl.campaign_id "
        "WHERE cl.list_id = ? AND k.is_template = 0 ORDER BY k.name_sort, k.id",
        (list_id,),
    )


def add_product(campaign_id: int, product_id: int) -> None:
    """Name a product the campaign offers (audited on the campaign)."""
    with write():
        _changeable(campaign_id, "change its products")
        product = records.by_id(Product, product_id)
        if product is None:
            raise DomainError(f"product #{product_id} does not exist")
        inserted = database.execute_sql(
            "INSERT INTO campaign_product (campaign_id, product_id) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING RETURNING product_id",
            (campaign_id, product_id),
        ).fetchone()
        if inserted is None:
            raise DomainError(f"{product.name} is already offered by this campaign")
        records.audit("campaign", campaign_id, "product added", {"products": (None, product.name)})


def remove_product(campaign_id: int, product_id: int) -> None:
    """Stop offering a product with the campaign."""
    with write():
        _changeable(campaign_id, "change its products")
        name = records.title_of("product", product_id)
        gone = database.execute_sql(
            "DELETE FROM campaign_product WHERE campaign_id = ? AND product_id = ? "
            "RETURNING product_id",
            (campaign_id, product_id),
        ).fetchone()
        if gone is None:
            raise DomainError(f"{name} is not offered by this campaign")
        records.audit("campaign", campaign_id, "product removed", {"products": (name, None)})


def products_of(campaign_id: int) -> list[CampaignProductRow]:
    """The products the campaign offers, by name."""
    return dict_rows(
        "SELECT p.id AS id, p.product_number AS product_number, p.name AS name, "
        "p.state AS state FROM campaign_product cp JOIN product p ON p.id = cp.product_id "
        "WHERE cp.campaign_id = ? ORDER BY p.name_sort, p.id",
        (campaign_id,),
    )


def copy(campaign_id: int, *, as_template: bool, name: str = "") -> Campaign:
    """A new proposed campaign, or a template (`as_template`), with the
    campaign's fields, lists, products, literature and planned steps (as
    proposed, distributed to nobody). Nothing of what it sent or returned
    is copied."""
    source = campaigns.get(campaign_id)
    values = {field: getattr(source, field) for field in _COPIED}
    values["name"] = (name.strip() or source.name)[:160]
    checked = campaigns.check({"name": values["name"]})
    values.update(checked)
    values["is_template"] = 1 if as_template else 0
    values["copied_from"] = source.id
    with write():
        new_id = campaigns.insert(values, None)
        for table, column in (("campaign_list", "list_id"), ("campaign_product", "product_id")):
            database.execute_sql(
                f"INSERT INTO {table} (campaign_id, {column}) "
                f"SELECT ?, {column} FROM {table} WHERE campaign_id = ?",
                (new_id, campaign_id),
            )
        database.execute_sql(
            "INSERT INTO literature_link (literature_id, record_type, record_id) "
            "SELECT literature_id, 'campaign', ? FROM literature_link "
            "WHERE record_type = 'campaign' AND record_id = ?",
            (new_id, campaign_id),
        )
        steps = dict_rows(
            f"SELECT {', '.join(_STEP_COPIED)} FROM campaign_activity "
            "WHERE campaign_id = ? AND state != 'canceled' ORDER BY id",
            (campaign_id,),
        )
        for step in steps:
            records.create("campaign_activity", {**step, "campaign_id": new_id})
    return campaigns.get(new_id)


def active_list(list_id: int) -> MarketingList:
    """An active list to send to (the quick campaign's), or a refusal."""
    lst = lists.get(list_id)
    if lst.state != "active":
        raise DomainError(f"{lst.name} is inactive; reactivate it to send to it")
    return lst


def quick(list_id: int, data: dict) -> tuple[Campaign, int]:
    """Dynamics' quick campaign: one step to one list at once. A launched
    campaign named `data["name"]` targets the list, with one step (`subject`,
    `channel`, and for email `message_subject`, `message_body`, `html`),
    ready to distribute. Returns the campaign and the step's id; nothing is
    made when anything is refused."""
    from crm_tui.services.marketing import steps

    lst = active_list(list_id)
    step_data = {k: v for k, v in data.items() if k != "name"}
    with write():
        campaign = campaigns.create({"name": data.get("name") or f"Quick: {lst.name}"[:160]})
        campaign = campaigns.launch(campaign.id, campaign.version)
        add_list(campaign.id, list_id)
        step = steps.create(campaign.id, step_data)
    return campaigns.get(campaign.id), step.id
