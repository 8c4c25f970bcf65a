"""Services: the only code that writes. No Textual here.

Each public function owns its transaction, validation, state machine,
audit entry and search index update, and raises DomainError (or a subclass)
with a message a person can act on.

Modules load when first used (`from crm_tui.services import accounts`, or
`services.accounts`): the app's first frame needs only the first area's
services, not the whole sales desk.
"""

import importlib

__all__ = [
    "accounts",
    "activities",
    "audit",
    "cases",
    "competitors",
    "contacts",
    "contracts",
    "dates",
    "documents",
    "duplicates",
    "invoices",
    "leads",
    "lines",
    "money",
    "notes",
    "numbers",
    "opportunities",
    "opportunity_list",
    "orders",
    "pipeline",
    "pricing",
    "products",
    "queues",
    "quotes",
    "records",
    "routing",
    "scheduling",
    "search",
    "session",
    "sla",
    "users",
]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
