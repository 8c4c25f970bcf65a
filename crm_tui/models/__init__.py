"""Peewee models only: no behaviour beyond mapping rows."""

from crm_tui.models.audit import AuditEntry, Meta
from crm_tui.models.base import User
from crm_tui.models.core import Account, Activity, ActivityParty, Contact, Note
from crm_tui.models.sales import (
    Competitor,
    Invoice,
    InvoiceLine,
    Lead,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    PriceList,
    PriceListItem,
    Product,
    Quote,
    QuoteLine,
    SalesOrder,
    SalesOrderLine,
    Sequence,
)

__all__ = [
    "Account",
    "Activity",
    "ActivityParty",
    "AuditEntry",
    "Competitor",
    "Contact",
    "Invoice",
    "InvoiceLine",
    "Lead",
    "Meta",
    "Note",
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
    "User",
]
