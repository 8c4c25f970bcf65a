"""A knowledge article, rendered from its Markdown, with its lifecycle keys:
s submit, A approve, X reject, P publish, H archive, N new version; r rates
it, l links it to the case it was opened from (or to one picked from the
person's cases), y / Y copy its text or its reference (to the terminal's
clipboard, OSC 52), V lists its versions; / goes back to the search, as it
goes to the filter of a list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.markdown import Markdown
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common import routes
from crm_tui.screens.common.access_keys import AccessKeys, keyed
from crm_tui.screens.common.calls import confirm_then, direct
from crm_tui.screens.common.date_field import date_spec
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.knowledge.explained_keys import ExplainedKeys
from crm_tui.services.knowledge import kb
from crm_tui.text import clean, safe_line
from crm_tui.widgets.article_list import STATE_STYLE
from crm_tui.widgets.record_form import FieldSpec

# The cases it helped, listed under the article.
HELPED_SHOWN = 10


def rendered(body: str) -> Markdown:
    """The body as Markdown, literally: control characters dropped, links
    shown as "text (url)" and never sent to the terminal as hyperlinks."""
    return Markdown(clean(body, multiline=True), hyperlinks=False)


class ArticleScreen(ExplainedKeys, AccessKeys, Screen):
    CSS_PATH = styles.path("knowledge.tcss")
    BINDINGS = keys.bindings("article")
    KEY_SCOPE = "article"
    KIND = "article"
    ACCESS = {"edit": "write", "step": "write", "link_case": "append"}

    def access_target(self, action: str) -> tuple[str, int] | None:
        return ("article", self.article_id)

    def __init__(self, article_id: int, case_id: int | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        self.case_id = case_id
        self.article = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="article-title")
        with VerticalScroll(id="article-scroll"):
            yield Static(id="article-body")
            yield Static(id="article-cases")
        yield Static(id="article-status")
        yield Footer()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # keys that cannot apply to this article stay out of the footer
        row = self.article
        if row is None:
            return True
        if not self.access_allows(action):
            return False
        if action in ("link_case", "rate"):
            return row.state == "published"
        return True

    def why_not(self, action: str, parameters: tuple) -> str:
        if action in ("link_case", "rate") and self.access_allows(action):
            verb = "linked to a case" if action == "link_case" else "rated"
            state = kb.STATES[self.article.state].lower()
            return f"Only a published article can be {verb}: this one is {state}."
        return super().why_not(action, parameters)

    def on_mount(self) -> None:
        self.title = "Article"
        try:
            kb.record_view(self.article_id)
        except CrmError:
            pass  # a view that cannot be counted still shows the article
        self.refresh_data()
        self.query_one("#article-scroll").focus()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Read the article again (a colleague may have reviewed it)."""
        try:
            self.article = kb.get(self.article_id)
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            self.app.pop_screen()
            return
        row = self.article
        if not kb.can_see(row):
            self.notify("This version is not published and not yours to read.", severity="error")
            self.app.pop_screen()
            return
        self.query_one("#article-title", Static).update(self._title())
        self.query_one("#article-body", Static).update(rendered(row.body))
        self.query_one("#article-cases", Static).update(self._helped())
        self.query_one("#article-status", Static).update(self._status())
        self.refresh_bindings()

    def _title(self) -> Text:
        row = self.article
        title = safe_line(row.title, "bold")
        title.append(f"\n{kb.display_number(row)}  ", style="dim")
        title.append(kb.STATES[row.state], style=STATE_STYLE[row.state])
        if row.state == "approved" and row.publish_on:
            title.append(f" (publishes {display.day(row.publish_on)})", style="cyan")
        if row.subject_id:
            from crm_tui.services import records

            title.append("  ·  ", style="dim")
            title.append_text(safe_line(records.title_of("subject", row.subject_id), "dim"))
        title.append(f"  ·  {kb.LANGUAGES.get(row.language, row.language)}", style="dim")
        extras = [display.rating(row), f"{row.view_count} views"]
        if row.helped_count:
            extras.append(f"helped {row.helped_count} case{'' if row.helped_count == 1 else 's'}")
        title.append("  ·  " + " · ".join(e for e in extras if e), style="dim")
        if row.review_comment and row.state in ("draft", "approved"):
            title.append("\nReviewer: ", style="bold yellow")
            title.append_text(safe_line(row.review_comment))
        return title

    def _helped(self) -> Text:
        """The cases this article helped resolve, newest first."""
        found = kb.linked_cases(self.article_id, limit=HELPED_SHOWN)
        if not found:
            return Text("")
        count = self.article.helped_count
        out = Text(f"\nHelped {count} case{'' if count == 1 else 's'}", style="bold")
        for case in found:
            out.append("\n  ")
            out.append_text(safe_line(case["number"], "dim"))
            out.append(" ")
            out.append_text(safe_line(case["title"]))
        if self.article.helped_count > len(found):
            out.append(f"\n  … and {self.article.helped_count - len(found)} more", style="dim")
        return out

    def _status(self) -> Text:
        # the keys the footer leaves out (linking and rating are there), so
        # that the line fits in 80 columns
        hints = [f"{keys.step('article', s.key)} {s.title.lower()}" for s in self.legal_steps()]
        hints.append(
            keys.fill(
                "{article.copy} copy text · {article.copy_reference} copy reference · "
                "{article.versions} versions"
            )
        )
        return Text(" · ".join(hints), style="dim")

    # --- lifecycle ---------------------------------------------------------------------

    def legal_steps(self) -> list[Step]:
        row = self.article
        reviewer = kb.is_reviewer(row)
        return [s for s in STEPS if row.state in s.states and (reviewer or not s.reviewer)]

    def action_step(self, key: str) -> None:
        step = next((s for s in self.legal_steps() if s.key == key), None)
        if step is None:
            state = kb.STATES[self.article.state].lower()
            blocked = next(
                (s for s in STEPS if s.key == key and self.article.state in s.states), None
            )
            if blocked is not None:
                message = (
                    f"Only a reviewer can {blocked.title.lower()} it: a manager, an admin, "
                    "or the reviewer the article names."
                )
            else:
                others = ", ".join(
                    f"{keys.step('article', s.key)} {s.title.lower()}" for s in self.legal_steps()
                )
                message = f"Not while the article is {state}" + (
                    f" (here: {others})." if others else "."
                )
            self.notify(message, severity="warning")
            return
        step.run(self)

    def _done(self, text: str) -> Callable[[object], None]:
        def done(result) -> None:
            if result:
                self.notify(text)
                self.refresh_data()

        return done

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_search(self) -> None:
        """Back to the search the article was found with (past any article
        opened from this one), its box focused; an article opened from
        elsewhere gives way to a new search."""
        # the search opens articles: imported by name, as routes do, not in a circle
        search = routes.screen_class("knowledge.knowledge_search", "KnowledgeScreen")
        below = self.app.screen_stack[:-1]
        for depth, screen in enumerate(reversed(below), 1):
            if isinstance(screen, search):
                for _ in range(depth):
                    self.app.pop_screen()
                screen.action_focus_search()
                return
            if not isinstance(screen, ArticleScreen):
                break
        self.app.switch_screen(search(case_id=self.case_id))

    def action_edit(self) -> None:
        if self.article.state != "draft":
            hint = (
                "N makes a new version to edit"
                if self.article.state != "in_review"
                else ("a reviewer must approve or reject it first")
            )
            self.notify(f"Only a draft can be edited: {hint}.", severity="warning")
            return
        from crm_tui.screens.knowledge.article_form import ArticleFormScreen

        self.app.push_screen(ArticleFormScreen(self.article_id), lambda _: self.refresh_data())

    def action_link_case(self) -> None:
        from crm_tui.screens.knowledge.case_picker import link_to_case

        heading = Text.assemble(
            (kb.display_number(self.article), "bold"), " ", safe_line(self.article.title)
        )
        link_to_case(self, self.article_id, heading, self.case_id, self.refresh_data)

    def action_rate(self) -> None:
        mine = kb.my_rating(self.article_id)
        options = [("★" * n + "☆" * (5 - n) + f"  {n}", n) for n in range(5, 0, -1)]
        self.app.push_screen(
            form_modal(
                self.app,
                Text.assemble(("Rate ", "bold"), safe_line(self.article.title, "bold")),
                [FieldSpec("stars", "Stars", "select", options)],
                lambda v: kb.rate(self.article_id, v["stars"]),
                values={"stars": mine or 5},
                save_label="rate",
            ),
            self._done("Thanks: rated."),
        )

    def action_copy_text(self) -> None:
        row = self.article
        self.app.copy_to_clipboard(f"{clean(row.title)}\n\n{clean(row.body, multiline=True)}")
        self.notify("Article text copied to the clipboard.")

    def action_copy_reference(self) -> None:
        row = self.article
        self.app.copy_to_clipboard(f"{kb.display_number(row)} {clean(row.title)}")
        self.notify(f"Copied {kb.display_number(row)}: ctrl+p finds it by that number.")

    def action_versions(self) -> None:
        rows = kb.versions(self.article.number)
        options = [
            (f"v{r['major']}.{r['minor']}  {kb.STATES[r['state']]}  {r['title']}", r["id"])
            for r in rows
        ]

        def chosen(result) -> None:
            if result is not None and result[1] != self.article_id:
                self.app.switch_screen(ArticleScreen(result[1], case_id=self.case_id))

        self.app.push_screen(
            form_modal(
                self.app,
                Text.assemble(("Versions of ", "bold"), safe_line(self.article.number, "bold")),
                [FieldSpec("article_id", "Version", "select", options)],
                lambda v: ("version", v["article_id"]),
                values={"article_id": self.article_id},
                save_label="open",
            ),
            chosen,
        )

    def record_actions(self):
        actions = []
        if self.article is None:
            return actions
        if self.article.state == "published":
            which = "the case" if self.case_id is not None else "a case"
            actions.append((f"Link to {which}",
                            keys.fill("It helped: noted on the case ({article.link_case})"),
                            keyed("link_case", self.action_link_case)))  # fmt: skip
        if self.article.state == "draft":
            actions.append(("Edit this article", keys.fill("({detail.edit})"), self.action_edit))
        for step in self.legal_steps():
            actions.append((f"{step.title}", f"{step.help} ({keys.step('article', step.key)})",
                            keyed("step", lambda s=step: self.action_step(s.key))))  # fmt: skip
        if self.article.state == "published":
            actions.append(
                ("Rate this article", keys.fill("1 to 5 stars ({article.rate})"), self.action_rate)
            )
        actions += [
            (
                "Copy the article's text",
                keys.fill("To the clipboard ({article.copy})"),
                self.action_copy_text,
            ),
            (
                "Copy its reference",
                keys.fill("KA-… and title ({article.copy_reference})"),
                self.action_copy_reference,
            ),
            (
                "Versions",
                keys.fill("Every version stays readable ({article.versions})"),
                self.action_versions,
            ),
        ]
        return actions


