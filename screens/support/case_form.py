"""Log or edit a case."""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer

from crm_tui import keys, styles
from crm_tui.errors import ConflictError, CrmError
from crm_tui.screens.common import calls
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.customers.account_form import _account_matches, owner_options
from crm_tui.screens.sales.document_form import _contact_matches
from crm_tui.services import records, users
from crm_tui.services.support import cases, queues
from crm_tui.widgets.record_form import FieldSpec

LOOKUPS = {"account_id": "account", "contact_id": "contact"}


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(label, key) for key, label in labels.items()]


# Typing pauses this long before the suggestions are searched again.
SUGGEST_DEBOUNCE = 0.3


class CaseFormScreen(RecordFormScreen):
    KIND = "case"
    CSS_PATH = [styles.path("forms.tcss"), styles.path("suggestions.tcss")]
    BINDINGS = keys.bindings("case_form")

    def __init__(self, record_id: int | None, preset: dict | None = None) -> None:
        super().__init__(record_id, preset)
        self._suggest_timer: Timer | None = None
        # articles to link once the case is saved (a new case has no id yet)
        self.pending_links: dict[int, dict] = {}

    # --- suggested articles -------------------------------------------------------------

    def compose_side(self):
        from crm_tui.widgets.suggestion_panel import SuggestionPanel

        yield SuggestionPanel(
            keys.fill("{case_form.link_article} links the highlighted one · enter opens it")
        )

    def on_resize(self) -> None:
        self.query_one("#kb-side").display = self.size.width >= 100

    def on_input_changed(self, event) -> None:
        if event.input.id == "field-title":
            self._suggest_soon()

    def on_text_area_changed(self, event) -> None:
        if event.text_area.id == "field-description":
            self._suggest_soon()

    def _suggest_soon(self) -> None:
        if self._suggest_timer is not None:
            self._suggest_timer.stop()
        self._suggest_timer = self.set_timer(SUGGEST_DEBOUNCE, self.refresh_suggestions)

    def refresh_suggestions(self) -> None:
        """Articles for the title and description as typed so far."""
        from crm_tui.services.knowledge import kb, kb_search
        from crm_tui.widgets.suggestion_panel import SuggestionPanel

        values = self.form.values()
        linked = kb.linked_articles(self.record_id) if self.record_id else []
        linked += [row for row in self.pending_links.values()]
        suggested = kb_search.suggest(
            values.get("title"),
            values.get("description"),
            exclude=tuple(row["id"] for row in linked),
        )
        self.query_one(SuggestionPanel).show(linked, suggested)

    def on_option_list_option_selected(self, event) -> None:
        if event.option_list.id == "kb-suggestions":
            from crm_tui.screens.knowledge.article_view import ArticleScreen

            self.app.push_screen(ArticleScreen(int(event.option.id), case_id=self.record_id))

    def action_link_article(self) -> None:
        from crm_tui.services.knowledge import kb
        from crm_tui.widgets.suggestion_panel import SuggestionPanel

        article = self.query_one(SuggestionPanel).articles.current
        if article is None or article.get("linked"):
            self.notify("Highlight a suggested article first (tab to the list).")
            return
        if self.record_id is not None:
            try:
                kb.link_case(article["id"], self.record_id)
            except CrmError as exc:
                # beside the fields, like a refused save; a busy database offers the link again
                self._message(str(exc))
                calls.offer_retry(self, exc, self.action_link_article)
                return
        else:
            self.pending_links[article["id"]] = article
        self.notify(
            Text.assemble(
                ("Linked " if self.record_id else "Will link ", ""),
                (article["display_number"], "bold"),
                "" if self.record_id else " when the case is saved.",
            )
        )
        self.refresh_suggestions()

    def link_pending(self, case_id: int) -> None:
        """Link the articles marked while the case was being written."""
        from crm_tui.services.knowledge import kb

        for article_id in self.pending_links:
            try:
                kb.link_case(article_id, case_id)
            except CrmError as exc:
                self.notify(Text(str(exc)), severity="warning")

    def specs(self) -> list[FieldSpec]:
        specs = [
            FieldSpec("title", "Title", required=True, placeholder="what the customer needs"),
            FieldSpec("account_id", "Account", "lookup", lookup=_account_matches),
            FieldSpec("contact_id", "Contact", "lookup", lookup=_contact_matches),
            FieldSpec("case_type", "Type", "select", _choices(cases.TYPES)),
            FieldSpec("origin", "Origin", "select", _choices(cases.ORIGINS)),
            FieldSpec("priority", "Priority", "select", _choices(cases.PRIORITIES)),
            FieldSpec("severity", "Severity", "select", _choices(cases.SEVERITIES)),
            FieldSpec("subject", "Subject", placeholder="e.g. Billing, Login, Sync"),
        ]
        if self.record_id is None:
            # the queue and owner of an existing case change with m / o / t
            queue_options = [("(route by the rules)", None)] + [
                (q["name"], q["id"]) for q in queues.queues()
            ]
            specs += [
                FieldSpec("queue_id", "Queue", "select", queue_options),
                FieldSpec(
                    "owner_id", "Owner", "select", [("(nobody: the queue)", None)] + owner_options()
                ),
            ]
        return [*specs, FieldSpec("description", "Description", "multiline")]

    def load(self):
        if self.record_id is None:
            values = {
                "case_type": "question",
                "origin": "phone",
                "priority": "normal",
                "severity": "default",
                "queue_id": None,
                "owner_id": None,
            }
            labels = {
                name: records.title_of(kind, self.preset[name])
                for name, kind in LOOKUPS.items()
                if self.preset.get(name)
            }
            return values, labels, None, "New case"
        row = cases.get(self.record_id)
        values = {
            "title": row.title,
            "account_id": row.account_id,
            "contact_id": row.contact_id,
            "case_type": row.case_type,
            "origin": row.origin,
            "priority": row.priority,
            "severity": row.severity,
            "subject": row.subject,
            "description": row.description,
        }
        labels = {
            name: records.title_of(kind, values[name])
            for name, kind in LOOKUPS.items()
            if values.get(name)
        }
        return values, labels, row.version, f"Edit case · {row.number} {row.title}"

    def save(self, values: dict, version: int | None) -> int:
        if self.record_id is None:
            if values.get("owner_id") is None:
                values.pop("owner_id", None)
            case_id = cases.create(values).id
            self.link_pending(case_id)
            return case_id
        return cases.update(self.record_id, version, values).id

    def stored_display(self, error: ConflictError, name: str) -> str:
        current = error.current
        value = current.get(name.removesuffix("_id"), current.get(name))
        if name in LOOKUPS:
            return records.title_of(LOOKUPS[name], value) if value else ""
        if name == "owner_id":
            return users.name_of(value)
        return super().stored_display(error, name)
