"""Where a record opens: the kind -> detail screen table.

Screens open one another through this table, by kind, instead of importing
each other: an account opens its contacts and a contact its account, a case
its contract and a contract its cases, without a circle between their
modules. A screen's module is imported when it is first opened, so startup
loads only the first area's code.
"""

from __future__ import annotations

import importlib

from crm_tui.screens.common.kept import kept_screen

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
    "campaign": ("marketing.campaign_detail", "CampaignDetailScreen"),
    "marketing_list": ("marketing.list_detail", "ListDetailScreen"),
    "sales_literature": ("marketing.literature_detail", "LiteratureDetailScreen"),
}
DOCUMENTS = ("quote", "order", "invoice")


def screen_class(module: str, name: str) -> type:
    """The screen class `name` of crm_tui.screens.<module>, imported now."""
    return getattr(importlib.import_module(f"crm_tui.screens.{module}"), name)


def opens(kind: str) -> bool:
    """Whether a record of this kind has a detail screen."""
    return kind in DETAILS


def detail_screen(app, kind: str, record_id: int):
    """The detail screen of one record: the kind's screen kept from an
    earlier record when it is free (kept.py), else a new one."""

    def build():
        cls = screen_class(*DETAILS[kind])
        return cls(kind, record_id) if kind in DOCUMENTS else cls(record_id)

    def again(screen) -> None:
        screen.show_record(record_id)

    if not hasattr(screen_class(*DETAILS[kind]), "show_record"):  # an article
        return build()
    return kept_screen(app, f"detail-{kind}", build, again)


def open_detail(app, kind: str, record_id: int, callback=None) -> None:
    """Push a record's detail over the current screen (same area)."""
    app.push_screen(detail_screen(app, kind, record_id), callback)
