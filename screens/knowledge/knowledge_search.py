"""The knowledge area (7): one search box over the articles, ranked, with the
searched words lit in each snippet; filters for state, subject and language."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, OptionList, Static

from crm_tui import db, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common.access_keys import AccessKeys
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.knowledge.explained_keys import ExplainedKeys
from crm_tui.services import records
from crm_tui.services.knowledge import kb, kb_search
from crm_tui.text import safe_line
from crm_tui.widgets.article_list import ArticleList
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_form import FieldSpec

# As in the lists: a fast typist's burst costs one search.
SEARCH_DEBOUNCE = 0.08
LIMIT = 50
# Results drawn with their snippets at once (a screenful); the rest get
# theirs a few at a time just after, so a search answers without waiting.
FIRST_SNIPPETS = 8
SNIPPET_BATCH = 10


class KnowledgeScreen(ExplainedKeys, AccessKeys, Screen):
    CSS_PATH = [styles.path("lists.tcss"), styles.path("knowledge.tcss")]
    BINDINGS = keys.bindings("knowledge")
    KEY_SCOPE = "knowledge"
    KIND = "article"
    ACCESS = {"new": "create", "link_case": "append"}

    def _highlighted(self) -> dict | None:
        found = self.query(ArticleList)
        return found.first().current if found else None

    def access_target(self, action: str) -> tuple[str, int] | None:
        row = self._highlighted() if action == "link_case" else None
        return ("article", row["id"]) if row else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # l links the highlighted result: none, or one not published, has
        # nothing to link (the key then says why)
        if action == "link_case":
            row = self._highlighted()
            if row is None or row["state"] != "published":
                return False
        return super().check_action(action, parameters)

    def why_not(self, action: str, parameters: tuple) -> str:
        if action == "link_case" and self.access_allows(action):
            row = self._highlighted()
            if row is None:
                return keys.fill("No article is highlighted: search, then {article.link_case}.")
            state = kb.STATES[row["state"]].lower()
            return f"Only a published article can be linked to a case: this one is {state}."
        return super().why_not(action, parameters)

    def __init__(self, case_id: int | None = None, typed: str = "") -> None:
        super().__init__()
        # opened from a case: an article's l links it there
        self.case_id = case_id
        self.typed = typed
        self.state = "visible"
        self.language: str | None = None
        self.subject_id: int | None = None
        self._debounce: Timer | None = None
        # db.generation() the results were read at (None: not read)
        self._read_at: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="kb-bar"):
            yield Input(
                placeholder=keys.fill(
                    '{kb.search} search: words, "a phrase", print*, -word, a OR b'
                ),
                id="kb-query",
            )
            yield Static(id="kb-filters")
        yield ArticleList(id="kb-results")
        yield Static(id="kb-status")
        # ? and q stay at any width, then searching and linking; the filters'
        # keys are named on the status line too
        yield KeyFooter(
            ("app.help", "kb.search", "article.link_case", "app.quit"),
            ("kb.new", "kb.state", "kb.subject", "kb.language"),
        )

    @property
    def results(self) -> ArticleList:
        return self.query_one("#kb-results", ArticleList)

    def on_mount(self) -> None:
        self.title = "Knowledge"
        box = self.query_one("#kb-query", Input)
        if self.typed:
            # from a case: its title, searched as plain words
            box.value = self.typed
        if self.case_id is not None:
            self.sub_title = keys.fill("{article.link_case} on an article links it to the case")
        self.refresh_data()
        box.focus()

    def on_screen_resume(self) -> None:
        # Back from an article or another area: search again only if anything
        # was written meanwhile (an article edited, another's commit).
        if self._read_at != db.generation():
            self.refresh_data()

    # --- searching ---------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Search again (another process may have published or edited)."""
        if not self.is_mounted:
            return  # on_mount searches
        generation = db.generation()
        try:
            rows = kb_search.search(
                self.typed,
                state=self.state,
                subject_id=self.subject_id,
                language=self.language,
                limit=LIMIT,
                snippets=FIRST_SNIPPETS,
            )
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            rows, generation = [], None
        self._read_at = generation
        self.results.show(rows)
        self.refresh_bindings()
        self._show_status(rows)
        if len(rows) > FIRST_SNIPPETS:
            self.set_timer(0.01, lambda shown=rows: self._add_snippets(shown))

    def _add_snippets(self, shown: list[dict]) -> None:
        if self.results.rows is not shown:
            return  # another search replaced these results
        waiting = [row for row in shown if row.get("snippet") is None][:SNIPPET_BATCH]
        for row in waiting:
            self.results.update_row(kb_search.add_snippet(row))
        if waiting:
            self.set_timer(0.01, lambda: self._add_snippets(shown))

    def action_refresh_data(self) -> None:
        self.refresh_data()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "kb-query":
            return
        self.typed = event.value
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_DEBOUNCE, self.refresh_data)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "kb-query":
            return
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
            self.refresh_data()
        self.results.focus()
        if self.results.current_id is not None:
            self._open(self.results.current_id)

    def on_key(self, event) -> None:
        # As a list's filter box: down or escape leave the box for the results
        # (where the app's keys work again); escape there clears the search.
        box = self.query_one("#kb-query", Input)
        if box.has_focus and event.key in ("down", "escape"):
            self.results.focus()
            event.stop()
            event.prevent_default()

    def _show_status(self, rows: list[dict]) -> None:
        filters = Text()
        filters.append(kb_search.STATE_FILTERS[self.state], style="bold")
        if self.subject_id is not None:
            path = records.title_of("subject", self.subject_id)
            filters.append("  ·  ")
            filters.append_text(safe_line(path))
        if self.language:
            filters.append(f"  ·  {kb.LANGUAGES[self.language]}")
        self.query_one("#kb-filters", Static).update(filters)
        status = Text()
        if not rows:
            status.append("No article matches." if self.typed.strip() else "No articles yet.")
            status.append(
                keys.fill("  {kb.new} writes one.")
                if not self.typed.strip()
                else keys.fill("  {kb.clear} clears.")
            )
        elif self.typed.strip():
            status.append(f"{len(rows)}{'+' if len(rows) == LIMIT else ''} best matches")
        else:
            # the box's placeholder says how to search: this line keeps to 80 columns
            status.append(f"{len(rows)} most helpful articles")
        status.append(
            keys.fill("   {kb.state} state · {kb.subject} subject · {kb.language} language")
            + " · enter opens",
            style="dim",
        )
        self.query_one("#kb-status", Static).update(status)

    # --- filters -----------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#kb-query", Input).focus()

    def action_clear(self) -> None:
        box = self.query_one("#kb-query", Input)
        if box.value:
            box.value = ""
            self.typed = ""
            self.refresh_data()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_next_state(self) -> None:
        keys = list(kb_search.STATE_FILTERS)
        self.state = keys[(keys.index(self.state) + 1) % len(keys)]
        self.refresh_data()

    def action_next_language(self) -> None:
        keys = [None, *kb.LANGUAGES]
        self.language = keys[(keys.index(self.language) + 1) % len(keys)]
        self.refresh_data()

    def action_pick_subject(self) -> None:
        options = [("(every subject)", None)] + [
            ("  " * s["depth"] + s["name"], s["id"]) for s in kb.subjects()
        ]

        def chosen(result) -> None:
            if result is not None:
                self.subject_id = result[1]
                self.refresh_data()

        self.app.push_screen(
            form_modal(
                self.app,
                "Articles under the subject",
                [FieldSpec("subject_id", "Subject", "select", options)],
                lambda v: ("subject", v["subject_id"]),
                values={"subject_id": self.subject_id},
                save_label="filter",
            ),
            chosen,
        )

    # --- opening and writing -----------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # whether l links anything follows the highlighted result
        self.refresh_bindings()

    def action_link_case(self) -> None:
        from crm_tui.screens.knowledge.case_picker import link_to_case

        row = self.results.current
        if row is None:
            return
        heading = Text.assemble((row["display_number"], "bold"), " ", safe_line(row["title"]))
        link_to_case(self, row["id"], heading, self.case_id, self.refresh_data)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(int(event.option.id))

    def _open(self, article_id: int) -> None:
        from crm_tui.screens.knowledge.article_view import ArticleScreen

        self.app.push_screen(ArticleScreen(article_id, case_id=self.case_id))

    def action_new(self) -> None:
        from crm_tui.screens.knowledge.article_form import ArticleFormScreen

        def saved(article_id) -> None:
            if article_id:
                self._open(article_id)

        self.app.push_screen(ArticleFormScreen(None), saved)

    def record_actions(self):
        actions = [
            ("New article", keys.fill("Write a draft ({kb.new})"), self.action_new),
            (
                "Filter by state",
                keys.fill("Published, drafts, in review… ({kb.state})"),
                self.action_next_state,
            ),
            ("Filter by subject", keys.fill("({kb.subject})"), self.action_pick_subject),
            ("Filter by language", keys.fill("({kb.language})"), self.action_next_language),
        ]
        row = self.results.current
        if row is not None:
            actions.insert(
                0, ("Open this article", row["display_number"], lambda: self._open(row["id"]))
            )
        return actions