# --- the lifecycle steps, as data --------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    help: str
    states: tuple[str, ...]
    run: Callable[[ArticleScreen], None]
    reviewer: bool = False  # only a reviewer of the article may take it


def _heading(verb: str, screen: ArticleScreen) -> Text:
    row = screen.article
    return Text.assemble(
        (f"{verb} ", "bold"), (kb.display_number(row), "bold"), " ", safe_line(row.title)
    )


def _submit(screen: ArticleScreen) -> None:
    row = screen.article
    direct(
        screen,
        lambda: kb.submit(row.id, row.version),
        "Sent for review.",
        lambda _: screen.refresh_data(),
    )


def _review(approve: bool):
    def run(screen: ArticleScreen) -> None:
        row = screen.article
        call = kb.approve if approve else kb.reject
        screen.app.push_screen(
            form_modal(
                screen.app,
                _heading("Approve" if approve else "Reject", screen),
                [FieldSpec("comment", "Comment", "multiline", required=not approve)],
                lambda v: call(row.id, row.version, v["comment"]),
                intro="" if approve else "It goes back to its author as a draft, with this.",
                save_label="approve" if approve else "reject",
            ),
            screen._done("Approved: it can be published." if approve else "Sent back to draft."),
        )

    return run


def _publish(screen: ArticleScreen) -> None:
    row = screen.article
    screen.app.push_screen(
        form_modal(
            screen.app,
            _heading("Publish", screen),
            [date_spec("on", "On", empty="now")],
            lambda v: kb.publish(row.id, row.version, (v["on"] or "").strip() or None),
            values={"on": display.day(row.publish_on)},
            intro="A later date schedules it: it publishes itself that day.",
            save_label="publish",
        ),
        screen._done("Published (or scheduled)."),
    )


