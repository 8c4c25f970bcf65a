"""Accounts, contacts, and the activities and notes that regard any record."""

from __future__ import annotations

from crm_tui.meta import states
from crm_tui.meta.fields import (
    choice,
    email,
    integer,
    lookup,
    memo,
    moment,
    money,
    phone,
    preferences,
    regarding,
    stamps,
    state,
    text,
    url,
)
from crm_tui.meta.types import Kind

# Stored as the words themselves (the account form offers these; older or
# imported rows may hold none of them): the code is the label.
INDUSTRIES = (
    "Accounting", "Agriculture", "Banking", "Construction", "Consulting", "Education",
    "Energy", "Financial services", "Government", "Healthcare", "Hospitality", "Insurance",
    "Legal", "Logistics", "Manufacturing", "Media", "Non-profit", "Real estate", "Retail",
    "Software", "Telecommunications", "Transportation", "Wholesale",
)  # fmt: skip


def _address(*, searchable: bool, listed: bool = False) -> tuple:
    return (
        text("street", "Street"),
        text("city", "City", searchable=searchable, listed=listed),
        text("state_province", "State/Province"),
        text("postal_code", "ZIP/Postal code"),
        text("country", "Country", searchable=searchable, listed=listed),
    )


ACCOUNT = Kind(
    name="account",
    label="Account",
    plural="Accounts",
    model_name="Account",
    title="name",
    regardable=True,
    states=states.ACTIVE_INACTIVE,
    area="accounts",
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("name", "Account name", required=True, searchable=True, sortable=True, listed=True),
        text("account_number", "Account number", searchable=True),
        lookup("parent", "Parent account", "account"),
        lookup("primary_contact", "Primary contact", "contact", listed=True),
        choice("industry", "Industry", {i: i for i in INDUSTRIES}, searchable=True),
        phone("phone", searchable=True, listed=True),
        email("email", searchable=True),
        url("website", searchable=True),
        *_address(searchable=True, listed=True),
        money("annual_revenue", "Annual revenue"),
        integer("employees", "Number of employees"),
        memo("description", "Description"),
        *preferences(),
        *stamps(owner_listed=True, modified_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
)

CONTACT = Kind(
    name="contact",
    label="Contact",
    plural="Contacts",
    model_name="Contact",
    title="full_name",
    regardable=True,
    states=states.ACTIVE_INACTIVE,
    area="contacts",
    attributes=(
        state(states.ACTIVE_INACTIVE),
        text("first_name", "First name"),
        text("last_name", "Last name", required=True),
        # Made from first and last name by the service.
        text("full_name", "Full name", read_only=True, searchable=True, sortable=True, listed=True),
        text("job_title", "Job title", searchable=True, listed=True),
        # Contacts are found by their account's name too.
        lookup("account", "Account", "account", searchable=True, listed=True),
        email("email", searchable=True, listed=True),
        phone("phone", "Business phone", searchable=True, listed=True),
        phone("mobile", "Mobile phone", searchable=True),
        *_address(searchable=True),
        memo("description", "Description"),
        *preferences(),
        *stamps(owner_listed=True, modified_sortable=True),
    ),
    internal=frozenset({"name_sort"}),
)

# One kind for every activity type: they share one table, one regarding_type
# ("activity") in the audit trail and the access rules, and one timeline; the
# type is an option set (its icons and logged state stay in the service).
ACTIVITY_TYPES = {
    "phone_call": "Phone call",
    "email": "Email",
    "letter": "Letter",
    "fax": "Fax",
    "task": "Task",
    "appointment": "Appointment",
    "service_activity": "Service activity",
    "case_resolution": "Case resolution",
    "opportunity_close": "Opportunity close",
    "quote_close": "Quote close",
    "order_close": "Order close",
    "campaign_response": "Campaign response",
}

ACTIVITY = Kind(
    name="activity",
    label="Activity",
    plural="Activities",
    model_name="Activity",
    title="subject",
    states=states.ACTIVITY,
    attributes=(
        choice("kind", "Activity type", ACTIVITY_TYPES, required=True, listed=True),
        state(states.ACTIVITY, listed=True),
        text("subject", "Subject", required=True, listed=True),
        memo("description", "Description"),
        *regarding(),
        choice("direction", "Direction", {"incoming": "Incoming", "outgoing": "Outgoing"}),
        choice("priority", "Priority", {"low": "Low", "normal": "Normal", "high": "High"}),
        moment("scheduled_start", "Start time"),
        moment("due_at", "Due", listed=True),
        moment("actual_end", "Actual end", read_only=True),
        integer("duration_minutes", "Duration (minutes)"),
        text("location", "Location"),
        lookup("follow_up_of", "Follow-up of", "activity", read_only=True),
        *stamps(),
    ),
    # sort_at: the timeline's order key (due or ended); status_reason: a
    # column no service writes yet (always empty).
    internal=frozenset({"sort_at", "status_reason"}),
)

NOTE = Kind(
    name="note",
    label="Note",
    plural="Notes",
    model_name="Note",
    title="subject",
    attributes=(
        *regarding(),
        text("subject", "Title", listed=True),
        memo("body", "Text", listed=True),
        text("attachment_name", "File name", read_only=True, listed=True),
        text("attachment_mime", "File type", read_only=True),
        integer("attachment_size", "File size (bytes)", read_only=True),
        *stamps(owner_listed=True),
    ),
    internal=frozenset({"attachment"}),  # the file's bytes
)

KINDS = (ACCOUNT, CONTACT, ACTIVITY, NOTE)

__all__ = ["ACCOUNT", "ACTIVITY", "ACTIVITY_TYPES", "CONTACT", "INDUSTRIES", "KINDS", "NOTE"]
