"""Command-palette providers: "go to" any record, and the actions valid for
the focused record (only legal transitions)."""

from __future__ import annotations

import importlib
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from crm_tui.text import clean

# kind, label, the service module whose find_by_name searches it, and the
# detail shown beside a hit. Modules are imported on the first search: the
# palette must not slow the app's start.
GOTO_SOURCES = [
    ("account", "Account", "customers.accounts", lambda r: r.get("city") or ""),
    (
        "contact",
        "Contact",
        "customers.contacts",
        lambda r: r.get("account") or r.get("email") or "",
    ),
    ("lead", "Lead", "sales.leads", lambda r: r.get("company_name") or ""),
    ("opportunity", "Opportunity", "sales.opportunities", lambda r: r.get("customer") or ""),
    ("quote", "Quote", "sales.quotes", lambda r: r.get("display_number") or ""),
    ("order", "Order", "sales.orders", lambda r: r.get("display_number") or ""),
    ("invoice", "Invoice", "sales.invoices", lambda r: r.get("display_number") or ""),
    ("case", "Case", "support.cases", lambda r: r.get("number") or ""),
    (
        "contract",
        "Contract",
        "support.contracts",
        lambda r: f"{r.get('number')} {r.get('customer')}",
    ),
    ("article", "Article", "knowledge.kb_search", lambda r: r.get("display_number") or ""),
    ("product", "Product", "sales.products", lambda r: r.get("product_number") or ""),
    ("competitor", "Competitor", "sales.competitors", lambda r: r.get("website") or ""),
]


def _finder(module: str):
    return importlib.import_module(f"crm_tui.services.{module}").find_by_name


def _guarded(provider: Provider, callback):
    """The command run through the app's reporting of refusals and faults."""
    guard = getattr(provider.app, "guarded", None)
    return guard(callback) if guard is not None else callback


def _label(kind: str, name: str, extra: str) -> Text:
    out = Text()
    out.append(f"{kind:<11} ", style="dim")
    out.append(clean(name))
    if extra:
        out.append(f"  {clean(extra)}", style="dim")
    return out


class GoToProvider(Provider):
    """Go to any record by name, number, email, phone or city (full-text)."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        hits = []
        for kind, label, module, extra in GOTO_SOURCES:
            for index, row in enumerate(_finder(module)(query, limit=8)):
                score = 1.0 - index * 0.08
                hits.append(
                    Hit(
                        score,
                        _label(label, row["name"], extra(row)),
                        _guarded(self, partial(self.app.open_record, kind, row["id"])),
                        text=f"{label} {clean(row['name'])}",
                        help=f"Open this {kind}",
                    )
                )
        for hit in sorted(hits, key=lambda h: -h.score):
            yield hit


class RecordActionsProvider(Provider):
    """What can be done to the record on screen or under the cursor."""

    def _actions(self):
        actions = getattr(self.screen, "record_actions", None)
        if actions is None:
            return []
        # An action the screen's keys refuse (its role does not allow it) is
        # not offered here either.
        return [a for a in actions() if self._offered(a[2])]

    def _offered(self, callback) -> bool:
        # a bound action_* method, or a callable a screen tagged with its action
        action = getattr(callback, "action", None)
        if action is None:
            name = getattr(callback, "__name__", "")
            if (
                not name.startswith("action_")
                or getattr(callback, "__self__", None) is not self.screen
            ):
                return True
            action = name.removeprefix("action_")
        return self.screen.check_action(action, ()) is not False

    async def discover(self) -> Hits:
        for title, help_text, callback in self._actions():
            yield DiscoveryHit(Text(title), _guarded(self, callback), text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._actions():
            score = matcher.match(title)
            if score > 0:
                # matcher.highlight() parses markup; titles are shown literally instead
                yield Hit(score, Text(title), _guarded(self, callback), text=title, help=help_text)


def record_actions(kind: str, state: str | None, edit, log, toggle) -> list[tuple]:
    """The palette actions every record has: edit, log an activity, and the
    one state change that is legal now (none when `state` is unknown)."""
    actions = [
        (f"Edit this {kind}", "Change its fields", edit),
        ("Log an activity", "Call, email, meeting, task, letter or note", log),
    ]
    if state == "active":
        actions.append((f"Deactivate this {kind}", "Hide it from active views", toggle))
    elif state is not None:
        actions.append((f"Reactivate this {kind}", "Bring it back to active views", toggle))
    return actions
