"""Pick the case an article is linked to, when the article was not opened
from one: the person's own active cases come first, most recently touched
first; typing a number, a title or a customer narrows the list (and finds
any other case they may read). Enter links the highlighted case; a refusal
stays in the modal with what was typed."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common import calls
from crm_tui.text import safe, safe_line

# As in the search: a fast typist's burst costs one query.
TYPING_DEBOUNCE = 0.08


def choice_text(row: dict) -> Text:
    """How a case reads in the picker: its number and title, then whose it
    is and where it stands."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append_text(safe_line(row["number"], "dim"))
    out.append(" ")
    out.append_text(safe_line(row["title"], "bold"))
    if row["linked"]:
        out.append("  ✓ linked", style="green")
    # what tells two cases apart first: a long customer name is cut, not these
    details = [
        display.reason("case", row["status_reason"]),
        f"touched {display.time(row['modified_at'])}",
    ]
    if not row["mine"]:
        details.append(row["owner"])
    if row["customer"]:
        details.append(row["customer"])
    out.append("\n")
    out.append_text(safe_line(" · ".join(details), "dim"))
    return out


class CasePickerModal(ModalScreen[dict | None]):
    """Dismisses with the case linked, or None on escape."""

    CSS_PATH = [styles.path("modals.tcss"), styles.path("knowledge.tcss")]
    BINDINGS = keys.bindings("case_picker")
    # -tall shows more cases where the terminal has the lines (knowledge.tcss)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(
        self,
        heading: Text,
        choices: Callable[[str], list[dict]],
        link: Callable[[dict], object],
    ) -> None:
        super().__init__()
        self.heading = heading
        self.choices = choices
        self.link = link
        self.rows: list[dict] = []
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="case-pick-box", classes="modal-box"):
            yield Static(self.heading, id="case-pick-title")
            yield Input(placeholder="a case's number, title or customer", id="case-pick-query")
            yield OptionList(id="case-pick-list")
            yield Static(id="case-pick-message")
            yield Static(
                Text(
                    keys.fill(
                        "enter links · {lookup.previous}/{lookup.next} choose · "
                        "{form.cancel} cancel"
                    ),
                    style="dim",
                ),
                classes="modal-keys",
            )

    @property
    def options(self) -> OptionList:
        return self.query_one("#case-pick-list", OptionList)

    @property
    def typed(self) -> str:
        return self.query_one("#case-pick-query", Input).value

    def on_mount(self) -> None:
        self.load()
        self.query_one("#case-pick-query", Input).focus()

    def load(self) -> None:
        self._debounce = None
        rows = calls.loaded(self, lambda: self.choices(self.typed), [])
        self.rows = rows
        options = self.options
        options.clear_options()
        options.add_options([Option(choice_text(row), id=str(row["id"])) for row in rows])
        if rows:
            options.highlighted = 0
        options.display = bool(rows)
        if rows:
            self._message("")
        elif self.typed.strip():
            self._message("No case matches: try its number (CAS-…), a word of its title or "
                          "its customer.")  # fmt: skip
        else:
            self._message("You have no active cases: type a case's number, title or customer "
                          "to find it.")  # fmt: skip

    def _message(self, text: str, style: str = "yellow") -> None:
        box = self.query_one("#case-pick-message", Static)
        box.update(safe(text, style))
        box.display = bool(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(TYPING_DEBOUNCE, self.load)

    def action_next_match(self) -> None:
        self.options.action_cursor_down()

    def action_previous_match(self) -> None:
        self.options.action_cursor_up()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            # enter may beat the debounce: choose among what was typed
            self._debounce.stop()
            self.load()
        highlighted = self.options.highlighted
        if not self.rows or highlighted is None:
            return  # the message under the box already says why
        self.choose(self.rows[highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(self.rows[event.option_index])

    def choose(self, row: dict) -> None:
        try:
            self.link(row)
        except CrmError as exc:
            self._message(str(exc), "bold red")
            calls.offer_retry(self, exc, lambda: self.choose(row))
            return
        self.dismiss(row)

    def action_cancel(self) -> None:
        self.dismiss(None)


def linked_text(number: str, title: str) -> Text:
    """The toast after a link: the case by its number and title."""
    return Text.assemble(
        "Linked to ", safe_line(number), " (", safe_line(title), "); the case's timeline notes it."
    )


def link_to_case(
    screen, article_id: int, heading: Text, case_id: int | None, done: Callable[[], None]
) -> None:
    """`l` on an article, opened or highlighted in the results: link it to the
    case it was found from, or to a case the person picks; a toast names the
    case, then `done` redraws what the link changed."""
    from crm_tui.services.knowledge import kb

    if case_id is not None:
        from crm_tui.services.support import cases

        def link():
            kb.link_case(article_id, case_id)
            return cases.get(case_id)

        def linked_case(case) -> None:
            screen.notify(linked_text(case.number, case.title))
            done()

        calls.direct(screen, link, "", linked_case)
        return

    def linked(row) -> None:
        if row is not None:
            screen.notify(linked_text(row["number"], row["title"]))
            done()

    screen.app.push_screen(
        CasePickerModal(
            Text.assemble(("Link to a case: ", "bold"), heading),
            lambda typed: kb.cases_to_link(article_id, typed),
            lambda row: kb.link_case(article_id, row["id"]),
        ),
        linked,
    )