def _archive(screen: ArticleScreen) -> None:
    row = screen.article
    confirm_then(
        screen,
        _heading("Archive", screen),
        lambda: kb.archive(row.id, row.version),
        detail="It leaves the search; it stays readable under its versions.",
        done_text="Archived.",
    )


def _new_version(screen: ArticleScreen) -> None:
    row = screen.article
    options = [(f"Minor: v{row.major}.x", False), (f"Major: v{row.major + 1}.0", True)]

    def opened(result) -> None:
        if result:
            from crm_tui.screens.knowledge.article_form import ArticleFormScreen

            screen.app.switch_screen(ArticleScreen(result.id, case_id=screen.case_id))
            screen.app.push_screen(ArticleFormScreen(result.id))

    screen.app.push_screen(
        form_modal(
            screen.app,
            _heading("New version of", screen),
            [FieldSpec("major", "Version", "select", options)],
            lambda v: kb.new_version(row.id, major=v["major"]),
            values={"major": False},
            intro="A draft copy to edit; readers see this one until the new one is published.",
            save_label="make the draft",
        ),
        opened,
    )


STEPS = [
    Step("s", "Submit for review", "A reviewer approves or rejects it", ("draft",), _submit),
    Step("A", "Approve", "It can then be published", ("in_review",), _review(True),
         reviewer=True),
    Step("X", "Reject", "Back to draft with a comment", ("in_review", "approved"),
         _review(False), reviewer=True),
    Step("P", "Publish", "Now, or on a date", ("approved",), _publish, reviewer=True),
    Step("H", "Archive", "Out of the search; still readable", ("published",), _archive,
         reviewer=True),
    Step("N", "New version", "A draft copy to change", ("published", "archived", "expired"),
         _new_version),
]  # fmt: skip
