"""Service: cases, contracts and their lines, queues, and scheduling's
services and resources."""

from __future__ import annotations

from crm_tui.meta import states
from crm_tui.meta.fields import (
    boolean,
    choice,
    date,
    derived,
    integer,
    lookup,
    memo,
    moment,
    record_id,
    stamps,
    state,
    status_reason,
    text,
)
from crm_tui.meta.types import Kind

CASE_TYPES = {"question": "Question", "problem": "Problem", "request": "Request"}
CASE_ORIGINS = {"phone": "Phone", "email": "Email", "web": "Web", "walk_in": "Walk-in"}
CASE_PRIORITIES = {"high": "High", "normal": "Normal", "low": "Low"}
CASE_SEVERITIES = {"critical": "Critical", "high": "High", "default": "Default", "low": "Low"}
SLA_STATES = {"breached": "Breached", "due_soon": "Due within the hour", "in_time": "In time",
              "paused": "Paused", "met": "Met", "missed": "Missed", "none": "No target"}  # fmt: skip

CASE = Kind(
    name="case",
    label="Case",
    plural="Cases",
    model_name="Case",
    title="title",
    number="number",
    number_prefix="CAS",
    regardable=True,
    states=states.CASE,
    area="cases",
    attributes=(
        state(states.CASE),
        status_reason(states.CASE, listed=True),
        text("number", "Case number", read_only=True, searchable=True),
        text("title", "Case title", required=True, searchable=True, listed=True),
        # The customer: an account or a contact (found by name, email and phone).
        lookup("account", "Account", "account", searchable=True, listed=True),
        lookup("contact", "Contact", "contact", searchable=True),
        memo("description", "Description", searchable=True),
        choice("case_type", "Case type", CASE_TYPES),
        choice("origin", "Origin", CASE_ORIGINS),
        choice("priority", "Priority", CASE_PRIORITIES, listed=True),
        choice("severity", "Severity", CASE_SEVERITIES),
        lookup("product_id", "Product", "product", plain_id=True),
        text("subject", "Subject", searchable=True),
        lookup("queue", "Queue", "queue"),
        lookup("contract", "Contract", "contract"),
        lookup("contract_line", "Contract line", "contract_line"),
        lookup("parent_case", "Parent case", "case"),
        lookup("merged_into", "Merged into", "case", read_only=True),
        moment("follow_up_by", "Follow up by"),
        # The SLA clock, kept by the service.
        moment("first_response_by", "First response by", read_only=True),
        moment("resolve_by", "Resolve by", read_only=True),
        moment("first_responded_at", "First response sent on", read_only=True),
        moment("resolved_at", "Resolved on", read_only=True),
        moment("paused_since", "Paused since", read_only=True),
        integer("paused_minutes", "Paused time (minutes)", read_only=True),
        integer("billable_minutes", "Billable time (minutes)", read_only=True),
        # False while it waits in a queue for someone to take it.
        boolean("assigned", "Assigned", read_only=True),
        *stamps(owner_listed=True),
    ),
    # title_sort: the sort key of the title; next_breach_at: the nearer open
    # SLA target, kept for the queue's urgency order.
    internal=frozenset({"title_sort", "next_breach_at"}),
    derived=(
        # Where the case stands against its SLA now: an active case by its
        # next target, a resolved one by whether it met its resolve-by time.
        derived(
            choice("sla", "SLA", SLA_STATES),
            "CASE WHEN {t}.state = 'resolved' THEN (CASE WHEN {t}.resolve_by IS NULL THEN 'none' "
            "WHEN {t}.resolved_at <= {t}.resolve_by THEN 'met' ELSE 'missed' END) "
            "WHEN {t}.state <> 'active' THEN 'none' "
            "WHEN {t}.paused_since IS NOT NULL THEN 'paused' "
            "WHEN {t}.next_breach_at IS NULL THEN 'none' "
            "WHEN {t}.next_breach_at <= '{now}' THEN 'breached' "
            "WHEN {t}.next_breach_at <= '{soon}' THEN 'due_soon' ELSE 'in_time' END",
        ),
        # Clock hours from opening to resolution (pauses and nights included).
        derived(
            integer("hours_to_resolve", "Hours to resolve"),
            "CAST((julianday({t}.resolved_at) - julianday({t}.created_at)) * 24 AS INTEGER)",
            "CAST(EXTRACT(EPOCH FROM (CAST({t}.resolved_at AS timestamp) "
            "- CAST({t}.created_at AS timestamp))) / 3600 AS BIGINT)",
        ),
    ),
)

