"""Leads, opportunities, competitors, and the product catalogue with its
price lists (quotes, orders and invoices are in meta.documents)."""

from __future__ import annotations

from crm_tui.meta import states
from crm_tui.meta.fields import (
    choice,
    date,
    derived,
    email,
    integer,
    lookup,
    memo,
    money,
    phone,
    preferences,
    stamps,
    state,
    status_reason,
    text,
    url,
)
from crm_tui.meta.types import Kind

RATINGS = {"hot": "Hot", "warm": "Warm", "cold": "Cold"}

# "" (none given) is stored too; it is no option.
LEAD_SOURCES = {
    "advertisement": "Advertisement",
    "employee_referral": "Employee referral",
    "external_referral": "External referral",
    "partner": "Partner",
    "public_relations": "Public relations",
    "seminar": "Seminar",
    "trade_show": "Trade show",
    "web": "Web",
    "word_of_mouth": "Word of mouth",
    "other": "Other",
}

LEAD = Kind(
    name="lead",
    label="Lead",
    plural="Leads",
    model_name="Lead",
    title="full_name",
    regardable=True,
    states=states.LEAD,
    area="leads",
    attributes=(
        state(states.LEAD),
        status_reason(states.LEAD, listed=True),
        text("topic", "Topic", searchable=True, listed=True),
        text("first_name", "First name"),
        text("last_name", "Last name", required=True),
        text("full_name", "Name", read_only=True, searchable=True, sortable=True, listed=True),
        text("company_name", "Company name", searchable=True, listed=True),
        text("job_title", "Job title", searchable=True),
        email("email", searchable=True),
        phone("phone", "Business phone", searchable=True),
        url("website", searchable=True),
        text("city", "City", searchable=True),
        text("country", "Country", searchable=True),
        choice("source", "Lead source", LEAD_SOURCES),
        choice("rating", "Rating", RATINGS, listed=True),
        money("estimated_value", "Estimated value", listed=True),
        memo("description", "Description"),
        # Set by qualifying: what the lead became.
        lookup("account", "Account", "account", read_only=True),
        lookup("contact", "Contact", "contact", read_only=True),
        lookup("opportunity_id", "Opportunity", "opportunity", read_only=True, plain_id=True),
        lookup("campaign_id", "Source campaign", "campaign", read_only=True, plain_id=True),
        *preferences(),
        *stamps(owner_listed=True, modified_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
)

STAGES = {"qualify": "Qualify", "develop": "Develop", "propose": "Propose", "close": "Close"}

OPPORTUNITY = Kind(
    name="opportunity",
    label="Opportunity",
    plural="Opportunities",
    model_name="Opportunity",
    title="name",
    regardable=True,
    states=states.OPPORTUNITY,
    area="pipeline",
    attributes=(
        state(states.OPPORTUNITY),
        status_reason(states.OPPORTUNITY),
        text("name", "Topic", required=True, searchable=True, sortable=True, listed=True),
        # The customer: an account or a contact (found by its name).
        lookup("account", "Account", "account", searchable=True, listed=True),
        lookup("contact", "Contact", "contact", searchable=True),
        lookup("lead", "Originating lead", "lead", read_only=True),
        lookup("price_list", "Price list", "price_list"),
        # Dynamics' business process stages; moving is gated, not a state.
        choice("stage", "Pipeline stage", STAGES, listed=True),
        money("estimated_revenue", "Estimated revenue", sortable=True, listed=True),
        integer("probability", "Probability (%)", listed=True),
        date("estimated_close_date", "Estimated close date", sortable=True, listed=True),
        choice("rating", "Rating", RATINGS),
        memo("description", "Description"),
        # Set by closing as won or lost, cleared by reopening.
        money("actual_revenue", "Actual revenue", read_only=True),
        date("actual_close_date", "Actual close date", read_only=True),
        lookup("lost_to", "Lost to", "competitor", read_only=True),
        memo("close_reason", "Close notes", read_only=True),
        lookup("campaign_id", "Source campaign", "campaign", read_only=True, plain_id=True),
        *stamps(owner_listed=True, modified_sortable=True, owner_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
    derived=(
        # The estimated revenue times the probability: what the pipeline
        # is worth, deal by deal (rounded to the cent, half up).
        derived(
            money("weighted_revenue", "Weighted revenue"),
            "({t}.estimated_revenue * {t}.probability + 50) / 100",
        ),
    ),
)

COMPETITOR = Kind(
    name="competitor",
    label="Competitor",
    plural="Competitors",
    model_name="Competitor",
    title="name",
    regardable=True,
    states=states.ACTIVE_INACTIVE,
    area="pipeline",
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("name", "Name", required=True, searchable=True, sortable=True, listed=True),
        url("website", searchable=True, listed=True),
        memo("strengths", "Strengths", listed=True),
        memo("weaknesses", "Weaknesses"),
        memo("description", "Description"),
        *stamps(owner_listed=True, modified_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
)

PRODUCT_TYPES = {
    "sales_inventory": "Sales inventory",
    "service": "Service",
    "flat_fee": "Flat fee",
    "misc_charge": "Miscellaneous charge",
}

PRODUCT = Kind(
    name="product",
    label="Product",
    plural="Products",
    model_name="Product",
    title="name",
    number="product_number",
    regardable=True,
    states=states.PRODUCT,
    area="documents",
    attributes=(
        state(states.PRODUCT, listed=True),
        text(
            "product_number",
            "Product number",
            required=True,
            searchable=True,
            sortable=True,
            listed=True,
        ),
        text("name", "Name", required=True, searchable=True, sortable=True, listed=True),
        choice("product_type", "Product type", PRODUCT_TYPES, listed=True),
        text("unit", "Unit", listed=True),
        money("list_price", "List price", listed=True),
        money("cost", "Cost"),
        memo("description", "Description", searchable=True),
        *stamps(modified_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
)

PRICE_LIST = Kind(
    name="price_list",
    label="Price list",
    plural="Price lists",
    model_name="PriceList",
    title="name",
    regardable=True,
    # The column allows inactive; no service deactivates a price list yet.
    states=states.ACTIVE_INACTIVE,
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("name", "Name", required=True, listed=True),
        text("currency", "Currency", required=True, listed=True),
        date("begins_on", "Start date"),
        date("ends_on", "End date"),
        memo("description", "Description"),
        *stamps(),
    ),
)

KINDS = (LEAD, OPPORTUNITY, COMPETITOR, PRODUCT, PRICE_LIST)

__all__ = [
    "COMPETITOR",
    "KINDS",
    "LEAD",
    "LEAD_SOURCES",
    "OPPORTUNITY",
    "PRICE_LIST",
    "PRODUCT",
    "PRODUCT_TYPES",
    "RATINGS",
    "STAGES",
]
