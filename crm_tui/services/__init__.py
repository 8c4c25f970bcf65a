"""Services: the only code that writes. No Textual here.

Each public function owns its transaction, validation, state machine,
audit entry and search index update, and raises DomainError (or a subclass)
with a message a person can act on.
"""

from crm_tui.services import (
    accounts,
    activities,
    audit,
    contacts,
    dates,
    money,
    notes,
    records,
    search,
    session,
    users,
)

__all__ = [
    "accounts",
    "activities",
    "audit",
    "contacts",
    "dates",
    "money",
    "notes",
    "records",
    "search",
    "session",
    "users",
]
