"""Services: the only code that writes. No Textual here.

Each public function owns its transaction, validation, state machine,
audit entry and search index update, and raises DomainError (or a subclass)
with a message a person can act on.

The common base (records, listing, search, access, validate, numbers,
session, audit, hooks, ...) lives here; each domain has its own package:
customers, sales, support, knowledge. Modules load when first used, so
the app's first frame needs only the first area's services, not the whole
sales desk.
"""

import importlib

__all__ = [
    "access",
    "audit",
    "countries",
    "dates",
    "export",
    "hooks",
    "listing",
    "money",
    "numbers",
    "records",
    "roles",
    "search",
    "session",
    "users",
    "validate",
]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
