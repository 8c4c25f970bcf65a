"""Peewee models only: no behaviour beyond mapping rows.

The sales, service, knowledge and marketing models load on first use (`from crm_tui.models import Lead`):
the first screen needs only the core ones.
"""

import importlib

from crm_tui.models.audit import AuditEntry, Meta
from crm_tui.models.base import User
from crm_tui.models.core import Account, Activity, ActivityParty, Contact, Note

SALES = (
    "Competitor",
    "Invoice",
    "InvoiceLine",
    "Lead",
    "Opportunity",
    "OpportunityCompetitor",
    "OpportunityLine",
    "PriceList",
    "PriceListItem",
    "Product",
    "Quote",
    "QuoteLine",
    "SalesOrder",
    "SalesOrderLine",
    "Sequence",
)

SERVICE = (
    "Booking",
    "Case",
    "Contract",
    "ContractLine",
    "Queue",
    "QueueMember",
    "Resource",
    "Service",
    "ServiceRequirement",
)

KNOWLEDGE = ("KbArticle", "KbArticleCase", "KbRating", "Subject")

MARKETING = (
    "Campaign",
    "CampaignActivity",
    "CampaignResponse",
    "LiteratureItem",
    "MarketingList",
    "SalesLiterature",
)

__all__ = [
    "Account",
    "Activity",
    "ActivityParty",
    "AuditEntry",
    "Contact",
    "Meta",
    "Note",
    "User",
    *SALES,
    *SERVICE,
    *KNOWLEDGE,
    *MARKETING,
]


def __getattr__(name: str):
    if name in SALES:
        return getattr(importlib.import_module("crm_tui.models.sales"), name)
    if name in SERVICE:
        return getattr(importlib.import_module("crm_tui.models.service"), name)
    if name in KNOWLEDGE:
        return getattr(importlib.import_module("crm_tui.models.knowledge"), name)
    if name in MARKETING:
        return getattr(importlib.import_module("crm_tui.models.marketing"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
