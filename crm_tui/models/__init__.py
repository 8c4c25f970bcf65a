"""Peewee models only: no behaviour beyond mapping rows."""

from crm_tui.models.audit import AuditEntry, Meta
from crm_tui.models.base import User
from crm_tui.models.core import Account, Activity, ActivityParty, Contact, Note

__all__ = ["Account", "Activity", "ActivityParty", "AuditEntry", "Contact", "Meta", "Note", "User"]
