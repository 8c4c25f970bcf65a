"""The command palette's "go to": any record by name, number, email, phone
or city (full-text).

The kinds offered, their order and their names are the record metadata's
findable kinds; what this module adds is how each is searched (its
service's find_by_name) and the detail shown beside a hit. It queries the
services, so it lives with the screens, not the widgets."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual.command import Hit, Hits, Provider

from crm_tui import display, meta
from crm_tui.text import clean
from crm_tui.widgets.palette import guarded

# kind -> (the service module whose find_by_name searches it, the detail
# shown beside a hit). Modules are imported on the first search: the palette
# must not slow the app's start.
FINDERS: dict[str, tuple[str, Callable[[dict], str]]] = {
    "account": ("customers.accounts", lambda r: r.get("city") or ""),
    "contact": ("customers.contacts", lambda r: r.get("account") or r.get("email") or ""),
    "lead": ("sales.leads", lambda r: r.get("company_name") or ""),
    "opportunity": ("sales.opportunities", lambda r: r.get("customer") or ""),
    "quote": ("sales.quotes", lambda r: r.get("display_number") or ""),
    "order": ("sales.orders", lambda r: r.get("display_number") or ""),
    "invoice": ("sales.invoices", lambda r: r.get("display_number") or ""),
    "case": ("support.cases", lambda r: r.get("number") or ""),
    "contract": ("support.contracts", lambda r: f"{r.get('number')} {r.get('customer')}"),
    "article": ("knowledge.kb_search", lambda r: r.get("display_number") or ""),
    "product": ("sales.products", lambda r: r.get("product_number") or ""),
    "competitor": ("sales.competitors", lambda r: r.get("website") or ""),
    "campaign": ("marketing.campaigns", lambda r: r.get("number") or ""),
    "marketing_list": ("marketing.lists", lambda r: r.get("purpose") or ""),
    "sales_literature": ("marketing.literature", lambda r: r.get("subject") or ""),
}
HITS_PER_KIND = 8


def sources() -> list[tuple[meta.Kind, Callable, Callable[[dict], str]]]:
    """(kind, find_by_name, detail) for every findable kind, in the
    metadata's order; a findable kind without a finder here is a bug the
    architecture tests catch."""
    out = []
    for kind in meta.findable():
        module, detail = FINDERS[kind.name]
        finder = importlib.import_module(f"crm_tui.services.{module}").find_by_name
        out.append((kind, finder, detail))
    return out


def _label(kind: str, width: int, name: str, extra: str) -> Text:
    out = Text()
    out.append(f"{display.kind_label(kind):<{width}} ", style="dim")
    out.append(clean(name))
    if extra:
        out.append(f"  {clean(extra)}", style="dim")
    return out


class GoToProvider(Provider):
    """Go to any record by name, number, email, phone or city (full-text)."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        found = [(kind, finder(query, limit=HITS_PER_KIND), extra)
                 for kind, finder, extra in sources()]  # fmt: skip
        # the kinds found line up; a kind with nothing found takes no room
        width = max((len(kind.label) for kind, rows, _ in found if rows), default=0)
        hits = []
        for kind, rows, extra in found:
            for index, row in enumerate(rows):
                score = 1.0 - index * 0.08
                hits.append(
                    Hit(
                        score,
                        _label(kind.name, width, row["name"], extra(row)),
                        guarded(self, partial(self.app.open_record, kind.name, row["id"])),
                        text=f"{kind.label} {clean(row['name'])}",
                        help=f"Open this {display.kind_noun(kind.name)}",
                    )
                )
        for hit in sorted(hits, key=lambda h: -h.score):
            yield hit
