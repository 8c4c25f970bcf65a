"""Where a record opens: the kind -> detail screen table.

Screens open one another through this table, by kind, instead of importing
each other: an account opens its contacts and a contact its account, a case
its contract and a contract its cases, without a circle between their
modules. A screen's module is imported when it is first opened, so startup
loads only the first area's code.
"""

from __future__ import annotations

import importlib

# kind -> (module under crm_tui.screens, class); quotes, orders and invoices
# share one detail screen that is told which of the three it shows.
DETAILS = {
    "account": ("customers.account_detail", "AccountDetailScreen"),
    "contact": ("customers.contact_detail", "ContactDetailScreen"),
    "lead": ("sales.lead_detail", "LeadDetailScreen"),
    "opportunity": ("sales.opportunity_detail", "OpportunityDetailScreen"),
    "competitor": ("sales.competitor_detail", "CompetitorDetailScreen"),
    "product": ("sales.product_detail", "ProductDetailScreen"),
    "quote": ("sales.document_detail", "DocumentDetailScreen"),
    "order": ("sales.document_detail", "DocumentDetailScreen"),
    "invoice": ("sales.document_detail", "DocumentDetailScreen"),
    "case": ("support.case_detail", "CaseDetailScreen"),
    "contract": ("support.contract_detail", "ContractDetailScreen"),
    "article": ("knowledge.article_view", "ArticleScreen"),
}
DOCUMENTS = ("quote", "order", "invoice")


def screen_class(module: str, name: str) -> type:
    """The screen class `name` of crm_tui.screens.<module>, imported now."""
    return getattr(importlib.import_module(f"crm_tui.screens.{module}"), name)


def opens(kind: str) -> bool:
    """Whether a record of this kind has a detail screen."""
    return kind in DETAILS


def detail_screen(app, kind: str, record_id: int):
    """The detail screen of one record. A kind's screen is kept (installed)
    once built and shown again for the next record while it is on no area's
    stack: opening a record then fills widgets that exist instead of
    composing, mounting and styling a screen of them (about 100 ms of
    Textual's work against 1 ms of the database's). A screen already on a
    stack (an account opened from an account) gets a new one."""
    kept: dict = app.__dict__.setdefault("_kept_details", {})
    screen = kept.get(kind)
    if screen is not None and not _on_a_stack(app, screen):
        screen.show_record(record_id)
        return screen
    cls = screen_class(*DETAILS[kind])
    screen = cls(kind, record_id) if kind in DOCUMENTS else cls(record_id)
    if kind not in kept and hasattr(screen, "show_record"):
        kept[kind] = screen
        app.install_screen(screen, f"detail-{kind}")
    return screen


def _on_a_stack(app, screen) -> bool:
    return any(screen in stack for stack in app._screen_stacks.values())


def open_detail(app, kind: str, record_id: int, callback=None) -> None:
    """Push a record's detail over the current screen (same area)."""
    app.push_screen(detail_screen(app, kind, record_id), callback)