CONTRACT = Kind(
    name="contract",
    label="Contract",
    plural="Contracts",
    model_name="Contract",
    title="name",
    number="number",
    number_prefix="CNT",
    regardable=True,
    states=states.CONTRACT,
    area="cases",
    attributes=(
        state(states.CONTRACT, listed=True),
        text(
            "number", "Contract number", read_only=True, searchable=True, sortable=True, listed=True
        ),
        text("name", "Contract name", required=True, searchable=True, sortable=True, listed=True),
        lookup("account", "Account", "account", listed=True),
        lookup("contact", "Contact", "contact"),
        date("starts_on", "Start date", required=True, listed=True),
        date("ends_on", "End date", required=True, sortable=True, listed=True),
        memo("description", "Description"),
        *stamps(owner_listed=True, modified_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
)

ALLOTMENT_TYPES = {
    "cases": "Number of cases",
    "minutes": "Time (minutes)",
    "coverage": "Coverage dates",
}

# A line of a contract: a kind because a case looks one up.
CONTRACT_LINE = Kind(
    name="contract_line",
    label="Contract line",
    plural="Contract lines",
    model_name="ContractLine",
    title="title",
    owned=False,
    attributes=(
        record_id(),
        lookup("contract", "Contract", "contract", required=True, read_only=True),
        integer("line_number", "Line", read_only=True, listed=True),
        text("title", "Title", required=True, listed=True),
        lookup("product_id", "Product", "product", plain_id=True),
        choice("allotment_type", "Allotment type", ALLOTMENT_TYPES, required=True, listed=True),
        integer("total", "Total", listed=True),  # None for coverage
        integer("used", "Used", read_only=True, listed=True),
        date("starts_on", "Start date", required=True, listed=True),
        date("ends_on", "End date", required=True, listed=True),
    ),
)

QUEUE = Kind(
    name="queue",
    label="Queue",
    plural="Queues",
    model_name="Queue",
    title="name",
    states=states.ACTIVE_INACTIVE,
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("name", "Name", required=True, listed=True),
        memo("description", "Description"),
        *stamps(owner_listed=True),
    ),
)

SERVICE = Kind(
    name="service",
    label="Service",
    plural="Services",
    model_name="Service",
    title="name",
    states=states.ACTIVE_INACTIVE,
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("name", "Name", required=True, listed=True),
        memo("description", "Description"),
        integer("duration_minutes", "Duration (minutes)", required=True, listed=True),
        *stamps(),
    ),
)

RESOURCE_TYPES = {"user": "User", "facility": "Facility", "equipment": "Equipment"}

RESOURCE = Kind(
    name="resource",
    label="Resource",
    plural="Resources",
    model_name="Resource",
    title="name",
    states=states.ACTIVE_INACTIVE,
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("name", "Name", required=True, listed=True),
        choice("resource_type", "Resource type", RESOURCE_TYPES, required=True, listed=True),
        lookup("user", "User", "user"),
        text("group_name", "Resource group", listed=True),
        # ISO weekdays (1 = Monday) and local clock times (HH:MM).
        text("work_days", "Work days"),
        text("work_start", "Work starts"),
        text("work_end", "Work ends"),
        text("time_zone", "Time zone"),  # empty: the configured zone
        *stamps(),
    ),
)

KINDS = (CASE, CONTRACT, CONTRACT_LINE, QUEUE, SERVICE, RESOURCE)

__all__ = [
    "ALLOTMENT_TYPES",
    "CASE",
    "CASE_ORIGINS",
    "CASE_PRIORITIES",
    "CASE_SEVERITIES",
    "CASE_TYPES",
    "CONTRACT",
    "CONTRACT_LINE",
    "KINDS",
    "QUEUE",
    "RESOURCE",
    "RESOURCE_TYPES",
    "SERVICE",
]
