"""Marketing: lists of accounts, contacts or leads, campaigns and their
planned steps, and the sales literature sent with them. A campaign's
responses are activities (meta.customers), with what they hold in the
marketing services."""

from __future__ import annotations

from crm_tui.meta import marketing_states, states
from crm_tui.meta.fields import (
    boolean,
    choice,
    date,
    integer,
    lookup,
    memo,
    moment,
    money,
    stamps,
    state,
    status_reason,
    text,
)
from crm_tui.meta.types import Kind

MEMBER_TYPES = {"account": "Accounts", "contact": "Contacts", "lead": "Leads"}

MARKETING_LIST = Kind(
    name="marketing_list",
    label="Marketing list",
    plural="Marketing lists",
    model_name="MarketingList",
    title="name",
    states=states.ACTIVE_INACTIVE,
    area="marketing",
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("name", "Name", required=True, searchable=True, sortable=True, listed=True),
        # fixed when the list is made: its members are records of one kind
        choice("member_type", "Member type", MEMBER_TYPES, required=True, listed=True),
        boolean("dynamic", "Dynamic", listed=True),
        text("query", "Query"),
        text("purpose", "Purpose", searchable=True, listed=True),
        text("source", "Source", searchable=True),
        money("cost", "Cost"),
        memo("description", "Description"),
        integer("member_count", "Members", read_only=True, listed=True),
        moment("evaluated_at", "Members counted on", read_only=True),
        *stamps(owner_listed=True, modified_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
)

CAMPAIGN_TYPES = {
    "advertisement": "Advertisement",
    "direct_marketing": "Direct marketing",
    "event": "Event",
    "co_branding": "Co-branding",
    "other": "Other",
}

CAMPAIGN = Kind(
    name="campaign",
    label="Campaign",
    plural="Campaigns",
    model_name="Campaign",
    title="name",
    number="number",
    number_prefix="CMP",
    regardable=True,
    states=marketing_states.CAMPAIGN,
    area="marketing",
    attributes=(
        state(marketing_states.CAMPAIGN, listed=True),
        text("number", "Campaign code", read_only=True, searchable=True, listed=True),
        text("name", "Name", required=True, searchable=True, sortable=True, listed=True),
        choice("campaign_type", "Campaign type", CAMPAIGN_TYPES, listed=True),
        boolean("is_template", "Template", read_only=True),
        date("proposed_start", "Proposed start"),
        date("proposed_end", "Proposed end", listed=True),
        date("actual_start", "Actual start", read_only=True),
        date("actual_end", "Actual end", read_only=True),
        money("budget", "Budget allocated", listed=True),
        money("other_cost", "Miscellaneous costs"),
        integer("expected_response", "Expected response (%)"),
        money("expected_revenue", "Expected revenue"),
        memo("offer", "Offer"),
        memo("objective", "Objective"),
        memo("description", "Description"),
        lookup("copied_from", "Copied from", "campaign", read_only=True),
        *stamps(owner_listed=True, modified_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
)

CHANNELS = {
    "email": "Email",
    "phone": "Phone call",
    "letter": "Letter",
    "fax": "Fax",
    "appointment": "Appointment",
}
ASSIGN_TO = {
    "member_owner": "Each member's owner",
    "user": "One user",
    "queue": "A queue's members in turn",
}

CAMPAIGN_ACTIVITY = Kind(
    name="campaign_activity",
    label="Campaign activity",
    plural="Campaign activities",
    model_name="CampaignActivity",
    title="subject",
    states=marketing_states.CAMPAIGN_ACTIVITY,
    area="marketing",
    attributes=(
        state(marketing_states.CAMPAIGN_ACTIVITY, listed=True),
        status_reason(marketing_states.CAMPAIGN_ACTIVITY),
        lookup("campaign", "Campaign", "campaign", required=True, read_only=True, listed=True),
        text("subject", "Subject", required=True, listed=True),
        choice("channel", "Channel", CHANNELS, required=True, listed=True),
        date("scheduled_start", "Scheduled start", listed=True),
        date("scheduled_end", "Scheduled end"),
        money("budget", "Budget allocated"),
        money("actual_cost", "Actual cost"),
        choice("assign_to", "Activities owned by", ASSIGN_TO),
        lookup("assignee", "User", "user"),
        lookup("queue", "Queue", "queue"),
        text("message_subject", "Message subject"),
        memo("message_body", "Message"),
        boolean("html", "Send as HTML (from Markdown)"),
        moment("distributed_at", "Distributed on", read_only=True, listed=True),
        memo("description", "Description"),
        *stamps(owner_listed=True),
    ),
)

LITERATURE_TYPES = {
    "brochure": "Brochure",
    "spec_sheet": "Spec sheet",
    "price_sheet": "Price sheet",
    "presentation": "Presentation",
    "manual": "Manual",
    "policies": "Policies and procedures",
    "bulletin": "Bulletin",
    "news": "News",
    "competitive": "Competitive information",
    "other": "Other",
}

SALES_LITERATURE = Kind(
    name="sales_literature",
    label="Sales literature",
    plural="Sales literature",
    model_name="SalesLiterature",
    title="title",
    states=states.ACTIVE_INACTIVE,
    area="marketing",
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("title", "Title", required=True, searchable=True, sortable=True, listed=True),
        choice("literature_type", "Type", LITERATURE_TYPES, listed=True),
        text("subject", "Subject", searchable=True, listed=True),
        text("keywords", "Keywords", searchable=True),
        date("expires_on", "Expires on", listed=True),
        lookup("employee_contact", "Employee contact", "user"),
        memo("description", "Description"),
        *stamps(owner_listed=True, modified_sortable=True),
    ),
    internal=frozenset({"title_sort"}),
)

KINDS = (MARKETING_LIST, CAMPAIGN, CAMPAIGN_ACTIVITY, SALES_LITERATURE)
